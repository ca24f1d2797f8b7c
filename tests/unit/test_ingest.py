"""scrape_jobs against a local HTTP server serving the recorded payloads, with faults injected."""

from __future__ import annotations

import gzip
import json
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer
from werkzeug import Response

from job_analytics.core.errors import ConfigError, ScrapeFailed
from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings, SourceLimits
from job_analytics.ingest import bronze, http
from job_analytics.ingest import stage as ingest
from job_analytics.ingest.sources.demo import BUNDLED_RECORDINGS
from job_analytics.ingest.sources.jsearch import date_posted_for
from job_analytics.ingest.sources.remotive import Remotive
from job_analytics.silver import stage as silver

DAY = date(2024, 1, 1)
REMOTIVE = (BUNDLED_RECORDINGS / "remotive/api/remote-jobs.json").read_bytes()
ARBEITNOW = {
    "": (BUNDLED_RECORDINGS / "arbeitnow/api/job-board-api.json").read_bytes(),
    "page=2": (BUNDLED_RECORDINGS / "arbeitnow/api/job-board-api@page=2.json").read_bytes(),
    "page=3": (BUNDLED_RECORDINGS / "arbeitnow/api/job-board-api@page=3.json").read_bytes(),
}
REMOTIVE_RECORDS = len(json.loads(REMOTIVE)["jobs"])
ARBEITNOW_RECORDS = [len(json.loads(page)["data"]) for page in ARBEITNOW.values()]
REMOTIVE_PATH, ARBEITNOW_PATH = "/remotive/api/remote-jobs", "/arbeitnow/api/job-board-api"


@pytest.fixture
def settings(tmp_path: Path, httpserver: HTTPServer) -> Settings:
    return Settings(
        _env_file=None,
        lake_url=str(tmp_path / "lake"),
        sources=["remotive", "arbeitnow"],
        remotive_base_url=httpserver.url_for("/remotive").rstrip("/"),
        arbeitnow_base_url=httpserver.url_for("/arbeitnow").rstrip("/"),
        http_max_attempts=3,
        http_backoff_seconds=0.001,
        http_backoff_max_seconds=0.01,
        http_timeout_seconds=5,
        requests_per_second=0,
    )


@pytest.fixture
def recorded(httpserver: HTTPServer) -> HTTPServer:
    """The recorded pages as permanent answers; tests put one-shot faults in front of them."""
    httpserver.expect_request(REMOTIVE_PATH).respond_with_data(REMOTIVE, content_type="application/json")
    for query, body in ARBEITNOW.items():
        httpserver.expect_request(ARBEITNOW_PATH, query_string=query).respond_with_data(
            body, content_type="application/json"
        )
    return httpserver


def manifest(settings: Settings, source: str, day: date = DAY) -> dict:
    return json.loads(
        (Lake.from_settings(settings).bronze_partition(source, day) / "_manifest.json").read_text()
    )


def bronze_parts(settings: Settings, source: str, day: date = DAY) -> list[Path]:
    """The partition's parts, oldest attempt first."""
    return sorted(Lake.from_settings(settings).bronze_partition(source, day).glob("part-*.jsonl.gz"))


def bronze_lines(settings: Settings, source: str, day: date = DAY, part: int | None = None) -> list[dict]:
    """Every part's lines (or only the ``part``-th attempt's), in attempt order."""
    parts = bronze_parts(settings, source, day)
    return [json.loads(line) for p in (parts if part is None else [parts[part]])
            for line in gzip.decompress(p.read_bytes()).splitlines()]


