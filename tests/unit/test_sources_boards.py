"""The board APIs Ashby, SmartRecruiters and Workable: mapping, paging, their recorded payloads served over HTTP
with faults injected (the same as the other live sources), and the registry as the one list of sources."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qsl

import httpx
import pyarrow.parquet as pq
import pytest
from pytest_httpserver import HTTPServer

from job_analytics.core.errors import BadRecord, ConfigError
from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings, SourceLimits
from job_analytics.gold import stage as transform
from job_analytics.ingest import stage as ingest
from job_analytics.ingest.sources import API_SHAPES, REGISTRY, mapper_for
from job_analytics.ingest.sources.ashby import Ashby, board_name
from job_analytics.ingest.sources.smartrecruiters import SmartRecruiters
from job_analytics.ingest.sources.workable import Workable
from job_analytics.quality.suites import KNOWN_SOURCES
from job_analytics.silver import stage as silver
from tests.unit.test_sources_shapes import recordings

REPO = Path(__file__).resolve().parents[2]
RECORDED_2026 = REPO / "tests/fixtures/recorded/2026"
DAY = date(2026, 6, 15)
#: per board API: its list setting and the items recorded (the second holds messy and bad records on purpose)
BOARDS = {
    "ashby": ("ashby_boards", ["ramp", "northwind"]),
    "smartrecruiters": ("smartrecruiters_companies", ["Visa", "NorthwindTraders"]),
    "workable": ("workable_accounts", ["zego", "northwind"]),
}
RECORDS = {"ashby": 7, "smartrecruiters": 6, "workable": 6}
BAD = {"ashby:missing_title": 1, "smartrecruiters:missing_title": 1, "workable:missing_id": 1}
KEY = {"ashby": "jobs", "smartrecruiters": "content", "workable": "jobs"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, lake_url=str(tmp_path / "lake"), max_pages=20)


def _client(handler, seen: list[str] | None = None) -> httpx.Client:
    def record(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        return handler(request)

    return httpx.Client(base_url="http://local.test", transport=httpx.MockTransport(record))


# -- mapping: ashby ------------------------------------------------------------------------------------------------

ASHBY_JOB = json.loads(
    (RECORDED_2026 / "ashby/posting-api/job-board/ramp@includeCompensation=true.json").read_text()
)["jobs"][0]


def test_ashby_maps_a_record_raw_but_typed(settings):
    posting = Ashby(settings).to_posting(ASHBY_JOB)
    assert (posting.source_job_id, posting.title, posting.company) == (
        "34413f8d-26bf-4bbc-8ade-eb309a0e2245", " Security Engineer, Cloud", "ramp")  # cleaned in silver
    assert (posting.location, posting.default_country, posting.is_remote) == ("New York, NY (HQ)", "US", False)
    assert posting.employment_type == "FullTime"
    assert (posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period) == (
        211400.0, 290600.0, "USD", "1 YEAR")
    assert posting.salary_text is None
    assert posting.description_html == ASHBY_JOB["descriptionHtml"]
    assert posting.url == ASHBY_JOB["jobUrl"]
    assert posting.posted_at == datetime(2026, 4, 7, 17, 12, 35, 753000, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"workplaceType": "Remote"}, "is_remote", True),
        ({"workplaceType": "OnSite", "isRemote": True}, "is_remote", False),  # the workplace type wins
        ({"workplaceType": None, "isRemote": True}, "is_remote", True),
        ({"workplaceType": None, "isRemote": None}, "is_remote", None),
        ({"compensation": None}, "salary_min", None),
        ({"compensation": {"summaryComponents": [], "compensationTierSummary": "$80K – $95K"}}, "salary_text",
         "$80K – $95K"),
        ({"compensation": {"summaryComponents": [
            {"compensationType": "EquityPercentage", "minValue": 0.5, "maxValue": 1.75},
            {"compensationType": "Salary", "interval": "1 HOUR", "currencyCode": "EUR", "minValue": 40,
             "maxValue": 55}]}}, "salary_period", "1 HOUR"),
        ({"descriptionHtml": "", "descriptionPlain": "dbt for <every> team"}, "description_html",
         "dbt for &lt;every&gt; team"),
        ({"jobUrl": None}, "url", ASHBY_JOB["applyUrl"]),
        ({"jobUrl": "https://careers.ramp.example/jobs/1", "applyUrl": None}, "company", None),
        ({"address": None}, "default_country", None),
        ({"publishedAt": None}, "posted_at", None),
    ],
)
def test_ashby_field_forms(settings, change, field, expected):
    assert getattr(Ashby(settings).to_posting({**ASHBY_JOB, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in ASHBY_JOB.items() if k != "id"}, "missing_id"),
        ({**ASHBY_JOB, "id": 17}, "missing_id"),
        ({**ASHBY_JOB, "title": "   "}, "missing_title"),
        ({**ASHBY_JOB, "publishedAt": "last week"}, "bad_timestamp"),
        ("gone", "not_an_object"),
    ],
)
def test_ashby_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        Ashby(settings).to_posting(raw)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "url, board",
    [("https://jobs.ashbyhq.com/ramp/34413f8d", "ramp"), ("https://jobs.ashbyhq.com.evil.example/ramp/1", None),
     ("https://ramp.com/careers", None), (None, None)],
)
def test_ashby_board_name(url, board):
    assert board_name(url) == board


# -- mapping: smartrecruiters --------------------------------------------------------------------------------------

SR_POSTING = json.loads(
    (RECORDED_2026 / "smartrecruiters/v1/companies/Visa/postings@limit=100&offset=0.json").read_text()
)["content"][1]


def test_smartrecruiters_maps_a_record_raw_but_typed(settings):
    posting = SmartRecruiters(settings).to_posting(SR_POSTING)
    assert (posting.source_job_id, posting.title, posting.company) == ("744000122509268", "Sr. SW Engineer", "Visa")
    assert (posting.location, posting.default_country) == ("Austin, TX, United States", "US")
    assert (posting.is_remote, posting.employment_type) == (False, "Full-time")  # hybrid is not remote
    assert (posting.salary_min, posting.salary_text, posting.description_html) == (None, None, None)
    assert posting.url == "https://jobs.smartrecruiters.com/Visa/744000122509268"
    assert posting.posted_at == datetime(2026, 4, 23, 16, 54, 54, 835000, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"location": {"city": "Madrid", "country": "es", "remote": True}}, "is_remote", True),
        ({"location": {"city": "Madrid", "country": "es", "remote": True}}, "location", "Madrid"),
        ({"location": {"city": "Porto", "region": "Porto", "country": "pt"}}, "location", "Porto, Porto"),
        ({"location": {"country": "de"}}, "location", None),
        ({"location": {"country": "de"}}, "default_country", "DE"),
        ({"location": None}, "is_remote", None),
        ({"company": {"identifier": "NorthwindTraders"}}, "company", "NorthwindTraders"),
        ({"company": None}, "url", None),
        ({"id": 744000122509268}, "source_job_id", "744000122509268"),
        ({"typeOfEmployment": None}, "employment_type", None),
        ({"releasedDate": None}, "posted_at", None),
    ],
)
def test_smartrecruiters_field_forms(settings, change, field, expected):
    assert getattr(SmartRecruiters(settings).to_posting({**SR_POSTING, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in SR_POSTING.items() if k != "id"}, "missing_id"),
        ({**SR_POSTING, "name": ""}, "missing_title"),
        ({**SR_POSTING, "releasedDate": "03/06/2026"}, "bad_timestamp"),
        ([SR_POSTING], "not_an_object"),
    ],
)
def test_smartrecruiters_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        SmartRecruiters(settings).to_posting(raw)
    assert caught.value.reason == reason


# -- mapping: workable ---------------------------------------------------------------------------------------------

WORKABLE_JOB = json.loads(
    (RECORDED_2026 / "workable/api/v1/widget/accounts/zego@details=true.json").read_text()
)["jobs"][1]


def test_workable_maps_a_record_raw_but_typed(settings):
    posting = Workable(settings).to_posting(WORKABLE_JOB)
    assert (posting.source_job_id, posting.title, posting.company) == (
        "450EC5C378", "Claims Handler - Third Party", None)  # the account's name is not in the job
    assert (posting.location, posting.default_country) == ("Halifax, England, United Kingdom", "GB")
    assert (posting.is_remote, posting.employment_type) == (False, "Full-time")
    assert posting.description_html == WORKABLE_JOB["description"]
    assert posting.url == "https://apply.workable.com/j/450EC5C378"
    assert posting.posted_at == datetime(2025, 9, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"telecommuting": True}, "is_remote", True),
        ({"telecommuting": None}, "is_remote", None),
        ({"employment_type": ""}, "employment_type", None),
        ({"city": "", "state": "", "country": ""}, "location", None),
        ({"locations": []}, "default_country", None),
        ({"requirements": "<ul><li>SQL</li></ul>", "benefits": ""}, "description_html",
         WORKABLE_JOB["description"] + "<ul><li>SQL</li></ul>"),
        ({"description": None}, "description_html", None),
        ({"published_on": ""}, "posted_at", datetime(2024, 9, 20, tzinfo=UTC)),  # created_at
        ({"url": None}, "url", WORKABLE_JOB["shortlink"]),
    ],
)
def test_workable_field_forms(settings, change, field, expected):
    assert getattr(Workable(settings).to_posting({**WORKABLE_JOB, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({**WORKABLE_JOB, "shortcode": ""}, "missing_id"),
        ({**WORKABLE_JOB, "shortcode": 450}, "missing_id"),
        ({**WORKABLE_JOB, "title": None}, "missing_title"),
        ({**WORKABLE_JOB, "published_on": "2 June"}, "bad_timestamp"),
        (None, "not_an_object"),
    ],
)
def test_workable_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        Workable(settings).to_posting(raw)
    assert caught.value.reason == reason


# -- paging and configuration --------------------------------------------------------------------------------------


def test_each_board_is_asked_once_on_its_own_path_segment(tmp_path):
    settings = Settings(_env_file=None, lake_url=str(tmp_path), ashby_boards="Ramp,a b",
                        smartrecruiters_companies="Visa", workable_accounts="zego/x")
    seen: list[str] = []
    with _client(lambda request: httpx.Response(200, json={"jobs": [], "content": []}), seen) as client:
        for source in (Ashby, SmartRecruiters, Workable):
            list(source(settings).pages(client))
    assert seen == [
        "http://local.test/posting-api/job-board/Ramp?includeCompensation=true",  # case kept
        "http://local.test/posting-api/job-board/a%20b?includeCompensation=true",
        "http://local.test/v1/companies/Visa/postings?limit=100&offset=0",
        "http://local.test/api/v1/widget/accounts/zego%2Fx?details=true",  # never leaves its segment
    ]


@pytest.mark.parametrize("source, setting", [
    (Ashby, "ASHBY_BOARDS"), (SmartRecruiters, "SMARTRECRUITERS_COMPANIES"), (Workable, "WORKABLE_ACCOUNTS")])
def test_a_board_api_needs_its_list(settings, source, setting):
    with _client(lambda request: httpx.Response(200, json={}), []) as client, \
            pytest.raises(ConfigError, match=f"no .* configured; set JOB_ANALYTICS_{setting} "):
        list(source(settings).pages(client))


def _company(total: int, page_size: int = 100):
    """A SmartRecruiters company of ``total`` postings that answers at most ``page_size`` a page."""
    def handler(request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        ids = range(offset, min(total, offset + min(limit, page_size)))
        content = [{**SR_POSTING, "id": str(i)} for i in ids]
        return httpx.Response(200, json={"offset": offset, "limit": limit, "totalFound": total, "content": content})

    return handler


@pytest.mark.parametrize("total, page_size, offsets", [
    (230, 100, [0, 100, 200]),
    (200, 100, [0, 100]),  # the total reached: no empty page asked for
    (120, 50, [0, 50, 100]),  # a server answering fewer than asked: the next offset follows what it sent
    (0, 100, [0]),
])
def test_smartrecruiters_pages_by_offset_until_the_total(tmp_path, total, page_size, offsets):
    source = SmartRecruiters(Settings(_env_file=None, lake_url=str(tmp_path), smartrecruiters_companies="Visa"))
    seen: list[str] = []
    with _client(_company(total, page_size), seen) as client:
        ids = [r["id"] for page in source.pages(client) for r in page.records]
    assert [int(httpx.URL(u).params["offset"]) for u in seen] == offsets
    assert ids == [str(i) for i in range(total)] and source.cut_short is False


def test_smartrecruiters_without_a_total_pages_until_an_empty_page(settings):
    source = SmartRecruiters(settings.model_copy(update={"smartrecruiters_companies": ["Visa"]}))

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json={"content": [SR_POSTING] * 100 if offset < 200 else []})

    seen: list[str] = []
    with _client(handler, seen) as client:
        assert [len(p.records) for p in source.pages(client)] == [100, 100, 0]
    assert len(seen) == 3


def test_max_pages_cuts_a_whole_board_short(tmp_path):
    source = SmartRecruiters(
        Settings(_env_file=None, lake_url=str(tmp_path), smartrecruiters_companies="Visa", max_pages=2))
    with _client(_company(450)) as client:
        assert len(list(source.pages(client))) == 2
    assert source.cut_short is True  # ingest marks the scrape capped: the board was not read whole


# -- the recorded payloads over HTTP, with faults injected ---------------------------------------------------------


def _path(api: str, item: str) -> tuple[str, dict]:
    """The recorded request of ``item``: its path and query."""
    for path, query in recordings(api):
        if path.split("/")[-1 if api != "smartrecruiters" else -2] == item:
            return path, dict(parse_qsl(query))
    raise KeyError(item)


def _body(api: str, item: str) -> dict:
    path, _ = _path(api, item)
    return json.loads(next(body for (p, _), body in recordings(api).items() if p == path))


def _records(api: str) -> list:
    """Every recorded record of ``api``, in the order its items are configured (and asked)."""
    return [r for item in BOARDS[api][1] for r in _body(api, item)[KEY[api]]]


@pytest.fixture
def boards(tmp_path: Path, httpserver: HTTPServer) -> Settings:
    """The three board APIs against a local server of their recordings (each under ``/<api>``)."""
    for api in BOARDS:
        for (path, query), body in recordings(api).items():
            httpserver.expect_request(path, query_string=dict(parse_qsl(query))).respond_with_data(
                body, content_type="application/json")
    return Settings(
        _env_file=None, lake_url=str(tmp_path / "lake"), sources=list(BOARDS), incremental=True,
        **{f"{api}_base_url": httpserver.url_for(f"/{api}").rstrip("/") for api in BOARDS},
        **{setting: items for setting, items in BOARDS.values()},
        http_max_attempts=3, http_backoff_seconds=0.001, http_backoff_max_seconds=0.01, http_timeout_seconds=5,
        requests_per_second=0,
    )


def manifest(settings: Settings, source: str) -> dict:
    return json.loads((Lake.from_settings(settings).bronze_partition(source, DAY) / "_manifest.json").read_text())


def bronze(settings: Settings, source: str) -> list[dict]:
    parts = sorted(Lake.from_settings(settings).bronze_partition(source, DAY).glob("part-*.jsonl.gz"))
    return [json.loads(line) for part in parts for line in gzip.decompress(part.read_bytes()).splitlines()]


def test_recordings_hold_good_and_promised_bad_records(settings):
    reasons: Counter[str] = Counter()
    for api in BOARDS:
        assert len(_records(api)) == RECORDS[api], api
        for raw in _records(api):
            try:
                mapper_for(api, settings).to_posting(raw)
            except BadRecord as bad:
                reasons[f"{api}:{bad.reason}"] += 1
    assert reasons == BAD


def test_every_recorded_record_lands_once_and_the_bad_ones_are_quarantined(boards, httpserver):
    summary = ingest.run(boards, DAY)

    for api in BOARDS:
        assert summary["sources"][api] == {"ok": True, "records": RECORDS[api], "pages": 2, "requests": 2,
                                           "retries": 0, "errors": 0, "status": "scraped"}, api
        assert [line["record"] for line in bronze(boards, api)] == _records(api)  # exactly as sent, once
        assert manifest(boards, api)["capped"] is False
    asked = {r.path for r, _ in httpserver.log}
    assert "/smartrecruiters/v1/companies/NorthwindTraders/postings" in asked

    process = silver.run(boards, DAY)
    quarantined = pq.read_table(Lake.from_settings(boards).quarantine_partition(DAY)).to_pylist()
    assert Counter(f"{q['source']}:{q['reason']}" for q in quarantined) == BAD
    assert process["silver_rows"] == sum(RECORDS.values()) - sum(BAD.values())


def test_every_silver_row_has_its_company_workable_from_the_account_beside_its_jobs(boards):
    """A Workable job does not name its account; the response does, beside the jobs. The scrape keeps that name as
    the bronze line's ``context`` (the record stays exactly as sent) and silver reads the company from it."""
    ingest.run(boards, DAY)
    lines = bronze(boards, "workable")
    names = {item: _body("workable", item)["name"] for item in BOARDS["workable"][1]}
    assert {line["context"]["company"] for line in lines} == set(names.values())
    assert [line["record"] for line in lines] == _records("workable")

    silver.run(boards, DAY)
    rows = pq.read_table(Lake.from_settings(boards).silver_partition(DAY)).to_pylist()
    assert rows and all(row["company"] for row in rows), [r["source_job_id"] for r in rows if not r["company"]]
    workable = {row["source_job_id"]: row["company"] for row in rows if row["source"] == "workable"}
    zego = {job["shortcode"] for job in _body("workable", "zego")["jobs"]}
    assert {workable[j] for j in workable if j in zego} == {names["zego"]}
    assert {workable[j] for j in workable if j not in zego} == {names["northwind"]}


