"""A bad day after a good one, without Airflow: the quality gate stops it and nothing published moves.

Day 1 (2024-01-01) runs whole on the demo source and publishes. Three earlier days are then processed from copies
of its bronze, so day 2 has a volume baseline (median 240 silver rows). Day 2 (2024-01-02) is bad twice over, each
time from its bronze on: (a) under half the usual volume, (b) job ids duplicated in silver. Each must fail the gate
naming the expectation and the value seen, alert, and leave gold/, the catalog and the dashboard byte for byte as
day 1 left them. (The DAG-level bad day is in test_dag_run.py.)
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from job_analytics.core.errors import QualityGateFailed
from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.pipeline import run_all, run_stage
from job_analytics.report import notify

pytestmark = pytest.mark.integration
DAY1, DAY2 = date(2024, 1, 1), date(2024, 1, 2)
BASELINE = [date(2023, 12, 29), date(2023, 12, 30), date(2023, 12, 31)]


def published_files(lake: Path) -> dict[str, bytes]:
    paths = [*lake.glob("gold/*/*"), lake / "catalog/job_analytics.duckdb", lake / "dashboard/index.html"]
    return {str(p.relative_to(lake)): p.read_bytes() for p in sorted(paths) if p.is_file()}


def catalog(lake: Path, sql: str) -> tuple:
    with duckdb.connect(str(lake / "catalog/job_analytics.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchone()


def copy_bronze(lake: Path, day: date, keep: float = 1.0) -> None:
    """Day 1's bronze landed again as ``day``'s (the first ``keep`` share of each file's lines)."""
    for partition in sorted(lake.glob(f"bronze/source=*/ingest_date={DAY1}")):
        target = partition.parent / f"ingest_date={day}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        shutil.copy(partition / "_manifest.json", target / "_manifest.json")
        for part in partition.glob("*.jsonl.gz"):
            with gzip.open(part, "rt") as source:
                lines = source.readlines()
            with gzip.open(target / part.name, "wt") as out:
                out.writelines(lines[: int(len(lines) * keep)])


def run_day2(settings: Settings, before_dbt: Callable[[], None] = lambda: None) -> QualityGateFailed:
    """Day 2 from its bronze as ``run_all`` runs it (process, dbt, validate, then notify when the gate fails),
    with ``before_dbt`` tampering with silver; publish is also tried, and must refuse."""
    run_stage("process", settings, DAY2)
    before_dbt()
    run_stage("dbt", settings, DAY2)
    with pytest.raises(QualityGateFailed) as caught:
        run_stage("validate", settings, DAY2)
    with pytest.raises(QualityGateFailed, match="refusing to publish 2024-01-02: gate has not passed"):
        run_stage("publish", settings, DAY2)
    assert notify.run(settings, DAY2)["kind"] == "quality_failure"
    return caught.value


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lake")


@pytest.fixture(scope="module")
def settings(lake) -> Settings:
    # explicit values win over a developer's .env: demo data, no retries, no Slack or SMTP
    return Settings(lake_url=str(lake), sources=["demo"], task_retries=0, slack_webhook_url=None, smtp_host=None)


@pytest.fixture(scope="module")
def day1(settings, lake) -> dict:
    """Day 1 run and published, then the baseline days processed; what was published, by file."""
    results = run_all(settings, DAY1)
    for day in BASELINE:
        copy_bronze(lake, day)
        run_stage("process", settings, day)
    return {"results": results, "published": published_files(lake),
            "rows": catalog(lake, "select count(*), max(ingest_date) from fct_job_postings")}


def assert_nothing_published(lake: Path, day1: dict) -> None:
    assert published_files(lake) == day1["published"]
    assert catalog(lake, "select count(*), max(ingest_date) from fct_job_postings") == day1["rows"] == (240, DAY1)
    assert not (lake / "runs/2024-01-02/publish.json").exists()
    assert not (lake / "dashboard/2024-01-02.html").exists()
    assert Lake(lake).read_run_summary(DAY2, "validate")["success"] is False
    assert (lake / "quality/2024-01-02/data_docs/index.html").exists()


def test_good_first_day_passes_without_a_volume_baseline_and_publishes(day1, lake):
    gate = day1["results"]["validate"]
    assert gate["success"] is True and gate["failed"] == []
    assert gate["volume"]["median"] is None and gate["volume"]["note"].startswith("no baseline")
    assert gate["rows"]["silver_jobs"] == 240
    assert set(gate["by_severity"]) == {"critical", "warning"}
    assert (lake / "quality/2024-01-01/data_docs/index.html").exists()
    assert day1["results"]["publish"]["tables"]["fct_job_postings"] == 240
    assert {p.split("/")[0] for p in day1["published"]} == {"gold", "catalog", "dashboard"}


def test_half_the_volume_fails_the_gate_and_publishes_nothing(settings, lake, day1):
    copy_bronze(lake, DAY2, keep=0.4)
    error = run_day2(settings)

    rows = Lake(lake).read_run_summary(DAY2, "process")["silver_rows"]
    assert rows < 120
    assert [(f["table"], f["expectation"]) for f in error.failures] == [
        ("silver_jobs", "expect_table_row_count_to_be_between")]
    assert (f"expect_table_row_count_to_be_between on silver_jobs: {rows} rows (expected: 120 to 720 rows, "
            "50% to 300% of the median 240 of the 7 days before (4 with silver))") in str(error)
    assert_nothing_published(lake, day1)
    alert = (lake / "notifications/2024-01-02/quality_failure.json").read_text()
    assert f"expect_table_row_count_to_be_between on silver_jobs: observed {rows} rows" in alert


def test_duplicated_job_ids_in_silver_fail_the_gate_and_publish_nothing(settings, lake, day1):
    def duplicate_ten_rows() -> None:
        partition = Lake(lake).silver_partition(DAY2)
        duckdb.sql(f"copy (select * from read_parquet('{partition}/part-00000.parquet') limit 10) "
                   f"to '{partition}/part-00001.parquet' (format parquet)")

    copy_bronze(lake, DAY2)
    error = run_day2(settings, before_dbt=duplicate_ten_rows)

    assert sorted((f["table"], f["expectation"], f["column"]) for f in error.failures) == [
        ("silver_jobs", "expect_column_values_to_be_unique", "job_id"),
        ("silver_jobs", "expect_compound_columns_to_be_unique", "source, source_job_id"),
    ]
    assert "expect_column_values_to_be_unique on silver_jobs.job_id: 20 of 250 rows unexpected, e.g. " in str(error)
    assert ("expect_compound_columns_to_be_unique on silver_jobs (source, source_job_id): "
            "20 of 250 rows unexpected") in str(error)
    assert_nothing_published(lake, day1)
    alert = (lake / "notifications/2024-01-02/quality_failure.json").read_text()
    assert "expect_column_values_to_be_unique on silver_jobs.job_id: observed 20 of 250 rows unexpected" in alert