def test_scrape_lands_raw_records_under_the_base_url_prefix(settings, recorded):
    summary = ingest.run(settings, DAY)

    assert summary["sources"]["remotive"] == {
        "ok": True,
        "records": REMOTIVE_RECORDS,
        "pages": 1,
        "requests": 1,
        "retries": 0,
        "errors": 0,
        "status": "scraped",
    }
    assert summary["sources"]["arbeitnow"]["records"] == sum(ARBEITNOW_RECORDS)
    assert summary["records"] == REMOTIVE_RECORDS + sum(ARBEITNOW_RECORDS)
    asked = [(r.path, r.query_string.decode()) for r, _ in recorded.log]
    assert sorted(asked) == [
        (ARBEITNOW_PATH, ""),
        (ARBEITNOW_PATH, "page=2"),
        (ARBEITNOW_PATH, "page=3"),
        (REMOTIVE_PATH, ""),
    ]
    assert all(r.headers["User-Agent"].startswith("job-analytics/") for r, _ in recorded.log)

    lines = bronze_lines(settings, "remotive")
    assert [line["record"] for line in lines] == json.loads(REMOTIVE)["jobs"]  # exactly as sent, bad ones too
    assert {line["api"] for line in lines} == {"remotive"}
    assert lines[0]["request_url"] == recorded.url_for(REMOTIVE_PATH)
    assert manifest(settings, "remotive")["duplicates_in_scrape"] == 2
    assert bronze_lines(settings, "arbeitnow")[-1]["request_url"].endswith(
        "/arbeitnow/api/job-board-api?page=3"
    )
    assert Lake.from_settings(settings).read_run_summary(DAY, "scrape")["records"] == summary["records"]


def test_429_with_retry_after_is_retried(settings, recorded):
    recorded.expect_oneshot_request(REMOTIVE_PATH).respond_with_json(
        {"error": "slow down"}, status=429, headers={"Retry-After": "1"}
    )
    summary = ingest.run(settings, DAY)
    assert summary["sources"]["remotive"] | {"records": 0} == {
        "ok": True,
        "records": 0,
        "pages": 1,
        "requests": 2,
        "retries": 1,
        "errors": 0,
        "status": "scraped",
    }


def test_500_then_200_is_retried(settings, recorded):
    recorded.expect_oneshot_request(ARBEITNOW_PATH, query_string="page=2").respond_with_data(
        "oops", status=500
    )
    summary = ingest.run(settings, DAY)["sources"]["arbeitnow"]
    assert (summary["ok"], summary["records"], summary["retries"]) == (True, sum(ARBEITNOW_RECORDS), 1)


def test_truncated_json_is_an_error_with_its_url_and_the_other_source_goes_on(settings, recorded):
    recorded.expect_oneshot_request(REMOTIVE_PATH).respond_with_data(
        REMOTIVE[:5000], content_type="application/json"
    )
    summary = ingest.run(settings, DAY)

    assert summary["sources"]["remotive"]["ok"] is False
    assert summary["sources"]["arbeitnow"]["ok"] is True
    remotive = manifest(settings, "remotive")
    assert remotive["ok"] is False and remotive["records"] == 0
    assert remotive["errors"] == [
        {"url": recorded.url_for(REMOTIVE_PATH), "message": remotive["errors"][0]["message"]}
    ]
    assert "not JSON" in remotive["errors"][0]["message"]
    assert set(remotive) >= {"started_at", "finished_at", "duration_s", "requests", "retries", "pages"}


def test_html_error_page_with_status_200_keeps_the_pages_before_it(settings, recorded):
    recorded.expect_oneshot_request(ARBEITNOW_PATH, query_string="page=2").respond_with_data(
        "<html><body>Service temporarily unavailable</body></html>", content_type="text/html"
    )
    summary = ingest.run(settings, DAY)

    arbeitnow = manifest(settings, "arbeitnow")
    assert (arbeitnow["ok"], arbeitnow["pages"], arbeitnow["records"]) == (False, 1, ARBEITNOW_RECORDS[0])
    assert arbeitnow["errors"][0]["url"].endswith("/arbeitnow/api/job-board-api?page=2")
    assert "text/html" in arbeitnow["errors"][0]["message"]
    assert len(bronze_lines(settings, "arbeitnow")) == ARBEITNOW_RECORDS[0]
    assert summary["sources"]["remotive"]["ok"] is True


