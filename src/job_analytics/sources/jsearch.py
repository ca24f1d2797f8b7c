"""JSearch on RapidAPI (https://jsearch.p.rapidapi.com/search): jobs from Google for Jobs, by query and country.

Every query in ``JSEARCH_QUERIES`` is asked in every country of ``JSEARCH_COUNTRIES``, one API page per request
(``num_pages=1``: RapidAPI bills each page), from ``page=1`` until a page comes back empty or ``MAX_PAGES`` pages
were read. The key travels only in the ``X-RapidAPI-Key`` header, never in a URL; headers are never logged.

Incremental: with an earlier scrape in the state, every request carries ``date_posted`` (``today``, ``3days``,
``week``, ``month``), the narrowest window covering the days since that scrape's date (``date_posted_for``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from job_analytics.errors import ConfigError, SourceError
from job_analytics.sources import fields
from job_analytics.sources.base import Page, RawPosting, Source


class JSearch(Source):
    name = "jsearch"
    path = "/search"

    def headers(self) -> dict[str, str]:
        key = self.settings.rapidapi_key
        if key is None or not key.get_secret_value().strip():
            raise ConfigError("jsearch: no RapidAPI key; set RAPIDAPI_KEY (or JOB_ANALYTICS_RAPIDAPI_KEY)")
        return {"X-RapidAPI-Key": key.get_secret_value(), "X-RapidAPI-Host": httpx.URL(self.base_url).host}

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        window = date_posted_for(self.cursor.days_since_last_run) if self.cursor else None
        if window:
            self.cursor.notes["date_posted"] = window
        for query in self.settings.jsearch_queries:
            for country in self.settings.jsearch_countries:
                for number in range(1, self.limits.max_pages + 1):
                    params = {"query": query, "page": number, "num_pages": 1, "country": country}
                    if window:
                        params["date_posted"] = window
                    response = client.get(self.path, params=params).raise_for_status()
                    payload = response.json()
                    data = payload.get("data") if isinstance(payload, dict) else None
                    if not isinstance(data, list) or payload.get("status") != "OK":
                        status = payload.get("status") if isinstance(payload, dict) else None
                        raise SourceError(
                            f"jsearch: {response.url.copy_with(query=None)}: no 'data' list with status OK (status {status!r:.40})"
                        )
                    if not data:
                        break
                    yield Page(url=str(response.url), records=data)

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id = fields.required_id(raw.get("job_id"), types=(str,))
        title = fields.required_title(raw.get("job_title"))
        remote = raw.get("job_is_remote")
        return RawPosting(
            source_job_id=job_id,
            title=title,
            company=fields.text(raw.get("employer_name")),
            location=_location(raw),
            is_remote=remote if isinstance(remote, bool) else None,
            employment_type=fields.text(raw.get("job_employment_type")),  # "FULLTIME", "CONTRACTOR", …
            salary_min=fields.amount(raw.get("job_min_salary")),
            salary_max=fields.amount(raw.get("job_max_salary")),
            salary_currency=fields.text(raw.get("job_salary_currency")),
            salary_period=fields.text(raw.get("job_salary_period")),  # "YEAR", "MONTH", "HOUR"
            # plain text with line breaks: silver's html_to_text keeps them
            description_html=fields.text(raw.get("job_description")),
            tags=fields.tags(raw.get("job_required_skills")),
            url=fields.text(raw.get("job_apply_link")),
            posted_at=fields.timestamp(
                iso=raw.get("job_posted_at_datetime_utc"), epoch=raw.get("job_posted_at_timestamp")
            ),
        )


#: JSearch's ``date_posted`` windows (days → value), narrowest first; a longer gap asks for everything.
DATE_POSTED = ((1, "today"), (3, "3days"), (7, "week"), (30, "month"))


def date_posted_for(days_since_last_run: int | None) -> str | None:
    """The narrowest ``date_posted`` window covering the days since the last scrape; None (ask for all) when there
    was none, or it is more than a month back."""
    if days_since_last_run is None or days_since_last_run < 1:
        return None
    return next((value for days, value in DATE_POSTED if days_since_last_run <= days), None)


def _location(raw: dict) -> str | None:
    """``job_location`` when sent, else city, state and country (an ISO code) joined as the board shows them."""
    named = fields.text(raw.get("job_location"))
    if named:
        return named
    parts = [fields.text(raw.get(k)) for k in ("job_city", "job_state", "job_country")]
    return ", ".join(p for p in parts if p) or None
