"""Reading one raw record's fields, the same way for every source: each source's ``to_posting`` says *which*
fields it takes; these say how a value is read and when the record is unusable (``BadRecord`` with its reason)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pycountry

from job_analytics.core.errors import BadRecord


def record(raw: Any) -> dict:
    """The record as an object; anything else (a string, null, a list) is not a posting."""
    if not isinstance(raw, dict):
        raise BadRecord("not_an_object", type(raw).__name__)
    return raw


def required_id(value: Any, types: tuple[type, ...] = (str, int)) -> str:
    """The source's id for the posting, as text; ``types`` are the JSON types the API uses for its ids."""
    if isinstance(value, bool) or not isinstance(value, types) or not str(value).strip():
        raise BadRecord("missing_id")
    return str(value)


def required_title(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRecord("missing_title")
    return value


def text(value: Any) -> str | None:
    """A text field as sent; missing and blank become None."""
    if value is None:
        return None
    value = str(value)
    return value if value.strip() else None


def tags(value: Any) -> list[str]:
    return [str(tag) for tag in value if tag not in (None, "")] if isinstance(value, list) else []


def amount(value: Any, *, zero_is_unknown: bool = False) -> float | None:
    """A number or numeric string; anything else is no amount (salary parsing in silver decides the rest)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return None if zero_is_unknown and number <= 0 else number


def timestamp(iso: Any = None, epoch: Any = None, *, epoch_per_second: int = 1) -> datetime | None:
    """A UTC timestamp from ISO 8601 text (no offset means UTC) or else from Unix time (``epoch_per_second``
    1000 for milliseconds). Missing gives None; a value that is there but unreadable is a ``bad_timestamp``."""
    if iso not in (None, ""):
        if not isinstance(iso, str):
            raise BadRecord("bad_timestamp", repr(iso)[:80])
        try:
            parsed = datetime.fromisoformat(iso)
        except ValueError:
            raise BadRecord("bad_timestamp", repr(iso)[:80]) from None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    if epoch in (None, ""):
        return None
    if isinstance(epoch, bool) or not isinstance(epoch, int | float | str):
        raise BadRecord("bad_timestamp", repr(epoch)[:80])
    try:
        return datetime.fromtimestamp(float(epoch) / epoch_per_second, UTC)
    except (ValueError, OverflowError, OSError):
        raise BadRecord("bad_timestamp", repr(epoch)[:80]) from None


#: a relative age's unit → its length; a month is 30 days and a year 365 (the APIs round the same way)
_UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
    "month": timedelta(days=30),
    "year": timedelta(days=365),
}
#: every spelling of a unit, English and German (``vor 3 Tagen``, ``vor einer Stunde``), to its unit
_UNIT_WORDS = {
    **dict.fromkeys(("minute", "minutes", "min", "mins"), "minute"),
    **dict.fromkeys(("hour", "hours", "hr", "hrs"), "hour"),
    **dict.fromkeys(("day", "days"), "day"),
    **dict.fromkeys(("week", "weeks"), "week"),
    **dict.fromkeys(("month", "months"), "month"),
    **dict.fromkeys(("year", "years"), "year"),
    **dict.fromkeys(("minuten",), "minute"),
    **dict.fromkeys(("stunde", "stunden"), "hour"),
    **dict.fromkeys(("tag", "tagen"), "day"),
    **dict.fromkeys(("woche", "wochen"), "week"),
    **dict.fromkeys(("monat", "monaten"), "month"),
    **dict.fromkeys(("jahr", "jahren"), "year"),
}
_ONE = {"a", "an", "one", "ein", "einer", "einem"}
_NOW = {"just now": 0, "now": 0, "today": 0, "heute": 0, "gerade eben": 0, "yesterday": 1, "gestern": 1}
_COUNT = r"(?P<count>\d{1,4}|an?|one|ein|einer|einem)\+?"
_AGO_EN = re.compile(rf"^(?:posted\s+)?{_COUNT}\s*(?P<unit>[a-z]+)\s+ago$")
_AGO_DE = re.compile(
    rf"^(?:ver\S*ffentlicht\s+)?vor\s+(?:mehr\s+als\s+|über\s+)?{_COUNT}\s*(?P<unit>[a-zä]+)$"
)


def relative_age(text: str) -> timedelta | None:
    """How long ago a relative posting time says the job was posted: ``"3 days ago"``, ``"30+ days ago"``
    (read as 30: the API stops counting there), ``"an hour ago"``, ``"yesterday"``, ``"just now"``, ``"today"``,
    ``"2 weeks ago"``, ``"1 month ago"`` (30 days) and German ``"vor 3 Tagen"``. None for anything else, so a
    text that is not a relative time never becomes a date."""
    if not isinstance(text, str):
        return None
    said = " ".join(text.strip().lower().split())
    if said in _NOW:
        return timedelta(days=_NOW[said])
    match = _AGO_EN.match(said) or _AGO_DE.match(said)
    if match is None or match["unit"] not in _UNIT_WORDS:
        return None
    count = 1 if match["count"] in _ONE else int(match["count"])
    return count * _UNITS[_UNIT_WORDS[match["unit"]]]


def country_code(value: Any) -> str | None:
    """A record's own country field as ISO 3166-1 alpha-2 (``"US"``, ``"usa"`` → ``US``); None when missing or not
    a country code. Silver uses it only where the location text names no country (``RawPosting.default_country``):
    when text and code disagree ("Oslo, Norway" with ``US``, a company's default), the text wins."""
    code = text(value)
    if code is None:
        return None
    code = code.strip().upper()
    found = (pycountry.countries.get(alpha_2=code) if len(code) == 2
             else pycountry.countries.get(alpha_3=code) if len(code) == 3 else None)
    return found.alpha_2 if found is not None else None


