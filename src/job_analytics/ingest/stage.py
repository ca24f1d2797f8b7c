"""scrape_jobs: run the enabled sources concurrently and land their raw records in bronze.

Bronze is append-only. Per source and date the partition ``bronze/source=<s>/ingest_date=<d>/`` holds, for every
scrape attempt, its own immutable ``part-<attempt>.jsonl.gz`` (one line per raw record: ``{"source", "api",
"request_url", "fetched_at", "record"}``, the record exactly as sent, plus ``context`` when the page says
something about its records beside them, as Workable's account name) and ``_manifest-<attempt>.json`` (counts,
timings, errors, ``ok``, ``capped``, ``incremental``); ``_manifest.json`` indexes the attempts (rewritten after
each one; it holds nothing the attempts' manifests do not). Attempt ids sort by time. Nothing but retention
deletes or rewrites a part.

A re-run re-uses: when the date already has a complete scrape of a source (an attempt that is ok and not capped),
no request is made for it and the source reports ``re-used``; silver and gold then come out byte-identical. A
failed or capped earlier attempt is retried, and its records are added beside the earlier ones. ``rescrape=True``
(``job-analytics scrape --rescrape``, the DAG param ``rescrape``) forces a new fetch, which adds a part.

Every request of every source goes through ``RetryTransport``: a per-source rate limit, then retries with jittered
exponential backoff on 429, 5xx, timeouts and connection errors, honouring ``Retry-After``. Each source's limits
(rate, timeout, pages, records) are ``Settings.limits(name)``.

Incremental: a source's scrape starts from its ``scrape_state`` cursor (what earlier dates saw), and the state
advances only after the attempt's part and manifest are written, and only for a complete scrape (no error, not
capped), so nothing a failed or capped scrape missed is ever taken as seen. Re-use leaves the state as it is.
"""

from __future__ import annotations

import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import httpx

from job_analytics.core.errors import ConfigError, ScrapeFailed
from job_analytics.core.lake import Lake
from job_analytics.core.logs import kv
from job_analytics.ingest import state as scrape_state
from job_analytics.ingest.bronze import (
    attempts,
    is_complete,
    land,
    new_attempt_id,
    part_file,
    partition_index,
)
from job_analytics.ingest.http import RETRY_EXCEPTIONS, RETRY_STATUSES, USER_AGENT, RetryTransport, redact_url
from job_analytics.ingest.sources import Source, get_source, mapper_for

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)



@dataclass
class _Scrape:
    lines: list[bytes] = field(default_factory=list)
    apis: set[str] = field(default_factory=set)
    pages: int = 0
    duplicates: int = 0
    errors: list[dict[str, str | None]] = field(default_factory=list)
    requests: int = 0
    retries: int = 0
    capped: bool = False
    ids: set[str] = field(default_factory=set)  # for the scrape state
    newest_posted_at: datetime | None = None


def _fetch(source: Source, settings: Settings) -> _Scrape:
    """Read every page the source yields, up to its record cap; a failure ends the source with what it had,
    recorded in ``errors``."""
    result = _Scrape()
    limits = settings.limits(source.name)
    custom = getattr(source, "transport", None)  # the demo answers from recordings instead of the network
    transport = RetryTransport(
        custom() if custom else httpx.HTTPTransport(),
        max_attempts=settings.http_max_attempts,
        backoff_seconds=settings.http_backoff_seconds,
        backoff_max_seconds=settings.http_backoff_max_seconds,
        requests_per_second=0.0 if custom else limits.requests_per_second,
    )
    seen: set[str] = set()
    mappers: dict[str, Source | None] = {}
    try:
        with httpx.Client(
            base_url=source.base_url,
            headers={"User-Agent": USER_AGENT, **source.headers()},
            timeout=limits.timeout_seconds,
            transport=transport,
        ) as client, closing(source.pages(client)) as pages:
            for page in pages:
                result.pages += 1
                api = page.api or source.name
                result.apis.add(api)
                fetched_at = datetime.now(UTC).isoformat()
                head = {
                    "source": source.name,
                    "api": api,
                    "request_url": redact_url(page.url),
                    "fetched_at": fetched_at,
                }
                if page.context:
                    head["context"] = page.context
                for record in page.records:
                    key = json.dumps(record, sort_keys=True)
                    if key in seen:
                        result.duplicates += 1
                    seen.add(key)
                    line = json.dumps({**head, "record": record}, ensure_ascii=False, separators=(",", ":"))
                    result.lines.append(line.encode() + b"\n")
                    _observe(result, source, api, mappers, record)
                if limits.max_records is not None and len(result.lines) >= limits.max_records:
                    result.capped = True  # the page that reached the cap is kept whole: raw is never cut
                    break
    except Exception as exc:  # noqa: BLE001 - a failing source is reported, never fatal to the others
        result.errors.append(
            {"url": _error_url(exc, transport, source), "message": _describe(exc, transport)}
        )
    if source.cut_short and source.lists_whole_board:
        result.capped = True  # MAX_PAGES ended a board's list: the board was not read whole
    result.requests, result.retries = transport.requests, transport.retries
    return result