def test_rerun_after_a_complete_scrape_reuses_bronze_and_asks_nothing(settings, recorded):
    first = ingest.run(settings, DAY)
    partition = Lake.from_settings(settings).bronze_partition("remotive", DAY)
    landed = {p.name: p.read_bytes() for p in partition.iterdir()}
    recorded.clear_log()

    second = ingest.run(settings, DAY)

    assert recorded.log == []  # no request reached the server
    assert second["reused"] == ["arbeitnow", "remotive"]
    assert second["sources"]["remotive"] | {"records": None} == {
        "ok": True, "records": None, "pages": 0, "requests": 0, "retries": 0, "errors": 0, "status": "re-used"}
    assert second["records"] == first["records"]
    assert {p.name: p.read_bytes() for p in partition.iterdir()} == landed  # not a byte changed
    names = sorted(landed)
    assert names[0] == "_manifest-" + names[2][len("part-"):-len(".jsonl.gz")] + ".json"
    assert names[1:] == ["_manifest.json", names[2]] and names[2].startswith("part-")
    assert sorted(p.name for p in partition.parent.iterdir()) == ["ingest_date=2024-01-01"]  # no staging left


def test_rescrape_adds_a_part_beside_the_first_and_never_replaces_it(settings, recorded, httpserver):
    ingest.run(settings, DAY)
    first_part = bronze_parts(settings, "remotive")[0]
    first_bytes = first_part.read_bytes()
    changed = json.loads(REMOTIVE)
    changed["jobs"] = [dict(changed["jobs"][0], title="Changed title"), {"id": 999001, "title": "New job"}]
    httpserver.clear()
    httpserver.expect_request(REMOTIVE_PATH).respond_with_json(changed)
    for query, body in ARBEITNOW.items():
        httpserver.expect_request(ARBEITNOW_PATH, query_string=query).respond_with_data(body)

    summary = ingest.run(settings, DAY, rescrape=True)

    assert summary["reused"] == [] and summary["sources"]["remotive"]["records"] == 2
    parts = bronze_parts(settings, "remotive")
    assert len(parts) == 2 and parts[0] == first_part and first_part.read_bytes() == first_bytes
    assert len(bronze_lines(settings, "remotive", part=0)) == REMOTIVE_RECORDS
    assert [line["record"]["title"] for line in bronze_lines(settings, "remotive", part=1)] == [
        "Changed title", "New job"]
    index = manifest(settings, "remotive")
    assert index["records"] == REMOTIVE_RECORDS + 2
    assert [a["records"] for a in index["attempts"]] == [REMOTIVE_RECORDS, 2]
    assert index["files"] == [p.name for p in parts] and index["complete"] is True


def test_a_failed_attempt_is_kept_and_the_rerun_adds_to_it(settings, recorded, httpserver):
    recorded.expect_oneshot_request(ARBEITNOW_PATH, query_string="page=2").respond_with_data("down", status=404)
    ingest.run(settings, DAY)
    failed = manifest(settings, "arbeitnow")
    assert (failed["ok"], failed["records"], failed["complete"]) == (False, ARBEITNOW_RECORDS[0], False)
    recorded.clear_log()

    summary = ingest.run(settings, DAY)  # the failed scrape is retried; the complete remotive one is re-used

    assert summary["reused"] == ["remotive"]
    assert {r.path for r, _ in recorded.log} == {ARBEITNOW_PATH}
    index = manifest(settings, "arbeitnow")
    assert [(a["ok"], a["records"]) for a in index["attempts"]] == [
        (False, ARBEITNOW_RECORDS[0]), (True, sum(ARBEITNOW_RECORDS))]
    assert index["complete"] is True and index["records"] == ARBEITNOW_RECORDS[0] + sum(ARBEITNOW_RECORDS)
    assert len(bronze_lines(settings, "arbeitnow")) == index["records"]  # both attempts' records kept


def test_a_partition_of_the_old_layout_keeps_its_part_and_manifest_when_an_attempt_is_added(settings, recorded):
    ingest.run(settings, DAY)
    partition = Lake.from_settings(settings).bronze_partition("remotive", DAY)
    assert len(bronze_parts(settings, "remotive")) == 1
    old_manifest = json.loads(next(partition.glob("_manifest-*.json")).read_text())
    for path in partition.iterdir():
        path.unlink()
    legacy = {k: v for k, v in old_manifest.items() if k != "attempt"} | {"files": ["part-00000.jsonl.gz"]}
    (partition / "part-00000.jsonl.gz").write_bytes(gzip.compress(b"".join(
        json.dumps(line).encode() + b"\n" for line in [{"source": "remotive", "api": "remotive", "record": {}}])))
    (partition / "_manifest.json").write_text(json.dumps(legacy | {"records": 1}))
    assert [a["attempt"] for a in bronze.attempts(partition)] == [bronze.LEGACY_ATTEMPT]

    ingest.run(settings, DAY)  # the old partition is complete: re-used
    assert sorted(p.name for p in partition.iterdir()) == ["_manifest.json", "part-00000.jsonl.gz"]
    ingest.run(settings, DAY, rescrape=True)

    index = manifest(settings, "remotive")
    assert index["attempts"][0]["attempt"] == bronze.LEGACY_ATTEMPT
    assert index["files"][0] == "part-00000.jsonl.gz" and len(index["files"]) == 2
    assert json.loads((partition / "_manifest-00000.json").read_text())["records"] == 1
    assert index["records"] == 1 + REMOTIVE_RECORDS


