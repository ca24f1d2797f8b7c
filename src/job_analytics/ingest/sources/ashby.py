"""Ashby job boards (https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true), one per board.

Each board in ``ASHBY_BOARDS`` answers with every listed job in one response, ``{"apiVersion", "jobs": [...]}``.
A job names no company: the board is read back from its ``jobUrl`` (``jobs.ashbyhq.com/<board>/<id>``).
``workplaceType`` (``Remote``, ``Hybrid``, ``OnSite``) says where the work is, else ``isRemote``; the primary
``location`` is the place, ``address.postalAddress.addressCountry`` fills a country the text does not name.
``compensation.summaryComponents`` of type ``Salary`` hold the amounts (``interval`` ``1 YEAR``, ``1 MONTH``, …);
a board that shows no pay sends empty lists, and its tier summary text is read only when no amount is.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar
from urllib.parse import urlsplit

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import ForEach, dig

_REMOTE = {"remote": True, "hybrid": False, "onsite": False}


class Ashby(Source):
    name = "ashby"
    base_url_default = "https://api.ashbyhq.com"
    path = "/posting-api/job-board/{board}"
    params: ClassVar[dict[str, Any]] = {"includeCompensation": "true"}
    each = (ForEach("ashby_boards", "board", "board", keep_case=True, help="comma list of Ashby board names"),)
    records = "jobs"
    lists_whole_board = True

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id, title = fields.required_id(raw.get("id"), types=(str,)), fields.required_title(raw.get("title"))
        pay = [c for c in dig(raw, "compensation.summaryComponents") or []
               if isinstance(c, dict) and c.get("compensationType") == "Salary"][:1] or [{}]
        workplace, remote = str(raw.get("workplaceType")).lower(), raw.get("isRemote")
        url = fields.text(raw.get("jobUrl")) or fields.text(raw.get("applyUrl"))
        plain = fields.text(raw.get("descriptionPlain"))
        return RawPosting(
            source_job_id=job_id,
            title=title,
            company=board_name(url),
            location=fields.text(raw.get("location")),
            default_country=fields.country_code(dig(raw, "address.postalAddress.addressCountry")),
            is_remote=_REMOTE.get(workplace, remote if isinstance(remote, bool) else None),
            employment_type=fields.text(raw.get("employmentType")),  # FullTime, PartTime, Intern, Contract, …
            salary_min=fields.amount(pay[0].get("minValue")),
            salary_max=fields.amount(pay[0].get("maxValue")),
            salary_currency=fields.text(pay[0].get("currencyCode")),
            salary_period=fields.text(pay[0].get("interval")),
            salary_text=None if pay[0] else fields.text(dig(raw, "compensation.compensationTierSummary")),
            description_html=fields.text(raw.get("descriptionHtml")) or (plain and html.escape(plain, quote=False)),
            url=url,
            posted_at=fields.timestamp(iso=raw.get("publishedAt")),
        )


def board_name(url: str | None) -> str | None:
    """``ramp`` from ``https://jobs.ashbyhq.com/ramp/<id>``; None for any other URL."""
    parts = urlsplit(url or "")
    segments = [s for s in parts.path.split("/") if s]
    return segments[0] if segments and parts.hostname == "jobs.ashbyhq.com" else None
