"""The dashboard's Plotly figures, one function per chart, each reading what it needs from the catalog.

A function raises ``Unavailable`` (from ``Catalog.rows``) when its view or columns are missing; an empty result
gives a figure with a "no data" note. Labels are scraped text: see ``_label``.
"""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import pycountry

if TYPE_CHECKING:
    from job_analytics.dashboard.render import Catalog

TOP_N = 15
DAYS_SHOWN = 90
LABEL_CHARS = 48

# Annual USD salary of one posting: the midpoint of its range, or the one bound it has.
SALARY_MID = (
    "coalesce((salary_annual_usd_min + salary_annual_usd_max) / 2,"
    " salary_annual_usd_min, salary_annual_usd_max)"
)


def _label(text: str | None, limit: int | None = None) -> str:
    """Untrusted text as a Plotly label.

    Plotly renders a few HTML-like tags in labels (``<b>``, ``<a href>``); escaping makes it show the text as
    scraped. The JSON holding it escapes ``<``, ``>`` and ``/`` too, so nothing can close the script tag.
    """
    text = (text or "").strip() or "(blank)"
    if limit and len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=False)


def _no_data(fig: go.Figure | None = None, message: str = "No data yet") -> go.Figure:
    fig = fig or go.Figure()
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False})
    fig.add_annotation(
        text=message,
        showarrow=False,
        font={"size": 16, "color": "#616e7c"},
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
    )
    return fig


def per_day(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "agg_daily_postings",
        ["posted_date", "source", "postings"],
        f"""
        select strftime(posted_date, '%Y-%m-%d'), coalesce(source, '(unknown)'), sum(postings)::bigint
        from agg_daily_postings
        where posted_date > (select max(posted_date) from agg_daily_postings) - {DAYS_SHOWN}
        group by all order by 1, 2
        """,
    )
    if not rows:
        return _no_data()
    by_source: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for day, source, postings in rows:
        by_source[source][0].append(day)
        by_source[source][1].append(postings)
    fig = go.Figure(
        [go.Bar(name=_label(source), x=days, y=counts) for source, (days, counts) in by_source.items()]
    )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.15}, xaxis={"type": "date"})
    return fig


def _ranked_bars(names: list[str], counts: list[int], hover: str) -> go.Figure:
    if not names:
        return _no_data()
    # Categories keep the full (escaped) name so two long names never merge; ticks show them shortened.
    full = [_label(name) for name in names]
    short = [_label(name, LABEL_CHARS) for name in names]
    fig = go.Figure(
        go.Bar(x=counts, y=full, orientation="h", hovertemplate=f"%{{y}}<br>{hover}<extra></extra>")
    )
    fig.update_layout(
        yaxis={"autorange": "reversed", "tickvals": full, "ticktext": short, "automargin": True}
    )
    return fig


def top_companies(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "dim_company",
        ["company", "postings"],
        "select company, postings from dim_company where company is not null "
        "order by postings desc, company limit ?",
        [TOP_N],
    )
    return _ranked_bars([r[0] for r in rows], [r[1] for r in rows], "%{x} postings")


def top_titles(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "fct_job_postings",
        ["title"],
        "select title, count(*) as n from fct_job_postings where title is not null "
        "group by title order by n desc, title limit ?",
        [TOP_N],
    )
    return _ranked_bars([r[0] for r in rows], [r[1] for r in rows], "%{x} postings")


def remote_share(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "fct_job_postings",
        ["is_remote"],
        "select is_remote, count(*) from fct_job_postings group by 1 order by 1",
    )
    names = {True: "Remote", False: "On-site", None: "Not stated"}
    fig = go.Figure(
        go.Pie(
            labels=[names.get(r[0], str(r[0])) for r in rows],
            values=[r[1] for r in rows],
            hole=0.5,
            sort=False,
        )
    )
    return fig if rows else _no_data(fig)


def salaries(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "fct_job_postings",
        ["salary_annual_usd_min", "salary_annual_usd_max"],
        f"select s from (select {SALARY_MID} as s from fct_job_postings) where s is not null order by s",
    )
    if not rows:
        return _no_data(message="No postings with a salary yet")
    values = [r[0] for r in rows]
    fig = go.Figure(go.Histogram(x=values, nbinsx=30, hovertemplate="%{x}<br>%{y} postings<extra></extra>"))
    median = statistics.median(values)
    fig.add_vline(x=median, line_dash="dash", annotation_text=f"median ${median:,.0f}")
    fig.update_layout(xaxis={"title": {"text": "annual USD"}, "tickprefix": "$"}, bargap=0.05)
    return fig


def _country_name(code: str | None) -> str:
    if not code:
        return "Unknown / worldwide"
    country = pycountry.countries.get(alpha_2=code)
    return f"{code} · {country.name}" if country else code


def countries(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "fct_job_postings",
        ["country_code"],
        "select country_code, count(*) as n from fct_job_postings group by 1 order by n desc, 1 limit 20",
    )
    return _ranked_bars([_country_name(r[0]) for r in rows], [r[1] for r in rows], "%{x} postings")
