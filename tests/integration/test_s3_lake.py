"""The whole pipeline on an S3 lake: a real moto server on 127.0.0.1 stands in for S3, reached over HTTP by s3fs
(the lake's writes), DuckDB (reads, through the same fsspec filesystem) and dbt-duckdb.

The seed's bucket settings put each layer in its own bucket; everything else stays under LAKE_URL.
"""

from __future__ import annotations

import os
import subprocess
from datetime import date

import pytest

from tests.conftest import BIN, dags_test
from tests.moto_server import aws_env, moto_reset, moto_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration

DAY = date(2024, 1, 1)
BUCKETS = {"lake": "ja-lake", "bronze": "ja-bronze", "silver": "ja-silver", "gold": "ja-gold"}


def _settings_env(endpoint: str, work_dir) -> dict[str, str]:
    return {
        **aws_env(endpoint),
        "JOB_ANALYTICS_LAKE_URL": f"s3://{BUCKETS['lake']}/job-analytics",
        "S3_BRONZE_BUCKET": BUCKETS["bronze"],
        "S3_SILVER_BUCKET": BUCKETS["silver"],
        "S3_GOLD_BUCKET": BUCKETS["gold"],
        "JOB_ANALYTICS_WORK_DIR": str(work_dir),
        "JOB_ANALYTICS_SOURCES": "demo",
        "JOB_ANALYTICS_TASK_RETRIES": "0",
    }


@pytest.fixture
def s3_lake(moto_server, moto_reset, tmp_path, monkeypatch):  # noqa: F811
    import boto3

    env = _settings_env(moto_server, tmp_path / "work")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    s3 = boto3.client("s3")
    for bucket in BUCKETS.values():
        s3.create_bucket(Bucket=bucket)
    return env


def _keys(bucket: str) -> list[str]:
    import boto3

    pages = boto3.client("s3").get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(obj["Key"] for page in pages for obj in page.get("Contents", []))


def _assert_lake_holds_the_day(day: date) -> None:
    from job_analytics.core.lake import Lake
    from job_analytics.core.settings import Settings

    iso = day.isoformat()
    bronze = _keys(BUCKETS["bronze"])
    prefix = f"bronze/source=demo/ingest_date={iso}/"
    parts = [k for k in bronze if k.startswith(prefix + "part-") and k.endswith(".jsonl.gz")]
    assert len(parts) == 1, bronze  # one attempt, written once
    attempt = parts[0][len(prefix + "part-"):-len(".jsonl.gz")]
    assert f"{prefix}_manifest-{attempt}.json" in bronze and f"{prefix}_manifest.json" in bronze
    silver = _keys(BUCKETS["silver"])
    assert f"silver/jobs/ingest_date={iso}/part-00000.parquet" in silver
    assert f"silver/quarantine/ingest_date={iso}/part-00000.parquet" in silver
    gold = _keys(BUCKETS["gold"])
    assert "gold/fct_job_postings/data.parquet" in gold
    lake_keys = _keys(BUCKETS["lake"])
    for key in ("catalog/job_analytics.duckdb", "dashboard/index.html", f"dashboard/{iso}.html",
                f"runs/{iso}/process.json", f"runs/{iso}/validate.json", f"runs/{iso}/publish.json"):
        assert f"job-analytics/{key}" in lake_keys, key
    # no layer leaked into the lake bucket, and no staging leftovers anywhere
    assert not [k for k in lake_keys if k.startswith(("job-analytics/bronze/", "job-analytics/silver/",
                                                        "job-analytics/gold/"))]
    assert not [k for k in bronze + silver + gold + lake_keys if ".staging" in k or k.endswith(".tmp")]

    lake = Lake.from_settings(Settings(_env_file=None))
    process = lake.read_run_summary(day, "process")
    assert process["bronze_records"] == process["silver_rows"] + process["quarantined"]
    with lake.open_catalog() as con:
        (rows,) = con.execute("select count(*) from fct_job_postings").fetchone()
        (days,) = con.execute("select count(*) from agg_daily_postings").fetchone()
    assert rows == process["silver_rows"] > 0
    assert days > 0


def test_cli_run_on_s3_lake_publishes_to_glue(s3_lake, tmp_path):
    import boto3

    env = {**os.environ, "JOB_ANALYTICS_CATALOG": "glue", "JOB_ANALYTICS_GLUE_DATABASE": "job_analytics_test"}
    proc = subprocess.run([str(BIN / "job-analytics"), "run", "--date", DAY.isoformat()], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    _assert_lake_holds_the_day(DAY)
    # nothing written to the local default lake of the working directory
    assert not (tmp_path / "data" / "lake").exists()

    from job_analytics.gold.candidate import GOLD_TABLES

    glue = boto3.client("glue")
    tables = {t["Name"]: t for t in glue.get_tables(DatabaseName="job_analytics_test")["TableList"]}
    assert set(tables) == set(GOLD_TABLES)
    fct = tables["fct_job_postings"]["StorageDescriptor"]
    assert fct["Location"].rstrip("/") == f"s3://{BUCKETS['gold']}/gold/fct_job_postings"
    columns = {c["Name"]: c["Type"] for c in fct["Columns"]}
    assert columns["job_id"] == "string" and columns["is_remote"] == "boolean"
    assert columns["posted_at"] == "timestamp" and columns["skills"] == "array<string>"


def test_rerun_replaces_partitions_in_place(s3_lake, tmp_path):
    from job_analytics.core.settings import Settings
    from job_analytics.ingest import stage as ingest
    from job_analytics.silver import stage as silver

    settings = Settings(_env_file=None)
    assert ingest.run(settings, DAY)["reused"] == []
    bronze = _keys(BUCKETS["bronze"])
    assert ingest.run(settings, DAY)["reused"] == ["demo"]  # the day's complete scrape is re-used
    assert _keys(BUCKETS["bronze"]) == bronze
    first = silver.run(settings, DAY)
    before = _keys(BUCKETS["silver"])
    second = silver.run(settings, DAY)
    assert _keys(BUCKETS["silver"]) == before
    assert {k: first[k] for k in ("silver_rows", "quarantined")} == {k: second[k] for k in ("silver_rows",
                                                                                          "quarantined")}
    ingest.run(settings, DAY, rescrape=True)  # on S3 too, a forced re-fetch adds a part beside the first
    parts = [k for k in _keys(BUCKETS["bronze"]) if k.startswith(f"bronze/source=demo/ingest_date={DAY}/part-")]
    assert len(parts) == 2 and set(bronze) < set(_keys(BUCKETS["bronze"]))
    assert silver.run(settings, DAY)["bronze_records"] == 2 * first["bronze_records"]


def test_dag_green_on_s3_lake(s3_lake, airflow_env):
    day = date(2024, 1, 3)  # a date of its own in the session's Airflow home
    run = dags_test({**airflow_env, **s3_lake}, day.isoformat())
    assert run.state == "success", run.output[-6000:]
    _assert_lake_holds_the_day(day)
