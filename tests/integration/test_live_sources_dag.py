"""The whole DAG green with the nine live sources pointed at a local server of recorded API payloads."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import duckdb
import pytest

from job_analytics.ingest.sources.replay import serve_recordings
from tests.conftest import REPO, dags_test

pytestmark = pytest.mark.integration
LIVE = ["remotive", "arbeitnow", "remoteok", "greenhouse", "lever", "jsearch", "ashby", "smartrecruiters", "workable"]
#: first match wins: the 2026 root answers only what the others do not hold (the three board APIs)
ROOTS = [REPO / "tests/fixtures/recorded", REPO / "src/job_analytics/ingest/sources/recordings",
         REPO / "tests/fixtures/recorded/2026"]
SECRET = "rk-test-7f3a9c0e5b1d"


@pytest.fixture(scope="module")
def api_server():
    """Serves recordings over real HTTP on 127.0.0.1 (the replay transport's file naming) and logs headers."""
    seen: list[dict] = []
    server, base = serve_recordings(ROOTS, seen)
    yield base, seen
    server.shutdown()


def test_nine_live_sources_run_the_dag_green(airflow_env, api_server, tmp_path):
    base, seen = api_server
    env = {**airflow_env, "JOB_ANALYTICS_LAKE_URL": str(tmp_path), "JOB_ANALYTICS_SOURCES": ",".join(LIVE),
           "JOB_ANALYTICS_GREENHOUSE_BOARDS": "acme-analytics,nordlicht", "JOB_ANALYTICS_LEVER_COMPANIES": "fjordlake",
           "JOB_ANALYTICS_JSEARCH_QUERIES": "data engineer", "JOB_ANALYTICS_JSEARCH_COUNTRIES": "us",
           "JOB_ANALYTICS_ASHBY_BOARDS": "ramp,northwind", "JOB_ANALYTICS_SMARTRECRUITERS_COMPANIES": "Visa,NorthwindTraders",
           "JOB_ANALYTICS_WORKABLE_ACCOUNTS": "zego,northwind",
           "RAPIDAPI_KEY": SECRET,
           **{f"JOB_ANALYTICS_{s.upper()}_BASE_URL": f"{base}/{s}" for s in LIVE}}
    run = dags_test(env, "2024-01-01")
    assert run.state == "success", run.output[-3000:]

    for source in LIVE:
        manifest = json.loads((tmp_path / f"bronze/source={source}/ingest_date=2024-01-01/_manifest.json").read_text())
        assert manifest["ok"] and manifest["records"] > 0, (source, manifest)
    in_silver = {r[0] for r in duckdb.sql(
        f"select distinct source from read_parquet('{tmp_path}/silver/jobs/*/*.parquet')").fetchall()}
    assert in_silver == set(LIVE)
    con = duckdb.connect(str(tmp_path / "catalog/job_analytics.duckdb"), read_only=True)
    assert con.sql("select count(distinct source) from fct_job_postings").fetchone()[0] == len(LIVE)

    # The RapidAPI key went to JSearch as a header, and nowhere else: not in the lake, not in the task logs.
    assert any(r["path"].startswith("/jsearch/search") and r["headers"].get("X-RapidAPI-Key") == SECRET
               for r in seen)
    assert all("X-RapidAPI-Key" not in r["headers"] for r in seen if not r["path"].startswith("/jsearch"))
    for path in Path(tmp_path).rglob("*"):
        if path.is_file():
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            assert SECRET.encode() not in data, path
    assert SECRET not in run.output
