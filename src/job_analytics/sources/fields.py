"""Reading one raw record's fields, the same way for every source: each source's ``to_posting`` says *which*
fields it takes; these say how a value is read and when the record is unusable (``BadRecord`` with its reason)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from job_analytics.errors import BadRecord


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
