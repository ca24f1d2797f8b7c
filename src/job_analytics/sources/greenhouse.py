"""Greenhouse job boards (https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true), one per board.

Each board in ``GREENHOUSE_BOARDS`` answers with the whole board in one response: ``{"jobs": [...], "meta":
{"total"}}``. With ``content=true`` each job carries its description as HTML escaped once more (``&lt;p&gt;``);
it is kept as sent, and silver's ``html_to_text`` reads that form.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from job_analytics.errors import ConfigError
from job_analytics.sources import fields
from job_analytics.sources.base import Page, RawPosting, Source

BOARD_HOSTS = (
    "boards.greenhouse.io",
    "job-boards.greenhouse.io",
    "boards.eu.greenhouse.io",
    "job-boards.eu.greenhouse.io",
)


class Greenhouse(Source):
    name = "greenhouse"
    path = "/v1/boards/{board}/jobs"

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        boards = self.settings.greenhouse_boards
        if not boards:
            raise ConfigError(
                "greenhouse: no boards configured; set JOB_ANALYTICS_GREENHOUSE_BOARDS (comma list)"
            )
        for board in boards:
            response = client.get(self.path.format(board=quote(board, safe="")), params={"content": "true"})
            _, jobs = self.records_in(response, "jobs")
            yield Page(url=str(response.url), records=jobs)

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id = fields.required_id(raw.get("id"))
        title = fields.required_title(raw.get("title"))
        location = raw.get("location")
        url = fields.text(raw.get("absolute_url"))
        return RawPosting(
            source_job_id=job_id,  # Greenhouse job ids are unique across boards
            title=title,
            company=fields.text(raw.get("company_name")) or board_token(url),
            location=fields.text(location.get("name")) if isinstance(location, dict) else None,
            description_html=fields.text(raw.get("content")),
            url=url,
            posted_at=fields.timestamp(iso=raw.get("first_published") or raw.get("updated_at")),
        )


def board_token(url: str | None) -> str | None:
    """The board token in a Greenhouse-hosted job URL (``https://boards.greenhouse.io/<token>/jobs/<id>``,
    or an embed link's ``for=<token>``); None for a job hosted on the company's own site.

    The record itself is all a mapper sees (bronze stays as sent), so this is where the board's name comes from
    when the payload names no company.
    """
    if not url:
        return None
    parts = urlsplit(url)
    embedded = parse_qs(parts.query).get("for")
    if embedded and embedded[0].strip():
        return embedded[0].strip()
    segments = [s for s in parts.path.split("/") if s]
    if parts.hostname in BOARD_HOSTS and len(segments) >= 2 and segments[1] == "jobs":
        return segments[0]
    return None
