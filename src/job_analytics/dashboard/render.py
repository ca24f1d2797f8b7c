"""refresh_dashboard: one self-contained HTML page from the published catalog.

The page reads only the catalog (``catalog/job_analytics.duckdb``, opened read-only) and the run summaries of
``validate`` and ``process``. Plotly's JavaScript is inlined once in the page head, so the file opens offline, from
a laptop or from S3. Every scraped string is untrusted: HTML parts go through ``html.escape`` (links only for
http/https URLs), chart labels travel as data in Plotly's JSON, which escapes ``<``, ``>`` and ``/``.

A panel whose view or columns are missing from the catalog says so instead of failing the page; an empty catalog
gives charts with a "no data" note.
"""

from __future__ import annotations

import html
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import urlsplit

import duckdb
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from job_analytics.dashboard import charts, flows, freshness
from job_analytics.dashboard.charts import MIN_SAMPLE, SALARY_MID, TOP_N, TREND_DAYS
from job_analytics.dashboard.freshness import Freshness
from job_analytics.errors import MissingInputError
from job_analytics.lake import Lake, write_bytes_atomic

log = logging.getLogger(__name__)

NEWEST_N = 20


class Unavailable(Exception):
    """A panel cannot be drawn: its view or columns are missing from the catalog, or its query failed."""


