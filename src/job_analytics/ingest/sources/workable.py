"""Workable accounts (https://apply.workable.com/api/v1/widget/accounts/{account}?details=true), one per account.

The public widget API answers with every published job of the account in one response, ``{"name",
"description", "jobs": [...]}``; ``details=true`` puts each job's HTML ``description`` (and, where the account
fills them, ``requirements`` and ``benefits``) in the job. The account's name sits beside the jobs, not in them,
and the job links (``apply.workable.com/j/<shortcode>``) do not name it: the scrape keeps it as the page's
``context`` in each bronze line (``{"company": name}``), and the company is read from there (a line landed before
the context was kept has no company).
``telecommuting`` is the remote flag; ``published_on`` is a date; ``employment_type`` is often blank.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import ForEach


class Workable(Source):
    name = "workable"
    base_url_default = "https://apply.workable.com"
    path = "/api/v1/widget/accounts/{account}"
    params: ClassVar[dict[str, Any]] = {"details": "true"}
    each = (ForEach("workable_accounts", "account", "account", keep_case=True,
                    help="comma list of Workable account names"),)
    records = "jobs"
    lists_whole_board = True

    def page_context(self, payload: Any) -> dict[str, Any] | None:
        name = fields.text(payload.get("name")) if isinstance(payload, dict) else None
        return {"company": name} if name else None

    def to_posting_in(self, raw: Any, context: dict[str, Any] | None) -> RawPosting:
        posting = self.to_posting(raw)
        company = fields.text(context.get("company")) if isinstance(context, dict) else None
        return dataclasses.replace(posting, company=company) if company else posting

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id, title = fields.required_id(raw.get("shortcode"), types=(str,)), fields.required_title(raw.get("title"))
        place = [fields.text(raw.get(k)) for k in ("city", "state", "country")]
        first = raw["locations"][0] if isinstance(raw.get("locations"), list) and raw["locations"] else {}
        remote = raw.get("telecommuting")
        text = [raw.get(k) for k in ("description", "requirements", "benefits")]
        return RawPosting(
            source_job_id=job_id,
            title=title,
            location=", ".join(p for p in place if p) or None,
            default_country=fields.country_code(first.get("countryCode") if isinstance(first, dict) else None),
            is_remote=remote if isinstance(remote, bool) else None,
            employment_type=fields.text(raw.get("employment_type")),
            description_html="".join(t for t in text if isinstance(t, str) and t.strip()) or None,
            url=fields.text(raw.get("url")) or fields.text(raw.get("shortlink")),
            posted_at=fields.timestamp(iso=raw.get("published_on") or raw.get("created_at")),
        )
