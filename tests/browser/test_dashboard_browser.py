"""The dashboard in a real browser: headless Chromium (Debian's ``chromium``, driven by Playwright) opens pages built
by the pipeline and checks what a reader would see.

Two pages: the demo day run end to end without Airflow, and a variant whose published catalog carries hostile
strings. The demo's own ``<script>alert(1)</script>`` title is stripped to plain text when silver is built, so it
never reaches the page; the variant plants script, markup and ``javascript:`` payloads straight into the gold
table to prove the dashboard's own escaping holds on its own. A screenshot of the demo page is saved to
``test-artifacts/dashboard.png`` (the variant's beside it).

Skipped only when no Chromium binary is installed (``apt-get install chromium``).
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import sync_playwright

from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.pipeline import run_all
from job_analytics.publish.catalog import build_catalog
from job_analytics.report.dashboard import render

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
DAY = date(2024, 1, 1)
CHROMIUM = os.environ.get("CHROMIUM_BIN") or next(
    (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)
# Chromium as root in a container: no sandbox, and nothing that phones home or touches a shared profile
# (Playwright gives every launch a fresh temporary --user-data-dir).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

SCRIPT_TITLE = "<script>window.__pwned=1</script>"
BREAKOUT_TITLE = "</script><script>window.__pwned=2</script>"
IMG_COMPANY = '<img src=x onerror="window.__pwned=3">'
JS_URL = "javascript:window.__pwned=4"
PAYLOADS = {"script": SCRIPT_TITLE, "breakout": BREAKOUT_TITLE, "img": IMG_COMPANY, "js_url": JS_URL}

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (CI installs Debian's chromium)")


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("lake")
    results = run_all(Settings(lake_url=str(lake), sources=["demo"]), DAY)
    assert results["validate"]["success"] and results["dashboard"]["charts"] > 0
    return lake


@pytest.fixture(scope="module")
def planted_lake(demo_lake, tmp_path_factory) -> Path:
    """The demo's published gold with hostile strings in the newest postings, re-catalogued and re-rendered."""
    lake = Lake(tmp_path_factory.mktemp("planted"))
    shutil.copytree(demo_lake / "gold", lake.root / "gold")
    shutil.copytree(demo_lake / "runs", lake.root / "runs")
    # 8 rows share the script title (the most frequent title, so the titles chart carries it as data) and 2 more
    # try to close a <script> element; all 10 are the newest, so the postings table shows them too.
    _rewrite(lake.gold_table("fct_job_postings"), "posted_at desc nulls last, job_id", """
        case when rank <= 8 then $script when rank <= 10 then $breakout else title end as title,
        case when rank <= 8 then $img else company end as company,
        case when rank between 9 and 10 then $js_url else url end as url""")
    _rewrite(lake.gold_table("dim_company"), "postings desc, company",
             "case when rank = 1 then $img else company end as company")
    build_catalog(lake)
    render.run(Settings(lake_url=str(lake.root)), DAY)
    return lake.root


