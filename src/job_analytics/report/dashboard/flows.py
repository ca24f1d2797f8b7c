"""The market over time: charts of the lifecycle marts (agg_daily_flow, fct_posting_lifecycle, agg_demand_index,
dim_posting_salary). They count by the day a posting was *seen* (first seen, found closed), not by the date its
source says it was posted, so one day of data draws one readable day and a gap of days shows as a gap.

Every function raises ``Unavailable`` (from ``Catalog.rows``) when its view or columns are missing and gives a
"no data" figure on an empty result.
"""

from __future__ import annotations

from collections import defaultdict

import plotly.graph_objects as go

from job_analytics.report.dashboard.catalog import Catalog
from job_analytics.report.dashboard.charts import DAY_BAR_WIDTH, SOURCE_COLORS, _label, _no_data, day_axis

NEW, CLOSED, OPEN = "#2563eb", "#ef4444", "#111827"


def new_vs_closed(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "agg_daily_flow",
        ["flow_date", "new_postings", "closed_postings", "open_postings"],
        "select flow_date, sum(new_postings)::bigint, sum(closed_postings)::bigint, sum(open_postings)::bigint "
        "from agg_daily_flow group by 1 order by 1",
    )
    if not rows:
        return _no_data()
    days = [r[0] for r in rows]
    fig = go.Figure([
        go.Bar(name="new (first seen, or back after closing)", x=days, width=DAY_BAR_WIDTH, y=[r[1] for r in rows], marker_color=NEW,
               hovertemplate="%{x|%Y-%m-%d}<br>%{y} new<extra></extra>"),
        go.Bar(name="closed (gone from complete scrapes)", x=days, width=DAY_BAR_WIDTH, y=[-r[2] for r in rows], marker_color=CLOSED,
               customdata=[r[2] for r in rows], hovertemplate="%{x|%Y-%m-%d}<br>%{customdata} closed<extra></extra>"),
        go.Scatter(name="open at end of day", x=days, y=[r[3] for r in rows], yaxis="y2", mode="lines+markers",
                   line={"color": OPEN}, hovertemplate="%{x|%Y-%m-%d}<br>%{y} open<extra></extra>"),
    ])
    fig.update_layout(barmode="relative", showlegend=True, legend={"orientation": "h", "y": -0.2},
                      xaxis=day_axis(days), yaxis={"title": {"text": "postings per day"}},
                      yaxis2={"title": {"text": "open"}, "overlaying": "y", "side": "right", "rangemode": "tozero"})
    return fig


def days_open_by_role(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "fct_posting_lifecycle",
        ["role_family", "days_open", "is_open"],
        """
        select role_family, is_open, median(days_open)::double, count(*)
        from fct_posting_lifecycle group by all order by role_family, is_open
        """,
    )
    if not rows:
        return _no_data()
    families = sorted({r[0] for r in rows})
    cells = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    fig = go.Figure([
        go.Bar(name=name, x=[_label(f) for f in families], y=[cells.get((f, is_open), (None, 0))[0] for f in families],
               customdata=[cells.get((f, is_open), (None, 0))[1] for f in families], marker_color=color,
               hovertemplate="%{x}<br>median %{y} days<br>%{customdata} postings<extra>" + name + "</extra>")
        for name, is_open, color in (("closed: listed for", False, CLOSED), ("open: listed so far", True, NEW))
    ])
    fig.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.25},
                      yaxis={"title": {"text": "median days, first to last seen"}}, xaxis={"type": "category"})
    return fig


def demand_index(catalog: Catalog, dimension: str) -> go.Figure:
    """``dimension``: role_family or skill (the mart's top skills)."""
    rows = catalog.rows(
        "agg_demand_index",
        ["index_date", "dimension", "value", "demand_index", "new_postings"],
        "select index_date, value, demand_index, new_postings from agg_demand_index where dimension = ? "
        "order by value, index_date",
        [dimension],
    )
    if not rows:
        return _no_data(message="No index yet: it starts on the second day of data")
    series: dict[str, tuple[list, list, list]] = defaultdict(lambda: ([], [], []))
    for day, value, index, new in rows:
        series[value][0].append(day)
        series[value][1].append(index)
        series[value][2].append(new)
    fig = go.Figure([
        go.Scatter(name=_label(value, 28), x=days, y=index, customdata=new, mode="lines+markers",
                   line={"color": SOURCE_COLORS[i % len(SOURCE_COLORS)]},
                   hovertemplate="%{x|%Y-%m-%d}<br>index %{y}<br>%{customdata} new that day<extra>%{fullData.name}"
                                 "</extra>")
        for i, (value, (days, index, new)) in enumerate(sorted(series.items()))
    ])
    fig.add_hline(y=100, line_dash="dot", line_color="#9aa5b1")
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.2}, xaxis=day_axis([r[0] for r in rows]),
                      yaxis={"title": {"text": "7-day average of new postings, baseline = 100"}})
    return fig


def salary_movement(catalog: Catalog) -> go.Figure:
    rows = catalog.rows(
        "dim_posting_salary",
        ["valid_from", "change_annual_usd"],
        """
        select valid_from, count(*) filter (where change_annual_usd > 0), count(*) filter (where change_annual_usd < 0),
               median(change_annual_usd)::double
        from dim_posting_salary where change_annual_usd is not null and change_annual_usd != 0
        group by 1 order by 1
        """,
    )
    if not rows:
        return _no_data(message="No posting has changed its salary yet")
    days = [r[0] for r in rows]
    fig = go.Figure([
        go.Bar(name="raised", x=days, width=DAY_BAR_WIDTH, y=[r[1] for r in rows], marker_color="#10b981",
               customdata=[r[3] for r in rows],
               hovertemplate="%{x|%Y-%m-%d}<br>%{y} raised<br>median change $%{customdata:,.0f}<extra></extra>"),
        go.Bar(name="lowered", x=days, width=DAY_BAR_WIDTH, y=[-r[2] for r in rows], marker_color=CLOSED,
               customdata=[r[2] for r in rows], hovertemplate="%{x|%Y-%m-%d}<br>%{customdata} lowered<extra></extra>"),
    ])
    fig.update_layout(barmode="relative", showlegend=True, legend={"orientation": "h", "y": -0.2},
                      xaxis=day_axis(days), yaxis={"title": {"text": "postings whose salary changed"}})
    return fig
