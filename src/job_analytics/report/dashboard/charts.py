"""The dashboard's Plotly figures, one function per chart, each reading what it needs from the catalog.

A function raises ``Unavailable`` (from ``Catalog.rows``) when its view or columns are missing; an empty result
gives a figure with a "no data" note. Labels are scraped text: see ``_label``.
"""

from __future__ import annotations

import html
import statistics
from collections import defaultdict
from datetime import date, timedelta

import plotly.graph_objects as go
import pycountry

from job_analytics.report.dashboard.catalog import Catalog

TOP_N = 15
DAYS_SHOWN = 90
LABEL_CHARS = 48
TREND_DAYS = 7  # the skills trend compares the last TREND_DAYS days up to the logical date with the ones before
MIN_SAMPLE = 3  # a salary cell needs this many postings with a salary to show a median
# One colour per source, stable from page to page (sources in name order take them in turn).
SOURCE_COLORS = ("#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#0ea5e9", "#ec4899", "#84cc16")


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


#: a time axis never spans fewer days than this: a first day, or a single one, is a bar among empty days
MIN_AXIS_DAYS = 7


#: a bar on a date axis is as wide as its x values are apart; one day alone would be a hairline: 0.8 day, in ms
DAY_BAR_WIDTH = 0.8 * 86_400_000


def day_axis(days: list[date]) -> dict:
    """A date x-axis over ``days`` (at least ``MIN_AXIS_DAYS`` wide, half a day of margin), with one tick per day
    while the range is short: never hours, never a single point stretched over the width."""
    first, last = min(days), max(days)
    pad = max(0, MIN_AXIS_DAYS - 1 - (last - first).days)
    start, end = first - timedelta(days=pad // 2), last + timedelta(days=pad - pad // 2)
    axis = {"type": "date", "tickformat": "%b %d", "hoverformat": "%Y-%m-%d",
            "range": [f"{start - timedelta(days=1)}T12:00:00", f"{end}T12:00:00"]}
    if (end - start).days <= 14:
        axis["dtick"] = 86_400_000  # one day, in ms
    return axis


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
        [
            go.Bar(
                name=_label(source),
                x=days,
                y=counts,
                marker_color=SOURCE_COLORS[i % len(SOURCE_COLORS)],
                width=DAY_BAR_WIDTH,
                hovertemplate="%{x|%Y-%m-%d}<br>%{y} postings<extra>%{fullData.name}</extra>",
            )
            for i, (source, (days, counts)) in enumerate(sorted(by_source.items()))
        ]
    )
    # The legend is shown even for a single source, so the colour always says where the postings came from.
    fig.update_layout(
        barmode="stack",
        showlegend=True,
        legend={"orientation": "h", "y": -0.15, "title": {"text": "Source"}},
        xaxis=day_axis([date.fromisoformat(day) for day, _, _ in rows]),
    )
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
        ["salary_annual_usd_mid"],  # gold's midpoint of the range, or the one bound it has
        "select salary_annual_usd_mid from fct_job_postings where salary_annual_usd_mid is not null order by 1",
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


def _change(now: int, before: int) -> str:
    """``now`` against ``before`` as a signed percentage; "new" when there was nothing before."""
    if before == 0:
        return "new" if now else "±0"
    return f"{(now - before) / before:+.0%}"


def skill_trends(catalog: Catalog, day: date) -> go.Figure:
    """The TOP_N skills of all published postings; bars for the last TREND_DAYS days vs the TREND_DAYS before."""
    recent_from = day - timedelta(days=TREND_DAYS - 1)
    before_from = day - timedelta(days=2 * TREND_DAYS - 1)
    rows = catalog.rows(
        "fct_job_postings",
        ["skills", "posted_date"],
        """
        select skill, count(*) as total,
               count(*) filter (where posted_date between ? and ?) as recent,
               count(*) filter (where posted_date between ? and ?) as before
        from (select unnest(skills) as skill, posted_date from fct_job_postings)
        where nullif(trim(skill), '') is not null
        group by skill order by total desc, skill limit ?
        """,
        [recent_from, day, before_from, recent_from - timedelta(days=1), TOP_N],
    )
    if not rows:
        return _no_data(message="No skills extracted yet")
    full = [_label(r[0]) for r in rows]
    short = [_label(r[0], LABEL_CHARS) for r in rows]
    totals, recent, before = [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]
    changes = [_change(now, then) for now, then in zip(recent, before, strict=True)]
    fig = go.Figure(
        [
            go.Bar(
                name=f"last {TREND_DAYS} days (to {day.isoformat()})",
                x=recent,
                y=full,
                orientation="h",
                marker_color="#2563eb",
                text=changes,
                textposition="outside",
                customdata=list(zip(totals, changes, strict=True)),
                hovertemplate="%{y}<br>%{x} postings (%{customdata[1]})<br>"
                "%{customdata[0]} in all<extra></extra>",
            ),
            go.Bar(
                name=f"previous {TREND_DAYS} days",
                x=before,
                y=full,
                orientation="h",
                marker_color="#cbd2d9",
                hovertemplate="%{y}<br>%{x} postings<extra></extra>",
            ),
        ]
    )
    fig.update_layout(
        barmode="group",
        bargap=0.2,
        showlegend=True,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        yaxis={"autorange": "reversed", "tickvals": full, "ticktext": short, "automargin": True},
    )
    return fig


def salary_by_role(catalog: Catalog) -> go.Figure:
    """Median annual USD salary (midpoint) per role family × seniority; cells under MIN_SAMPLE stay empty."""
    rows = catalog.rows(
        "fct_job_postings",
        ["role_family", "seniority", "salary_annual_usd_mid"],
        """
        select coalesce(nullif(trim(role_family), ''), 'not stated') as role_family,
               coalesce(nullif(trim(seniority), ''), 'not stated') as seniority,
               median(salary_annual_usd_mid)::double as median, count(*) as n
        from fct_job_postings
        where salary_annual_usd_mid is not null
        group by all having count(*) >= ?
        order by role_family, seniority
        """,
        [MIN_SAMPLE],
    )
    if not rows:
        return _no_data(message=f"No role with {MIN_SAMPLE}+ salaried postings yet")
    families = sorted({r[0] for r in rows})
    levels = sorted({r[1] for r in rows}, key=_seniority_order)
    cells = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    z = [[cells.get((f, s), (None, 0))[0] for s in levels] for f in families]
    text = [
        [f"${cells[(f, s)][0] / 1000:,.0f}k<br>n={cells[(f, s)][1]}" if (f, s) in cells else "" for s in levels]
        for f in families
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[_label(s) for s in levels],
            y=[_label(f) for f in families],
            text=text,
            texttemplate="%{text}",
            colorscale="Blues",
            hoverongaps=False,
            colorbar={"title": {"text": "USD"}, "tickprefix": "$"},
            hovertemplate="%{y} · %{x}<br>median $%{z:,.0f}<extra></extra>",
        )
    )
    fig.update_layout(xaxis={"title": {"text": "seniority"}, "type": "category"},
                      yaxis={"automargin": True, "type": "category", "autorange": "reversed"})
    return fig


_SENIORITY = ("intern", "junior", "mid", "senior", "lead", "principal", "manager", "director", "executive")


def _seniority_order(level: str) -> tuple[int, str]:
    """Seniority levels from junior up; unknown levels after them, "not stated" last."""
    if level == "not stated":
        return (len(_SENIORITY) + 1, level)
    return (_SENIORITY.index(level) if level in _SENIORITY else len(_SENIORITY), level)
