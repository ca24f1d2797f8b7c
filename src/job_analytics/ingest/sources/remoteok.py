"""Remote OK (https://remoteok.com/api): every listed remote job in one JSON array.

The array's first element is not a posting but the API's legal notice (``{"last_updated", "legal"}``: link back
and credit Remote OK). ``read_page`` leaves it out of the page, so it never reaches bronze as a record; an array
whose first element carries an ``id`` is kept whole, so a change of shape can never drop a posting. The API
refuses requests without a User-Agent; ``ingest`` sends the project's own.

Ids come as strings or numbers; a salary of 0 (or "0") is unknown, never 0. Text is kept as sent, double-encoded
UTF-8 included ("Ã©", "â€™", even in titles and locations): silver repairs it.
"""

from __future__ import annotations

from typing import Any

import httpx

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source


class RemoteOK(Source):
    name = "remoteok"
    base_url_default = "https://remoteok.com"
    path = "/api"

    def read_page(self, response: httpx.Response) -> tuple[Any, list]:
        payload, records = self.records_in(response)
        return payload, records[1:] if records and is_legal_notice(records[0]) else records

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id = fields.required_id(raw.get("id"))
        title = fields.required_title(raw.get("position"))
        # Remote OK writes 0 (or nothing) when the salary is unknown
        low = fields.amount(raw.get("salary_min"), zero_is_unknown=True)
        high = fields.amount(raw.get("salary_max"), zero_is_unknown=True)
        has_salary = low is not None or high is not None
        return RawPosting(
            source_job_id=job_id,
            title=title,
            company=fields.text(raw.get("company")),
            location=fields.text(raw.get("location")),  # where candidates may live ("Worldwide", "US only", …)
            is_remote=True,  # Remote OK lists remote jobs only
            salary_min=low,
            salary_max=high,
            salary_currency="USD" if has_salary else None,  # the board states salaries in USD per year
            salary_period="year" if has_salary else None,
            description_html=fields.text(raw.get("description")),
            tags=fields.tags(raw.get("tags")),
            url=fields.text(raw.get("url")) or fields.text(raw.get("apply_url")),
            posted_at=fields.timestamp(iso=raw.get("date"), epoch=raw.get("epoch")),
        )


def is_legal_notice(element: Any) -> bool:
    """The array's leading ``{"last_updated", "legal"}`` object: a notice, never a posting."""
    return isinstance(element, dict) and "legal" in element and "id" not in element
