"""Data freshness: how old the newest published posting and ingest are when the page is generated.

Shown in the page header (one line) and in the data-quality panel (a small table, ages in hours, drawn by
``templates/parts.html.j2``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from job_analytics.report.dashboard.catalog import Catalog


@dataclass(frozen=True)
class Freshness:
    """How old the newest published data is when the page is generated."""

    newest_posted: datetime | None = None
    newest_ingest: date | None = None
    generated_at: datetime | None = None
    problem: str | None = None

    def hours(self, instant: datetime | None) -> float | None:
        if instant is None or self.generated_at is None:
            return None
        return max(0.0, (self.generated_at - instant).total_seconds() / 3600)

    @property
    def ingest_start(self) -> datetime | None:
        return datetime.combine(self.newest_ingest, time(), tzinfo=UTC) if self.newest_ingest else None

    def headline(self) -> str:
        if self.problem:
            return "data freshness unknown"
        if self.newest_posted is None:
            return "no postings published yet"
        return f"newest posting {self.newest_posted:%Y-%m-%d %H:%M} UTC ({_age(self.hours(self.newest_posted))} old)"

    def rows(self) -> list[tuple[str, str, str]]:
        """The quality panel's freshness table: (what, newest, age in hours); the template renders it."""
        posted = f"{self.newest_posted:%Y-%m-%d %H:%M} UTC" if self.newest_posted else "—"
        ingest = self.newest_ingest.isoformat() if self.newest_ingest else "—"
        return [
            ("Posted at", posted, _hours(self.hours(self.newest_posted))),
            ("Ingest date", ingest, _hours(self.hours(self.ingest_start))),
        ]


def read(catalog: Catalog, generated_at: datetime) -> Freshness:
    """The newest ``posted_at`` and ``ingest_date`` in the catalog; raises ``Unavailable`` like the charts."""
    ((posted, ingest),) = catalog.rows(
        "fct_job_postings",
        ["posted_at", "ingest_date"],
        "select max(posted_at), max(ingest_date) from fct_job_postings",
    )
    if isinstance(posted, datetime) and posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    return Freshness(posted, ingest, generated_at)


def _hours(hours: float | None) -> str:
    return "—" if hours is None else f"{hours:,.0f}"


def _age(hours: float | None) -> str:
    if hours is None:
        return "—"
    return f"{hours:,.0f} h" if hours < 72 else f"{hours / 24:,.0f} days"