def test_a_workable_line_without_context_still_maps(settings):
    """Bronze landed before the context was kept: the posting maps as before, with no company."""
    posting = Workable(settings).to_posting_in(WORKABLE_JOB, None)
    assert (posting.source_job_id, posting.company) == ("450EC5C378", None)
    assert Workable(settings).to_posting_in(WORKABLE_JOB, {"company": "Zego"}).company == "Zego"


@pytest.mark.parametrize("api", list(BOARDS))
def test_429_and_5xx_are_retried(boards, httpserver, api):
    path, query = _path(api, BOARDS[api][1][0])
    httpserver.expect_oneshot_request(path, query_string=query).respond_with_json(
        {"error": "slow down"}, status=429, headers={"Retry-After": "1"})
    path, query = _path(api, BOARDS[api][1][1])
    httpserver.expect_oneshot_request(path, query_string=query).respond_with_data("upstream", status=503)

    summary = ingest.run(boards.model_copy(update={"sources": [api]}), DAY)["sources"][api]

    assert (summary["ok"], summary["records"], summary["requests"], summary["retries"]) == (True, RECORDS[api], 4, 2)


@pytest.mark.parametrize("api", list(BOARDS))
def test_a_bad_page_fails_the_source_with_its_url_and_keeps_the_board_before_it(boards, httpserver, api):
    first, second = BOARDS[api][1]
    path, query = _path(api, second)
    httpserver.expect_oneshot_request(path, query_string=query).respond_with_data(
        "<html><body>Service temporarily unavailable</body></html>", content_type="text/html")

    summary = ingest.run(boards.model_copy(update={"sources": [api], "min_sources_ok": 0}), DAY)["sources"][api]

    landed = manifest(boards, api)
    assert (summary["ok"], landed["pages"]) == (False, 1)
    assert landed["errors"][0]["url"].startswith(httpserver.url_for(path))
    assert "not JSON (text/html" in landed["errors"][0]["message"]
    assert [line["record"] for line in bronze(boards, api)] == _body(api, first)[KEY[api]]
    assert not Lake.from_settings(boards).source_state_path(api).exists()  # a failed scrape never advances it


