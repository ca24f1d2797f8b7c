"""Remotive (https://remotive.com/api/remote-jobs): every remote job in one response, optionally per category.

The response object holds ``jobs`` beside prose and counts (``00-warning``, ``0-legal-notice``, ``job-count``,
``total-job-count``); only ``jobs`` is read. ``publication_date`` comes without an offset ("2026-06-12T21:30:58")
and is read as UTC; an empty ``job_type`` or ``salary`` is none.
"""

from __future__ import annotations

from typing import Any, ClassVar

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import ForEach


class Remotive(Source):
    name = "remotive"
    base_url_default = "https://remotive.com"
    path = "/api/remote-jobs"
    params: ClassVar[dict[str, Any]] = {"category": "{category}"}
    each = (ForEach("remotive_categories", "category", "category", required=False,
                    help="comma list of categories; empty: the whole board in one page"),)
    records = "jobs"

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id = fields.required_id(raw.get("id"))
        title = fields.required_title(raw.get("title"))
        return RawPosting(
            source_job_id=job_id,
            title=title,
            company=fields.text(raw.get("company_name")),
            location=fields.text(raw.get("candidate_required_location")),
            is_remote=True,  # Remotive lists remote jobs only; the location says where candidates may live
            employment_type=fields.text(raw.get("job_type")),
            salary_text=fields.text(raw.get("salary")),
            description_html=fields.text(raw.get("description")),
            tags=fields.tags(raw.get("tags")),
            url=fields.text(raw.get("url")),
            posted_at=fields.timestamp(iso=raw.get("publication_date")),
        )
