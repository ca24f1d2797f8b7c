"""push_metrics_to_grafana: one day's run as Prometheus metrics, written to the lake and pushed over HTTP.

Built from the stages' run summaries (``runs/<d>/<stage>.json``) and the published catalog:

    job_analytics_source_records{source}          records scraped per source (and ``_source_ok`` 0/1)
    job_analytics_silver_rows · _quarantined_rows{reason} · _quarantine_rate (quarantined / bronze records)
    job_analytics_quality_gate_passed             1 passed, 0 failed (absent when the gate did not run)
    job_analytics_published_rows{table}
    job_analytics_stage_duration_seconds{stage}   for the stages that record their duration
    job_analytics_newest_posting_timestamp_seconds and ..._age_seconds (data freshness, from the catalog)

Format and transport — one choice, documented here: the **Prometheus text exposition format**, always written to
``metrics/<d>.prom`` and ``metrics/latest.prom`` (node_exporter's textfile collector can read the latter), and,
when a receiver is configured, sent with the **Pushgateway protocol** (prometheus_client's ``push_to_gateway``):
``PUT <base>/metrics/job/job_analytics/day/<d>`` with the same text as body. PUT replaces that day's whole group, so a re-run or backfill of a date overwrites its
metrics instead of mixing two runs. The receiver is ``JOB_ANALYTICS_METRICS_PUSH_URL`` (a Pushgateway, or any
endpoint speaking its protocol, e.g. a Grafana Alloy/Agent in front of Grafana Cloud; basic auth from
``METRICS_PUSH_USER``/``METRICS_PUSH_PASSWORD``), else the Airflow HTTP connection ``grafana_cloud`` (host, login,
password and extra headers, through the HTTP provider). A receiver outage is logged and never fails the run.
"""

from __future__ import annotations

import logging
import urllib.error
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit, urlunsplit

import duckdb
from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.exposition import (
    CONTENT_TYPE_LATEST,
    basic_auth_handler,
    default_handler,
    generate_latest,
    push_to_gateway,
)

from job_analytics.core.lake import Lake, write_bytes_atomic
from job_analytics.core.logs import kv

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

JOB = "job_analytics"


def run(settings: Settings, day: date, *, now: datetime | None = None, since: datetime | None = None) -> dict:
    """Build ``day``'s metrics, write the ``.prom`` files, push them when a receiver is configured.

    ``since``: ignore run summaries written before this instant (as in notifications). Idempotent per date:
    the files and the pushed group are replaced. Never raises for the receiver.
    """
    lake = Lake.from_settings(settings)
    now = now or datetime.now(UTC)
    summaries = lake.run_summaries(day, since)
    registry = collect(day, summaries, newest_posting(lake), now=now)
    body = generate_latest(registry)

    path = lake.root / "metrics" / f"{day.isoformat()}.prom"
    write_bytes_atomic(path, body)
    write_bytes_atomic(lake.root / "metrics" / "latest.prom", body)
    pushed_to = push(settings, day, registry, body)
    samples = sum(1 for line in body.decode().splitlines() if line and not line.startswith("#"))
    log.info("metrics_done %s", kv(day=day, samples=samples, pushed_to=pushed_to))
    return {"day": day.isoformat(), "path": str(path), "samples": samples, "pushed_to": pushed_to}


