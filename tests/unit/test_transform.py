from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from job_analytics import transform
from job_analytics.errors import MissingInputError, TransformError
from job_analytics.lake import Lake
from tests.unit.silver_factory import lake_settings, posting, write_silver

DAY1, DAY2 = date(2024, 1, 1), date(2024, 1, 2)


def rows(lake: Lake, sql: str) -> list[tuple]:
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Lake, dict]:
    """Two days of silver: posting 1 seen on both days (renamed on day 2), two more on day 1 only."""
    settings = lake_settings(tmp_path_factory.mktemp("lake"))
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [
        posting("1", title="Data Engineer"),
        posting("2", company="Beta", country_code=None, is_remote=False, salary_annual_usd_min=None,
                salary_annual_usd_max=None, salary_min=None, salary_max=None, posted_at=None),
        posting("3", source="arbeitnow", company="  ACME GmbH", employment_type="contract"),
    ])
    write_silver(lake, DAY2, [posting("1", ingest_date=DAY2, title="Senior Data Engineer")])
    return lake, transform.run(settings, DAY2)


def test_dbt_env_is_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = transform.dbt_env(lake_settings(Path("relative/lake")), DAY1)
    assert env["JOB_ANALYTICS_WAREHOUSE_PATH"] == str(tmp_path / "relative/lake/warehouse/candidate.duckdb")
    assert env["JOB_ANALYTICS_SILVER_GLOB"] == str(tmp_path / "relative/lake/silver/jobs/ingest_date=*/*.parquet")
    assert (Path(env["DBT_PROFILES_DIR"]) / "profiles.yml").is_file()
    assert env["JOB_ANALYTICS_AS_OF_DATE"] == "2024-01-01"
    assert "JOB_ANALYTICS_AS_OF_DATE" not in transform.dbt_env(lake_settings(Path("x")))


def test_build_summary_counts_models_and_tests(built):
    lake, summary = built
    assert summary["models"] == 5 and summary["tests"] >= 20
    assert summary["failed"] == [] and summary["warned"] == []
    assert lake.read_run_summary(DAY2, "dbt")["models"] == 5


def test_latest_sighting_of_a_posting_wins(built):
    lake, _ = built
    assert rows(lake, "select count(*), count(distinct job_id) from fct_job_postings") == [(3, 3)]
    assert rows(lake, "select title, first_seen_date, ingest_date, posted_date from fct_job_postings "
                      "where source_job_id = '1'") == [("Senior Data Engineer", DAY1, DAY2, DAY2)]


def test_posting_without_posted_at_counts_on_its_first_day(built):
    lake, _ = built
    assert rows(lake, "select posted_date from fct_job_postings where source_job_id = '2'") == [(DAY1,)]


def test_daily_aggregate_groups_unknown_country_as_zz(built):
    lake, _ = built
    assert rows(lake, """
        select posted_date, source, country_code, postings, remote_postings, postings_with_salary,
               median_salary_annual_usd
        from agg_daily_postings order by all""") == [
        (DAY1, "arbeitnow", "DE", 1, 1, 1, 76_000.0),
        (DAY1, "remotive", "ZZ", 1, 0, 0, None),
        (DAY2, "remotive", "DE", 1, 1, 1, 76_000.0),
    ]


def test_company_dimension_merges_spellings(built):
    lake, _ = built
    assert rows(lake, "select company, postings, sources, first_seen, last_seen from dim_company order by 1") == [
        ("Acme GmbH", 2, ["arbeitnow", "remotive"], DAY1, DAY2),
        ("Beta", 1, ["remotive"], DAY1, DAY1),
    ]
    assert rows(lake, "select count(*) from fct_job_postings f join dim_company using (company_key)") == [(3,)]


def test_backfill_reads_silver_as_of_its_day(tmp_path):
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1", title="old")])
    write_silver(lake, DAY2, [posting("1", ingest_date=DAY2, title="new"), posting("2", ingest_date=DAY2)])
    transform.run(settings, DAY1)
    assert rows(lake, "select title, ingest_date from fct_job_postings") == [("old", DAY1)]


def test_same_posting_twice_in_one_day_keeps_one_row_and_warns(tmp_path):
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1")], name="part-0.parquet")
    write_silver(lake, DAY1, [posting("1")], name="part-1.parquet")
    summary = transform.run(settings, DAY1)
    assert rows(lake, "select count(*) from fct_job_postings") == [(1,)]
    assert [w["node"] for w in summary["warned"]] == [
        "unique_combination_of_columns_stg_silver__jobs_job_id__ingest_date"
    ]


def test_failing_dbt_test_names_the_node(tmp_path, monkeypatch):
    monkeypatch.delenv("JOB_ANALYTICS_WAREHOUSE_PATH", raising=False)
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1", salary_min=90_000.0, salary_max=50_000.0)])
    with pytest.raises(TransformError, match="not_greater_than_fct_job_postings_salary_min__salary_max"):
        transform.run(settings, DAY1)
    failed = lake.read_run_summary(DAY1, "dbt")["failed"]
    assert [(f["node"], f["status"]) for f in failed] == [
        ("not_greater_than_fct_job_postings_salary_min__salary_max", "fail")
    ]
    assert "JOB_ANALYTICS_WAREHOUSE_PATH" not in os.environ  # the env is restored after the call
    with duckdb.connect(str(lake.warehouse_path), read_only=True):
        pass  # dbt released the warehouse: the gate can open it in this process


def test_no_silver_is_a_missing_input(tmp_path):
    with pytest.raises(MissingInputError, match="no silver parquet"):
        transform.run(lake_settings(tmp_path), DAY1)