@pytest.mark.parametrize("api", list(BOARDS))
def test_a_capped_scrape_is_marked_and_never_advances_the_state(boards, api):
    settings = boards.model_copy(update={"sources": [api], "source_limits": {api: SourceLimits(max_records=1)}})

    summary = ingest.run(settings, DAY)["sources"][api]

    landed = manifest(settings, api)
    assert (summary["ok"], landed["capped"], landed["complete"], landed["pages"]) == (True, True, False, 1)
    assert not Lake.from_settings(settings).source_state_path(api).exists()


def test_a_board_cut_short_by_max_pages_is_a_capped_scrape(boards, httpserver):
    page = _body("smartrecruiters", "NorthwindTraders")
    httpserver.expect_oneshot_request(
        "/smartrecruiters/v1/companies/NorthwindTraders/postings", query_string={"limit": "100", "offset": "0"}
    ).respond_with_json({**page, "totalFound": 250})  # more than the page held: a next page is offered
    settings = boards.model_copy(update={"sources": ["smartrecruiters"],
                                         "source_limits": {"smartrecruiters": SourceLimits(max_pages=1)}})

    ingest.run(settings, DAY)

    landed = manifest(settings, "smartrecruiters")
    assert (landed["ok"], landed["capped"], landed["complete"]) == (True, True, False)


