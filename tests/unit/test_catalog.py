from __future__ import annotations

from datetime import date

import duckdb
import pytest

from job_analytics.core.errors import QualityGateFailed
from job_analytics.core.lake import Lake
from job_analytics.gold import stage as transform
from job_analytics.publish import catalog
from job_analytics.quality import gate
from tests.unit.silver_factory import lake_settings, posting, write_silver

DAY1, DAY2 = date(2024, 1, 1), date(2024, 1, 2)


def published_files(lake: Lake) -> dict[str, bytes]:
    paths = [lake.catalog_path, *lake.root.glob("gold/*/*.parquet")]
    return {str(p.relative_to(lake.root)): p.read_bytes() for p in paths if p.exists()}


def query(lake: Lake, sql: str) -> list[tuple]:
    with duckdb.connect(str(lake.catalog_path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[object, Lake, dict]:
    """Day 1 built, validated and published."""
    settings = lake_settings(tmp_path_factory.mktemp("lake"))
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1"), posting("2", company="Beta", country_code=None)])
    transform.run(settings, DAY1)
    gate.run(settings, DAY1)
    return settings, lake, catalog.publish(settings, DAY1)


def test_publish_refuses_without_a_passing_gate(tmp_path):
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1")])
    transform.run(settings, DAY1)
    with pytest.raises(QualityGateFailed, match="refusing to publish 2024-01-01: gate has not passed"):
        catalog.publish(settings, DAY1)
    assert published_files(lake) == {}
    assert lake.read_run_summary(DAY1, "publish") is None


def test_publish_writes_gold_parquet_and_catalog_views(published):
    _, lake, summary = published
    assert summary["tables"] == {
        "fct_job_postings": 2, "agg_daily_postings": 2, "dim_company": 2, "dim_location": 2, "dim_skill": 2,
        "bridge_job_skill": 4, "agg_skill_demand": 2, "agg_salary_by_role": 0, "agg_top_companies": 2,
        # the lifecycle marts: two postings over one day (no demand index before a second day)
        "fct_posting_lifecycle": 2, "dim_posting_salary": 2, "agg_daily_flow": 2, "agg_demand_index": 0,
    }
    assert summary["catalog"] == str(lake.catalog_path)
    assert lake.read_run_summary(DAY1, "publish")["tables"] == summary["tables"]
    for table in summary["tables"]:
        assert [p.name for p in lake.gold_table(table).iterdir()] == ["data.parquet"]
    assert query(lake, "select count(*) from fct_job_postings") == [(2,)]
    assert query(lake, "select country_code, postings from agg_daily_postings order by 1") == [("DE", 1), ("ZZ", 1)]
    assert query(lake, "select company from dim_company order by 1") == [("Acme GmbH",), ("Beta",)]


def test_catalog_views_read_gold_and_carry_dbt_descriptions(published):
    _, lake, _ = published
    views = dict(query(lake, "select view_name, sql from duckdb_views() where not internal"))
    assert sorted(views) == sorted(published[2]["tables"])
    assert str(lake.gold_table("fct_job_postings")) in views["fct_job_postings"]
    comments = dict(query(lake, "select view_name, comment from duckdb_views() where not internal"))
    assert comments["fct_job_postings"].startswith("One row per job posting")
    ((column_doc,),) = query(lake, "select comment from duckdb_columns() "
                                   "where table_name = 'agg_daily_postings' and column_name = 'country_code'")
    assert "ZZ" in column_doc
    assert [p.name for p in lake.catalog_path.parent.iterdir()] == [lake.catalog_path.name]  # no temp files


def test_publish_again_is_idempotent(published):
    settings, lake, summary = published
    assert catalog.publish(settings, DAY1)["tables"] == summary["tables"]
    assert query(lake, "select count(*) from fct_job_postings") == [(2,)]
    assert sorted(p.name for p in (lake.root / "gold").iterdir()) == sorted(summary["tables"])


def test_failed_gate_leaves_published_gold_untouched(tmp_path):
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1")])
    for stage in (transform.run, gate.run, catalog.publish):
        stage(settings, DAY1)
    before = published_files(lake)
    write_silver(lake, DAY2, [posting("2", ingest_date=DAY2, country_code="XX")])
    transform.run(settings, DAY2)
    with pytest.raises(QualityGateFailed, match="country_code"):
        gate.run(settings, DAY2)
    with pytest.raises(QualityGateFailed, match="refusing to publish 2024-01-02: gate has not passed"):
        catalog.publish(settings, DAY2)
    assert published_files(lake) == before
    assert query(lake, "select count(*) from fct_job_postings") == [(1,)]


def test_publish_refuses_a_candidate_rebuilt_after_the_gate(tmp_path):
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY1, [posting("1")])
    transform.run(settings, DAY1)
    gate.run(settings, DAY1)
    write_silver(lake, DAY1, [posting("2")], name="part-1.parquet")
    transform.run(settings, DAY1)  # not validated
    with pytest.raises(QualityGateFailed, match="changed after the gate passed"):
        catalog.publish(settings, DAY1)
    assert published_files(lake) == {}
