"""The real DAG under `airflow dags test` on the demo data: green day, identical re-run, failed gate.

The three tests share one lake and run in order (module scope): the failing gate is checked against the tables
the green day published.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from job_analytics.core.lake import Lake
from tests.conftest import BIN, REPO, dags_test
from tests.unit.silver_factory import posting, write_silver

pytestmark = pytest.mark.integration
DAY = "2024-01-01"
SLACK_PATH = "/services/T000/B000/demo"


@pytest.fixture(scope="module")
def slack():
    """A local HTTP server standing in for Slack's incoming webhook; it keeps every message it receives."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request(SLACK_PATH, method="POST").respond_with_data("ok")
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lake")


@pytest.fixture(scope="module")
def env(airflow_env, lake, slack) -> dict[str, str]:
    return {**airflow_env, "JOB_ANALYTICS_LAKE_URL": str(lake), "JOB_ANALYTICS_SOURCES": "demo",
            "SLACK_WEBHOOK_URL": slack.url_for(SLACK_PATH)}


def slack_messages(server: HTTPServer) -> list[dict]:
    """The messages posted to the webhook (any other request that reached the port is not a message)."""
    return [json.loads(request.get_data()) for request, _ in server.log
            if request.method == "POST" and request.path == SLACK_PATH]


def bronze_records(lake: Path, day: str) -> int:
    return sum(1 for p in lake.glob(f"bronze/source=*/ingest_date={day}/*.jsonl.gz") for _ in gzip.open(p, "rt"))


def rows(path_glob: str) -> int:
    return duckdb.sql(f"select count(*) from read_parquet('{path_glob}')").fetchone()[0]


def table_digest(lake: Path) -> dict[str, str]:
    """Content digests of silver and every published table (row order independent)."""
    out = {}
    globs = {"silver": f"{lake}/silver/jobs/ingest_date={DAY}/*.parquet",
             **{p.name: f"{p}/*.parquet" for p in sorted((lake / "gold").iterdir())}}
    for name, pattern in globs.items():
        lines = sorted(str(r) for r in duckdb.sql(f"select * from read_parquet('{pattern}')").fetchall())
        out[name] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return out


def test_demo_day_runs_green_end_to_end(env, lake, slack):
    run = dags_test(env, DAY)
    assert run.state == "success", run.output[-3000:]

    bronze = bronze_records(lake, DAY)
    silver = rows(f"{lake}/silver/jobs/ingest_date={DAY}/*.parquet")
    quarantined = rows(f"{lake}/silver/quarantine/ingest_date={DAY}/*.parquet")
    assert bronze >= 200
    assert bronze == silver + quarantined  # nothing lost, nothing invented
    assert quarantined > 0  # the demo carries bad records on purpose

    con = duckdb.connect(str(lake / "catalog/job_analytics.duckdb"), read_only=True)
    views = {r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()}
    assert {"fct_job_postings", "agg_daily_postings", "dim_company"} <= views
    assert con.sql("select count(*) from fct_job_postings").fetchone()[0] == silver
    assert con.sql("select sum(postings) from agg_daily_postings").fetchone()[0] == silver
    assert con.sql("select count(distinct source) from fct_job_postings").fetchone()[0] >= 1

    page = (lake / "dashboard/index.html").read_text()
    assert page.count('class="plotly-graph-div"') >= 6
    assert "<script>alert(1)</script>" not in page  # a scraped <script> title is escaped
    assert (lake / f"dashboard/{DAY}.html").exists()

    messages = slack_messages(slack)
    assert any("run succeeded" in m["text"] and "Silver rows" in m["text"] for m in messages), messages
    assert (lake / f"notifications/{DAY}/success.json").exists()


def bronze_parts(lake: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(lake.glob(f"bronze/source=demo/ingest_date={DAY}/part-*"))}


def test_rerun_same_date_reuses_bronze_and_is_identical(env, lake):
    before, landed = table_digest(lake), bronze_parts(lake)
    run = dags_test(env, DAY)
    assert run.state == "success", run.output[-3000:]
    assert table_digest(lake) == before
    assert bronze_parts(lake) == landed and len(landed) == 1  # re-used: no request, nothing rewritten
    scrape = json.loads((lake / f"runs/{DAY}/scrape.json").read_text())
    assert scrape["reused"] == ["demo"] and scrape["sources"]["demo"]["status"] == "re-used"


def test_rescrape_param_adds_a_part_and_keeps_the_first(env, lake):
    landed = bronze_parts(lake)
    proc = subprocess.run([str(BIN / "airflow"), "tasks", "test", "job_analytics_dag", "scrape_jobs", DAY,
                           "-t", json.dumps({"rescrape": True})], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=600, check=False)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    now = bronze_parts(lake)
    assert len(now) == 2 and {k: now[k] for k in landed} == landed
    index = json.loads((lake / f"bronze/source=demo/ingest_date={DAY}/_manifest.json").read_text())
    assert [a["records"] for a in index["attempts"]] == [bronze_records(lake, DAY) // 2] * 2


def test_failed_gate_publishes_nothing_alerts_and_fails_the_run(env, lake, slack):
    published = {p: p.read_bytes() for p in [*lake.glob("gold/*/*.parquet"), lake / "catalog/job_analytics.duckdb",
                                             lake / "dashboard/index.html"]}
    # A faulty silver day that no run has modelled yet (2024-01-02, processed by hand with a broken rule): a
    # country code that does not exist and a salary no one earns. The next day's run appends it to gold.
    write_silver(Lake(lake), date(2024, 1, 2), [
        posting("bad-1", source="remotive", ingest_date=date(2024, 1, 2), country_code="XX"),
        posting("bad-2", source="remotive", ingest_date=date(2024, 1, 2), salary_annual_usd_min=9e8,
                salary_annual_usd_max=9e8),
    ])
    slack.clear_log()

    run = dags_test(env, "2024-01-03")
    assert run.state == "failed", run.output[-3000:]

    for path, content in published.items():
        assert path.read_bytes() == content, f"{path} changed although the gate failed"
    assert not (lake / "runs/2024-01-03/publish.json").exists()
    assert not (lake / "dashboard/2024-01-03.html").exists()

    gate = json.loads((lake / "runs/2024-01-03/validate.json").read_text())
    assert gate["success"] is False
    assert {f["column"] for f in gate["failed"]} >= {"country_code", "salary_annual_usd_min"}

    texts = [m["text"] for m in slack_messages(slack)]
    quality = [t for t in texts if "data-quality gate failed" in t]
    assert quality and "country_code" in quality[0] and "XX" in quality[0], texts
    assert any("task validate_quality failed" in t for t in texts), texts  # the on_failure_callback alert
    assert (lake / "notifications/2024-01-03/quality_failure.json").exists()