class Catalog:
    """The published catalog, read-only, with the views and columns it actually holds."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._columns: dict[str, set[str]] = defaultdict(set)
        for table, column in con.execute(
            "select table_name, column_name from information_schema.columns"
        ).fetchall():
            self._columns[table].add(column)

    def rows(self, view: str, needs: Sequence[str], sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        if view not in self._columns:
            raise Unavailable(f"The catalog has no view {view} yet.")
        missing = sorted(set(needs) - self._columns[view])
        if missing:
            raise Unavailable(f"View {view} lacks column(s): {', '.join(missing)}.")
        try:
            return self._con.execute(sql, list(params)).fetchall()
        except duckdb.Error as exc:
            raise Unavailable(f"Reading {view} failed: {str(exc)[:300]}") from exc


@dataclass(frozen=True)
class Panel:
    title: str
    body: str  # trusted HTML: built here, every untrusted value escaped
    is_chart: bool = False
    wide: bool = False

    def html(self) -> str:
        cls = "panel wide" if self.wide else "panel"
        return f'<div class="{cls}"><h2>{html.escape(self.title)}</h2>{self.body}</div>'


# -- the stage --------------------------------------------------------------------------------------------------


def run(settings: Any, day: date) -> dict:
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
    log.info("dashboard_done", extra={"day": str(day), "bytes": len(data), "charts": n_charts})
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
        Panel("Data quality and freshness", _quality(validate, process) + fresh.html()),
        Panel(f"{NEWEST_N} newest postings", _newest(catalog), wide=True),
    ]
    template = Template(resources.files(__package__).joinpath("template.html").read_text("utf-8"))
    page = template.substitute(
        day=day.isoformat(),
        generated_at=generated_at.strftime("%Y-%m-%d %H:%M UTC"),
        plotlyjs=get_plotlyjs(),
        freshness=html.escape(fresh.headline()),
        kpis=_kpis(catalog, day),
        panels="\n".join(panel.html() for panel in panels),
    )
    return page, sum(panel.is_chart for panel in panels)


# -- KPI tiles --------------------------------------------------------------------------------------------------


def _kpis(catalog: Catalog, day: date) -> str:
    try:
        ((total, on_day, remote, median, with_salary),) = catalog.rows(
            "fct_job_postings",
            ["posted_date", "is_remote", "salary_annual_usd_min", "salary_annual_usd_max"],
            f"""
            select count(*), count(*) filter (where posted_date = ?), count(*) filter (where is_remote),
                   median(salary_mid), count(salary_mid)
            from (select posted_date, is_remote, {SALARY_MID} as salary_mid from fct_job_postings)
            """,
            [day],
        )
    except Unavailable as exc:
        return _tile("Postings", "—", str(exc))
    return "\n".join(
        [
            _tile("Postings", f"{total:,}", "in the published catalog"),
            _tile(f"Posted on {day.isoformat()}", f"{on_day:,}", "by posting date"),
            _week_change(catalog, day),
            _tile("Remote share", f"{remote / total:.1%}" if total else "—", f"{remote:,} remote postings"),
            _tile(
                "Median salary",
                f"${median:,.0f}" if median is not None else "—",
                f"annual USD, {with_salary:,} postings with a salary",
            ),
        ]
    )


def _week_change(catalog: Catalog, day: date) -> str:
    """Postings of the 7 days up to ``day`` against the 7 days before them, as a signed percentage."""
    week_from, before_from = day - timedelta(days=6), day - timedelta(days=13)
    label = "7-day change"
    try:
        ((week, before),) = catalog.rows(
            "fct_job_postings",
            ["posted_date"],
            """
            select count(*) filter (where posted_date between ? and ?),
                   count(*) filter (where posted_date between ? and ?)
            from fct_job_postings
            """,
            [week_from, day, before_from, week_from - timedelta(days=1)],
        )
    except Unavailable as exc:
        return _tile(label, "—", str(exc))
    value = f"{(week - before) / before:+.1%}" if before else "—"
    hint = f"{week:,} posted {week_from:%b %d}–{day:%b %d} vs {before:,} the 7 days before"
    return _tile(label, value, hint)


def _tile(label: str, value: str, hint: str) -> str:
    return (
        f'<div class="kpi"><div class="label">{html.escape(label)}</div>'
        f'<div class="value">{html.escape(value)}</div><div class="hint">{html.escape(hint)}</div></div>'
    )


# -- data freshness ---------------------------------------------------------------------------------------------


def _freshness(catalog: Catalog, generated_at: datetime) -> Freshness:
    try:
        return freshness.read(catalog, generated_at)
    except Unavailable as exc:
        return Freshness(problem=str(exc))


# -- charts -----------------------------------------------------------------------------------------------------


def _chart(title: str, slug: str, build: Callable[[], go.Figure], wide: bool = False) -> Panel:
    try:
        fig = build()
    except Unavailable as exc:
        return Panel(title, _note(str(exc)), wide=wide)
    fig.update_layout(template="plotly_white", height=360, margin={"l": 10, "r": 10, "t": 10, "b": 10})
    body = fig.to_html(
        full_html=False,
        include_plotlyjs=False,  # inlined once in the page head
        div_id=f"chart-{slug}",
        config={"displaylogo": False, "responsive": True},
    )
    return Panel(title, body, is_chart=True, wide=wide)


# -- HTML panels ------------------------------------------------------------------------------------------------


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def _safe_href(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (``javascript:``, ``data:``, relative, junk)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _newest(catalog: Catalog) -> str:
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
        return _note(str(exc))
    if not rows:
        return _note("No postings yet.")
    lines = []
    for title, url, company, city, region, country, is_remote, posted in rows:
        text = html.escape(title or "(untitled)")
        href = _safe_href(url)
        if href:
            text = (
                f'<a href="{html.escape(href)}" rel="noopener noreferrer nofollow" target="_blank">{text}</a>'
            )
        place = html.escape(", ".join(part for part in (city, region, country) if part) or "—")
        if is_remote:
            place += '<span class="tag">remote</span>'
        lines.append(
            f"<tr><td>{text}</td><td>{html.escape(company or '—')}</td><td>{place}</td>"
            f"<td>{html.escape(posted or '—')}</td></tr>"
        )
    return (
        '<div class="table-wrap"><table><thead><tr><th>Title</th><th>Company</th><th>Location</th>'
        f"<th>Posted (UTC)</th></tr></thead><tbody>{''.join(lines)}</tbody></table></div>"
    )


def _quality(validate: dict | None, process: dict | None) -> str:
    parts = []
    if validate is None:
        parts.append('<p>Quality gate: <span class="status unknown">no result</span> for this date.</p>')
    elif validate.get("success"):
        parts.append('<p>Quality gate: <span class="status ok">passed</span></p>')
    else:
        failed = validate.get("failed") or []
        items = "".join(f"<li>{_failure(item)}</li>" for item in failed)
        parts.append(
            f'<p>Quality gate: <span class="status bad">failed</span> — {len(failed)} expectation(s)</p>'
            + (f'<ul class="failures">{items}</ul>' if items else "")
        )
    if process is None:
        parts.append(_note("No processing summary for this date."))
    else:
        reasons = process.get("quarantined_by_reason") or {}
        quarantined = sum(int(n) for n in reasons.values())
        parts.append(
            f"<p>Silver rows: <strong>{html.escape(str(process.get('silver_rows', '—')))}</strong> · "
            f"quarantined: <strong>{quarantined:,}</strong></p>"
        )
        if reasons:
            body = "".join(
                f'<tr><td><code>{html.escape(str(reason))}</code></td><td class="num">{int(n):,}</td></tr>'
                for reason, n in sorted(reasons.items(), key=lambda item: (-int(item[1]), str(item[0])))
            )
            parts.append(
                '<table><thead><tr><th>Quarantine reason</th><th class="num">Rows</th></tr></thead>'
                f"<tbody>{body}</tbody></table>"
            )
    return "".join(parts)


_FAILURE_NAME_KEYS = ("expectation", "expectation_type", "type", "name")


def _failure(item: Any) -> str:
    """One failed expectation, whatever shape the gate recorded it in (a dict or a plain string)."""
    if not isinstance(item, dict):
        return html.escape(str(item)[:500])
    name = next((str(item[k]) for k in _FAILURE_NAME_KEYS if item.get(k)), "expectation")
    rest = " · ".join(
        f"{key}: {value if isinstance(value, str) else json.dumps(value, default=str)}"[:200]
        for key, value in item.items()
        if key not in _FAILURE_NAME_KEYS
    )
    return f"<code>{html.escape(name)}</code>" + (f" — {html.escape(rest)}" if rest else "")
