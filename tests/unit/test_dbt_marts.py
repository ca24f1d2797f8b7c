"""The gold marts on a small hand-made silver whose answers are worked out by hand (one real dbt build).

Eight postings of one ingest day, posted between 2023-12-20 and 2024-01-01:

    id  company       city / region / country   remote  skills              role · seniority        USD     posted
    1   Acme GmbH     Berlin / Berlin / DE       yes     Python, SQL         data_engineer · senior  50k     12-20
    2   " acme gmbh"  "berlin " / Berlin / DE    no      Python, python      data_engineer · senior  60k     12-28
    3   Beta          – / – / –                  yes     Python, Kubernetes  data_engineer · senior  70k     01-01
    4   Acme GmbH     Munich / Bayern / DE       no      SQL                 data_engineer · senior  70k     12-28
    5   Gamma         Berlin / Berlin / DE       yes     Python              data_engineer · senior  100k    12-26
    6   Beta          – / – / –                  no      –                   data_engineer · senior  80k     01-01
    7   Delta         Windhoek / – / NA          no      Go                  software_engineer · –   –       01-01
    8   Acme GmbH     Berlin / Berlin / DE       yes     SQL                 other · junior          –       12-25
        (8 is on arbeitnow, the rest on remotive)
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from job_analytics.core.lake import Lake
from job_analytics.gold import stage as transform
from job_analytics.gold.candidate import GOLD_TABLES
from tests.unit.silver_factory import lake_settings, posting, write_silver

DAY = date(2024, 1, 1)


def _posting(n: int, company: str, place: tuple, remote: bool, skills: list[str], role: tuple, usd: float | None,
             posted: date, source: str = "remotive") -> dict:
    city, region, country = place
    salary = ({"salary_min": usd, "salary_max": usd, "salary_annual_usd_min": usd, "salary_annual_usd_max": usd}
              if usd else {"salary_min": None, "salary_max": None, "salary_currency": None, "salary_period": None,
                           "salary_annual_usd_min": None, "salary_annual_usd_max": None})
    return posting(str(n), source=source, company=company, city=city, region=region, country_code=country,
                   is_remote=remote, skills=skills, role_family=role[0], seniority=role[1],
                   posted_at=datetime(posted.year, posted.month, posted.day, 8, tzinfo=UTC), **salary)


BERLIN, NOWHERE = ("Berlin", "Berlin", "DE"), (None, None, None)
DE_SENIOR = ("data_engineer", "senior")
POSTINGS = [
    _posting(1, "Acme GmbH", BERLIN, True, ["Python", "SQL"], DE_SENIOR, 50_000, date(2023, 12, 20)),
    _posting(2, " acme gmbh", ("berlin ", "Berlin", "DE"), False, ["Python", "python"], DE_SENIOR, 60_000,
             date(2023, 12, 28)),
    _posting(3, "Beta", NOWHERE, True, ["Python", "Kubernetes"], DE_SENIOR, 70_000, DAY),
    _posting(4, "Acme GmbH", ("Munich", "Bayern", "DE"), False, ["SQL"], DE_SENIOR, 70_000, date(2023, 12, 28)),
    _posting(5, "Gamma", BERLIN, True, ["Python"], DE_SENIOR, 100_000, date(2023, 12, 26)),
    _posting(6, "Beta", NOWHERE, False, [], DE_SENIOR, 80_000, DAY),
    _posting(7, "Delta", ("Windhoek", None, "NA"), False, ["Go"], ("software_engineer", None), None, DAY),
    _posting(8, "Acme GmbH", BERLIN, True, ["SQL"], ("other", "junior"), None, date(2023, 12, 25), "arbeitnow"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Lake, dict]:
    settings = lake_settings(tmp_path_factory.mktemp("lake"))
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY, POSTINGS)
    return lake, transform.run(settings, DAY)


def rows(lake: Lake, sql: str) -> list[tuple]:
    with duckdb.connect(str(lake.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_model_and_test_passes(built):
    _, summary = built
    assert summary["failed"] == [] and summary["warned"] == []
    assert summary["models"] == 18 and summary["seeds"] == 1  # 11, plus the lifecycle: 2 staging/intermediate views, the episodes, 4 marts


def test_every_gold_column_is_described_in_the_warehouse(built):
    """persist_docs: each mart and each of its columns carries its yml description (publish copies them)."""
    lake, _ = built
    tables = dict(rows(lake, "select table_name, comment from duckdb_tables()"))
    assert all(tables.get(table) for table in GOLD_TABLES), {t: tables.get(t) for t in GOLD_TABLES}
    undocumented = rows(lake, f"""
        select table_name, column_name from duckdb_columns()
        where table_name in {tuple(GOLD_TABLES)} and coalesce(comment, '') = '' order by all""")
    assert undocumented == []


def test_location_dimension_merges_spellings_and_names_the_country(built):
    lake, _ = built
    assert rows(lake, "select city, region, country_code, country, postings, remote_postings "
                      "from dim_location order by postings desc, city") == [
        ("Berlin", "Berlin", "DE", "Germany", 4, 3),
        ("Munich", "Bayern", "DE", "Germany", 1, 0),
        ("Windhoek", None, "NA", "Namibia", 1, 0),  # "NA" is Namibia, not a missing value
    ]
    # postings with no location at all have no key; every other posting joins its location
    assert rows(lake, "select count(*) filter (where location_key is null), count(l.location_key) "
                      "from fct_job_postings f left join dim_location l using (location_key)") == [(2, 6)]


def test_company_dimension(built):
    lake, _ = built
    assert rows(lake, "select company, postings, sources from dim_company order by postings desc, company") == [
        ("Acme GmbH", 4, ["arbeitnow", "remotive"]), ("Beta", 2, ["remotive"]), ("Delta", 1, ["remotive"]),
        ("Gamma", 1, ["remotive"]),
    ]


def test_skill_bridge_and_dimension(built):
    lake, _ = built
    assert rows(lake, "select skill, postings from dim_skill order by postings desc, skill") == [
        ("Python", 4), ("SQL", 3), ("Go", 1), ("Kubernetes", 1),
    ]
    # "Python" and "python" in one posting are one skill of it; posting 6 lists none
    assert rows(lake, "select count(*), count(distinct job_id) from bridge_job_skill") == [(9, 7)]
    assert rows(lake, """
        select f.source_job_id, list(s.skill order by s.skill)
        from bridge_job_skill b join fct_job_postings f using (job_id) join dim_skill s using (skill_key)
        where f.source_job_id in ('2', '3') group by 1 order by 1""") == [("2", ["Python"]), ("3", ["Kubernetes", "Python"])]


def test_daily_postings_by_day_source_country_and_remote(built):
    lake, _ = built
    assert rows(lake, """
        select posted_date, source, country_code, is_remote, postings, remote_postings, postings_with_salary,
               median_salary_annual_usd
        from agg_daily_postings order by all""") == [
        (date(2023, 12, 20), "remotive", "DE", True, 1, 1, 1, 50_000.0),
        (date(2023, 12, 25), "arbeitnow", "DE", True, 1, 1, 0, None),
        (date(2023, 12, 26), "remotive", "DE", True, 1, 1, 1, 100_000.0),
        (date(2023, 12, 28), "remotive", "DE", False, 2, 0, 2, 65_000.0),
        (DAY, "remotive", "NA", False, 1, 0, 0, None),
        (DAY, "remotive", "ZZ", False, 1, 0, 1, 80_000.0),
        (DAY, "remotive", "ZZ", True, 1, 1, 1, 70_000.0),
    ]
    assert rows(lake, "select sum(postings) from agg_daily_postings") == [(8,)]


def test_skill_demand_has_calendar_windows_and_trends(built):
    lake, _ = built
    # one row per skill and day, from its first posting to the latest posted_date (2024-01-01)
    assert rows(lake, "select skill, count(*), min(posted_date), max(posted_date), sum(postings) "
                      "from agg_skill_demand group by 1 order by 1") == [
        ("Go", 1, DAY, DAY, 1), ("Kubernetes", 1, DAY, DAY, 1),
        ("Python", 13, date(2023, 12, 20), DAY, 4), ("SQL", 13, date(2023, 12, 20), DAY, 3),
    ]
    # on 2024-01-01: Python 3 in the last 7 days (12-26, 12-28, 01-01) vs 1 before (12-20): +200 %;
    # SQL 1 (12-28) vs 2 (12-20, 12-25): -50 %; nothing before 28 days ago, so no 28-day trend
    assert rows(lake, """
        select skill, postings, postings_7d, postings_prev_7d, trend_7d, postings_28d, postings_prev_28d, trend_28d
        from agg_skill_demand where posted_date = date '2024-01-01' order by skill""") == [
        ("Go", 1, 1, 0, None, 1, 0, None),
        ("Kubernetes", 1, 1, 0, None, 1, 0, None),
        ("Python", 1, 3, 1, 2.0, 4, 0, None),
        ("SQL", 0, 1, 2, -0.5, 3, 0, None),
    ]
    # a day without postings of the skill is a row with 0, and the 7-day window slides over calendar days
    assert rows(lake, "select posted_date, postings, postings_7d, postings_prev_7d from agg_skill_demand "
                      "where skill = 'Python' and posted_date in ('2023-12-21', '2023-12-27') order by 1") == [
        (date(2023, 12, 21), 0, 1, 0), (date(2023, 12, 27), 0, 1, 1),
    ]


def test_salary_percentiles_need_the_minimum_sample(built):
    lake, _ = built
    # DE data_engineer senior: 50k, 60k, 70k, 100k → interpolated quartiles; ZZ has only 2 salaries (< 3)
    assert rows(lake, "select * from agg_salary_by_role") == [
        ("data_engineer", "senior", "DE", 4, 57_500.0, 65_000.0, 77_500.0),
    ]


def test_top_companies(built):
    lake, _ = built
    assert rows(lake, "select company_rank, company, postings, remote_postings, postings_7d, postings_28d, "
                      "countries, postings_with_salary, median_salary_annual_usd, top_skills "
                      "from agg_top_companies order by 1") == [
        (1, "Acme GmbH", 4, 2, 2, 4, 1, 3, 60_000.0, ["SQL", "Python"]),
        (2, "Beta", 2, 1, 2, 2, 0, 2, 75_000.0, ["Kubernetes", "Python"]),
        (3, "Delta", 1, 0, 1, 1, 1, 0, None, ["Go"]),  # ties (1 posting each) by name
        (4, "Gamma", 1, 1, 1, 1, 1, 1, 100_000.0, ["Python"]),
    ]


def test_vars_set_the_salary_sample_and_the_top_companies_kept(built, tmp_path):
    """`--vars` on a copy of the candidate (the module's warehouse stays as built)."""
    lake, _ = built
    settings = lake_settings(tmp_path)
    copy = Lake.from_settings(settings)
    (tmp_path / "silver").symlink_to(lake.root / "silver")
    copy.warehouse_path.parent.mkdir(parents=True)
    shutil.copyfile(lake.warehouse_path, copy.warehouse_path)
    outcome, _ = transform._invoke(
        settings, DAY, ["build", "--select", "agg_salary_by_role", "agg_top_companies",
                        "--vars", "{salary_min_sample: 2, top_companies_limit: 2}"],
        target=Path(tmp_path) / "target")
    assert outcome.success, outcome.exception
    assert rows(copy, "select * from agg_salary_by_role order by country_code") == [
        ("data_engineer", "senior", "DE", 4, 57_500.0, 65_000.0, 77_500.0),
        ("data_engineer", "senior", "ZZ", 2, 72_500.0, 75_000.0, 77_500.0),
    ]
    assert rows(copy, "select company from agg_top_companies order by company_rank") == [("Acme GmbH",), ("Beta",)]