def collect(day: date, summaries: dict[str, dict], newest: datetime | None, *, now: datetime) -> CollectorRegistry:
    """The metrics as a registry of gauges (no timestamps: the Pushgateway refuses them)."""
    registry = CollectorRegistry()

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(f"{JOB}_{name}", doc, labels, registry=registry)

    gauge("run_day_timestamp_seconds", "The logical date of the run (UTC midnight).").set(
        datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    gauge("last_run_timestamp_seconds", "When these metrics were built.").set(now.timestamp())

    scrape = summaries.get("scrape")
    if scrape:
        records, ok = (gauge("source_records", "Records scraped per source.", ("source",)),
                       gauge("source_ok", "1 when the source was fetched without failing.", ("source",)))
        for source, info in sorted((scrape.get("sources") or {}).items()):
            records.labels(source).set(info.get("records", 0))
            ok.labels(source).set(1 if info.get("ok", True) else 0)

    process = summaries.get("process")
    if process:
        silver, quarantined = process.get("silver_rows", 0), process.get("quarantined", 0)
        gauge("silver_rows", "Silver rows written for the day.").set(silver)
        by_reason = gauge("quarantined_rows", "Rows quarantined, by reason.", ("reason",))
        for reason, n in sorted((process.get("quarantined_by_reason") or {}).items()):
            by_reason.labels(reason).set(n)
        seen = process.get("bronze_records") or (silver + quarantined)
        gauge("quarantine_rate", "Quarantined rows / bronze records (0..1).").set(quarantined / seen if seen else 0)

    gate = summaries.get("validate")
    if gate:
        gauge("quality_gate_passed", "1 when the quality gate passed, 0 when it failed.").set(
            1 if gate.get("success") else 0)
        gauge("quality_expectations_failed", "Expectations that failed.").set(len(gate.get("failed") or []))

    gauge("published", "1 when the day's gold was published.").set(1 if "publish" in summaries else 0)
    if "publish" in summaries:
        rows = gauge("published_rows", "Rows per published table.", ("table",))
        for table, n in sorted((summaries["publish"].get("tables") or {}).items()):
            rows.labels(table).set(n)

    durations = {stage: s["seconds"] for stage, s in summaries.items() if isinstance(s.get("seconds"), int | float)}
    if durations:
        seconds = gauge("stage_duration_seconds", "Wall time of the stages that record it.", ("stage",))
        for stage, value in durations.items():
            seconds.labels(stage).set(value)

    if newest is not None:
        gauge("newest_posting_timestamp_seconds", "posted_at of the newest published posting.").set(
            newest.timestamp())
        gauge("newest_posting_age_seconds", "Data freshness: now minus the newest published posted_at.").set(
            max(0.0, (now - newest).total_seconds()))
    return registry


def newest_posting(lake: Lake) -> datetime | None:
    """The newest ``posted_at`` in the published catalog, or None (no catalog yet, or it cannot be read)."""
    if not lake.catalog_path.exists():
        return None
    try:
        with lake.open_catalog() as con:
            con.execute("set TimeZone = 'UTC'")
            (newest,) = con.execute("select max(posted_at) from fct_job_postings").fetchone()
    except duckdb.Error as exc:
        log.warning("metrics_freshness_unknown %s", kv(error=type(exc).__name__))
        return None
    if newest is None:
        return None
    return newest if newest.tzinfo else newest.replace(tzinfo=UTC)


# -- push -------------------------------------------------------------------------------------------------------


def group_path(day: date) -> str:
    """The Pushgateway grouping key for a day: job ``job_analytics``, label ``day``."""
    return f"/metrics/job/{JOB}/day/{day.isoformat()}"


def push(settings: Settings, day: date, registry: CollectorRegistry, body: bytes) -> str | None:
    """Push the day's group to the receiver; returns where it went (no credentials), or None (not configured or
    failed). A Pushgateway URL goes through prometheus_client's ``push_to_gateway`` (PUT, grouping key ``day``)."""
    if settings.metrics_push_url:
        parts = urlsplit(settings.metrics_push_url)
        gateway = _without_userinfo(settings.metrics_push_url).rstrip("/")
        shown = gateway + group_path(day)
        user = settings.metrics_push_user or (unquote(parts.username) if parts.username else None)
        password = (settings.metrics_push_password.get_secret_value() if settings.metrics_push_password
                    else unquote(parts.password) if parts.password else None)
        handler = default_handler
        if user and password:
            def handler(url, method, timeout, headers, data):
                return basic_auth_handler(url, method, timeout, headers, data, user, password)
        try:
            push_to_gateway(gateway, job=JOB, registry=registry, grouping_key={"day": day.isoformat()},
                            timeout=settings.metrics_timeout_seconds, handler=handler)
        except urllib.error.HTTPError as exc:
            _log_failure(day, shown, f"HTTP {exc.code}")
            return None
        except OSError as exc:  # URLError (refused, no such host), timeouts
            reason = getattr(exc, "reason", exc)
            _log_failure(day, shown, f"unreachable ({type(reason).__name__})")
            return None
        return shown

    headers = {"Content-Type": CONTENT_TYPE_LATEST}
    hook = _http_hook(settings)
    if hook is None:
        return None
    shown = f"conn:{settings.metrics_conn_id}{group_path(day)}"
    try:
        hook.run(group_path(day), data=body, headers=headers,
                 extra_options={"timeout": settings.metrics_timeout_seconds})
    except Exception as exc:  # noqa: BLE001 - the provider raises AirflowException or requests' errors
        _log_failure(day, shown, type(exc).__name__)
        return None
    return shown


def _http_hook(settings: Settings) -> Any:
    """Airflow's HttpHook (PUT) on the metrics connection; None when Airflow or the connection is absent."""
    try:
        from airflow.providers.http.hooks.http import HttpHook

        HttpHook.get_connection(settings.metrics_conn_id)  # raises when the connection is not defined
        return HttpHook(method="PUT", http_conn_id=settings.metrics_conn_id)
    except Exception:  # noqa: BLE001 - not configured
        return None


def _log_failure(day: date, target: str, error: str) -> None:
    log.error("metrics_push_failed %s", kv(day=day, target=target, error=error))


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
