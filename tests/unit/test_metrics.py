"""Per-run metrics: the Prometheus text file, and the Pushgateway push against a local HTTP receiver."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime, timedelta

import duckdb
import pytest
from prometheus_client.parser import text_string_to_metric_families

from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.report import metrics
from tests.ports import free_port

DAY = date(2024, 1, 1)
NOW = datetime(2024, 1, 1, 7, 0, tzinfo=UTC)
NEWEST = datetime(2024, 1, 1, 4, 30, tzinfo=UTC)
PASSWORD = "pushgateway-pa55"
SUMMARIES = {
    "scrape": {"sources": {"demo": {"ok": True, "records": 254}, "remotive": {"ok": False, "records": 0}}},
    "process": {"bronze_records": 254, "silver_rows": 240, "quarantined": 14, "seconds": 1.25,
                "quarantined_by_reason": {"missing_id": 2, "duplicate_posting": 12}},
    "dbt": {"seconds": 3.5, "models": 5},
    "validate": {"success": True, "evaluated": 18, "failed": []},
    "publish": {"tables": {"fct_job_postings": 240, "dim_company": 36}},
}


@pytest.fixture(autouse=True)
def no_airflow_connection(monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_GRAFANA_CLOUD", raising=False)


@pytest.fixture
def lake(tmp_path) -> Lake:
    lake = Lake(tmp_path)
    for stage, summary in SUMMARIES.items():
        lake.write_run_summary(DAY, stage, summary)
    lake.catalog_path.parent.mkdir(parents=True)
    with duckdb.connect(str(lake.catalog_path)) as con:
        con.execute("create table fct_job_postings as select ?::timestamptz as posted_at", [NEWEST])
    return lake


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}



def test_prom_file_holds_the_runs_metrics(lake):
    out = metrics.run(Settings(lake_url=str(lake.root)), DAY, now=NOW)
    text = (lake.root / "metrics/2024-01-01.prom").read_text()
    assert (lake.root / "metrics/latest.prom").read_text() == text
    assert out["pushed_to"] is None and out["samples"] == len(samples(text))
    got = samples(text)
    assert got[("job_analytics_source_records", (("source", "demo"),))] == 254
    assert got[("job_analytics_source_ok", (("source", "remotive"),))] == 0
    assert got[("job_analytics_silver_rows", ())] == 240
    assert got[("job_analytics_quarantined_rows", (("reason", "duplicate_posting"),))] == 12
    assert got[("job_analytics_quarantine_rate", ())] == pytest.approx(14 / 254)
    assert got[("job_analytics_quality_gate_passed", ())] == 1
    assert got[("job_analytics_published_rows", (("table", "fct_job_postings"),))] == 240
    assert got[("job_analytics_stage_duration_seconds", (("stage", "dbt"),))] == 3.5
    assert got[("job_analytics_newest_posting_age_seconds", ())] == 2.5 * 3600
    assert got[("job_analytics_newest_posting_timestamp_seconds", ())] == NEWEST.timestamp()


def test_failed_gate_and_no_catalog(tmp_path):
    Lake(tmp_path).write_run_summary(DAY, "validate", {"success": False, "failed": [{"expectation": "x"}]})
    metrics.run(Settings(lake_url=str(tmp_path)), DAY, now=NOW)
    got = samples((tmp_path / "metrics/latest.prom").read_text())
    assert got[("job_analytics_quality_gate_passed", ())] == 0
    assert got[("job_analytics_quality_expectations_failed", ())] == 1
    assert got[("job_analytics_published", ())] == 0
    assert not any(name.startswith("job_analytics_newest_posting") for name, _ in got)


def test_summaries_older_than_this_run_are_ignored(lake):
    metrics.run(Settings(lake_url=str(lake.root)), DAY, now=NOW, since=datetime.now(UTC) + timedelta(seconds=1))
    got = samples((lake.root / "metrics/latest.prom").read_text())
    assert ("job_analytics_silver_rows", ()) not in got and got[("job_analytics_published", ())] == 0


def test_push_puts_the_day_group_to_the_pushgateway(lake, httpserver, caplog):
    httpserver.expect_request("/metrics/job/job_analytics/day/2024-01-01", method="PUT").respond_with_data("")
    settings = Settings(lake_url=str(lake.root), metrics_push_url=httpserver.url_for("/"),
                        metrics_push_user="pusher", metrics_push_password=PASSWORD)
    with caplog.at_level(logging.DEBUG):
        out = metrics.run(settings, DAY, now=NOW)

    assert out["pushed_to"] == httpserver.url_for("/metrics/job/job_analytics/day/2024-01-01")
    (request, _), = httpserver.log
    assert request.headers["Content-Type"].startswith("text/plain; version=")
    assert request.authorization.username == "pusher"
    assert request.get_data() == (lake.root / "metrics/2024-01-01.prom").read_bytes()
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("receiver", ["down", "http_500"])
def test_receiver_outage_is_logged_never_raised(lake, httpserver, caplog, receiver):
    if receiver == "down":
        url, error = f"http://pusher:{PASSWORD}@127.0.0.1:{free_port()}", "unreachable (ConnectionRefusedError)"
    else:
        httpserver.expect_request("/metrics/job/job_analytics/day/2024-01-01").respond_with_data("no", status=500)
        url, error = httpserver.url_for("/").replace("http://", f"http://pusher:{PASSWORD}@"), "HTTP 500"
    with caplog.at_level(logging.DEBUG):
        out = metrics.run(Settings(lake_url=str(lake.root), metrics_push_url=url), DAY, now=NOW)

    assert out["pushed_to"] is None
    assert (lake.root / "metrics/2024-01-01.prom").exists()
    failures = [r.getMessage() for r in caplog.records if "metrics_push_failed" in r.getMessage()]
    assert len(failures) == 1 and error in failures[0]
    assert PASSWORD not in caplog.text


def test_grafana_cloud_connection_is_used_without_push_url(lake, httpserver, monkeypatch):
    """The seed's `grafana_cloud` connection, through Airflow's HTTP provider (here from the environment)."""
    httpserver.expect_request("/metrics/job/job_analytics/day/2024-01-01", method="PUT").respond_with_data("")
    monkeypatch.setenv("AIRFLOW_CONN_GRAFANA_CLOUD", json.dumps(
        {"conn_type": "http", "host": "127.0.0.1", "port": httpserver.port, "schema": "http",
         "login": "grafana", "password": PASSWORD}))
    out = metrics.run(Settings(lake_url=str(lake.root)), DAY, now=NOW)
    assert out["pushed_to"] == "conn:grafana_cloud/metrics/job/job_analytics/day/2024-01-01"
    (request, _), = httpserver.log
    assert request.authorization.username == "grafana"
    assert b"job_analytics_silver_rows 240.0" in request.get_data()
