"""What every source is: a short declaration of its API, and a pure mapping of one raw record to canonical fields.

A source declares the path below ``<NAME>_BASE_URL`` (its default: ``base_url_default``), the query ``params``,
``each`` (one list per configured board, company or query: ``paging.ForEach``), where the records sit
(``records``: a key of the response object, or None for a JSON array), how a list pages (``paging``: a paginator
class of ``paging.py``) and ``to_posting``. ``Source.pages`` is the one loop that asks, reads and stops for every
source; a source overrides a hook (``read_page``, ``item_error``, ``request_params``) only where its API is odd.

Retries, rate limits, concurrency, record caps, bronze writing and the scrape state are shared code in
``job_analytics.ingest.stage``; a source never retries, sleeps or writes. It may read ``cursor`` (what earlier scrapes
saw) to ask for fewer pages, never to leave out a record it received.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import product
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

import httpx

from job_analytics.core.errors import ConfigError, SourceError
from job_analytics.ingest.sources.paging import ForEach, Request, SinglePage
from job_analytics.ingest.state import Cursor

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings


@dataclass
class Page:
    """One API response: the records it held, in order, and the URL asked (no secrets in it)."""

    url: str
    records: list[Any]
    api: str | None = None  # the records' shape when it is not the source's own (the demo replays several)
    #: what the response says beside its records that each record needs (``Source.page_context``), kept in the
    #: bronze envelope as ``context`` — the records themselves stay exactly as sent
    context: dict[str, Any] | None = None


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
    #: the API's own scheme and host: the default of ``<NAME>_BASE_URL`` (a setting made from this declaration)
    base_url_default: ClassVar[str] = ""
    params: ClassVar[dict[str, Any]] = {}
    #: one list per configured item; several: one per combination (every query in every country)
    each: ClassVar[tuple[ForEach, ...]] = ()
    records: ClassVar[str | None] = None
    paging: ClassVar[SinglePage] = SinglePage()
    #: an empty page is reported as a page (it ends the list either way)
    yields_empty_page: ClassVar[bool] = True
    #: pages come newest first: an incremental scrape stops after a page whose every posting was seen before
    newest_first: ClassVar[bool] = False
    #: True for a board API whose every response lists every open job of one board (the request path names the
    #: board): a posting missing from a complete scrape of its board has closed. False for a search API, whose
    #: postings close after ``CLOSE_AFTER_DAYS`` complete scrapes without them (dbt's fct_posting_lifecycle).
    lists_whole_board: ClassVar[bool] = False

    def __init__(self, settings: Settings):
        self.settings = settings
        # what earlier scrapes saw, set by ``ingest``; None: ask for everything (no state, or incremental is off)
        self.cursor: Cursor | None = None
        # set by ``pages`` when MAX_PAGES ended a list that offered a next page; for a board that lists every
        # open job (``lists_whole_board``) the scrape is then capped, never complete (``ingest``)
        self.cut_short = False

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

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        """Request every configured item's list page by page through ``client`` (its base URL is ``base_url``).

        A list ends at its last page (the paginator offers no next), at an empty page, at a request already made,
        after ``MAX_PAGES`` pages, or (``newest_first``, incremental) after a page an earlier scrape saw whole. An
        item the API says it does not know (``item_error``) is skipped; after the others, one ``SourceError``
        names each such item, so the records read are kept and the failure is reported."""
        items = self.items()
        failed: list[str] = []
        for item in items:
            request: Request | None = self.paging.first(
                Request(self.request_path(item), self.request_params(item))
            )
            asked: set[tuple] = set()
            while request is not None:
                if len(asked) >= self.limits.max_pages:
                    self.cut_short = True
                    break
                asked.add(request.key)
                response = client.get(request.path, params=request.params or None)  # None keeps a link's query
                message = self.item_error(response)
                if message is not None:
                    where = response.url.copy_with(query=None)
                    failed.append(f"{self._noun()} {self._label(item)} ({where}): {message}")
                    break
                payload, records = self.read_page(response)
                if not records and not self.yields_empty_page:
                    break
                yield Page(url=str(response.url), records=records, context=self.page_context(payload))
                following = self.paging.next(request, payload, records, client.base_url)
                if not records or following is None or following.key in asked:
                    break
                if self.newest_first and self.page_is_known(records):
                    self.cursor.pages_skipped += 1  # the API gives no page count: the next page is the one known skip
                    break
                request = following
        if failed:
            raise SourceError(
                f"{self.name}: {len(failed)} of {len(items)} {self._noun()}s failed: " + "; ".join(failed)
            )

    def items(self) -> list[dict[str, str | None]]:
        """Each configured item (``each``) as ``{key: value}``; ``[{}]`` for a source with one list."""
        lists = []
        for each in self.each:
            values = list(getattr(self.settings, each.setting))
            if not values and each.required:
                what = each.setting.removeprefix(f"{self.name}_")
                raise ConfigError(
                    f"{self.name}: no {what} configured; set JOB_ANALYTICS_{each.setting.upper()} (comma list)"
                )
            lists.append([(each.key, value) for value in values or [None]])
        return [dict(combination) for combination in product(*lists)]

    def request_path(self, item: dict[str, str | None]) -> str:
        """``path`` with each item filled in as one escaped path segment (a setting never leaves its segment)."""
        return self.path.format(**{k: quote(v or "", safe="") for k, v in item.items()})

    def request_params(self, item: dict[str, str | None]) -> dict[str, Any]:
        """``params`` with the item filled in; a ``{key}`` param of an unset optional item is left out."""
        params = {}
        for name, value in self.params.items():
            if isinstance(value, str) and "{" in value:
                if any(item.get(k) is None and f"{{{k}}}" in value for k in item):
                    continue
                value = value.format(**item)
            params[name] = value
        return params

    def page_context(self, payload: Any) -> dict[str, Any] | None:
        """What a response holds beside its records that describes each of them (Workable's account name); None
        when the records say everything themselves (the default)."""
        return None

    def to_posting_in(self, raw: Any, context: dict[str, Any] | None) -> RawPosting:
        """``to_posting`` for a record landed with its page's ``context`` (None for most sources and older bronze)."""
        return self.to_posting(raw)

    def read_page(self, response: httpx.Response) -> tuple[Any, list]:
        """The response's JSON and its records (``records_in`` with the declared ``records`` key)."""
        return self.records_in(response, self.records)

    def item_error(self, response: httpx.Response) -> str | None:
        """The API's message when it answers that it does not know the item asked (Lever's unknown site); None
        for anything else, which ``read_page`` reads or reports."""
        return None

    def _noun(self) -> str:
        return self.each[0].noun if len(self.each) == 1 else "request"

    @staticmethod
    def _label(item: dict[str, str | None]) -> str:
        return ", ".join(repr(v) for v in item.values())

    @abstractmethod
    def to_posting(self, raw: Any) -> RawPosting:
        """Map one raw record; raise ``errors.BadRecord(reason)`` when it cannot be a posting."""