def test_exhausted_retries_fail_the_run_below_min_sources_ok(settings, httpserver):
    httpserver.expect_request(REMOTIVE_PATH).respond_with_data("busy", status=503)
    httpserver.expect_request(ARBEITNOW_PATH).respond_with_data("busy", status=503)
    with pytest.raises(ScrapeFailed, match="0 of 2 sources ok"):
        ingest.run(settings, DAY)

    remotive = manifest(settings, "remotive")
    assert (remotive["ok"], remotive["requests"], remotive["retries"]) == (False, 3, 2)
    assert remotive["errors"][0]["message"] == "HTTP 503 SERVICE UNAVAILABLE (gave up after 3 attempts)"
    assert Lake.from_settings(settings).read_run_summary(DAY, "scrape")["sources"]["arbeitnow"]["ok"] is False


def test_connection_errors_are_retried_then_reported(settings, recorded):
    settings = settings.model_copy(update={"remotive_base_url": "http://127.0.0.1:9/remotive"})
    summary = ingest.run(settings, DAY)["sources"]
    assert (summary["remotive"]["ok"], summary["remotive"]["requests"]) == (False, 3)
    assert manifest(settings, "remotive")["errors"][0]["message"].startswith("ConnectError")
    assert summary["arbeitnow"]["ok"] is True


def test_a_source_that_raises_is_isolated(settings, recorded, monkeypatch):
    def broken(self, client):
        raise RuntimeError("mapping bug")
        yield  # pragma: no cover

    monkeypatch.setattr(Remotive, "pages", broken)
    summary = ingest.run(settings, DAY)["sources"]
    assert summary["remotive"]["ok"] is False and summary["arbeitnow"]["ok"] is True
    assert manifest(settings, "remotive")["errors"][0]["message"] == "RuntimeError: mapping bug"


def test_unknown_source_fails_before_any_request(settings, httpserver):
    with pytest.raises(ConfigError, match="known sources"):
        ingest.run(settings.model_copy(update={"sources": ["remotive", "linkedin"]}), DAY)
    assert httpserver.log == []


def test_demo_replays_offline_into_bronze(tmp_path):
    settings = Settings(_env_file=None, lake_url=str(tmp_path / "lake"))  # the default: sources=demo
    summary = ingest.run(settings, DAY)
    assert summary["sources"]["demo"]["ok"] is True
    assert summary["records"] >= 200
    demo = manifest(settings, "demo")
    assert (demo["pages"], demo["apis"], demo["duplicates_in_scrape"]) == (4, ["arbeitnow", "remotive"], 3)
    assert {line["api"] for line in bronze_lines(settings, "demo")} == {"arbeitnow", "remotive"}
    assert summary["bronze"] == [str(Lake.from_settings(settings).bronze_partition("demo", DAY))]


# -- the retry layer --------------------------------------------------------------------------------------------


def _transport(answers: list, sleeps: list[float], **kw) -> http.RetryTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return http.RetryTransport(httpx.MockTransport(handler), sleep=sleeps.append, **kw)


def test_retry_honours_retry_after_up_to_the_cap():
    sleeps: list[float] = []
    answers = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(429, headers={"Retry-After": "900"}),
        httpx.Response(200, json={}),
    ]
    transport = _transport(answers, sleeps, backoff_max_seconds=60)
    with httpx.Client(transport=transport) as client:
        assert client.get("http://api.test/x").status_code == 200
    assert sleeps == [7.0, 60.0]
    assert (transport.requests, transport.retries) == (3, 2)


