"""The dashboard page: written atomically, self-contained, and safe against hostile scraped text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest
from markupsafe import escape
from plotly.offline import get_plotlyjs

from job_analytics.core.errors import MissingInputError
from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.report.dashboard import charts, flows, render
from job_analytics.report.dashboard.catalog import Catalog, Unavailable

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
    [null, 'junior', 'senior'][i % 3 + 1] as seniority,
    case when i % 2 = 0 then 'data_engineer' else 'software_engineer' end as role_family,
    case when i % 5 = 0 then null else 50000 + i * 1000 end::double as salary_min,
    case when i % 5 = 0 then null else 70000 + i * 1000 end::double as salary_max,
    'USD' as salary_currency,
    'year' as salary_period,
    case when i % 5 = 0 then null else 50000 + i * 1000 end::double as salary_annual_usd_min,
    case when i % 5 = 0 then null else 70000 + i * 1000 end::double as salary_annual_usd_max,
    case when i % 5 = 0 then null else 60000 + i * 1000 end::double as salary_annual_usd_mid,
    case when i = 0 then ['python', 'sql', '{xss}'] when i < 27 then ['python', 'sql'] else ['python', 'spark'] end
        as skills,
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


# The lifecycle marts of the same postings: each first seen on its posting day and listed for 3 days, every
# fifth closed after, every seventh reposted once; its salary raised by 1,000 on the day after its first sighting.
LIFECYCLE_SQL = """
select job_id as posting_key, job_id, source, role_family, country_code, skills, posted_date as first_seen,
       posted_date + 2 as last_seen, case when hash(job_id) % 5 = 0 then posted_date + 3 end as closed_on,
       case when hash(job_id) % 5 = 0 then false else true end as is_open, 3 as days_open,
       case when hash(job_id) % 7 = 0 then 1 else 0 end as times_reposted
from fct
"""
FLOW_SQL = """
with events as (
    select first_seen as flow_date, source, role_family, coalesce(country_code, 'ZZ') as country_code,
           1 as opened, 0 as closed from lifecycle
    union all
    select closed_on, source, role_family, coalesce(country_code, 'ZZ'), 0, 1 from lifecycle where closed_on is not null
)
select flow_date, source, role_family, country_code, sum(opened) as new_postings, 0 as reposted_postings,
       sum(closed) as closed_postings,
       sum(sum(opened) - sum(closed)) over (partition by source, role_family, country_code order by flow_date)
           as open_postings
from events group by flow_date, source, role_family, country_code
"""
DEMAND_SQL = """
select first_seen as index_date, 'role_family' as dimension, role_family as value, count(*) as new_postings,
       avg(count(*)) over (partition by role_family order by first_seen rows 6 preceding) as new_postings_7d_avg,
       1.0 as baseline_daily_avg,
       100 * avg(count(*)) over (partition by role_family order by first_seen rows 6 preceding) as demand_index
from lifecycle group by first_seen, role_family
union all
select first_seen, 'skill', skill, count(*), count(*), 1.0, 100.0 * count(*)
from (select first_seen, unnest(skills) as skill from lifecycle) group by first_seen, skill
"""
SALARY_HISTORY_SQL = """
select job_id as posting_key, posted_date as valid_from, posted_date + 1 as valid_to, salary_annual_usd_mid,
       null::double as change_annual_usd from fct where salary_annual_usd_mid is not null
