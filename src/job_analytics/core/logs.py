"""The one log style: an event name, then its facts as ``key=value`` pairs.

    log.info("source_done %s", kv(source="remotive", records=120, seconds=1.4))
    → source_done source=remotive records=120 seconds=1.4

A string value is written as it is unless it holds a space, a quote or an ``=`` (then it is JSON-quoted); any other
value is written as compact JSON (``true``, ``null``, ``[1,2]``, ``{"a":1}``). So a line can be grepped by event and
read back by a logfmt parser, and nothing goes into ``extra=``, which the CLI's log format does not print.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class kv:
    """``key=value`` pairs, formatted only when the line is emitted."""

    __slots__ = ("fields",)

    def __init__(self, facts: Mapping[str, Any] | None = None, /, **fields: Any):
        self.fields = {**(facts or {}), **fields}

    def __str__(self) -> str:
        return " ".join(f"{key}={_value(value)}" for key, value in self.fields.items())


def _value(value: Any) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False) if (not value or any(c in value for c in ' "=\n\t')) else value
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