@pytest.mark.parametrize("api", list(BOARDS))
def test_schema_drift_is_reported_or_quarantined_with_its_reason(boards, httpserver, api):
    first = BOARDS[api][1][0]
    body = _body(api, first)
    renamed = {("postings" if k == KEY[api] else k): v for k, v in body.items()}
    path, query = _path(api, first)
    httpserver.expect_oneshot_request(path, query_string=query).respond_with_json(renamed)
    settings = boards.model_copy(update={"sources": [api], "min_sources_ok": 0})

    ingest.run(settings, DAY)  # the list moved: the source fails, naming it, and nothing is guessed
    assert re.search(rf"{api}: .*: no '{KEY[api]}' list in the response", manifest(settings, api)["errors"][0]["message"])

    drifted = {**body, KEY[api]: [{**r, "renamedId": r.get("id") or r.get("shortcode")} for r in body[KEY[api]]]}
    for r in drifted[KEY[api]]:
        r.pop("id", None), r.pop("shortcode", None)
    httpserver.expect_oneshot_request(path, query_string=query).respond_with_json(drifted)
    ingest.run(settings, DAY)  # the id field renamed: every record lands raw and silver quarantines it
    silver.run(settings, DAY)
    quarantined = pq.read_table(Lake.from_settings(settings).quarantine_partition(DAY)).to_pylist()
    drift = [q for q in quarantined if "renamedId" in json.loads(q["raw"])["record"]]
    assert len(drift) == len(body[KEY[api]]) and {q["reason"] for q in drift} == {"missing_id"}