def test_retry_backs_off_exponentially_on_timeouts():
    sleeps: list[float] = []
    answers = [httpx.ReadTimeout("slow"), httpx.ConnectError("refused"), httpx.Response(200, json={})]
    with httpx.Client(
        transport=_transport(answers, sleeps, backoff_seconds=1, backoff_max_seconds=60)
    ) as client:
        assert client.get("http://api.test/x").status_code == 200
    assert 1 <= sleeps[0] <= 2 and 2 <= sleeps[1] <= 3  # 1 s, 2 s, plus up to 1 s of jitter


def test_client_errors_are_not_retried():
    sleeps: list[float] = []
    with httpx.Client(transport=_transport([httpx.Response(404)], sleeps)) as client:
        assert client.get("http://api.test/x").status_code == 404
    assert sleeps == []


def test_rate_limit_spaces_requests():
    sleeps: list[float] = []
    answers = [httpx.Response(200) for _ in range(3)]
    with httpx.Client(transport=_transport(answers, sleeps, requests_per_second=2)) as client:
        for _ in range(3):
            client.get("http://api.test/x")
    # the fake sleep lets no time pass: each request waits for its own slot, 0.5 s after the one before
    assert len(sleeps) == 2 and 0.4 < sleeps[0] <= 0.5 and 0.9 < sleeps[1] <= 1.0


@pytest.mark.parametrize(
    "url, expected",
    [
        (
            "https://api.test/search?query=python&api_key=s3cret&page=2",
            "https://api.test/search?query=python&page=2",
        ),
        ("https://user:pw@api.test/x?token=abc&KEY=1", "https://api.test/x"),
        ("http://127.0.0.1:9000/remotive/api/remote-jobs", "http://127.0.0.1:9000/remotive/api/remote-jobs"),
    ],
)
def test_redact_url(url, expected):
    assert http.redact_url(url) == expected


