"""Per-source scrape state: what earlier scrapes saw, so a daily scrape asks only for what is new.

One small JSON file per source, ``state/source=<s>.json`` in the lake::

    {"format": 1, "source": "arbeitnow", "updated_at": "2024-01-02T06:00:09+00:00",
     "runs": {"2024-01-01": {"newest_posted_at": "2024-01-01T04:32:59+00:00", "records": 111},
              "2024-01-02": {"newest_posted_at": "2024-01-02T05:10:00+00:00", "records": 37}},
     "first_seen": {"2024-01-01": ["slug-a", "slug-b", …], "2024-01-02": ["slug-c"]}}

``runs`` holds, per ingest date scraped completely, the newest posting time seen; ``first_seen`` holds each posting id
once, under the first date it was seen. Both keep only the last ``window_days`` dates, counted back from the newest
run, so the file stays small.

The cursor for a date is built only from entries *before* that date: a re-run of a date asks exactly what its first
run asked (the same bronze), and a backfill of an older date never asks for less than its first run did. The state
is written only after the date's bronze partition is in place; a crash before that leaves it as it was.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from job_analytics.core.lake import write_json_atomic
from job_analytics.core.logs import kv

log = logging.getLogger(__name__)

FORMAT = 1
#: Postings up to this much older than the newest one seen still count as possibly new (late indexing, clock skew);
#: the ids of those already seen are in the state, so they are recognised anyway.
LOOKBACK = timedelta(days=1)


@dataclass
class Cursor:
    """What earlier scrapes saw, handed to a source for one date. A source uses it to ask for fewer pages; it never
    drops a record it received."""

    day: date
    last_run_date: date | None = None  # the latest earlier date this source was scraped completely
    since: datetime | None = None  # postings older than this were seen by an earlier scrape (watermark - LOOKBACK)
    seen_ids: frozenset[str] = frozenset()
    pages_skipped: int = 0  # pages the API offered that were not requested
    notes: dict[str, Any] = field(default_factory=dict)  # e.g. the server-side filter a source chose

    @property
    def days_since_last_run(self) -> int | None:
        return None if self.last_run_date is None else (self.day - self.last_run_date).days

    def is_known(self, job_id: str | None, posted_at: datetime | None) -> bool:
        """Seen by an earlier scrape: its id is in the state, or it was posted before ``since``."""
        if job_id is not None and job_id in self.seen_ids:
            return True
        return self.since is not None and posted_at is not None and posted_at < self.since

    def manifest(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "last_run_date": self.last_run_date.isoformat() if self.last_run_date else None,
            "pages_skipped": self.pages_skipped,
            **self.notes,
        }


@dataclass
class SourceState:
    source: str
    runs: dict[date, dict[str, Any]] = field(default_factory=dict)  # date -> {"newest_posted_at", "records"}
    first_seen: dict[str, date] = field(default_factory=dict)  # posting id -> first date seen

    def cursor(self, day: date) -> Cursor:
        """The cursor for scraping ``day``, from what was seen on earlier dates only."""
        earlier = [d for d in self.runs if d < day]
        newest = [
            datetime.fromisoformat(self.runs[d]["newest_posted_at"])
            for d in earlier
            if self.runs[d].get("newest_posted_at")
        ]
        return Cursor(
            day=day,
            last_run_date=max(earlier, default=None),
            since=max(newest) - LOOKBACK if newest else None,
            seen_ids=frozenset(job_id for job_id, first in self.first_seen.items() if first < day),
        )

    def with_run(
        self, day: date, ids: Iterable[str], newest: datetime | None, records: int, window_days: int
    ) -> SourceState:
        """This state with a complete scrape of ``day`` added (a re-run replaces its date's entry), then trimmed."""
        runs = {**self.runs, day: {"newest_posted_at": newest.isoformat() if newest else None, "records": records}}
        first_seen = dict(self.first_seen)
        for job_id in ids:
            first_seen[job_id] = min(first_seen.get(job_id, day), day)
        cutoff = max(runs) - timedelta(days=max(1, window_days))
        return SourceState(
            self.source,
            runs={d: mark for d, mark in runs.items() if d > cutoff},
            first_seen={job_id: d for job_id, d in first_seen.items() if d > cutoff},
        )

    def to_json(self) -> dict[str, Any]:
        by_date: dict[str, list[str]] = {}
        for job_id, first in self.first_seen.items():
            by_date.setdefault(first.isoformat(), []).append(job_id)
        return {
            "format": FORMAT,
            "source": self.source,
            "updated_at": datetime.now(UTC).isoformat(),
            "runs": {d.isoformat(): self.runs[d] for d in sorted(self.runs)},
            "first_seen": {d: sorted(ids) for d, ids in sorted(by_date.items())},
        }

    @classmethod
    def from_json(cls, source: str, obj: dict[str, Any]) -> SourceState:
        if obj.get("format") != FORMAT:
            raise ValueError(f"state format {obj.get('format')!r}, expected {FORMAT}")
        return cls(
            source,
            runs={date.fromisoformat(d): dict(mark) for d, mark in obj["runs"].items()},
            first_seen={
                str(job_id): date.fromisoformat(d) for d, ids in obj["first_seen"].items() for job_id in ids
            },
        )


def load(path: Path, source: str) -> SourceState:
    """The source's state; none yet, or a file that cannot be read, is an empty state (the scrape asks for all)."""
    if not path.exists():
        return SourceState(source)
    try:
        return SourceState.from_json(source, json.loads(path.read_text()))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("scrape_state_unreadable %s", kv(source=source, path=path, error=str(exc)))
        return SourceState(source)


def record_run(
    path: Path,
    source: str,
    day: date,
    *,
    ids: Iterable[str],
    newest: datetime | None,
    records: int,
    window_days: int,
) -> SourceState:
    """Add a complete scrape of ``day`` to the state file. Call it only once the day's bronze is written.

    The file is read again just before the write, so a run that finished meanwhile is kept, and replaced atomically.
    """
    state = load(path, source).with_run(day, ids, newest, records, window_days)
    write_json_atomic(path, state.to_json())
    return state
