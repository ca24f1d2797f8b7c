"""The KPI tiles at the top of the page: totals, the day's postings, the 7-day change, remote share, median salary.

Each tile is data (label, value, hint); the page template renders and escapes it. A tile whose view or columns are
missing shows "—" and says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from job_analytics.report.dashboard.catalog import Catalog, Unavailable


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    hint: str


def tiles(catalog: Catalog, day: date) -> list[Tile]:
    try:
        ((total, on_day, remote, median, with_salary),) = catalog.rows(
            "fct_job_postings",
            ["posted_date", "is_remote", "salary_annual_usd_mid"],
            """
            select count(*), count(*) filter (where posted_date = ?), count(*) filter (where is_remote),
                   median(salary_annual_usd_mid), count(salary_annual_usd_mid)
            from fct_job_postings
            """,
            [day],
        )
    except Unavailable as exc:
        return [Tile("Postings", "—", str(exc))]
    return [
        Tile("Postings", f"{total:,}", "in the published catalog"),
        Tile(f"Posted on {day.isoformat()}", f"{on_day:,}", "by posting date"),
        week_change(catalog, day),
        Tile("Remote share", f"{remote / total:.1%}" if total else "—", f"{remote:,} remote postings"),
        Tile(
            "Median salary",
            f"${median:,.0f}" if median is not None else "—",
            f"annual USD, {with_salary:,} postings with a salary",
        ),
    ]


def week_change(catalog: Catalog, day: date) -> Tile:
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
        return Tile(label, "—", str(exc))
    value = f"{(week - before) / before:+.1%}" if before else "—"
    hint = f"{week:,} posted {week_from:%b %d}–{day:%b %d} vs {before:,} the 7 days before"
    return Tile(label, value, hint)