def _observe(result: _Scrape, source: Source, api: str, mappers: dict[str, Source | None], record: Any) -> None:
    """Note the record's id and posting time for the scrape state; a record that cannot be read is skipped here
    (it is in bronze all the same, and silver quarantines it)."""
    if api not in mappers:
        try:
            mappers[api] = mapper_for(api, source.settings)
        except ConfigError:  # a shape no mapper knows: silver quarantines its records
            mappers[api] = None
    mapper = mappers[api]
    if mapper is None:
        return
    try:
        posting = mapper.to_posting(record)
    except Exception:  # noqa: BLE001 - BadRecord, or anything an odd record makes a mapper raise
        return
    result.ids.add(posting.source_job_id if api == source.name else f"{api}:{posting.source_job_id}")
    posted = posting.posted_at
    if posted is not None and posted <= datetime.now(UTC) and (
        result.newest_posted_at is None or posted > result.newest_posted_at
    ):
        result.newest_posted_at = posted  # a posting dated in the future would hide real ones: never a watermark


def _error_url(exc: Exception, transport: RetryTransport, source: Source) -> str:
    if isinstance(exc, httpx.RequestError | httpx.HTTPStatusError):
        try:
            return redact_url(exc.request.url)
        except RuntimeError:  # an httpx error raised without its request
            pass
    return transport.last_url or redact_url(source.base_url)


def _describe(exc: Exception, transport: RetryTransport) -> str:
    """A short message with no payload, header or secret in it."""
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        suffix = f" (gave up after {transport.max_attempts} attempts)" if status in RETRY_STATUSES else ""
        return f"HTTP {status} {exc.response.reason_phrase}{suffix}"
    if isinstance(exc, json.JSONDecodeError):
        return f"response is not JSON ({transport.last_content_type or 'no content type'}): {exc.msg} at {exc.pos}"
    if isinstance(exc, RETRY_EXCEPTIONS):
        return f"{type(exc).__name__} (gave up after {transport.max_attempts} attempts): {exc}"[:300]
    return f"{type(exc).__name__}: {exc}"[:300]


