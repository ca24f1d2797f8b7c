"""The offline demo: replays recorded pages of every API shape through that API's own ``pages()``.

Recordings live in ``<dir>/<api>/...`` (see ``replay.py``); each API is requested under the base URL
``http://replay.invalid/<api>``, exactly as a live API behind a path prefix would be, so pagination, the shared
retry path and bronze writing run unchanged. A new shape drops in with its recordings folder and its registry entry.

The bundled recordings are the scrape of the demo date, ``DEMO_DATE``. ``write_history`` derives from them the
recordings of any earlier day, so the demo has a history (``job-analytics demo-history``): on each day the boards
list the postings published by then, some postings close before the demo date and never come back, some leave
for more than a week and come back, some salaries are raised, and one day Remotive answers 404, so that day's
scrape fails and closes nothing.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx

from job_analytics.core.errors import ConfigError
from job_analytics.ingest.sources.base import Page, RawPosting, Source
from job_analytics.ingest.sources.replay import ReplayTransport

BUNDLED_RECORDINGS = Path(__file__).parent / "recordings"


class Demo(Source):
    name = "demo"
    path = "/"

    @property
    def base_url(self) -> str:
        return "http://replay.invalid"  # a reserved name: nothing is ever sent to the network

    @property
    def recordings_dir(self) -> Path:
        return Path(self.settings.demo_data_dir or BUNDLED_RECORDINGS)

    def transport(self) -> httpx.BaseTransport:
        """The transport ``ingest`` wraps with its retry and rate-limit layer instead of the network's."""
        return ReplayTransport(self.recordings_dir)

    def apis(self) -> list[str]:
        """The recorded API shapes, in a stable order."""
        from job_analytics.ingest.sources import API_SHAPES  # the registry imports this module

        return [api for api in sorted(API_SHAPES) if (self.recordings_dir / api).is_dir()]

    def pages(self, client: httpx.Client) -> Iterator[Page]:
        from job_analytics.ingest.sources import mapper_for

        apis = self.apis()
        if not apis:
            raise ConfigError(f"demo: no recordings under {self.recordings_dir}")
        root = client.base_url
        try:
            for api in apis:
                client.base_url = root.join(api)
                for page in mapper_for(api, self.settings).pages(client):
                    page.api = api
                    yield page
        finally:
            client.base_url = root

    def to_posting(self, raw: Any) -> RawPosting:
        raise ConfigError("demo records keep their API shape: map them with sources.mapper_for(record api)")


DEMO_DATE = date(2024, 1, 1)
#: days before DEMO_DATE on which the Remotive recording is missing (404): the demo's scrape of that day fails
FAILED_DAYS_BACK = frozenset({9})
#: a posting that leaves and comes back is absent on these days back (longer than the default close_after_days)
AWAY_DAYS_BACK = range(6, 15)
#: companies of the postings that closed before DEMO_DATE (absent from its recordings)
CLOSED_COMPANIES = ("Nordwind Data GmbH", "Kestrel Analytics", "Blauwal Systems", "Harbor Metrics Inc.",
                    "Lumen Logistics", "Tannenberg AI")
_ARBEITNOW_PAGE = 37


def write_history(day: date, target: Path, recordings: Path = BUNDLED_RECORDINGS) -> Path:
    """Write the recordings of ``day`` (before ``DEMO_DATE``) under ``target``, derived from the demo date's, and
    return ``target``. The same day always gives the same files."""
    back = (DEMO_DATE - day).days
    if back < 1:
        raise ConfigError(f"demo history: {day} is not before the demo date {DEMO_DATE}")
    remotive = json.loads((recordings / "remotive/api/remote-jobs.json").read_text(encoding="utf-8"))
    jobs = [_remotive_on(job, day, back) for job in remotive["jobs"]]
    jobs = [job for job in jobs if job is not None] + [
        _remotive_closed(job, day, back) for job in remotive["jobs"] if _closes_early(job, back, "id")]
    if back in FAILED_DAYS_BACK:  # the shape is there, its page is not: the request gets a 404
        (target / "remotive/api").mkdir(parents=True, exist_ok=True)
    else:
        _write(target / "remotive/api/remote-jobs.json", {**remotive, "job-count": len(jobs), "jobs": jobs})

    pages = sorted((recordings / "arbeitnow/api").glob("job-board-api*.json"), key=_page_number)
    listed = [record for page in pages for record in json.loads(page.read_text(encoding="utf-8"))["data"]]
    data = [r for r in (_arbeitnow_on(record, day, back) for record in listed) if r is not None] + [
        _arbeitnow_closed(record, day, back) for record in listed if _closes_early(record, back, "slug")]
    chunks = [data[i:i + _ARBEITNOW_PAGE] for i in range(0, len(data), _ARBEITNOW_PAGE)] or [[]]
    base = "https://www.arbeitnow.com/api/job-board-api"
    for number, chunk in enumerate(chunks, start=1):
        name = "job-board-api.json" if number == 1 else f"job-board-api@page={number}.json"
        links = {"first": f"{base}?page=1", "last": None,
                 "prev": f"{base}?page={number - 1}" if number > 1 else None,
                 "next": f"{base}?page={number + 1}" if number < len(chunks) else None}
        _write(target / "arbeitnow/api" / name, {"data": chunk, "links": links,
                                                 "meta": {"current_page": number, "per_page": _ARBEITNOW_PAGE}})
    return target


