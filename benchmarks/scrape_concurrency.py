"""Scrape concurrency: six live sources × 10 pages from a local server adding 200 ms to every request.

Scrapes each source alone, then all six in one ``ingest.run``, and compares the total with the slowest source
alone (goal: ≤ 1.5×). The server is a threaded ``http.server`` on 127.0.0.1 answering in each API's real shape
(records built from tests/fixtures/recorded and the bundled demo recordings). ``requests_per_second`` is set to
1000, so the per-source rate limit (1 ms between requests) is not what is measured; latency is.

Remote OK has no pagination (the whole board is one array), so it makes one request; the other five make 10.

    .venv/bin/python benchmarks/scrape_concurrency.py
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from job_analytics.core.settings import Settings
from job_analytics.ingest import stage as ingest

REPO = Path(__file__).resolve().parents[1]
RECORDED = REPO / "tests" / "fixtures" / "recorded"
BUNDLED = REPO / "src" / "job_analytics" / "ingest" / "sources" / "recordings"
LATENCY_S = 0.2
PAGES = 10
PER_PAGE = 20
SOURCES = ["remotive", "arbeitnow", "remoteok", "greenhouse", "lever", "jsearch"]
DAY = date(2024, 1, 1)


def _first(path: Path, key: str | None = None, index: int = 0) -> dict:
    payload = json.loads(path.read_text())
    return (payload[key] if key else payload)[index]


TEMPLATES = {
    "remotive": _first(BUNDLED / "remotive/api/remote-jobs.json", "jobs"),
    "arbeitnow": _first(BUNDLED / "arbeitnow/api/job-board-api.json", "data"),
    "remoteok": _first(RECORDED / "remoteok/api.json", index=1),
    "greenhouse": _first(RECORDED / "greenhouse/v1/boards/acme-analytics/jobs@content=true.json", "jobs"),
    "lever": _first(RECORDED / "lever/v0/postings/fjordlake@mode=json.json"),
    "jsearch": _first(
        RECORDED / "jsearch/search@country=us&num_pages=1&page=1&query=data%20engineer.json", "data"
    ),
}
ID_FIELD = {"remotive": "id", "arbeitnow": "slug", "remoteok": "id", "greenhouse": "id", "lever": "id"}


def _records(api: str, page: str) -> list[dict]:
    field = ID_FIELD.get(api, "job_id")
    return [{**TEMPLATES[api], field: f"{api}-{page}-{n}"} for n in range(PER_PAGE)]


def _answer(path: str, query: dict[str, list[str]], base: str) -> object:
    api, _, rest = path.lstrip("/").partition("/")
    page = (query.get("page") or query.get("category") or ["1"])[0]
    if api == "remotive":
        return {"job-count": PER_PAGE, "jobs": _records(api, page)}
    if api == "arbeitnow":
        number = int(page)
        nxt = f"{base}/arbeitnow/api/job-board-api?page={number + 1}" if number < PAGES else None
        return {"data": _records(api, page), "links": {"next": nxt}, "meta": {"current_page": number}}
    if api == "remoteok":
        return [{"last_updated": 0, "legal": "API Terms of Service"}, *_records(api, "1")]
    if api == "greenhouse":
        return {"jobs": _records(api, rest.split("/")[2]), "meta": {"total": PER_PAGE}}
    if api == "lever":
        return _records(api, rest.split("/")[2])
    return {"status": "OK", "request_id": "bench", "parameters": {}, "data": _records(api, page)}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        time.sleep(LATENCY_S)
        parts = urlsplit(self.path)
        body = json.dumps(_answer(parts.path, parse_qs(parts.query), self.server.base)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _settings(lake: str, base: str, sources: list[str]) -> Settings:
    names = [f"site{n:02d}" for n in range(PAGES)]
    return Settings(
        _env_file=None,
        lake_url=lake,
        sources=sources,
        **{f"{api}_base_url": f"{base}/{api}" for api in SOURCES},
        remotive_categories=",".join(names),
        greenhouse_boards=",".join(names),
        lever_companies=",".join(names),
        jsearch_queries="data engineer",
        jsearch_countries="us",
        rapidapi_key="benchmark-key",
        max_pages=PAGES,
        requests_per_second=1000,
        http_timeout_seconds=10,
    )


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.base = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for source in SOURCES:
                clock = time.perf_counter()
                summary = ingest.run(_settings(f"{tmp}/{source}", server.base, [source]), DAY)
                counts = summary["sources"][source]
                assert counts["ok"], counts
                rows.append((source, counts["requests"], counts["records"], time.perf_counter() - clock))
            clock = time.perf_counter()
            summary = ingest.run(_settings(f"{tmp}/all", server.base, SOURCES), DAY)
            together = time.perf_counter() - clock
            assert all(s["ok"] for s in summary["sources"].values()), summary["sources"]
    finally:
        server.shutdown()

    slowest = max(rows, key=lambda row: row[3])
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"latency {LATENCY_S * 1000:.0f} ms per request, {PER_PAGE} records per page, requests_per_second=1000\n"
    )
    print(f"{'source':<12}{'requests':>9}{'records':>9}{'alone s':>9}")
    for source, requests, records, seconds in rows:
        print(f"{source:<12}{requests:>9}{records:>9}{seconds:>9.2f}")
    requests = sum(row[1] for row in rows)
    print(f"{'all six':<12}{requests:>9}{summary['records']:>9}{together:>9.2f}")
    print(f"\ntotal / slowest alone ({slowest[0]}): {together / slowest[3]:.2f}x (goal <= 1.5x)")


if __name__ == "__main__":
    main()
