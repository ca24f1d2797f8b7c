"""Remotive (https://remotive.com/api/remote-jobs): every remote job in one response, optionally per category."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from job_analytics.errors import BadRecord, SourceError
from job_analytics.sources.base import Page, RawPosting, Source


class Remotive(Source):
    name = "remotive"
    path = "/api/remote-jobs"

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        categories = self.settings.remotive_categories or [None]
        for category in categories:
            params = {"category": category} if category else None
            response = client.get(self.path, params=params).raise_for_status()
            payload = response.json()
            jobs = payload.get("jobs") if isinstance(payload, dict) else None
            if not isinstance(jobs, list):
                raise SourceError(
                    f"remotive: {response.url.copy_with(query=None)}: no 'jobs' list in the response"
                )
            yield Page(url=str(response.url), records=jobs)

    def to_posting(self, raw: Any) -> RawPosting:
        if not isinstance(raw, dict):
            raise BadRecord("not_an_object", type(raw).__name__)
        job_id = raw.get("id")
        if job_id is None or isinstance(job_id, bool) or str(job_id).strip() == "":
            raise BadRecord("missing_id")
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            raise BadRecord("missing_title")
        return RawPosting(
            source_job_id=str(job_id),
            title=title,
            company=_text(raw.get("company_name")),
            location=_text(raw.get("candidate_required_location")),
            is_remote=True,  # Remotive lists remote jobs only; the location says where candidates may live
            employment_type=_text(raw.get("job_type")),
            salary_text=_text(raw.get("salary")),
            description_html=_text(raw.get("description")),
            tags=_tags(raw.get("tags")),
            url=_text(raw.get("url")),
            posted_at=_published(raw.get("publication_date")),
        )


def _text(value: Any) -> str | None:
    """A string field as sent; empty and missing become None."""
    if value is None:
        return None
    text = str(value)
    return text if text.strip() else None


def _tags(value: Any) -> list[str]:
    return [str(tag) for tag in value if tag is not None] if isinstance(value, list) else []


def _published(value: Any) -> datetime | None:
    """``publication_date`` is ISO 8601 without an offset, in UTC (``2023-12-20T10:27:13``)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord("bad_timestamp", repr(value)[:80])
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadRecord("bad_timestamp", repr(value)[:80]) from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
