"""scrape_jobs against a local HTTP server serving the recorded payloads, with faults injected."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from pytest_httpserver import HTTPServer

from job_analytics import ingest
from job_analytics.errors import ConfigError, ScrapeFailed
from job_analytics.lake import Lake
from job_analytics.settings import Settings
from job_analytics.sources.demo import BUNDLED_RECORDINGS
from job_analytics.sources.remotive import Remotive

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


def manifest(settings: Settings, source: str) -> dict:
    return json.loads(
        (Lake.from_settings(settings).bronze_partition(source, DAY) / "_manifest.json").read_text()
    )


def bronze_lines(settings: Settings, source: str) -> list[dict]:
    part = Lake.from_settings(settings).bronze_partition(source, DAY) / "part-00000.jsonl.gz"
    return [json.loads(line) for line in gzip.decompress(part.read_bytes()).splitlines()]


def test_scrape_lands_raw_records_under_the_base_url_prefix(settings, recorded):
    summary = ingest.run(settings, DAY)

    assert summary["sources"]["remotive"] == {
        "ok": True,
        "records": REMOTIVE_RECORDS,
        "pages": 1,
        "requests": 1,
        "retries": 0,
        "errors": 0,
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


def test_rerun_same_date_replaces_the_partition(settings, recorded):
    first = ingest.run(settings, DAY)
    second = ingest.run(settings, DAY)
    assert first["records"] == second["records"]
    assert len(bronze_lines(settings, "remotive")) == REMOTIVE_RECORDS
    partition = Lake.from_settings(settings).bronze_partition("remotive", DAY)
    assert sorted(p.name for p in partition.parent.iterdir()) == ["ingest_date=2024-01-01"]  # no staging left
    assert sorted(p.name for p in partition.iterdir()) == ["_manifest.json", "part-00000.jsonl.gz"]


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


def _transport(answers: list, sleeps: list[float], **kw) -> ingest.RetryTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return ingest.RetryTransport(httpx.MockTransport(handler), sleep=sleeps.append, **kw)


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
    assert ingest.redact_url(url) == expected


@pytest.mark.parametrize(
    "value, seconds",
    [("3", 3.0), ("0", 0.0), ("soon", None), (None, None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_seconds(value, seconds):
    assert ingest.retry_after_seconds(value) == seconds
