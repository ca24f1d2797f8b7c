"""Lever postings (https://api.lever.co/v0/postings/{company}?mode=json), one request per company.

Each company (a Lever site name) in ``LEVER_COMPANIES`` answers with a JSON array of its published postings.
A posting names no company: the site name is read back from its ``hostedUrl`` (``jobs.lever.co/<site>/<id>``).

An unknown site answers ``{"ok": false, "error": "Document not found"}`` (HTTP 404, some deployments 200): that site
failed, the others are still asked. Their pages are yielded; after the last site one ``SourceError`` names each
failed site with the API's message, so the scrape keeps the records it has and reports the failure.

Postings from 2020–21 carry no ``workplaceType``, ``salaryRange``, ``country`` or ``allLocations``; they map all
the same. ``country`` (ISO 3166-1 alpha-2), when sent, completes a location that does not name its country.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar
from urllib.parse import urlsplit

import httpx

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import ForEach

#: ``workplaceType`` → remote or not; ``unspecified`` (and anything new) says nothing.
_REMOTE = {"remote": True, "on-site": False, "onsite": False, "hybrid": False}


class Lever(Source):
    name = "lever"
    base_url_default = "https://api.lever.co"
    path = "/v0/postings/{company}"
    params: ClassVar[dict[str, Any]] = {"mode": "json"}
    each = (ForEach("lever_companies", "company", "site", help="comma list of Lever site names (required)"),)
    lists_whole_board = True

    def item_error(self, response: httpx.Response) -> str | None:
        return _error_message(response)

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id = fields.required_id(raw.get("id"), types=(str,))
        title = fields.required_title(raw.get("text"))
        categories = raw.get("categories") if isinstance(raw.get("categories"), dict) else {}
        salary = raw.get("salaryRange") if isinstance(raw.get("salaryRange"), dict) else {}
        workplace = raw.get("workplaceType")
        url = fields.text(raw.get("hostedUrl")) or fields.text(raw.get("applyUrl"))
        has_salary = (
            fields.amount(salary.get("min")) is not None or fields.amount(salary.get("max")) is not None
        )
        return RawPosting(
            source_job_id=job_id,
            title=title,
            company=site_name(url),
            location=_location(categories),
            default_country=fields.country_code(raw.get("country")),  # where the text names no country
            is_remote=_REMOTE.get(workplace.lower()) if isinstance(workplace, str) else None,
            employment_type=fields.text(categories.get("commitment")),  # "Full-time", "Contract", "Intern", …
            salary_min=fields.amount(salary.get("min")),
            salary_max=fields.amount(salary.get("max")),
            salary_currency=fields.text(salary.get("currency")),
            salary_period=fields.text(salary.get("interval")),  # "per-year-salary", "per-hour-wage", …
            # "The base salary range for this role is £70,000 - £90,000 per year.", when no range is structured
            salary_text=None if has_salary else fields.text(raw.get("salaryDescriptionPlain")),
            description_html=_description(raw),
            url=url,
            posted_at=fields.timestamp(epoch=raw.get("createdAt"), epoch_per_second=1000),
        )


def _error_message(response: httpx.Response) -> str | None:
    """The API's message when a site answers its error object (``{"ok": false, "error": "Document not found"}``)
    with 404 or 200; None for anything else (a list of postings, or another failure ``records_in`` reports)."""
    if response.status_code not in (200, 404):
        return None
    try:
        payload = response.json()
    except ValueError:
        return None
    if not isinstance(payload, dict) or payload.get("ok") is not False:
        return None
    text = str(payload.get("error") or "no message")[:120]
    return f"HTTP {response.status_code}: {text}" if response.status_code != 200 else text


def _location(categories: dict) -> str | None:
    """``categories.location``, else every place of ``allLocations`` (newer postings), ``"; "``-joined."""
    named = fields.text(categories.get("location"))
    if named:
        return named
    return "; ".join(fields.tags(categories.get("allLocations"))) or None


def site_name(url: str | None) -> str | None:
    """``leverdemo`` from ``https://jobs.lever.co/leverdemo/<id>`` (or the EU host); None for any other URL."""
    if not url:
        return None
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    host = parts.hostname or ""
    return segments[0] if segments and (host == "lever.co" or host.endswith(".lever.co")) else None


def _description(raw: dict) -> str | None:
    """The posting's HTML as Lever's own page shows it: description, then each list under its heading, then the
    closing text. Only the plain text when no HTML was sent (escaped, so it stays text)."""
    parts = [raw.get("description")]
    for item in raw.get("lists") or []:
        if isinstance(item, dict):
            parts.append(
                f"<h3>{html.escape(str(item.get('text') or ''))}</h3><ul>{item.get('content') or ''}</ul>"
            )
    parts.append(raw.get("additional"))
    markup = "".join(p for p in parts if isinstance(p, str) and p.strip())
    if markup:
        return markup
    plain = fields.text(raw.get("descriptionPlain"))
    return html.escape(plain, quote=False) if plain else None