def _scrape_source(name: str, settings: Settings, lake: Lake, day: date, rescrape: bool = False) -> dict[str, Any]:
    partition = lake.bronze_partition(name, day)
    landed = attempts(partition)
    if not rescrape and any(is_complete(m) for m in landed):
        index = partition_index(name, day, landed)
        log.info("source_reused %s", kv(source=name, day=day, records=index["records"], attempts=len(landed)))
        # what this run did: no request; the date's bronze is what the complete scrape landed
        return {**index, "requests": 0, "retries": 0, "pages": 0, "errors": [], "ok": True, "reused": True,
                "partition": str(partition)}

    started, clock = datetime.now(UTC), time.monotonic()
    source = get_source(name, settings)
    state_path = lake.source_state_path(name)
    if settings.incremental:
        source.cursor = scrape_state.load(state_path, name).cursor(day)
    scrape = _fetch(source, settings)
    seconds = round(time.monotonic() - clock, 3)
    attempt = new_attempt_id(started)
    manifest = {
        "source": name,
        "ingest_date": day.isoformat(),
        "attempt": attempt,
        "rescrape": rescrape,
        "apis": sorted(scrape.apis),
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "duration_s": seconds,
        "requests": scrape.requests,
        "retries": scrape.retries,
        "pages": scrape.pages,
        "records": len(scrape.lines),
        "duplicates_in_scrape": scrape.duplicates,
        "errors": scrape.errors,
        "ok": not scrape.errors,
        "capped": scrape.capped,
        "limits": settings.limits(name).model_dump(),
        "incremental": source.cursor.manifest() if source.cursor else None,
        "files": [part_file(attempt)] if scrape.lines else [],
    }
    index = land(partition, day, landed, manifest, scrape.lines)
    manifest = {**manifest, "reused": False, "partition": str(partition), "bronze_records": index["records"]}
    if not scrape.errors and not scrape.capped:  # bronze is in place: only now may the state advance
        try:
            scrape_state.record_run(
                state_path,
                name,
                day,
                ids=scrape.ids,
                newest=scrape.newest_posted_at,
                records=len(scrape.lines),
                window_days=settings.incremental_window_days,
            )
        except OSError as exc:  # the bronze stands; the next scrape just asks for more
            log.warning("scrape_state_not_saved %s", kv(source=name, path=state_path, error=str(exc)))
    for error in scrape.errors:
        log.warning("source_error %s", kv(source=name, url=error["url"], message=error["message"]))
    facts = {"source": name, "day": str(day), "attempt": attempt, **_counts(manifest), "seconds": seconds}
    log.info("source_done %s", kv(facts))
    return manifest


def _counts(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the stage summary says about one source."""
    counts = {k: manifest[k] for k in ("ok", "records", "pages", "requests", "retries")}
    return counts | {"errors": len(manifest["errors"]), "status": "re-used" if manifest.get("reused") else "scraped"}


# -- the stage --------------------------------------------------------------------------------------------------


def run(settings: Settings, day: date, *, rescrape: bool = False) -> dict[str, Any]:
    """Scrape every enabled source for ``day`` into bronze; raise ``ScrapeFailed`` below ``min_sources_ok``.

    A source whose date already holds a complete scrape is re-used (no request) unless ``rescrape``."""
    names = list(dict.fromkeys(settings.sources))
    for name in names:
        get_source(name, settings)  # an unknown name is a configuration error: fail before any request
    for name in settings.source_limits:  # e.g. JOB_ANALYTICS_JSERCH_MAX_PAGES: a typo would be silently ignored
        get_source(name, settings)
    lake = Lake.from_settings(settings)
    results: dict[str, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(8, len(names))), thread_name_prefix="scrape") as pool:
        futures = {name: pool.submit(_scrape_source, name, settings, lake, day, rescrape) for name in names}
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except Exception as exc:  # e.g. the partition could not be written
                log.exception("source_failed %s", kv(source=name, day=day))
                error = {"url": None, "message": f"{type(exc).__name__}: {exc}"[:300]}
                results[name] = dict.fromkeys(("records", "pages", "requests", "retries"), 0)
                results[name] |= {"ok": False, "errors": [error]}
    summary = {
        "day": day.isoformat(),
        "rescrape": rescrape,
        "reused": sorted(name for name, m in results.items() if m.get("reused")),
        "sources": {name: _counts(m) for name, m in results.items()},
        "records": sum(m["records"] for m in results.values()),
        "bronze": [m["partition"] for m in results.values() if "partition" in m],
    }
    lake.write_run_summary(day, "scrape", summary)
    ok = sum(m["ok"] for m in results.values())
    if ok < settings.min_sources_ok:
        failed = ", ".join(f"{n} ({m['errors'][0]['message']})" for n, m in results.items() if not m["ok"])
        raise ScrapeFailed(
            f"scrape {day}: {ok} of {len(names)} sources ok, {settings.min_sources_ok} needed; {failed}"
        )
    return summary
