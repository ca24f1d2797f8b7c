"""Arbeitnow (https://www.arbeitnow.com/api/job-board-api): jobs in Germany and remote, paginated by ``links.next``.

Pages come newest first (by ``created_at``) and the API has no date filter, so an incremental scrape stops after
the first page whose every posting an earlier scrape saw (``Source.page_is_known``). An empty page ends the board.

Every posting carries ``default_country="DE"``, the board's own country, for silver to use only when the location
names none; ``remote`` is the board's flag and ``job_types`` its list of kinds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from job_analytics.sources import fields
from job_analytics.sources.base import Page, RawPosting, Source

#: Arbeitnow is a German board: its locations are mostly bare German towns ("Oftersheim", "Gröbenzell")
BOARD_COUNTRY = "DE"


class Arbeitnow(Source):
    name = "arbeitnow"
    path = "/api/job-board-api"

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        target: str | None = self.path
        seen: set[str] = set()
        while target is not None and len(seen) < self.limits.max_pages:
            seen.add(target)
            response = client.get(target)
            payload, data = self.records_in(response, "data")
            yield Page(url=str(response.url), records=data)
            target = _next_target(payload, client.base_url)
            if not data or target in seen:  # the end, or a server linking back to a page already read
                break
            if target is not None and self.page_is_known(data):
                self.cursor.pages_skipped += 1  # the API gives no page count: the next page is the one known skip
                break

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


def _next_target(payload: dict, base_url: httpx.URL) -> str | None:
    """``links.next`` as a path + query for the configured base URL, never the host the payload names.

    A link that already carries the base URL's path prefix (a proxy rewriting links) is not prefixed twice.
    """
    links = payload.get("links")
    link = links.get("next") if isinstance(links, dict) else None
    if not isinstance(link, str) or not link:
        return None
    url = httpx.URL(link)
    path, prefix = url.path, base_url.path.rstrip("/")
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    return path + (f"?{url.query.decode()}" if url.query else "")
