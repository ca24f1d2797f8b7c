"""refresh_dashboard: one self-contained HTML page from the published catalog.

The page reads only the catalog (``catalog/job_analytics.duckdb``, opened read-only, see ``publish/catalog.py``) and the
run summaries of ``validate`` and ``process``. Plotly's JavaScript is inlined once in the page head, so the file
opens offline, from a laptop or from S3. Every scraped string is untrusted: the page is a Jinja2 template
(``templates/``) with autoescape on, so every value is escaped unless marked safe (only plotly.js and Plotly's own
chart HTML are); links are kept only for http/https URLs; chart labels travel as data in Plotly's JSON, which
escapes ``<``, ``>`` and ``/``.

A panel whose view or columns are missing from the catalog says so instead of failing the page; an empty catalog
gives charts with a "no data" note.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import plotly.graph_objects as go
from jinja2 import Environment
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from job_analytics.core.errors import MissingInputError
from job_analytics.core.lake import Lake, write_bytes_atomic
from job_analytics.core.logs import kv
from job_analytics.report.dashboard import charts, flows, freshness, kpis
from job_analytics.report.dashboard.catalog import Catalog, Unavailable
from job_analytics.report.dashboard.charts import MIN_SAMPLE, TOP_N, TREND_DAYS
from job_analytics.report.dashboard.freshness import Freshness
from job_analytics.report.templating import environment

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

NEWEST_N = 20


def templates() -> Environment:
    """The dashboard's templates (``job_analytics/report/dashboard/templates``), autoescaped."""
    return environment("job_analytics.report.dashboard", keep_trailing_newline=True)


def _parts() -> Any:
    """The macros of ``parts.html.j2`` (each returns escaped Markup)."""
    return templates().get_template("parts.html.j2").module


@dataclass(frozen=True)
class Panel:
    title: str
    body: Markup  # rendered by a template (every untrusted value escaped), or Plotly's chart HTML
    is_chart: bool = False
    wide: bool = False


# -- the stage --------------------------------------------------------------------------------------------------


def run(settings: Settings, day: date) -> dict:
    """Render the dashboard for logical date ``day``; write ``dashboard/<day>.html`` and ``dashboard/index.html``.

    Idempotent apart from the "generated" stamp: the page shows what the catalog holds when it runs.
    """
    lake = Lake.from_settings(settings)
    catalog_path = lake.catalog_path
    if not catalog_path.exists():
        raise MissingInputError(
            f"dashboard {day}: no published catalog at {catalog_path} (run publish first)"
        )
    with lake.open_catalog() as con:
        con.execute("set TimeZone = 'UTC'")
        page, n_charts = render_page(
            Catalog(con),
            day,
            validate=lake.read_run_summary(day, "validate"),
            process=lake.read_run_summary(day, "process"),
            generated_at=datetime.now(UTC),
        )
    data = page.encode("utf-8")
    snapshot = lake.dashboard_dir / f"{day.isoformat()}.html"
    index = lake.dashboard_dir / "index.html"
    write_bytes_atomic(snapshot, data)
    # A backfill of an older date refreshes its own snapshot but leaves the latest page as it is.
    newer = [p for p in lake.dashboard_dir.glob("????-??-??.html") if p.stem > day.isoformat()]
    if not newer:
        write_bytes_atomic(index, data)
    log.info("dashboard_done %s", kv(day=day, bytes=len(data), charts=n_charts))
    summary = {
        "day": day.isoformat(),
        "path": str(index),
        "snapshot": str(snapshot),
        "index_updated": not newer,
        "bytes": len(data),
        "charts": n_charts,
    }
    lake.write_run_summary(day, "dashboard", summary)
    return summary