@pytest.mark.parametrize(
    "value, seconds",
    [("3", 3.0), ("0", 0.0), ("soon", None), (None, None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_seconds(value, seconds):
    assert http.retry_after_seconds(value) == seconds


# -- more faults: a real read timeout, an empty page, a record without its id -------------------------------------


def test_a_real_read_timeout_is_retried_then_reported_with_its_url(settings, recorded):
    def slow(request):
        time.sleep(0.5)
        return Response(REMOTIVE, content_type="application/json")

    recorded.clear()  # the permanent recorded answer would come first; only remotive is made slow
    recorded.expect_request(REMOTIVE_PATH).respond_with_handler(slow)
    for query, body in ARBEITNOW.items():
        recorded.expect_request(ARBEITNOW_PATH, query_string=query).respond_with_data(
            body, content_type="application/json"
        )
    settings = settings.model_copy(update={"source_limits": {"remotive": SourceLimits(timeout_seconds=0.2)}})

    summary = ingest.run(settings, DAY)["sources"]

    remotive = manifest(settings, "remotive")
    assert (remotive["ok"], remotive["requests"], remotive["retries"], remotive["records"]) == (False, 3, 2, 0)
    assert remotive["errors"][0]["url"] == recorded.url_for(REMOTIVE_PATH)
    assert remotive["errors"][0]["message"].startswith("ReadTimeout (gave up after 3 attempts)")
    assert remotive["limits"]["timeout_seconds"] == 0.2
    assert summary["arbeitnow"]["ok"] is True  # the global 5 s timeout: the slow server only delays it
    assert manifest(settings, "arbeitnow")["limits"]["timeout_seconds"] == 5


def test_an_empty_page_ends_the_board(settings, recorded):
    empty = {"data": [], "links": {"next": "https://www.arbeitnow.com/api/job-board-api?page=3"}, "meta": {}}
    recorded.expect_oneshot_request(ARBEITNOW_PATH, query_string="page=2").respond_with_json(empty)

    summary = ingest.run(settings, DAY)["sources"]["arbeitnow"]

    assert (summary["ok"], summary["pages"], summary["requests"]) == (True, 2, 2)
    assert summary["records"] == ARBEITNOW_RECORDS[0]
    assert not [r for r, _ in recorded.log if r.query_string == b"page=3"]


def test_a_record_without_its_id_lands_raw_and_silver_quarantines_it(settings, recorded):
    page = json.loads(ARBEITNOW["page=2"])
    del page["data"][0]["slug"]
    anonymous = page["data"][0]
    recorded.expect_oneshot_request(ARBEITNOW_PATH, query_string="page=2").respond_with_json(page)

    ingest.run(settings, DAY)
    assert anonymous in [line["record"] for line in bronze_lines(settings, "arbeitnow")]  # raw is raw

    summary = silver.run(settings, DAY)
    quarantined = pq.read_table(Lake.from_settings(settings).quarantine_partition(DAY)).to_pylist()
    reasons = [q["reason"] for q in quarantined if json.loads(q["raw"])["record"] == anonymous]
    assert reasons == ["missing_id"]
    assert summary["quarantined_by_reason"]["missing_id"] >= 1


# -- per-source limits -------------------------------------------------------------------------------------------


def test_per_source_limits_come_from_the_environment_and_fall_back_to_the_global_ones(monkeypatch, tmp_path):
    monkeypatch.setenv("JOB_ANALYTICS_JSEARCH_REQUESTS_PER_SECOND", "0.5")
    monkeypatch.setenv("JOB_ANALYTICS_JSEARCH_MAX_PAGES", "3")
    monkeypatch.setenv("JOB_ANALYTICS_ARBEITNOW_MAX_RECORDS", "500")
    monkeypatch.setenv("JOB_ANALYTICS_HTTP_TIMEOUT_SECONDS", "12")  # a global setting, not a source "http"
    env_file = tmp_path / ".env"
    env_file.write_text("JOB_ANALYTICS_REMOTIVE_TIMEOUT_SECONDS=4\nJOB_ANALYTICS_JSEARCH_MAX_PAGES=9\n")

    settings = Settings(_env_file=env_file, max_pages=20)

    assert settings.limits("jsearch") == SourceLimits(
        requests_per_second=0.5, max_pages=3, max_records=None, timeout_seconds=12  # the environment beats .env
    )
    assert settings.limits("arbeitnow") == SourceLimits(
        requests_per_second=2.0, max_pages=20, max_records=500, timeout_seconds=12
    )
    assert settings.limits("remotive").timeout_seconds == 4
    assert settings.limits("lever") == SourceLimits(
        requests_per_second=2.0, max_pages=20, max_records=None, timeout_seconds=12
    )
    assert set(settings.source_limits) == {"jsearch", "arbeitnow", "remotive"}


def test_a_limit_for_an_unknown_source_is_a_configuration_error(settings, httpserver, monkeypatch):
    monkeypatch.setenv("JOB_ANALYTICS_JSERCH_MAX_PAGES", "3")
    with pytest.raises(ConfigError, match="'jserch'"):
        ingest.run(Settings(_env_file=None, lake_url=settings.lake_url), DAY)
    assert httpserver.log == []


def test_max_records_stops_asking_once_reached_and_keeps_the_last_page_whole(settings, recorded):
    settings = settings.model_copy(update={"source_limits": {"arbeitnow": SourceLimits(max_records=40)}})

    summary = ingest.run(settings, DAY)["sources"]

    arbeitnow = manifest(settings, "arbeitnow")
    assert (arbeitnow["ok"], arbeitnow["capped"], arbeitnow["pages"]) == (True, True, 2)
    assert arbeitnow["records"] == ARBEITNOW_RECORDS[0] + ARBEITNOW_RECORDS[1]
    assert not [r for r, _ in recorded.log if r.query_string == b"page=3"]
    assert manifest(settings, "remotive")["capped"] is False and summary["remotive"]["ok"] is True
    # a capped scrape saw only part of the board: the state must not take the rest as seen
    lake = Lake.from_settings(settings)
    assert not lake.source_state_path("arbeitnow").exists() and lake.source_state_path("remotive").exists()


def test_max_pages_per_source(settings, recorded):
    settings = settings.model_copy(update={"source_limits": {"arbeitnow": SourceLimits(max_pages=1)}})
    assert ingest.run(settings, DAY)["sources"]["arbeitnow"]["pages"] == 1


# -- incremental scraping ----------------------------------------------------------------------------------------

DAY2 = date(2024, 1, 2)
NOON = int(datetime(2024, 1, 1, 12, tzinfo=UTC).timestamp())


def _job(slug: str, hours_before_noon: float) -> dict:
    return {"slug": slug, "title": f"Data Engineer {slug}", "created_at": NOON - int(hours_before_noon * 3600)}


def _serve_board(server: HTTPServer, pages: list[list[dict]]) -> None:
    """An Arbeitnow board, newest first, one ``links.next`` per page but the last."""
    server.clear()
    for number, jobs in enumerate(pages, start=1):
        more = number < len(pages)
        link = f"https://www.arbeitnow.com/api/job-board-api?page={number + 1}" if more else None
        server.expect_request(ARBEITNOW_PATH, query_string="" if number == 1 else f"page={number}").respond_with_json(
            {"data": jobs, "links": {"next": link}, "meta": {"current_page": number}}
        )


def _asked(server: HTTPServer) -> list[str]:
    asked = [r.query_string.decode() for r, _ in server.log]
    server.clear_log()
    return asked


FIRST_BOARD = [
    [_job("a", 1), _job("b", 2), _job("c", 3)],
    [_job("d", 30), _job("e", 31), _job("f", 32)],
    [_job("g", 60), _job("h", 61), _job("i", 62)],
]
NEXT_BOARD = [  # the next day: two new postings on top, and one never seen but older than the watermark's lookback
    [_job("new-1", -20), _job("new-2", -19), _job("a", 1)],
    [_job("b", 2), _job("c", 3), _job("too-old-to-be-new", 26)],
    [_job("e", 31), _job("f", 32), _job("g", 60)],
]


@pytest.fixture
def board(settings, httpserver) -> Settings:
    return settings.model_copy(update={"sources": ["arbeitnow"]})


def test_a_daily_scrape_stops_paging_at_the_first_page_it_already_knows(board, httpserver):
    _serve_board(httpserver, FIRST_BOARD)
    ingest.run(board, DAY)
    assert _asked(httpserver) == ["", "page=2", "page=3"]
    first = manifest(board, "arbeitnow")
    assert first["incremental"] == {"since": None, "last_run_date": None, "pages_skipped": 0}

    state = json.loads(Lake.from_settings(board).source_state_path("arbeitnow").read_text())
    assert state["runs"]["2024-01-01"]["newest_posted_at"] == datetime.fromtimestamp(NOON - 3600, UTC).isoformat()
    assert state["first_seen"] == {"2024-01-01": list("abcdefghi")}

    _serve_board(httpserver, NEXT_BOARD)
    ingest.run(board, DAY2)

    assert _asked(httpserver) == ["", "page=2"]  # page 2 held nothing new: page 3 was not asked for
    second = manifest(board, "arbeitnow", DAY2)
    assert second["incremental"] == {
        "since": datetime.fromtimestamp(NOON - 3600 - 86400, UTC).isoformat(),
        "last_run_date": "2024-01-01",
        "pages_skipped": 1,
    }
    # bronze holds every record of the pages asked, the known ones too: silver's dedupe sorts them out
    assert [line["record"]["slug"] for line in bronze_lines(board, "arbeitnow", DAY2)] == [
        "new-1", "new-2", "a", "b", "c", "too-old-to-be-new"
    ]


def test_rerun_reuses_without_touching_the_state_and_a_backfill_never_asks_for_less(board, httpserver):
    _serve_board(httpserver, FIRST_BOARD)
    ingest.run(board, DAY)
    _serve_board(httpserver, NEXT_BOARD)
    ingest.run(board, DAY2)
    first_run = [line["record"] for line in bronze_lines(board, "arbeitnow", DAY2)]
    state_path = Lake.from_settings(board).source_state_path("arbeitnow")
    state_after_first = state_path.read_bytes()
    _asked(httpserver)

    ingest.run(board, DAY2)  # re-used: no request, same bronze, the state not touched

    assert _asked(httpserver) == []
    assert [line["record"] for line in bronze_lines(board, "arbeitnow", DAY2)] == first_run
    assert state_path.read_bytes() == state_after_first

    ingest.run(board, DAY2, rescrape=True)  # forced: asks as the fresh scrape of DAY2 did, and adds a part
    assert _asked(httpserver) == ["", "page=2"]
    assert [line["record"] for line in bronze_lines(board, "arbeitnow", DAY2, part=1)] == first_run
    state = json.loads(state_path.read_text())
    before = json.loads(state_after_first)
    assert (state["first_seen"], state["runs"].keys()) == (before["first_seen"], before["runs"].keys())

    ingest.run(board, DAY, rescrape=True)  # not newer than the last run: nothing earlier in the state, the whole board
    assert _asked(httpserver) == ["", "page=2", "page=3"]
    assert len(bronze_lines(board, "arbeitnow", DAY, part=1)) == 9


def test_the_state_does_not_advance_when_bronze_was_not_written(board, httpserver, monkeypatch):
    _serve_board(httpserver, FIRST_BOARD)
    ingest.run(board, DAY)
    path = Lake.from_settings(board).source_state_path("arbeitnow")
    before = path.read_bytes()

    def crash(path, data):
        raise OSError("disk full")

    monkeypatch.setattr(bronze, "write_bytes_once", crash)
    _serve_board(httpserver, NEXT_BOARD)
    with pytest.raises(ScrapeFailed, match="disk full"):
        ingest.run(board, DAY2)

    assert path.read_bytes() == before
    monkeypatch.undo()
    _asked(httpserver)
    ingest.run(board, DAY2)  # the crashed date, run again, starts from the same state
    assert _asked(httpserver) == ["", "page=2"]


def test_the_state_does_not_advance_after_a_failed_scrape(board, httpserver):
    _serve_board(httpserver, FIRST_BOARD)
    httpserver.expect_oneshot_request(ARBEITNOW_PATH, query_string="page=3").respond_with_data("gone", status=404)
    with pytest.raises(ScrapeFailed, match="404"):
        ingest.run(board, DAY)
    assert manifest(board, "arbeitnow")["ok"] is False
    assert not Lake.from_settings(board).source_state_path("arbeitnow").exists()


def test_incremental_off_asks_for_everything(board, httpserver):
    _serve_board(httpserver, FIRST_BOARD)
    ingest.run(board, DAY)
    _serve_board(httpserver, NEXT_BOARD)
    ingest.run(board.model_copy(update={"incremental": False}), DAY2)
    assert _asked(httpserver) == ["", "page=2", "page=3"]
    assert manifest(board, "arbeitnow", DAY2)["incremental"] is None


@pytest.mark.parametrize(
    "days, window",
    [(None, None), (0, None), (1, "today"), (2, "3days"), (3, "3days"), (4, "week"), (7, "week"), (8, "month"),
     (30, "month"), (31, None)],
)
def test_jsearch_date_posted_covers_the_days_since_the_last_scrape(days, window):
    assert date_posted_for(days) == window


def test_jsearch_asks_only_for_postings_since_its_last_scrape(settings, httpserver):
    def answer(request):
        data = [{"job_id": "j1", "job_title": "Data Engineer"}] if request.args["page"] == "1" else []
        return Response(json.dumps({"status": "OK", "data": data}), content_type="application/json")

    httpserver.expect_request("/jsearch/search").respond_with_handler(answer)
    settings = settings.model_copy(
        update={
            "sources": ["jsearch"],
            "jsearch_base_url": httpserver.url_for("/jsearch").rstrip("/"),
            "rapidapi_key": SecretStr("test-key"),
        }
    )

    def windows() -> list[str | None]:
        asked = [r.args.get("date_posted") for r, _ in httpserver.log]
        httpserver.clear_log()
        return asked

    ingest.run(settings, DAY)
    assert windows() == [None, None]  # page 1, then the empty page 2
    ingest.run(settings, DAY2)
    assert windows() == ["today", "today"]
    assert manifest(settings, "jsearch", DAY2)["incremental"]["date_posted"] == "today"
    ingest.run(settings, date(2024, 1, 5))
    assert windows() == ["3days", "3days"]
    ingest.run(settings, DAY2)  # a re-run re-uses the complete scrape
    assert windows() == []
    ingest.run(settings, DAY2, rescrape=True)  # a forced re-fetch asks what its first run asked
    assert windows() == ["today", "today"]
