"""SmartRecruiters postings (https://api.smartrecruiters.com/v1/companies/{company}/postings), paged by offset.

Each company in ``SMARTRECRUITERS_COMPANIES`` (its identifier, case kept) answers ``{"offset", "limit",
"totalFound", "content": [...]}``; pages of ``limit=100`` are asked from ``offset=0`` until ``totalFound`` postings
were offered (``MAX_PAGES`` caps a company at 2,000; a company cut short is a capped scrape).

The list holds no description and no pay. They are not fetched per posting (``/postings/{id}``): that is one
request per open job every day (a board of 1,000 jobs: 10 list pages, or 1,010 requests, over 8 minutes at the
default 2 requests a second) for text that feeds skills and salary rules only, while everything a silver row
keys on (title, company, place, remote or hybrid, employment type, release date, the posting's public page) is in
the list. Silver reads skills and salaries from the title alone for this source. ``location.remote`` and
``location.hybrid`` are flags (hybrid is not remote); ``location.country`` is an ISO code in lower case, which
fills a country ``fullLocation`` (else city and region) does not name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import ForEach, Offset, dig


class SmartRecruiters(Source):
    name = "smartrecruiters"
    base_url_default = "https://api.smartrecruiters.com"
    path = "/v1/companies/{company}/postings"
    each = (ForEach("smartrecruiters_companies", "company", "company", keep_case=True,
                    help="comma list of SmartRecruiters company identifiers"),)
    records = "content"
    paging = Offset(limit=100, total="totalFound")
    lists_whole_board = True

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id, title = fields.required_id(raw.get("id")), fields.required_title(raw.get("name"))
        place = raw.get("location") if isinstance(raw.get("location"), dict) else {}
        parts = [fields.text(place.get(k)) for k in ("city", "region")]  # the country is a code: see below
        remote = place.get("remote")
        company = fields.text(dig(raw, "company.identifier"))
        return RawPosting(
            source_job_id=job_id,
            title=title,
            company=fields.text(dig(raw, "company.name")) or company,
            location=fields.text(place.get("fullLocation")) or ", ".join(p for p in parts if p) or None,
            default_country=fields.country_code(place.get("country")),
            is_remote=remote if isinstance(remote, bool) else None,  # hybrid: remote is false
            employment_type=fields.text(dig(raw, "typeOfEmployment.label")),  # "Full-time", "Part-time", …
            url=f"https://jobs.smartrecruiters.com/{quote(company, safe='')}/{quote(job_id, safe='')}"
            if company else None,
            posted_at=fields.timestamp(iso=raw.get("releasedDate")),
        )
