"""Arbeitnow (https://www.arbeitnow.com/api/job-board-api): jobs in Germany and remote, paginated by ``links.next``.

Pages come newest first (by ``created_at``) and the API has no date filter, so an incremental scrape stops after
the first page whose every posting an earlier scrape saw (``Source.page_is_known``). An empty page ends the board.

Every posting carries ``default_country="DE"``, the board's own country, for silver to use only when the location
names none; ``remote`` is the board's flag and ``job_types`` its list of kinds.
"""

from __future__ import annotations

from typing import Any

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import NextLink

#: Arbeitnow is a German board: its locations are mostly bare German towns ("Oftersheim", "Gröbenzell")
BOARD_COUNTRY = "DE"


class Arbeitnow(Source):
    name = "arbeitnow"
    base_url_default = "https://www.arbeitnow.com"
    path = "/api/job-board-api"
    records = "data"
    paging = NextLink("links.next")
    newest_first = True

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        slug = fields.required_id(raw.get("slug"), types=(str,))
        title = fields.required_title(raw.get("title"))
        job_types = fields.tags(raw.get("job_types"))
        remote = raw.get("remote")
        return RawPosting(
            source_job_id=slug,
            title=title,
            company=fields.text(raw.get("company_name")),
            location=fields.text(raw.get("location")),
            is_remote=remote if isinstance(remote, bool) else None,
            # e.g. "Full Time, Berufserfahren": the board mixes contract kind and experience level; silver sorts it
            employment_type=", ".join(job_types) or None,
            description_html=fields.text(raw.get("description")),
            tags=fields.tags(raw.get("tags")),
            url=fields.text(raw.get("url")),
            posted_at=fields.timestamp(epoch=raw.get("created_at")),
            default_country=BOARD_COUNTRY,
        )

