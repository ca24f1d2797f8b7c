"""The dashboard page: written atomically, self-contained, and safe against hostile scraped text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
from plotly.offline import get_plotlyjs

from job_analytics.dashboard import charts, render
from job_analytics.errors import MissingInputError
from job_analytics.lake import Lake
from job_analytics.settings import Settings

DAY = date(2024, 1, 10)
XSS_TITLE = "<script>alert(1)</script>"
BREAKOUT_TITLE = "Engineer </script><script>alert(2)</script>"

POSTINGS_SQL = """
select
    md5(i::varchar) as job_id,
    case when i % 3 = 0 then 'remotive' when i % 3 = 1 then 'arbeitnow' else 'greenhouse' end as source,
    i::varchar as source_job_id,
    case i when 0 then '{xss}' when 1 then '{breakout}' else ['Data Engineer', 'Analyst', 'ML Engineer'][i % 3 + 1]
    end as title,
    case when i = 2 then '{xss}' else 'Company ' || (i % 7)::varchar end as company,
    'Berlin' as city,
    null::varchar as region,
    case when i % 4 = 0 then null else ['DE', 'US', 'GB'][i % 3 + 1] end as country_code,
    i % 2 = 0 as is_remote,
    'full_time' as employment_type,
    'senior' as seniority,
    'data' as role_family,
    case when i % 5 = 0 then null else 50000 + i * 1000 end::double as salary_min,
    case when i % 5 = 0 then null else 70000 + i * 1000 end::double as salary_max,
    'USD' as salary_currency,
    'year' as salary_period,
    case when i % 5 = 0 then null else 50000 + i * 1000 end::double as salary_annual_usd_min,
    case when i % 5 = 0 then null else 70000 + i * 1000 end::double as salary_annual_usd_max,
    ['python', 'sql'] as skills,
    'text' as description_text,
    case when i = 0 then 'javascript:alert(3)' else 'https://jobs.example.com/' || i::varchar end as url,
    timestamptz '2024-01-10 12:00:00+00' - to_hours(i * 6) as posted_at,
    date '2024-01-10' as ingest_date,
    md5(i::varchar) as duplicate_group,
    (timestamptz '2024-01-10 12:00:00+00' - to_hours(i * 6))::date as posted_date
from range({n}) t(i)
"""

AGG_SQL = """
select posted_date, source, coalesce(country_code, 'ZZ') as country_code, count(*) as postings,
       count(*) filter (where is_remote) as remote_postings,
       count(salary_annual_usd_min) as postings_with_salary,
       median(salary_annual_usd_min) as median_salary_annual_usd
from fct group by all
"""

COMPANY_SQL = """
select company, count(*) as postings, count(distinct source) as sources,
       min(posted_date) as first_seen, max(posted_date) as last_seen