def render_page(
    catalog: Catalog, day: date, *, validate: dict | None, process: dict | None, generated_at: datetime
) -> tuple[str, int]:
    """The whole page as HTML, and how many charts it holds."""
    fresh = _freshness(catalog, generated_at)
    parts = _parts()
    panels = [
        _chart("Postings per day by source (by the date the source says they were posted)", "per-day",
               lambda: charts.per_day(catalog), wide=True),
        _chart("New vs closed postings per day (by the day first seen / found closed), and open at the end of it",
               "flow", lambda: flows.new_vs_closed(catalog), wide=True),
        _chart("Demand index by role family: 7-day average of new postings, first 28 days = 100", "demand-roles",
               lambda: flows.demand_index(catalog, "role_family")),
        _chart("Demand index of the top skills: 7-day average of new postings listing the skill, first 28 days = 100",
               "demand-skills", lambda: flows.demand_index(catalog, "skill")),
        _chart("Median days listed by role family (first to last seen), closed and still open postings",
               "days-open", lambda: flows.days_open_by_role(catalog)),
        _chart("Salary movement: postings whose advertised salary rose or fell, by the day it changed",
               "salary-moves", lambda: flows.salary_movement(catalog)),
        _chart(
            f"Top {TOP_N} skills: last {TREND_DAYS} days vs the {TREND_DAYS} before",
            "skills",
            lambda: charts.skill_trends(catalog, day),
        ),
        _chart(
            f"Median salary by role family and seniority (annual USD, {MIN_SAMPLE}+ postings)",
            "salary-roles",
            lambda: charts.salary_by_role(catalog),
        ),
        _chart(f"Top {TOP_N} companies", "companies", lambda: charts.top_companies(catalog)),
        _chart(f"Top {TOP_N} titles", "titles", lambda: charts.top_titles(catalog)),
        _chart("Remote vs on-site", "remote", lambda: charts.remote_share(catalog)),
        _chart("Salary distribution (annual USD)", "salary", lambda: charts.salaries(catalog)),
        _chart("Postings by country (top 20)", "countries", lambda: charts.countries(catalog)),
        Panel("Data quality and freshness", parts.quality(_quality(validate, process)) + parts.freshness(fresh)),
        Panel(f"{NEWEST_N} newest postings", _newest(catalog), wide=True),
    ]
    page = templates().get_template("page.html.j2").render(
        day=day.isoformat(),
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        plotlyjs=get_plotlyjs(),
        freshness=fresh.headline(),
        tiles=kpis.tiles(catalog, day),
        panels=panels,
    )
    return page, sum(panel.is_chart for panel in panels)


def _freshness(catalog: Catalog, generated_at: datetime) -> Freshness:
    try:
        return freshness.read(catalog, generated_at)
    except Unavailable as exc:
        return Freshness(problem=str(exc))


def _chart(title: str, slug: str, build: Callable[[], go.Figure], wide: bool = False) -> Panel:
    try:
        fig = build()
    except Unavailable as exc:
        return Panel(title, _parts().note(str(exc)), wide=wide)
    fig.update_layout(template="plotly_white", height=360, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    body = fig.to_html(
        full_html=False,
        include_plotlyjs=False,  # inlined once in the page head
        div_id=f"chart-{slug}",
        config={"displaylogo": False, "responsive": True},
    )
    # Plotly's own HTML: a div and a script whose JSON escapes <, > and / in every label.
    return Panel(title, Markup(body), is_chart=True, wide=wide)


# -- the newest postings, the quality gate: data for templates/parts.html.j2 -----------------------------------


def _safe_href(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (``javascript:``, ``data:``, relative, junk)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _newest(catalog: Catalog) -> Markup:
    parts = _parts()
    try:
        rows = catalog.rows(
            "fct_job_postings",
            ["title", "url", "company", "city", "region", "country_code", "is_remote", "posted_at"],
            """
            select title, url, company, city, region, country_code, is_remote,
                   strftime(posted_at, '%Y-%m-%d %H:%M')
            from fct_job_postings order by posted_at desc nulls last, job_id limit ?
            """,
            [NEWEST_N],
        )
    except Unavailable as exc:
        return parts.note(str(exc))
    if not rows:
        return parts.note("No postings yet.")
    return parts.newest([
        {
            "title": title or "(untitled)",
            "href": _safe_href(url),
            "company": company or "—",
            "place": ", ".join(part for part in (city, region, country) if part) or "—",
            "remote": bool(is_remote),
            "posted": posted or "—",
        }
        for title, url, company, city, region, country, is_remote, posted in rows
    ])


def _quality(validate: dict | None, process: dict | None) -> dict:
    """The gate's outcome and the processing summary, as the quality macro takes them."""
    if validate is None:
        gate, failures = "unknown", []
    elif validate.get("success"):
        gate, failures = "ok", []
    else:
        gate, failures = "bad", [_failure(item) for item in validate.get("failed") or []]
    summary = None
    if process is not None:
        reasons = process.get("quarantined_by_reason") or {}
        summary = {
            "silver_rows": str(process.get("silver_rows", "—")),
            "quarantined": sum(int(n) for n in reasons.values()),
            "reasons": [(str(reason), int(n)) for reason, n in
                        sorted(reasons.items(), key=lambda item: (-int(item[1]), str(item[0])))],
        }
    return {"gate": gate, "failures": failures, "process": summary}


_FAILURE_NAME_KEYS = ("expectation", "expectation_type", "type", "name")


def _failure(item: Any) -> dict:
    """One failed expectation, whatever shape the gate recorded it in (a dict or a plain string).

    ``rest`` is None for a plain string (shown as is), else the other keys as ``key: value`` (may be empty).
    """
    if not isinstance(item, dict):
        return {"name": str(item)[:500], "rest": None}
    name = next((str(item[k]) for k in _FAILURE_NAME_KEYS if item.get(k)), "expectation")
    rest = " · ".join(
        f"{key}: {value if isinstance(value, str) else json.dumps(value, default=str)}"[:200]
        for key, value in item.items()
        if key not in _FAILURE_NAME_KEYS
    )
    return {"name": name, "rest": rest}
