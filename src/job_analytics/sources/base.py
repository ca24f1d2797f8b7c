"""What every source is: a short declaration that fetches pages and maps one raw record to canonical fields.

Retries, rate limits, concurrency, record caps, bronze writing and the scrape state are shared code in
``job_analytics.ingest``; a source never retries, sleeps or writes. It may read ``cursor`` (what earlier scrapes
saw) to ask for fewer pages, never to leave out a record it received.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

import httpx

from job_analytics.errors import SourceError
from job_analytics.scrape_state import Cursor


@dataclass
class Page:
    """One API response: the records it held, in order, and the URL asked (no secrets in it)."""

    url: str
    records: list[Any]
    api: str | None = None  # the records' shape when it is not the source's own (the demo replays several)


@dataclass
class RawPosting:
    """A raw record mapped to canonical field names; values are still the source's own (normalized in silver)."""

    source_job_id: str
    title: str
    company: str | None = None
    location: str | None = None  # free text as the source gives it
    is_remote: bool | None = None
    employment_type: str | None = None  # the source's own vocabulary
    salary_text: str | None = None  # free text, when the source has no structured salary
    salary_min: float | None = None
    salary_max: float | None = None
    salary_currency: str | None = None
    salary_period: str | None = None
    description_html: str | None = None
    tags: list[str] = field(default_factory=list)
    url: str | None = None
    posted_at: datetime | None = None  # timezone-aware, UTC
    #: a relative posting time as the API shows it ("3 days ago", "30+ days ago"), sent when no timestamp is;
    #: silver reads it against the record's fetch time (``fields.relative_age``) and notes ``posted_at_relative``
    posted_text: str | None = None
    #: the record's own country field (JSearch ``job_country``, Lever ``country``) or the board's country (ISO 3166-1
    #: alpha-2: Arbeitnow is a German board), used by silver only when the location text names no country, and
    #: noted ``country_from_board``; where the two disagree the text wins
    default_country: str | None = None


class Source(ABC):
    """A job API. ``name`` is the registry name; ``path`` is appended to ``<NAME>_BASE_URL``."""

    name: ClassVar[str]
    path: ClassVar[str]

    def __init__(self, settings: Any):
        self.settings = settings
        # what earlier scrapes saw, set by ``ingest``; None: ask for everything (no state, or incremental is off)
        self.cursor: Cursor | None = None

    @property
    def limits(self) -> Any:
        """This source's request limits (``Settings.limits``): its own settings, else the global ones."""
        return self.settings.limits(self.name)

    @property
    def base_url(self) -> str:
        return getattr(self.settings, f"{self.name}_base_url").rstrip("/")

    def headers(self) -> dict[str, str]:
        """Extra request headers (API keys). Never logged."""
        return {}

    def records_in(self, response: httpx.Response, key: str | None = None) -> tuple[Any, list]:
        """The response's JSON and its list of records: under ``key``, or the JSON array itself. Anything else is a
        ``SourceError`` naming the URL (without its query, which may hold a key)."""
        payload = response.raise_for_status().json()
        records = payload if key is None else (payload.get(key) if isinstance(payload, dict) else None)
        if not isinstance(records, list):
            what = f"no {key!r} list" if key else "no JSON array of postings"
            raise SourceError(f"{self.name}: {response.url.copy_with(query=None)}: {what} in the response")
        return payload, records

    def page_is_known(self, records: list[Any]) -> bool:
        """Every record of a non-empty page was seen by an earlier scrape (``Cursor.is_known``). A record that
        cannot be read counts as new, so a doubtful page never ends the paging."""
        if self.cursor is None or not records:
            return False
        for raw in records:
            try:
                posting = self.to_posting(raw)
            except Exception:  # noqa: BLE001 - any unreadable record: silver quarantines it, paging goes on
                return False
            if not self.cursor.is_known(posting.source_job_id, posting.posted_at):
                return False
        return True

    @abstractmethod
    def pages(self, client: httpx.Client) -> Iterator[Page]:
        """Request the API page by page through ``client`` (its base URL is ``base_url``)."""

    @abstractmethod
    def to_posting(self, raw: Any) -> RawPosting:
        """Map one raw record; raise ``errors.BadRecord(reason)`` when it cannot be a posting."""
