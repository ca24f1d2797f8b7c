"""JSearch on RapidAPI (https://jsearch.p.rapidapi.com/search): jobs from Google for Jobs, by query and country.

Every query in ``JSEARCH_QUERIES`` is asked in every country of ``JSEARCH_COUNTRIES``, one API page per request
(``num_pages=1``: RapidAPI bills each page), from ``page=1`` until a page comes back empty or ``MAX_PAGES`` pages
were read. The key travels only in the ``X-RapidAPI-Key`` header, never in a URL; headers are never logged.

Incremental: with an earlier scrape in the state, every request carries ``date_posted`` (``today``, ``3days``,
``week``, ``month``), the narrowest window covering the days since that scrape's date (``date_posted_for``).

Two response shapes, both read: ``data`` as the list of postings (paged by ``page``), and the newer
``data: {"jobs": [...], "cursor": "..."}``. A cursor is the next page: it is sent back as the ``cursor`` query
parameter with the same query, country and window and without ``page`` (the parameter name as public clients of the
newer search send it, e.g. ``cursor`` beside ``query``/``country``/``num_pages`` on ``/jsearch/search-v2``; the API's
own reference is not public). A page without a cursor, an empty page, or a cursor already followed ends the query.

Since 2025 records carry no ``job_salary_currency``: the currency stays unknown here (silver infers it from the
country). ``job_posted_at`` ("3 days ago") is kept as ``posted_text`` only when no timestamp is sent.
"""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from job_analytics.core.errors import ConfigError, SourceError
from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import Cursor, ForEach, PageNumber, Request, SinglePage


class PageOrCursor(SinglePage):
    """The list shape pages by ``page``; the newer ``data: {jobs, cursor}`` shape by its cursor."""

    page, cursor = PageNumber("page"), Cursor("data.cursor", drop=("page",))

    def next(self, request: Request, payload: Any, records: list, base_url: httpx.URL) -> Request | None:
        paging = self.cursor if isinstance(payload.get("data"), dict) else self.page
        return paging.next(request, payload, records, base_url)


class JSearch(Source):
    name = "jsearch"
    base_url_default = "https://jsearch.p.rapidapi.com"
    path = "/search"
    params: ClassVar[dict[str, Any]] = {"query": "{query}", "page": 1, "num_pages": 1, "country": "{country}"}
    each = (
        ForEach("jsearch_queries", "query", "query", default=("data engineer",), help="comma list of searches"),
        ForEach("jsearch_countries", "country", "country", default=("us",),
                help="comma list of ISO 3166-1 alpha-2 codes; each query is asked in each"),
    )
    paging = PageOrCursor()
    yields_empty_page = False  # RapidAPI bills a page: an empty one ends the query unreported

    def headers(self) -> dict[str, str]:
        key = self.settings.rapidapi_key
        if key is None or not key.get_secret_value().strip():
            raise ConfigError("jsearch: no RapidAPI key; set RAPIDAPI_KEY (or JOB_ANALYTICS_RAPIDAPI_KEY)")
        return {"X-RapidAPI-Key": key.get_secret_value(), "X-RapidAPI-Host": httpx.URL(self.base_url).host}

    def request_params(self, item: dict[str, str | None]) -> dict[str, Any]:
        params = super().request_params(item)
        window = date_posted_for(self.cursor.days_since_last_run) if self.cursor else None
        if window:
            self.cursor.notes["date_posted"] = window
            params["date_posted"] = window
        return params

    def read_page(self, response: httpx.Response) -> tuple[Any, list]:
        """The page's JSON and postings: ``data`` as a list, or ``data.jobs``. An error status, or ``data`` in
        neither shape, is a ``SourceError`` naming the URL without its query."""
        payload = response.raise_for_status().json()
        status = payload.get("status") if isinstance(payload, dict) else None
        data = payload.get("data") if isinstance(payload, dict) else None
        if status in (None, "OK") and isinstance(data, list):
            return payload, data
        if status in (None, "OK") and isinstance(data, dict) and isinstance(data.get("jobs"), list):
            return payload, data["jobs"]
        raise SourceError(
            f"jsearch: {response.url.copy_with(query=None)}: no 'data' list (nor 'data.jobs') with status OK "
            f"(status {status!r:.40})"
        )

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id = fields.required_id(raw.get("job_id"), types=(str,))
        title = fields.required_title(raw.get("job_title"))
        remote = raw.get("job_is_remote")
        posted_at = fields.timestamp(
            iso=raw.get("job_posted_at_datetime_utc"), epoch=raw.get("job_posted_at_timestamp")
        )
        salary = raw.get("job_salary")
        return RawPosting(
            source_job_id=job_id,
            title=title,
            company=fields.text(raw.get("employer_name")),
            location=_location(raw),
            is_remote=remote
            if isinstance(remote, bool)
            else _ARRANGEMENT.get(str(raw.get("work_arrangement")).lower()),
            employment_type=_employment_type(raw),
            # a display text ("$120K–$150K a year"), sent beside or instead of the amounts
            salary_text=fields.text(salary) if isinstance(salary, str) else None,
            salary_min=fields.amount(raw.get("job_min_salary")),
            salary_max=fields.amount(raw.get("job_max_salary")),
            salary_currency=fields.text(
                raw.get("job_salary_currency")
            ),  # gone since 2025: None, never guessed
            salary_period=fields.text(raw.get("job_salary_period")),  # "YEAR", "MONTH", "HOUR"
            # plain text with line breaks: silver's html_to_text keeps them
            description_html=fields.text(raw.get("job_description")),
            tags=fields.tags(raw.get("job_required_skills")),
            url=fields.text(raw.get("job_apply_link")),
            posted_at=posted_at,
            posted_text=None if posted_at else fields.text(raw.get("job_posted_at")),
            default_country=fields.country_code(raw.get("job_country")),
        )


#: ``work_arrangement`` (newer responses, sent where ``job_is_remote`` may be null) → remote or not
_ARRANGEMENT = {"remote": True, "hybrid": False, "on-site": False, "onsite": False, "on_site": False}

#: JSearch's ``date_posted`` windows (days → value), narrowest first; a longer gap asks for everything.
DATE_POSTED = ((1, "today"), (3, "3days"), (7, "week"), (30, "month"))


def date_posted_for(days_since_last_run: int | None) -> str | None:
    """The narrowest ``date_posted`` window covering the days since the last scrape; None (ask for all) when there
    was none, or it is more than a month back."""
    if days_since_last_run is None or days_since_last_run < 1:
        return None
    return next((value for days, value in DATE_POSTED if days_since_last_run <= days), None)


def _employment_type(raw: dict) -> str | None:
    """The enums of ``job_employment_types`` (``["FULLTIME", "CONTRACTOR"]``) joined, else the display text of
    ``job_employment_type`` ("Full-time", "Part-time and Contractor", "Vollzeit"; older responses: an enum)."""
    enums = fields.tags(raw.get("job_employment_types"))
    return ", ".join(enums) if enums else fields.text(raw.get("job_employment_type"))


def _location(raw: dict) -> str | None:
    """``job_location`` when sent, else city, state and country (an ISO code) joined as the board shows them
    (``job_country`` also fills the country where the text names none: ``default_country``)."""
    named = fields.text(raw.get("job_location"))
    if named:
        return named
    parts = [fields.text(raw.get(k)) for k in ("job_city", "job_state", "job_country")]
    return ", ".join(p for p in parts if p) or None
