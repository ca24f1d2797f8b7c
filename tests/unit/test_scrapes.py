"""silver/scrapes from real board responses: the recorded Greenhouse and Lever payloads served over HTTP, scraped
and processed by the real stages. One Lever site does not exist, so Lever's scrape failed: none of its listings is
complete (it closes nothing), while both Greenhouse boards are."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.ingest import stage as ingest
from job_analytics.ingest.sources.replay import serve_recordings
from job_analytics.silver import stage as silver
from job_analytics.silver.scrapes import SCRAPES, board_of

RECORDED = Path(__file__).parents[1] / "fixtures" / "recorded" / "2026"
DAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def scraped(tmp_path_factory) -> tuple[list[dict], dict]:
    server, url = serve_recordings([RECORDED])
    try:
        settings = Settings(lake_url=str(tmp_path_factory.mktemp("lake")), sources=["greenhouse", "lever"],
                            greenhouse_base_url=f"{url}/greenhouse", greenhouse_boards=["airbnb", "sofi"],
                            lever_base_url=f"{url}/lever", lever_companies=["spotify", "nosuchco"],
                            requests_per_second=0, http_max_attempts=1, incremental=False)
        ingest.run(settings, DAY)
    finally:
        server.shutdown()
    summary = silver.run(settings, DAY)
    table = pq.read_table(str(Lake.from_settings(settings).scrapes_partition(DAY)))
    assert table.schema.equals(SCRAPES)
    return table.to_pylist(), summary


def test_board_rows_say_which_listing_was_complete(scraped):
    table, summary = scraped
    brief = [(r["source"], r["board"], r["lists_whole_board"], r["complete"]) for r in table]
    assert brief == [
        ("greenhouse", None, True, True),
        ("lever", None, True, False),  # nosuchco answered "Document not found": the scrape failed
        ("greenhouse", "/greenhouse/v1/boards/airbnb/jobs", True, True),
        ("greenhouse", "/greenhouse/v1/boards/sofi/jobs", True, True),
        ("lever", "/lever/v0/postings/spotify", True, False),  # listed in full, but by a failed scrape
    ]
    assert summary["scrapes"] == {"greenhouse": {"complete": True, "boards": 2},
                                  "lever": {"complete": False, "boards": 1}}


def test_board_rows_list_every_silver_posting_once(scraped):
    table, summary = scraped
    boards = [r for r in table if r["board"] is not None]
    ids = [job for r in boards for job in r["job_ids"]]
    assert len(ids) == len(set(ids)) == summary["silver_rows"] == sum(r["postings"] for r in boards)
    sources = {r["source"]: r for r in table if r["board"] is None}
    assert sum(r["records"] for r in sources.values()) == summary["bronze_records"]
    assert all(r["job_ids"] is None for r in sources.values())


@pytest.mark.parametrize("url, board", [
    ("https://boards-api.greenhouse.io/v1/boards/acme/jobs?content=true", "/v1/boards/acme/jobs"),
    ("https://api.smartrecruiters.com/v1/companies/acme/postings?offset=100", "/v1/companies/acme/postings"),
    (None, None),
])
def test_board_is_the_request_path(url, board):
    assert board_of(url) == board
