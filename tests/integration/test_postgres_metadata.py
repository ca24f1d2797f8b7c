"""The DAG's green demo day with Airflow's metadata on a real PostgreSQL server, as in production.

The server is Debian's ``postgresql`` started by the ``postgres_url`` fixture on 127.0.0.1; the test is skipped,
saying why, only when its binaries are not installed.
"""

from __future__ import annotations

import subprocess

import duckdb
import pytest
import sqlalchemy

from tests.conftest import BIN, REPO, dags_test
from tests.integration.test_dag_run import DAY, bronze_records, rows

pytestmark = pytest.mark.integration


def test_demo_day_runs_green_with_postgres_metadata(airflow_env_postgres, postgres_url, tmp_path):
    lake = (tmp_path / "lake").resolve()
    env = {**airflow_env_postgres, "JOB_ANALYTICS_LAKE_URL": str(lake), "JOB_ANALYTICS_SOURCES": "demo"}
    check = subprocess.run([str(BIN / "airflow"), "db", "check"], env=env, cwd=REPO, capture_output=True,
                           text=True, check=False)
    assert check.returncode == 0, check.stderr[-2000:]

    run = dags_test(env, DAY)
    assert run.state == "success", run.output[-3000:]
    # The run was recorded on the PostgreSQL server itself, task by task.
    engine = sqlalchemy.create_engine(postgres_url)
    with engine.connect() as db:
        states = dict(db.execute(sqlalchemy.text(
            "select task_id, state from task_instance where dag_id = 'job_analytics_dag'")).all())
        assets = {uri for (uri,) in db.execute(sqlalchemy.text(
            "select a.uri from asset_event e join asset a on a.id = e.asset_id"))}
    engine.dispose()
    assert {states[t] for t in ["scrape_jobs", "process_bronze_silver", "validate_quality", "update_catalog",
                                "refresh_dashboard", "send_notifications"]} == {"success"}, states
    # Silver and gold are Assets: their producers' success is recorded for data-aware scheduling.
    assert {f"file://{lake}/silver/jobs", f"file://{lake}/gold"} <= assets, assets

    bronze = bronze_records(lake, DAY)
    silver = rows(f"{lake}/silver/jobs/ingest_date={DAY}/*.parquet")
    quarantined = rows(f"{lake}/silver/quarantine/ingest_date={DAY}/*.parquet")
    assert bronze >= 200
    assert bronze == silver + quarantined
    con = duckdb.connect(str(lake / "catalog/job_analytics.duckdb"), read_only=True)
    views = {r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()}
    assert {"fct_job_postings", "agg_daily_postings", "dim_company"} <= views
    assert con.sql("select count(*) from fct_job_postings").fetchone()[0] == silver
    assert con.sql("select sum(postings) from agg_daily_postings").fetchone()[0] == silver
