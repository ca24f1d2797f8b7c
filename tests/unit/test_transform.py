from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from job_analytics.core.errors import MissingInputError, TransformError
from job_analytics.core.lake import Lake
from job_analytics.gold import stage as transform
from job_analytics.gold.candidate import GOLD_TABLES
from tests.unit.silver_factory import full_refresh_as_of, lake_settings, posting, write_silver

DAY1, DAY2, DAY3, DAY4 = date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3), date(2024, 1, 4)


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
    # 11 models, plus the lifecycle (stg_silver__scrapes, int_posting_sightings, int_posting_episodes and 4 marts)
    assert summary["models"] == 18 and summary["seeds"] == 1 and summary["tests"] >= 60
    assert summary["failed"] == [] and summary["warned"] == []
    assert lake.read_run_summary(DAY2, "dbt")["models"] == 18


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
        select posted_date, source, country_code, is_remote, postings, remote_postings, postings_with_salary,
               median_salary_annual_usd
        from agg_daily_postings order by all""") == [
        (DAY1, "arbeitnow", "DE", True, 1, 1, 1, 76_000.0),
        (DAY1, "remotive", "ZZ", False, 1, 0, 0, None),
        (DAY2, "remotive", "DE", True, 1, 1, 1, 76_000.0),
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
        "dbt_utils_unique_combination_of_columns_stg_silver__jobs_job_id__ingest_date"
    ]


def test_failing_dbt_test_names_the_node(tmp_path, monkeypatch):
    monkeypatch.delenv("JOB_ANALYTICS_WAREHOUSE_PATH", raising=False)
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1", salary_min=90_000.0, salary_max=50_000.0)])
    with pytest.raises(TransformError, match="dbt_utils_expression_is_true_fct_job_postings_salary_min___salary_max"):
        transform.run(settings, DAY1)
    failed = lake.read_run_summary(DAY1, "dbt")["failed"]
    assert [(f["node"], f["status"]) for f in failed] == [
        ("dbt_utils_expression_is_true_fct_job_postings_salary_min___salary_max", "fail")
    ]
    assert "JOB_ANALYTICS_WAREHOUSE_PATH" not in os.environ  # the env is restored after the call
    with duckdb.connect(str(lake.warehouse_path), read_only=True):
        pass  # dbt released the warehouse: the gate can open it in this process


def test_no_silver_is_a_missing_input(tmp_path):
    with pytest.raises(MissingInputError, match="no silver parquet"):
        transform.run(lake_settings(tmp_path), DAY1)


# -- incremental fct_job_postings -------------------------------------------------------------------------------


def fingerprint(lake: Lake) -> dict[str, tuple]:
    """Per gold table: rows and an order-independent hash of them (equal means the same rows)."""
    return {table: rows(lake, f"select count(*), coalesce(sum(hash(t)), 0) from {table} as t")[0]
            for table in GOLD_TABLES}


def last_plan(lake: Lake) -> str:
    """How the last build made fct_job_postings, as its pre-hook logged it (as_of_log_plan)."""
    lines = (lake.warehouse_path.parent / "logs" / "dbt.log").read_text().splitlines()
    return [line for line in lines if "fct_job_postings as of " in line][-1].split("fct_job_postings as of ")[1]


def test_incremental_runs_give_what_a_full_refresh_gives(tmp_path, monkeypatch):
    """Append a day, re-run it, backfill an earlier one, re-process a partition, change the table's columns: the
    gold tables always hold what a fresh build as of the same day holds."""
    monkeypatch.setattr(transform, "generate_docs", lambda settings, day: {})  # not under test here; saves time
    settings = lake_settings(tmp_path / "lake")
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1", title="v1"), posting("2", skills=["Go"]), posting("3", company="Beta")])
    write_silver(lake, DAY2, [posting("1", title="v2"), posting("4", company="Gamma", skills=["Rust"])])
    write_silver(lake, DAY3, [posting("4", title="v3"), posting("5", city="Hamburg", region="Hamburg")])
    write_silver(lake, DAY4, [posting("6", company="Delta", is_remote=False)])

    full_refresh = full_refresh_as_of(lake_settings(tmp_path / "fresh"), lake.root / "silver", fingerprint)

    def build(day: date) -> tuple[str, dict]:
        transform.run(settings, day)
        return last_plan(lake), fingerprint(lake)

    expected = {day: full_refresh(day) for day in (DAY1, DAY2, DAY3)}
    assert build(DAY1) == ("2024-01-01: created (no table yet)", expected[DAY1])
    assert build(DAY2) == ("2024-01-02: append: ingest_date after 2024-01-01", expected[DAY2])
    # a re-run of the same day rebuilds: the same rows again
    assert build(DAY2) == (
        "2024-01-02: full rebuild: as of 2024-01-02, the table holds up to 2024-01-02", expected[DAY2])
    assert build(DAY3) == ("2024-01-03: append: ingest_date after 2024-01-02", expected[DAY3])
    assert rows(lake, "select source_job_id, title, first_seen_date, ingest_date from fct_job_postings "
                      "where source_job_id in ('1', '4') order by 1") == [("1", "v2", DAY1, DAY2), ("4", "v3", DAY2, DAY3)]

    # a backfill holds nothing after its day; the next run appends every later partition
    assert build(DAY1) == (
        "2024-01-01: full rebuild: as of 2024-01-01, the table holds up to 2024-01-03", expected[DAY1])
    assert rows(lake, "select max(ingest_date), count(*) from fct_job_postings") == [(DAY1, 3)]
    assert build(DAY3) == ("2024-01-03: append: ingest_date after 2024-01-01", expected[DAY3])

    # day 3 processed again without posting 4: re-running the day brings back its day-2 sighting
    shutil.rmtree(lake.silver_partition(DAY3))
    write_silver(lake, DAY3, [posting("5", city="Hamburg", region="Hamburg")])
    changed = full_refresh(DAY3)
    assert changed != expected[DAY3]
    assert build(DAY3)[1] == changed
    assert rows(lake, "select title, ingest_date from fct_job_postings where source_job_id = '4'") == [
        ("Data Engineer", DAY2)]

    # a table whose columns are not the model's (a deploy changed the model) is rebuilt, not appended to
    with duckdb.connect(str(lake.warehouse_path)) as con:
        con.execute("alter table fct_job_postings drop column location_key")
    assert build(DAY4) == ("2024-01-04: full rebuild: its columns differ from the model's", full_refresh(DAY4))


# -- dbt docs -----------------------------------------------------------------------------------------------------


def test_docs_site_is_kept_in_the_lake(built):
    lake, summary = built
    site = lake.dbt_docs_dir
    assert sorted(p.name for p in site.iterdir()) == ["catalog.json", "index.html", "manifest.json"]
    assert [p.name for p in site.parent.iterdir()] == ["dbt"]  # swapped in whole: no staging folder left
    page = (site / "index.html").read_text()
    assert "fct_job_postings" in page and "One row per skill postings ask for" in page  # one file, data inlined
    catalog = json.loads((site / "catalog.json").read_text())
    assert set(GOLD_TABLES) <= {node["metadata"]["name"] for node in catalog["nodes"].values()}
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["nodes"]["model.job_analytics.dim_location"]["description"].startswith("One row per place")

    docs = summary["docs"]
    assert docs["site"] == str(site / "index.html")
    assert docs["models"] == 18 and docs["catalog_tables"] >= len(GOLD_TABLES) and docs["catalog_errors"] == []
    assert lake.read_run_summary(DAY2, "dbt_docs")["site"] == docs["site"]


def test_docs_need_a_candidate(tmp_path):
    with pytest.raises(MissingInputError, match="no gold candidate"):
        transform.generate_docs(lake_settings(tmp_path), DAY1)


def test_a_docs_failure_is_recorded_and_does_not_fail_the_build(tmp_path, monkeypatch):
    def broken(settings, day):
        raise TransformError("dbt docs generate failed: boom")

    monkeypatch.setattr(transform, "generate_docs", broken)
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1")])
    summary = transform.run(settings, DAY1)
    assert summary["failed"] == [] and summary["docs"] == {"error": "dbt docs generate failed: boom"}
    assert lake.read_run_summary(DAY1, "dbt")["docs"] == summary["docs"]