def _page_number(path: Path) -> int:
    found = re.search(r"page=(\d+)", path.name)
    return int(found[1]) if found else 1


def _write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def _key(record: dict, field: str) -> int:
    return zlib.crc32(str(record.get(field)).encode())


def _listed(record: Any, field: str, published: datetime | None, day: date, back: int) -> bool:
    """Whether a posting of the demo date was listed on ``day``: published by then, and not away that day."""
    if not isinstance(record, dict) or published is None or published.date() > day:
        return False
    return not (_key(record, field) % 10 == 3 and back in AWAY_DAYS_BACK)


def _remotive_published(job: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(job["publication_date"]).replace(tzinfo=UTC)
    except (KeyError, TypeError, ValueError):
        return None


def _arbeitnow_published(record: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(record["created_at"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        return None


def _remotive_on(job: Any, day: date, back: int) -> dict | None:
    if not _listed(job, "id", _remotive_published(job), day, back):
        return None
    if _key(job, "id") % 9 == 0 and back >= 8 and job.get("salary"):
        # advertised lower at first: raised 8 days before the demo date
        job = {**job, "salary": re.sub(r"\d+", lambda m: str(round(int(m[0]) * 0.9)), job["salary"])}
    return job


def _arbeitnow_on(record: Any, day: date, back: int) -> dict | None:
    return record if _listed(record, "slug", _arbeitnow_published(record), day, back) else None


def _closes_early(record: Any, back: int, field: str) -> bool:
    """One in six postings has a twin (another company) listed for a few days and gone before the demo date."""
    if not isinstance(record, dict) or _key(record, field) % 6 != 1 or record.get("title") is None:
        return False
    if field == "id" and not (isinstance(record.get("id"), int) and _remotive_published(record)):
        return False
    if field == "slug" and not (isinstance(record.get("slug"), str) and _arbeitnow_published(record)):
        return False
    first, last = _closed_window(record, field)
    return last <= back <= first


def _closed_window(record: dict, field: str) -> tuple[int, int]:
    """The days back of a closed twin's first and last listing."""
    last = 2 + _key(record, field) % 13
    return min(20, last + 3 + _key(record, field) % 9), last


def _twin_company(record: dict, field: str) -> str:
    return CLOSED_COMPANIES[_key(record, field) % len(CLOSED_COMPANIES)]


def _remotive_closed(job: dict, day: date, back: int) -> dict:
    first, _ = _closed_window(job, "id")
    published = datetime.combine(DEMO_DATE - timedelta(days=first), time(9), tzinfo=UTC)
    return {**job, "id": int(job["id"]) + 7_000_000, "company_name": _twin_company(job, "id"),
            "url": f"{job.get('url')}-closed", "publication_date": published.strftime("%Y-%m-%dT%H:%M:%S")}


def _arbeitnow_closed(record: dict, day: date, back: int) -> dict:
    first, _ = _closed_window(record, "slug")
    published = datetime.combine(DEMO_DATE - timedelta(days=first), time(9), tzinfo=UTC)
    return {**record, "slug": f"{record['slug']}-closed", "company_name": _twin_company(record, "slug"),
            "url": f"{record.get('url')}-closed", "created_at": int(published.timestamp())}
