"""How a source pages: one small class per style, in the manner of dlt's REST client paginators.

A paginator turns a source's first request into the next one from what the response said, or None when the list
is done; it never sends anything. The loop that asks, reads, stops and reports lives once, in ``Source.pages``:
it ends a list at an empty page, at a request it already made (a server linking back), and after ``MAX_PAGES``
pages. ``ForEach`` says which configured items (boards, companies, queries) each get a list of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass(frozen=True)
class Request:
    """A path below the base URL (it may carry its own query, as a next link does) and its query parameters."""

    path: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return self.path, tuple(sorted((k, str(v)) for k, v in self.params.items()))

    def with_params(self, **changes: Any) -> Request:
        return Request(self.path, {**self.params, **changes})


@dataclass(frozen=True)
class ForEach:
    """One list per item of the comma-list setting ``setting`` (``JOB_ANALYTICS_<SETTING>``): the item fills
    ``{key}`` in the source's path (escaped as one path segment) and in its params. ``noun`` names an item in
    messages. Without ``required``, an empty setting asks once with the ``{key}`` params left out. Items are
    lower-cased unless ``keep_case`` (an API whose names are case-sensitive)."""

    setting: str
    key: str
    noun: str
    required: bool = True
    default: tuple[str, ...] = ()
    keep_case: bool = False
    help: str = ""


def dig(payload: Any, path: str) -> Any:
    """``payload["a"]["b"]`` for ``"a.b"``; None where any step is missing or not an object."""
    for step in path.split("."):
        if not isinstance(payload, dict):
            return None
        payload = payload.get(step)
    return payload


class SinglePage:
    """The first response is the whole list (a board's every job in one answer)."""

    def first(self, request: Request) -> Request:
        return request

    def next(self, request: Request, payload: Any, records: list, base_url: httpx.URL) -> Request | None:
        return None


class NextLink(SinglePage):
    """The response names the next page's URL at ``path`` (Arbeitnow: ``links.next``). It is asked as path and
    query against the configured base URL, never on the host the payload names; a link that already carries the
    base URL's path prefix (a proxy rewriting links) is not prefixed twice."""

    def __init__(self, path: str):
        self.path = path

    def next(self, request: Request, payload: Any, records: list, base_url: httpx.URL) -> Request | None:
        link = dig(payload, self.path)
        if not isinstance(link, str) or not link:
            return None
        url = httpx.URL(link)
        path, prefix = url.path, base_url.path.rstrip("/")
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        return Request(path + (f"?{url.query.decode()}" if url.query else ""))


class PageNumber(SinglePage):
    """``param`` = 1, 2, 3, … until a page comes back empty (JSearch's list shape)."""

    def __init__(self, param: str = "page", start: int = 1):
        self.param, self.start = param, start

    def first(self, request: Request) -> Request:
        return request if self.param in request.params else request.with_params(**{self.param: self.start})

    def next(self, request: Request, payload: Any, records: list, base_url: httpx.URL) -> Request | None:
        return request.with_params(**{self.param: int(request.params.get(self.param, self.start)) + 1})


class Offset(SinglePage):
    """``limit`` records from ``offset`` on, until the response's total (at ``total``, e.g. SmartRecruiters'
    ``totalFound``) has been offered; without a readable total, until a page comes back empty."""

    def __init__(self, limit: int, total: str, offset_param: str = "offset", limit_param: str = "limit"):
        self.limit, self.total, self.offset_param, self.limit_param = limit, total, offset_param, limit_param

    def first(self, request: Request) -> Request:
        return request.with_params(**{self.limit_param: self.limit, self.offset_param: 0})

    def next(self, request: Request, payload: Any, records: list, base_url: httpx.URL) -> Request | None:
        offset = int(request.params[self.offset_param]) + len(records)
        total = dig(payload, self.total)
        if isinstance(total, int) and not isinstance(total, bool) and offset >= total:
            return None
        return request.with_params(**{self.offset_param: offset})


class Cursor(SinglePage):
    """The response carries a cursor at ``path``, sent back as the query parameter ``param`` with the same
    request, less the parameters ``drop`` (JSearch's ``data.cursor`` replaces ``page``). No cursor: the end."""

    def __init__(self, path: str, param: str = "cursor", drop: tuple[str, ...] = ()):
        self.path, self.param, self.drop = path, param, drop

    def next(self, request: Request, payload: Any, records: list, base_url: httpx.URL) -> Request | None:
        cursor = dig(payload, self.path)
        if not isinstance(cursor, str) or not cursor.strip():
            return None
        kept = {k: v for k, v in request.params.items() if k not in self.drop}
        return Request(request.path, {**kept, self.param: cursor})
