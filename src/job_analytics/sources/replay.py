"""Answer HTTP requests from recorded response bodies on disk, so the demo runs the live code path offline.

A request for ``<path>?<query>`` is answered with the file ``<root>/<path>@<query>.json`` (query parameters sorted,
``&``-joined), or ``<root>/<path>.json`` when there is no query. ``/arbeitnow/api/job-board-api?page=2`` reads
``arbeitnow/api/job-board-api@page=2.json``. No recording: 404 with a JSON body. The body is served byte for byte,
so a recording may hold exactly the broken payload a test wants.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote

import httpx


def recording_name(path: str, query: str = "") -> str:
    """The file name (relative to the recordings root) for a request path and raw query string."""
    name = unquote(path).strip("/") or "index"
    params = sorted(parse_qsl(query, keep_blank_values=True))
    if params:
        name += "@" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params)
    return name + ".json"


class ReplayTransport(httpx.BaseTransport):
    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        name = recording_name(request.url.path, request.url.query.decode())
        file = (self.root / name).resolve()
        if request.method != "GET" or not file.is_relative_to(self.root) or not file.is_file():
            body = json.dumps({"error": "no recording", "path": request.url.path}).encode()
            return httpx.Response(404, headers={"Content-Type": "application/json"}, content=body)
        return httpx.Response(200, headers={"Content-Type": "application/json"}, content=file.read_bytes())