from fct group by company
"""


def build_lake(root: Path, n: int = 40, views: tuple[str, ...] = ("fct", "agg", "company")) -> Settings:
    """A lake with gold parquet files and a catalog of views over them, as update_catalog publishes it."""
    settings = Settings(lake_url=str(root))
    lake = Lake.from_settings(settings)
    gold = root / "gold"
    gold.mkdir(parents=True)
    lake.catalog_path.parent.mkdir(parents=True)
    sql = POSTINGS_SQL.format(xss=XSS_TITLE, breakout=BREAKOUT_TITLE, n=n)
    with duckdb.connect() as con:
        con.execute(f"create table fct as {sql}")
        con.execute(f"copy fct to '{gold / 'fct.parquet'}' (format parquet)")
        con.execute(f"copy ({AGG_SQL}) to '{gold / 'agg.parquet'}' (format parquet)")
        con.execute(f"copy ({COMPANY_SQL}) to '{gold / 'company.parquet'}' (format parquet)")
    names = {"fct": "fct_job_postings", "agg": "agg_daily_postings", "company": "dim_company"}
    with duckdb.connect(str(lake.catalog_path)) as con:
        for file in views:
            con.execute(f"create view {names[file]} as select * from read_parquet('{gold / file}.parquet')")
    return settings


def outside_plotlyjs(page: str) -> str:
    """The page without the inlined plotly.js bundle: what we generated ourselves."""
    return page.replace(get_plotlyjs(), "")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return build_lake(tmp_path / "lake")


def test_page_written_with_all_charts(settings: Settings):
    result = render.run(settings, DAY)

    index, snapshot = Path(result["path"]), Path(result["snapshot"])
    assert index.name == "index.html" and snapshot.name == "2024-01-10.html"
    assert index.read_bytes() == snapshot.read_bytes()
    assert result["bytes"] == index.stat().st_size > 10_000
    assert result["charts"] == 6
    page = index.read_text()
    assert page.count('class="plotly-graph-div"') == 6
    assert "no view" not in page and "lacks column" not in page and "No data yet" not in page


def test_plotly_js_inlined_exactly_once(settings: Settings):
    page = Path(render.run(settings, DAY)["path"]).read_text()

    assert page.count(get_plotlyjs()[:2000]) == 1
    assert "cdn.plot.ly" not in outside_plotlyjs(page)


def test_scraped_text_cannot_inject_markup(settings: Settings):
    result = render.run(settings, DAY)
    page = Path(result["path"]).read_text()
    ours = outside_plotlyjs(page)

    assert XSS_TITLE not in page
    assert "<script>alert(2)" not in page
    # one script tag for plotly.js, one per chart: nothing else opened one
    assert len(re.findall(r"<script", ours, flags=re.IGNORECASE)) == 1 + result["charts"]
    assert "javascript:" not in ours.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ours  # shown as text in the newest-postings table
    assert 'href="https://jobs.example.com/1"' in ours


def test_quality_panel_names_failed_expectations(settings: Settings):
    lake = Lake.from_settings(settings)
    lake.write_run_summary(
        DAY,
        "validate",
        {
            "success": False,
            "failed": [{"expectation": "expect_column_values_to_not_be_null", "column": "job_id"}],
        },
    )
    lake.write_run_summary(DAY, "process", {"silver_rows": 40, "quarantined_by_reason": {"missing_id": 3}})

    page = Path(render.run(settings, DAY)["path"]).read_text()

    assert 'class="status bad">failed' in page
    assert "expect_column_values_to_not_be_null" in page and "column: job_id" in page
    assert "<code>missing_id</code>" in page


def test_passed_gate_is_shown(settings: Settings):
    Lake.from_settings(settings).write_run_summary(DAY, "validate", {"success": True, "failed": []})

    page = Path(render.run(settings, DAY)["path"]).read_text()

    assert 'class="status ok">passed' in page


def test_empty_catalog_still_renders(tmp_path: Path):
    settings = build_lake(tmp_path / "lake", n=0)

    result = render.run(settings, DAY)
    page = Path(result["path"]).read_text()

    assert result["charts"] == 6
    assert "No data yet" in page and "No postings yet." in page
    assert 'class="status unknown">no result' in page


def test_missing_view_gives_a_panel_message(tmp_path: Path):
    settings = build_lake(tmp_path / "lake", views=("fct", "agg"))

    result = render.run(settings, DAY)
    page = Path(result["path"]).read_text()

    assert result["charts"] == 5
    assert "The catalog has no view dim_company yet." in page


def test_missing_catalog_is_reported(tmp_path: Path):
    with pytest.raises(MissingInputError, match="no published catalog"):
        render.run(Settings(lake_url=str(tmp_path / "lake")), DAY)


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://jobs.example.com/1", "https://jobs.example.com/1"),
        (" http://example.com/a?b=1&c=2 ", "http://example.com/a?b=1&c=2"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//evil.example.com", None),
        ("/relative", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(url, expected):
    assert render._safe_href(url) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<b>Staff</b> Engineer", "&lt;b&gt;Staff&lt;/b&gt; Engineer"),
        ('<a href="https://x.example">x</a>', '&lt;a href="https://x.example"&gt;x&lt;/a&gt;'),
        ("R&D Lead", "R&amp;D Lead"),
        ("  ", "(blank)"),
        (None, "(blank)"),
    ],
)
def test_chart_labels_show_markup_as_text(text, expected):
    assert charts._label(text) == expected


def test_long_chart_labels_are_shortened():
    assert charts._label("x" * 100, limit=10) == "x" * 9 + "…"
