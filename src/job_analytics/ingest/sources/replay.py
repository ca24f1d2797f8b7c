"""Answer HTTP requests from recorded response bodies on disk, so the demo runs the live code path offline.

A request for ``<path>?<query>`` is answered with the file ``<root>/<path>@<query>.json`` (query parameters sorted,
``&``-joined), or ``<root>/<path>.json`` when there is no query. ``/arbeitnow/api/job-board-api?page=2`` reads
``arbeitnow/api/job-board-api@page=2.json``. No recording: 404 with a JSON body. The body is served byte for byte,
so a recording may hold exactly the broken payload a test wants.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
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


def serve_recordings(roots: list[Path], seen: list[dict] | None = None) -> tuple[ThreadingHTTPServer, str]:
    """Recordings over real HTTP on 127.0.0.1 (a thread; ``server.shutdown()`` stops it), for running the live
    sources against them: the first root holding a recording answers, else 404. Each request's path and headers are
    appended to ``seen`` when given. Returns the server and its base URL."""
    transports = [ReplayTransport(root) for root in roots]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if seen is not None:
                seen.append({"path": self.path, "headers": dict(self.headers)})
            request = httpx.Request("GET", f"http://local{self.path}")
            for transport in transports:
                response = transport.handle_request(request)
                if response.status_code == 200:
                    break
            self.send_response(response.status_code)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(response.content)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"