def _rewrite(table: Path, order: str, replace: str) -> None:
    """Rewrite a gold table's Parquet with some columns replaced; ``rank`` numbers its rows in ``order``."""
    data = table / "data.parquet"
    duckdb.execute(f"""
        copy (select * exclude (rank) replace ({replace})
              from (select *, row_number() over (order by {order}) as rank from read_parquet('{data}')))
        to '{data}.new' (format parquet)
    """, {name: value for name, value in PAYLOADS.items() if f"${name}" in replace})
    os.replace(f"{data}.new", data)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One page load, with everything the page said or tried on the way."""

    def __init__(self, browser, index: Path):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.dialogs: list[str] = []
        self.remote_requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1440, "height": 900})
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:"))
                     or self.remote_requests.append(r.url))
        self.page.goto(index.as_uri(), wait_until="load")
        # Plotly draws each chart on load; wait until every chart div holds its SVG.
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.plotly-graph-div')]"
            ".every(d => d.querySelector('svg.main-svg'))", timeout=20_000)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def charts(self) -> list[dict]:
        return self.page.evaluate("""() => [...document.querySelectorAll('.plotly-graph-div')].map(d => ({
            id: d.id,
            svgs: d.querySelectorAll('svg.main-svg').length,
            // bars and pies draw g.trace groups; a heatmap draws one g.hm holding its image
            marks: d.querySelectorAll('svg.main-svg g.trace, svg.main-svg g.hm image').length,
            traces: (d._fullData || []).length,
            // a chart with nothing to count says so in an annotation ("No posting has changed its salary yet")
            note: [...d.querySelectorAll('.annotation-text')].map(a => a.textContent).join(' '),
            width: d.getBoundingClientRect().width,
            height: d.getBoundingClientRect().height,
        }))""")

    def assert_clean(self) -> None:
        assert self.console_errors == [] and self.page_errors == []
        assert self.dialogs == []
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert self.remote_requests == []  # self-contained: the page works offline


def test_demo_dashboard_renders_every_chart(browser, demo_lake):
    index = demo_lake / "dashboard" / "index.html"
    summary = Lake(demo_lake).read_run_summary(DAY, "dashboard")
    visit = Visit(browser, index)

    visit.assert_clean()
    charts = visit.charts()
    assert len(charts) == summary["charts"] == 13  # 8, and the 5 of the market over time (flows, index, salary)
    for chart in charts:
        assert chart["svgs"] >= 1, chart
        assert (chart["marks"] >= 1 and chart["traces"] >= 1) or chart["note"].startswith("No "), chart
        assert chart["width"] > 200 and chart["height"] > 200, chart
    assert visit.page.title() == "Job market dashboard · 2024-01-01"
    assert visit.page.locator(".kpi").count() == 5
    assert "7-day change" in visit.page.locator(".kpis").inner_text()
    assert "newest posting 2024-01-01" in visit.page.locator("header .freshness").inner_text()
    assert visit.page.locator("table.freshness tbody tr").count() == 2
    # Every source has its colour in a legend; the skills chart compares two weeks, the salary chart is a heatmap.
    assert visit.page.locator("#chart-per-day .legend .traces").count() >= 1
    assert visit.page.locator("#chart-skills .legend .traces").count() == 2
    assert visit.page.locator("#chart-salary-roles .hm image").count() == 1
    assert "passed" in visit.page.locator(".status").first.inner_text()
    # The demo's "<script>alert(1)</script>" title arrives as plain "Data Analyst": nothing of it is left.
    assert "alert(1)" not in index.read_text()

    ARTIFACTS.mkdir(exist_ok=True)
    visit.page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert (ARTIFACTS / "dashboard.png").stat().st_size > 50_000
    print(f"\ndashboard: {index.stat().st_size:,} bytes, screenshot {ARTIFACTS / 'dashboard.png'}")


def test_planted_scripts_do_not_run(browser, planted_lake):
    index = planted_lake / "dashboard" / "index.html"
    visit = Visit(browser, index)

    visit.assert_clean()
    charts = visit.charts()
    assert all((chart["marks"] >= 1 and chart["traces"] >= 1) or chart["note"].startswith("No ")
               for chart in charts), charts
    assert sum(chart["marks"] >= 1 for chart in charts) >= 8, charts  # the no-data note is the exception
    # Shown as text, never dropped: in the postings table, and as bar labels in the charts.
    table = visit.page.locator(".table-wrap")
    assert table.get_by_text(SCRIPT_TITLE, exact=True).count() == 8
    assert table.get_by_text(BREAKOUT_TITLE, exact=True).count() == 2
    assert table.get_by_text(IMG_COMPANY, exact=True).count() == 8
    assert visit.page.locator("#chart-titles svg text", has_text="window.__pwned=1").count() >= 1
    assert visit.page.locator("#chart-companies svg text", has_text="onerror").count() >= 1
    assert visit.page.locator("img").count() == 0
    assert visit.page.locator('a[href^="javascript:"]').count() == 0

    ARTIFACTS.mkdir(exist_ok=True)
    visit.page.screenshot(path=str(ARTIFACTS / "dashboard-planted.png"), full_page=True)
