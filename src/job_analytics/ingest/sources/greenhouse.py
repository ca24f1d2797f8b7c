"""Greenhouse job boards (https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true), one per board.

Each board in ``GREENHOUSE_BOARDS`` answers with the whole board in one response: ``{"jobs": [...], "meta":
{"total"}}``. With ``content=true`` each job carries its description as HTML escaped once more (``&lt;p&gt;``);
it is kept as sent, and silver's ``html_to_text`` reads that form (US boards put a pay-transparency block in it,
``<div class="content-pay-transparency">``: silver's salary-in-text rule reads it, this mapper does not).

A job's ``metadata`` is null or a list of the board's custom fields, ``{id, name, value, value_type}``. Read from
it: the pay range (``value_type`` ``currency_range``, a name with pay, salary or compensation in it, amounts as
strings: ``{"min_value": "150000.0", "max_value": "190000.0", "unit": "USD"}``; per year unless the field, or a
"Pay Frequency" field beside it, says otherwise), a text pay range when there is none, the employment type and
the workplace type. Fields are matched by name, case-insensitively, the first that holds a value winning: boards
name them freely ("USA: Pay Transparency Range", "Hiring Range", "Employment Type", "Workplace Type").
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from job_analytics.ingest.sources import fields
from job_analytics.ingest.sources.base import RawPosting, Source
from job_analytics.ingest.sources.paging import ForEach

BOARD_HOSTS = (
    "boards.greenhouse.io",
    "job-boards.greenhouse.io",
    "boards.eu.greenhouse.io",
    "job-boards.eu.greenhouse.io",
)


class Greenhouse(Source):
    name = "greenhouse"
    base_url_default = "https://boards-api.greenhouse.io"
    path = "/v1/boards/{board}/jobs"
    params: ClassVar[dict[str, Any]] = {"content": "true"}
    each = (ForEach("greenhouse_boards", "board", "board", help="comma list of board tokens (required)"),)
    records = "jobs"
    lists_whole_board = True

    def to_posting(self, raw: Any) -> RawPosting:
        raw = fields.record(raw)
        job_id = fields.required_id(raw.get("id"))
        title = fields.required_title(raw.get("title"))
        location = raw.get("location")
        url = fields.text(raw.get("absolute_url"))
        custom = _metadata(raw.get("metadata"))
        low, high, currency, period = (
            _pay_range(custom) or _pay_input_range(raw.get("pay_input_ranges")) or ((None,) * 4)
        )
        has_salary = low is not None or high is not None
        return RawPosting(
            source_job_id=job_id,  # Greenhouse job ids are unique across boards
            title=title,
            company=fields.text(raw.get("company_name")) or board_token(url),
            location=fields.text(location.get("name")) if isinstance(location, dict) else None,
            is_remote=_workplace(custom),
            employment_type=_field_text(custom, _EMPLOYMENT_FIELD),
            salary_text=None if has_salary else _pay_text(custom),
            salary_min=low,
            salary_max=high,
            salary_currency=currency if has_salary else None,
            salary_period=period if has_salary else None,
            description_html=fields.text(raw.get("content")),
            url=url,
            posted_at=fields.timestamp(iso=raw.get("first_published") or raw.get("updated_at")),
        )


_PAY_FIELD = re.compile(r"pay|salary|compensation|hiring range|wage", re.IGNORECASE)
_EMPLOYMENT_FIELD = re.compile(r"employment[ _]?type|job[ _]?type|time[ _]?type|commitment", re.IGNORECASE)
_WORKPLACE_FIELD = re.compile(r"workplace|work[ _]?location[ _]?type|remote", re.IGNORECASE)
_FREQUENCY_FIELD = re.compile(
    r"pay (?:frequency|period|interval|basis)|salary (?:frequency|period|interval)", re.IGNORECASE
)
_PERIOD_IN_NAME = re.compile(r"hour|month|week|daily|\bday\b|annual|year", re.IGNORECASE)
_PERIODS = {
    "hour": "hour",
    "month": "month",
    "week": "week",
    "daily": "day",
    "day": "day",
    "annual": "year",
    "year": "year",
}
#: ``Workplace Type`` values → remote or not; anything else says nothing
_REMOTE = {
    "remote": True,
    "fully remote": True,
    "hybrid": False,
    "on site": False,
    "onsite": False,
    "in office": False,
    "office": False,
}


def _norm(value: str) -> str:
    return " ".join(value.lower().replace("-", " ").split())


def _metadata(value: Any) -> list[dict]:
    """The custom fields that are objects with a name; null (boards without custom fields) is none."""
    if not isinstance(value, list):
        return []
    return [f for f in value if isinstance(f, dict) and isinstance(f.get("name"), str)]


def _field_text(custom: list[dict], name: re.Pattern) -> str | None:
    """The first text-valued (``single_select``, ``short_text``, …; a ``multi_select`` list joined) field whose
    name matches and whose value is not blank."""
    for item in custom:
        if not name.search(item["name"]) or item.get("value_type") in ("currency", "currency_range"):
            continue
        value = item.get("value")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, str | int) and str(v).strip()) or None
        if isinstance(value, str) and value.strip():
            return value
    return None


def _workplace(custom: list[dict]) -> bool | None:
    """Remote or not from the first workplace field whose value says it ("Workplace Type": "Hybrid")."""
    for item in custom:
        value = item.get("value")
        if _WORKPLACE_FIELD.search(item["name"]) and isinstance(value, str) and _norm(value) in _REMOTE:
            return _REMOTE[_norm(value)]
    return None


def _pay_range(custom: list[dict]) -> tuple[float | None, float | None, str | None, str] | None:
    """The first ``currency_range`` pay field holding an amount: its amounts, its unit (the currency) and its
    period (the field's name, else a "Pay Frequency" field, else a year)."""
    for item in custom:
        value = item.get("value")
        if item.get("value_type") != "currency_range" or not _PAY_FIELD.search(item["name"]):
            continue
        if not isinstance(value, dict):
            continue  # a range field left empty (``"value": null``)
        low, high = fields.amount(value.get("min_value")), fields.amount(value.get("max_value"))
        if low is None and high is None:
            continue
        return (
            low,
            high,
            fields.text(value.get("unit")),
            _period(item["name"], _field_text(custom, _FREQUENCY_FIELD)),
        )
    return None


def _pay_input_range(ranges: Any) -> tuple[float | None, float | None, str | None, str] | None:
    """The board's ``pay_input_ranges`` (sent when asked with ``pay_transparency=true``): amounts in cents."""
    for item in ranges if isinstance(ranges, list) else []:
        if not isinstance(item, dict):
            continue
        low, high = fields.amount(item.get("min_cents")), fields.amount(item.get("max_cents"))
        if low is None and high is None:
            continue
        return (
            None if low is None else low / 100,
            None if high is None else high / 100,
            fields.text(item.get("currency_type")),
            _period(str(item.get("title") or "")),
        )
    return None


def _period(*said: str | None) -> str:
    """The first period word in the texts (a field's name, then a "Pay Frequency" value), else a year."""
    for text in said:
        named = _PERIOD_IN_NAME.search(text or "")
        if named:
            return _PERIODS[named.group(0).lower()]
    return "year"


def _pay_text(custom: list[dict]) -> str | None:
    """A pay range written as text in a custom field ("Pay Range": "$120,000 - $150,000"); prose without a
    figure ("Pay Language") is not one."""
    for item in custom:
        value = item.get("value")
        if (
            _PAY_FIELD.search(item["name"])
            and item.get("value_type") not in ("currency", "currency_range")
            and isinstance(value, str)
            and re.search(r"\d[\d,.\s]{2,}", value)
        ):
            return value
    return None


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