# -- the registry is the one list of sources -----------------------------------------------------------------------


def test_settings_quality_and_dbt_read_the_registry(monkeypatch, tmp_path):
    for api, cls in API_SHAPES.items():
        assert Settings.model_fields[f"{api}_base_url"].default == cls.base_url_default, api
        for each in cls.each:
            assert each.setting in Settings.model_fields, each.setting
    assert set(KNOWN_SOURCES) == set(REGISTRY)
    env = transform.dbt_env(Settings(_env_file=None, lake_url=str(tmp_path)))
    assert env["JOB_ANALYTICS_KNOWN_SOURCES"].split(",") == list(REGISTRY)
    for yml in (REPO / "dbt/models").rglob("*.yml"):
        assert "greenhouse" not in yml.read_text(), yml  # no model lists the sources: they read the var

    monkeypatch.setenv("JOB_ANALYTICS_WORKABLE_ACCOUNTS", "Zego, northwind")
    monkeypatch.setenv("JOB_ANALYTICS_SMARTRECRUITERS_BASE_URL", "http://127.0.0.1:9000/sr")
    monkeypatch.setenv("JOB_ANALYTICS_ASHBY_MAX_PAGES", "3")
    settings = Settings(_env_file=None)
    assert settings.workable_accounts == ["Zego", "northwind"]
    assert SmartRecruiters(settings).base_url == "http://127.0.0.1:9000/sr"
    assert settings.limits("ashby").max_pages == 3


NEW_SOURCES = ("ashby", "smartrecruiters", "workable")


@pytest.mark.parametrize("name", NEW_SOURCES)
def test_a_new_source_is_named_only_in_its_module_and_the_registry(name):
    """Adding a source touches its module, the registry and its recordings: no other code names it."""
    named = re.compile(rf"\b{name}(?:_\w+)?\b")
    code = [p for d in ("src", "dags", "dbt", "scripts") for p in (REPO / d).rglob("*")
            if p.suffix in (".py", ".sql", ".yml", ".yaml") and p.is_file()]
    found = {p.relative_to(REPO).as_posix() for p in code if named.search(p.read_text(errors="replace"))}
    assert found == {f"src/job_analytics/ingest/sources/{name}.py", "src/job_analytics/ingest/sources/__init__.py"}
