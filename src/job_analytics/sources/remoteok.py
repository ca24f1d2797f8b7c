"""Remote OK (https://remoteok.com/api): every listed remote job in one JSON array.

The array's first element is not a posting but the API's legal notice (``{"last_updated", "legal"}``: link back
and credit Remote OK). ``pages()`` leaves it out of the page, so it never reaches bronze as a record; an array
whose first element carries an ``id`` is kept whole, so a change of shape can never drop a posting. The API
refuses requests without a User-Agent; ``ingest`` sends the project's own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from job_analytics.errors import BadRecord, SourceError
from job_analytics.sources.base import Page, RawPosting, Source


class RemoteOK(Source):
    name = "remoteok"
    path = "/api"

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        response = client.get(self.path).raise_for_status()
        payload = response.json()
        if not isinstance(payload, list):
            raise SourceError(
                f"remoteok: {response.url.copy_with(query=None)}: expected a JSON array of jobs"
            )
        records = payload[1:] if payload and is_legal_notice(payload[0]) else payload
        yield Page(url=str(response.url), records=records)

    def to_posting(self, raw: Any) -> RawPosting:
        if not isinstance(raw, dict):
            raise BadRecord("not_an_object", type(raw).__name__)
        job_id = raw.get("id")
        if job_id is None or isinstance(job_id, bool) or str(job_id).strip() == "":
            raise BadRecord("missing_id")
        title = raw.get("position")
        if not isinstance(title, str) or not title.strip():
            raise BadRecord("missing_title")
        low, high = _amount(raw.get("salary_min")), _amount(raw.get("salary_max"))
        has_salary = low is not None or high is not None
        return RawPosting(
            source_job_id=str(job_id),
            title=title,
            company=_text(raw.get("company")),
            location=_text(raw.get("location")),  # where candidates may live ("Worldwide", "US only", …)
            is_remote=True,  # Remote OK lists remote jobs only
            salary_min=low,
            salary_max=high,
            salary_currency="USD" if has_salary else None,  # the board states salaries in USD per year
            salary_period="year" if has_salary else None,
            description_html=_text(raw.get("description")),
            tags=_tags(raw.get("tags")),
            url=_text(raw.get("url")) or _text(raw.get("apply_url")),
            posted_at=_posted(raw.get("date"), raw.get("epoch")),
        )


def is_legal_notice(element: Any) -> bool:
    """The array's leading ``{"last_updated", "legal"}`` object: a notice, never a posting."""
    return isinstance(element, dict) and "legal" in element and "id" not in element


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _tags(value: Any) -> list[str]:
    return [str(tag) for tag in value if tag not in (None, "")] if isinstance(value, list) else []


def _amount(value: Any) -> float | None:
    """A salary bound; Remote OK writes 0 (or nothing) when the salary is unknown."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        amount = float(value)
    except ValueError:
        return None
    return amount if amount > 0 else None


def _posted(date: Any, epoch: Any) -> datetime | None:
    """``date`` is ISO 8601 with an offset (``2024-12-03T21:15:04+00:00``); ``epoch`` (Unix seconds) stands in."""
    if isinstance(date, str) and date:
        try:
            parsed = datetime.fromisoformat(date)
        except ValueError:
            raise BadRecord("bad_timestamp", repr(date)[:80]) from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if date not in (None, ""):
        raise BadRecord("bad_timestamp", repr(date)[:80])
    if epoch in (None, ""):
        return None
    if isinstance(epoch, bool) or not isinstance(epoch, int | float | str):
        raise BadRecord("bad_timestamp", repr(epoch)[:80])
    try:
        return datetime.fromtimestamp(float(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise BadRecord("bad_timestamp", repr(epoch)[:80]) from None