union all
select job_id, posted_date + 1, null, salary_annual_usd_mid + 1000, 1000.0 from fct
where salary_annual_usd_mid is not null
"""
LIFECYCLE_VIEWS = ("lifecycle", "flow", "demand", "salary_history")


def build_lake(root: Path, n: int = 40,
               views: tuple[str, ...] = ("fct", "agg", "company", *LIFECYCLE_VIEWS)) -> Settings:
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
        con.execute(f"create table lifecycle as {LIFECYCLE_SQL}")
        con.execute(f"copy lifecycle to '{gold / 'lifecycle.parquet'}' (format parquet)")
        for name, query in (("flow", FLOW_SQL), ("demand", DEMAND_SQL), ("salary_history", SALARY_HISTORY_SQL)):
            con.execute(f"copy ({query}) to '{gold / name}.parquet' (format parquet)")
    names = {"fct": "fct_job_postings", "agg": "agg_daily_postings", "company": "dim_company",
             "lifecycle": "fct_posting_lifecycle", "flow": "agg_daily_flow", "demand": "agg_demand_index",
             "salary_history": "dim_posting_salary"}
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
    assert result["charts"] == 13  # 8, plus flow, the two demand indexes, days open, salary movement
    page = index.read_text()
    assert page.count('class="plotly-graph-div"') == 13
    for slug in ("per-day", "skills", "salary-roles", "companies", "titles", "remote", "salary", "countries",
                 "flow", "demand-roles", "demand-skills", "days-open", "salary-moves"):
        assert f'id="chart-{slug}"' in page
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

    assert result["charts"] == 13  # 8, plus the five lifecycle charts, each with its "no data" note
    assert "No data yet" in page and "No postings yet." in page
    assert "No index yet: it starts on the second day of data" in page
    assert "No posting has changed its salary yet" in page
    assert "No skills extracted yet" in page and "No role with 3+ salaried postings yet" in page
    assert "no postings published yet" in page
    assert 'class="status unknown">no result' in page


def test_missing_view_gives_a_panel_message(tmp_path: Path):
    settings = build_lake(tmp_path / "lake", views=("fct", "agg"))

    result = render.run(settings, DAY)
    page = Path(result["path"]).read_text()

    assert result["charts"] == 7
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


# -- panels added for the morning read: week change, skill trends, salary by role, freshness, sources ------------


def memory_catalog(sql: str) -> Catalog:
    """A Catalog over one in-memory table ``fct_job_postings`` made by ``sql``."""
    con = duckdb.connect()
    con.execute(f"create table fct_job_postings as {sql}")
    return Catalog(con)


def test_week_change_kpi(settings: Settings):
    # 40 postings, one every 6 hours back from 2024-01-10 12:00: 27 fall on Jan 4-10, 13 on Dec 28 - Jan 3.
    page = Path(render.run(settings, DAY)["path"]).read_text()

    assert "7-day change" in page and "+107.7%" in page
    assert "27 posted Jan 04–Jan 10 vs 13 the 7 days before" in page


def test_week_change_without_history_shows_a_dash(tmp_path: Path):
    page = Path(render.run(build_lake(tmp_path / "lake", n=0), DAY)["path"]).read_text()

    assert '<div class="label">7-day change</div><div class="value">—</div>' in page


def test_skill_trends_compare_the_two_weeks(settings: Settings):
    with duckdb.connect(str(Lake.from_settings(settings).catalog_path), read_only=True) as con:
        fig = charts.skill_trends(Catalog(con), DAY)

    recent, before = fig.data
    bars = {label: (now, then, change) for label, now, then, change
            in zip(recent.y, recent.x, before.x, recent.text, strict=True)}
    assert list(recent.y)[:2] == ["python", "sql"]  # ranked by all postings
    assert bars["python"] == (27, 13, "+108%")
    assert bars["sql"] == (27, 0, "new")
    assert bars["spark"] == (0, 13, "-100%")
    assert bars["&lt;script&gt;alert(1)&lt;/script&gt;"][0] == 1  # a scraped skill is a label, escaped
    assert fig.layout.showlegend


def test_salary_by_role_needs_three_postings_per_cell():
    catalog = memory_catalog("""
        select * from (values
            ('data_engineer', 'senior', 100000.0), ('data_engineer', 'senior', 110000.0),
            ('data_engineer', 'senior', 200000.0), ('data_engineer', 'junior', 50000.0),
            ('data_engineer', 'junior', 60000.0), ('<b>x</b>', null, 1.0), ('<b>x</b>', null, 2.0),
            ('<b>x</b>', null, 3.0), ('data_engineer', 'senior', null)
        ) t(role_family, seniority, salary_annual_usd_mid)
    """)

    (heatmap,) = charts.salary_by_role(catalog).data

    assert list(heatmap.x) == ["senior", "not stated"]
    assert list(heatmap.y) == ["&lt;b&gt;x&lt;/b&gt;", "data_engineer"]
    assert [list(row) for row in heatmap.z] == [[None, 2.0], [110000.0, None]]
    assert heatmap.text[1][0] == "$110k<br>n=3"  # junior (2 postings) is left out


def test_salary_by_role_without_the_column_says_so():
    catalog = memory_catalog("select 'data_engineer' as role_family, 'senior' as seniority")

    with pytest.raises(Unavailable, match="lacks column"):
        charts.salary_by_role(catalog)


def test_per_day_colours_each_source_with_a_legend(settings: Settings):
    with duckdb.connect(str(Lake.from_settings(settings).catalog_path), read_only=True) as con:
        fig = charts.per_day(Catalog(con))

    assert [trace.name for trace in fig.data] == ["arbeitnow", "greenhouse", "remotive"]
    assert len({trace.marker.color for trace in fig.data}) == 3
    assert fig.layout.showlegend and fig.layout.legend.title.text == "Source"


def test_freshness_in_header_and_quality_panel(settings: Settings):
    catalog_path = Lake.from_settings(settings).catalog_path
    with duckdb.connect(str(catalog_path), read_only=True) as con:
        page, _ = render.render_page(Catalog(con), DAY, validate=None, process=None,
                                     generated_at=datetime(2024, 1, 11, 12, 0, tzinfo=UTC))

    assert "newest posting 2024-01-10 12:00 UTC (24 h old)" in page
    assert "<tr><td>Posted at</td><td>2024-01-10 12:00 UTC</td><td class=\"num\">24</td></tr>" in page
    assert "<tr><td>Ingest date</td><td>2024-01-10</td><td class=\"num\">36</td></tr>" in page


def test_freshness_unknown_without_the_view(tmp_path: Path):
    settings = build_lake(tmp_path / "lake", views=("agg", "company"))

    page = Path(render.run(settings, DAY)["path"]).read_text()

    assert "data freshness unknown" in page
    assert "Data freshness: The catalog has no view fct_job_postings yet." in page


@pytest.mark.parametrize("days, first, last, ticks_daily", [
    ([date(2024, 1, 10)], "2024-01-06T12:00:00", "2024-01-13T12:00:00", True),  # one day: a week around it
    ([date(2024, 1, 1), date(2024, 1, 2)], "2023-12-29T12:00:00", "2024-01-05T12:00:00", True),
    ([date(2024, 1, 1), date(2024, 1, 9), date(2024, 3, 1)], "2023-12-31T12:00:00", "2024-03-01T12:00:00", False),
])
def test_day_axis_is_readable_for_a_first_day_a_single_day_and_gaps(days, first, last, ticks_daily):
    axis = charts.day_axis(days)
    assert axis["type"] == "date" and axis["tickformat"] == "%b %d"  # never hours
    assert axis["range"] == [first, last]
    assert ("dtick" in axis) is ticks_daily


def test_flow_charts_say_what_they_count(settings: Settings):
    with duckdb.connect(str(Lake.from_settings(settings).catalog_path), read_only=True) as con:
        catalog = Catalog(con)
        new, closed, open_ = flows.new_vs_closed(catalog).data
        demand = flows.demand_index(catalog, "skill")
        days_open = flows.days_open_by_role(catalog)
    assert sum(new.y) == 40 and -sum(closed.y) == sum(closed.customdata) > 0  # closed drawn below the axis
    assert open_.yaxis == "y2" and open_.name == "open at end of day"
    assert new.name.startswith("new (first seen") and closed.name.startswith("closed")
    assert {trace.name for trace in demand.data} == {"python", "spark", "sql", "&lt;script&gt;alert(1)&lt;/script&gt;"}
    assert [trace.name for trace in days_open.data] == ["closed: listed for", "open: listed so far"]


HOSTILE = '<img src=x onerror="window.__pwned=1">'


def test_hostile_strings_in_company_quality_and_freshness_are_escaped(settings: Settings):
    """The templates autoescape: a scraped company, a failed expectation's observed value and a quarantine reason
    are text in the page, never markup; the company in the newest-postings table shows escaped."""
    lake = Lake.from_settings(settings)
    lake.write_run_summary(DAY, "validate", {"success": False, "failed": [
        {"expectation": "expect_column_values_to_not_match_regex", "column": "company", "observed": [HOSTILE]},
        f"plain {HOSTILE}"]})
    lake.write_run_summary(DAY, "process", {"silver_rows": HOSTILE, "quarantined_by_reason": {HOSTILE: 2}})

    ours = outside_plotlyjs(Path(render.run(settings, DAY)["path"]).read_text())

    assert HOSTILE not in ours and "<img" not in ours
    assert "onerror=&#34;window.__pwned=1&#34;" in ours  # the quarantine reason and silver rows, as text
    assert f"<code>{escape(HOSTILE)}</code>" in ours  # the quarantine reason
    assert f"<li>plain {escape(HOSTILE)}</li>" in ours  # a failure recorded as a plain string
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in ours  # company i=2 in the newest postings


def test_templates_autoescape_and_ship_with_the_package():
    env = render.templates()
    assert env.autoescape("page.html.j2") and env.autoescape("parts.html.j2")
    assert set(env.list_templates()) >= {"page.html.j2", "parts.html.j2"}
    assert str(env.from_string("{{ x }}").render(x="<b>")) == "&lt;b&gt;"


def test_charts_and_freshness_do_not_import_the_renderer():
    """The catalog adapter lives in its own module: render imports the charts, never the reverse."""
    import ast

    import job_analytics.report.dashboard as package

    folder = Path(package.__file__).parent
    for name in ("catalog", "charts", "flows", "freshness", "kpis"):
        tree = ast.parse((folder / f"{name}.py").read_text())
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert "job_analytics.report.dashboard.render" not in imported, name


def test_salary_charts_read_gold_midpoint(settings: Settings):
    """The histogram and the median tile read fct_job_postings.salary_annual_usd_mid, not a recomputed midpoint."""
    with duckdb.connect(str(Lake.from_settings(settings).catalog_path), read_only=True) as con:
        (histogram,) = charts.salaries(Catalog(con)).data
        expected = sorted(r[0] for r in con.execute(
            "select salary_annual_usd_mid from fct_job_postings where salary_annual_usd_mid is not null").fetchall())
    assert list(histogram.x) == expected
    catalog = memory_catalog("select 1 as salary_annual_usd_min, 2 as salary_annual_usd_max")
    with pytest.raises(Unavailable, match="salary_annual_usd_mid"):
        charts.salaries(catalog)
