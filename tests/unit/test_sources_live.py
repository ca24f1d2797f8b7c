"""The live sources remoteok, greenhouse, lever and jsearch: mapping tables, paging, and all six live sources
scraped together from a local server of recorded payloads (tests/fixtures/recorded, in each API's real shape)."""

from __future__ import annotations

import gzip
import json
import logging
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote

import httpx
import pytest
from pydantic import SecretStr
from pytest_httpserver import HTTPServer

from job_analytics.core.errors import BadRecord, ConfigError, ScrapeFailed, SourceError
from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.ingest import stage as ingest
from job_analytics.ingest.sources import mapper_for
from job_analytics.ingest.sources.demo import BUNDLED_RECORDINGS, Demo
from job_analytics.ingest.sources.greenhouse import Greenhouse, board_token
from job_analytics.ingest.sources.jsearch import JSearch
from job_analytics.ingest.sources.lever import Lever, site_name
from job_analytics.ingest.sources.remoteok import RemoteOK

DAY = date(2024, 1, 1)
RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"
LIVE = ["remotive", "arbeitnow", "remoteok", "greenhouse", "lever", "jsearch"]
KEY = "rk-9f2c41d07e6b4a55b3c1-test-only"  # a made-up key: the tests look for it everywhere it must not be


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, lake_url=str(tmp_path / "lake"), max_pages=20)


REMOTEOK_JOB = {
    "slug": "remote-senior-data-engineer-tidewave-1061822",
    "id": "1061822",
    "epoch": 1704031511,
    "date": "2023-12-31T14:05:11+00:00",
    "company": "Tidewave",
    "position": "Senior Data Engineer",
    "tags": ["python", "airflow", "dbt"],
    "description": "<p>Own our <strong>Airflow</strong> pipelines &amp; more</p>",
    "location": "Worldwide",
    "salary_min": 120000,
    "salary_max": 160000,
    "apply_url": "https://remoteOK.com/remote-jobs/remote-senior-data-engineer-tidewave-1061822",
    "url": "https://remoteOK.com/remote-jobs/remote-senior-data-engineer-tidewave-1061822",
}

GREENHOUSE_JOB = {
    "absolute_url": "https://boards.greenhouse.io/acme-analytics/jobs/7011234",
    "internal_job_id": 7010234,
    "location": {"name": "New York, NY"},
    "metadata": None,
    "id": 7011234,
    "updated_at": "2024-01-02T10:15:00-05:00",
    "requisition_id": "REQ-7011234",
    "title": "Senior Data Engineer",
    "content": "&lt;p&gt;Build Spark &amp;amp; Airflow pipelines&lt;/p&gt;",
    "departments": [{"id": 4011, "name": "Data Platform", "child_ids": [], "parent_id": None}],
    "offices": [{"id": 5022, "name": "New York", "location": "New York", "child_ids": [], "parent_id": None}],
}

LEVER_JOB = {
    "id": "5f3c1e2a-8b7d-4c21-9a6e-1d2f3a4b5c6d",
    "text": "Staff Data Engineer",
    "categories": {
        "commitment": "Full-time",
        "department": "Engineering",
        "location": "Remote - US",
        "team": "Data Platform",
        "allLocations": ["Remote - US"],
    },
    "createdAt": 1703932800000,
    "description": "<div>Cold-chain logistics.</div>",
    "descriptionPlain": "Cold-chain logistics.",
    "lists": [{"text": "Requirements", "content": "<li>Python &amp; SQL</li>"}],
    "additional": "<div>Equal opportunity.</div>",
    "hostedUrl": "https://jobs.lever.co/fjordlake/5f3c1e2a-8b7d-4c21-9a6e-1d2f3a4b5c6d",
    "applyUrl": "https://jobs.lever.co/fjordlake/5f3c1e2a-8b7d-4c21-9a6e-1d2f3a4b5c6d/apply",
    "workplaceType": "remote",
    "salaryRange": {"currency": "USD", "interval": "per-year-salary", "min": 175000, "max": 210000},
}

JSEARCH_JOB = {
    "job_id": "Xk2fH9pL0aQAAAAAAAAAAA==",
    "employer_name": "Harborline Logistics",
    "job_title": "Senior Data Engineer",
    "job_employment_type": "FULLTIME",
    "job_is_remote": False,
    "job_city": "New York",
    "job_state": "NY",
    "job_country": "US",
    "job_posted_at_datetime_utc": "2023-12-30T00:00:00.000Z",
    "job_posted_at_timestamp": 1703894400,
    "job_description": "Build pipelines in Python & SQL.\nRequirements: <5 years with Spark.",
    "job_apply_link": "https://www.linkedin.com/jobs/view/3790000001",
    "job_min_salary": 140000,
    "job_max_salary": 175000,
    "job_salary_currency": "USD",
    "job_salary_period": "YEAR",
    "job_required_skills": ["Python", "Spark"],
}


# -- mapping: remoteok --------------------------------------------------------------------------------------------


def test_remoteok_maps_a_record_raw_but_typed(settings):
    posting = RemoteOK(settings).to_posting(REMOTEOK_JOB)
    assert (posting.source_job_id, posting.title, posting.company) == (
        "1061822",
        "Senior Data Engineer",
        "Tidewave",
    )
    assert (posting.location, posting.is_remote, posting.employment_type) == ("Worldwide", True, None)
    assert (posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period) == (
        120000.0,
        160000.0,
        "USD",
        "year",
    )
    assert posting.description_html == REMOTEOK_JOB["description"]
    assert posting.tags == ["python", "airflow", "dbt"]
    assert posting.url == REMOTEOK_JOB["url"]
    assert posting.posted_at == datetime(2023, 12, 31, 14, 5, 11, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, fields, expected",
    [
        (
            {"salary_min": 0, "salary_max": 0},
            ("salary_min", "salary_max", "salary_currency"),
            (None, None, None),
        ),
        ({"salary_min": 0}, ("salary_min", "salary_max", "salary_period"), (None, 160000.0, "year")),
        ({"salary_min": "", "salary_max": None}, ("salary_min", "salary_max"), (None, None)),
        ({"id": 1061822}, ("source_job_id",), ("1061822",)),
        ({"date": None}, ("posted_at",), (datetime(2023, 12, 31, 14, 5, 11, tzinfo=UTC),)),  # from epoch
        ({"date": None, "epoch": None}, ("posted_at",), (None,)),
        ({"url": ""}, ("url",), (REMOTEOK_JOB["apply_url"],)),
        ({"location": ""}, ("location",), (None,)),
        ({"tags": None}, ("tags",), ([],)),
    ],
)
def test_remoteok_field_forms(settings, change, fields, expected):
    posting = RemoteOK(settings).to_posting({**REMOTEOK_JOB, **change})
    assert tuple(getattr(posting, f) for f in fields) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in REMOTEOK_JOB.items() if k != "id"}, "missing_id"),
        ({**REMOTEOK_JOB, "id": ""}, "missing_id"),
        ({**REMOTEOK_JOB, "position": ""}, "missing_title"),
        ({**REMOTEOK_JOB, "position": None}, "missing_title"),
        ({**REMOTEOK_JOB, "date": "28/12/2023"}, "bad_timestamp"),
        ({**REMOTEOK_JOB, "date": None, "epoch": "soon"}, "bad_timestamp"),
        ({**REMOTEOK_JOB, "date": 1704031511}, "bad_timestamp"),
        ("legal notice", "not_an_object"),
        (None, "not_an_object"),
    ],
)
def test_remoteok_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        RemoteOK(settings).to_posting(raw)
    assert caught.value.reason == reason


# -- mapping: greenhouse ------------------------------------------------------------------------------------------


def test_greenhouse_maps_a_record_raw_but_typed(settings):
    posting = Greenhouse(settings).to_posting(GREENHOUSE_JOB)
    assert (posting.source_job_id, posting.title) == ("7011234", "Senior Data Engineer")
    assert posting.company == "acme-analytics"  # the board token: the payload names no company
    assert (posting.location, posting.is_remote, posting.employment_type) == ("New York, NY", None, None)
    assert posting.description_html == GREENHOUSE_JOB["content"]  # escaped HTML kept as sent
    assert posting.url == GREENHOUSE_JOB["absolute_url"]
    assert posting.posted_at == datetime(2024, 1, 2, 15, 15, tzinfo=UTC)
    assert (posting.salary_min, posting.salary_text, posting.tags) == (None, None, [])


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"company_name": "Acme Analytics, Inc."}, "company", "Acme Analytics, Inc."),
        ({"absolute_url": "https://acme.example/careers?gh_jid=7011234"}, "company", None),
        (
            {"first_published": "2023-12-18T09:00:00-05:00"},
            "posted_at",
            datetime(2023, 12, 18, 14, tzinfo=UTC),
        ),
        ({"updated_at": None}, "posted_at", None),
        ({"location": None}, "location", None),
        ({"location": {"name": ""}}, "location", None),
        ({"content": None}, "description_html", None),
    ],
)
def test_greenhouse_field_forms(settings, change, field, expected):
    assert getattr(Greenhouse(settings).to_posting({**GREENHOUSE_JOB, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in GREENHOUSE_JOB.items() if k != "id"}, "missing_id"),
        ({**GREENHOUSE_JOB, "id": True}, "missing_id"),
        ({**GREENHOUSE_JOB, "title": None}, "missing_title"),
        ({**GREENHOUSE_JOB, "updated_at": "last week"}, "bad_timestamp"),
        ({**GREENHOUSE_JOB, "updated_at": 1704208500}, "bad_timestamp"),
        ([GREENHOUSE_JOB], "not_an_object"),
    ],
)
def test_greenhouse_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        Greenhouse(settings).to_posting(raw)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "url, token",
    [
        ("https://boards.greenhouse.io/acme-analytics/jobs/7011234", "acme-analytics"),
        ("https://job-boards.greenhouse.io/nordlicht/jobs/5533120?gh_src=abc", "nordlicht"),
        ("https://job-boards.eu.greenhouse.io/nordlicht/jobs/5533120", "nordlicht"),
        ("https://boards.greenhouse.io/embed/job_app?for=acme&token=7011234", "acme"),
        ("https://www.nordlicht-energie.example/karriere/?gh_jid=5533120", None),
        ("https://evil.example/acme/jobs/1", None),
        (None, None),
    ],
)
def test_greenhouse_board_token(url, token):
    assert board_token(url) == token


# -- mapping: lever -----------------------------------------------------------------------------------------------


def test_lever_maps_a_record_raw_but_typed(settings):
    posting = Lever(settings).to_posting(LEVER_JOB)
    assert (posting.source_job_id, posting.title, posting.company) == (
        LEVER_JOB["id"],
        "Staff Data Engineer",
        "fjordlake",
    )
    assert (posting.location, posting.is_remote, posting.employment_type) == (
        "Remote - US",
        True,
        "Full-time",
    )
    assert (posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period) == (
        175000.0,
        210000.0,
        "USD",
        "per-year-salary",
    )
    assert posting.description_html == (
        "<div>Cold-chain logistics.</div><h3>Requirements</h3><ul><li>Python &amp; SQL</li></ul>"
        "<div>Equal opportunity.</div>"
    )
    assert posting.url == LEVER_JOB["hostedUrl"]
    assert posting.posted_at == datetime(2023, 12, 30, 10, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"workplaceType": "on-site"}, "is_remote", False),
        ({"workplaceType": "hybrid"}, "is_remote", False),
        ({"workplaceType": "unspecified"}, "is_remote", None),
        ({"workplaceType": None}, "is_remote", None),
        ({"salaryRange": None}, "salary_min", None),
        (
            {"salaryRange": {"currency": "NOK", "interval": "per-hour-wage", "min": 230}},
            "salary_period",
            "per-hour-wage",
        ),
        (
            {"description": "", "lists": [], "additional": "", "descriptionPlain": "dbt for <every> team"},
            "description_html",
            "dbt for &lt;every&gt; team",
        ),
        ({"categories": None}, "location", None),
        ({"hostedUrl": None}, "url", LEVER_JOB["applyUrl"]),
        ({"hostedUrl": "https://careers.fjordlake.example/jobs/1", "applyUrl": None}, "company", None),
        ({"hostedUrl": "https://jobs.eu.lever.co/fjordlake/x"}, "company", "fjordlake"),
        ({"createdAt": None}, "posted_at", None),
    ],
)
def test_lever_field_forms(settings, change, field, expected):
    assert getattr(Lever(settings).to_posting({**LEVER_JOB, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in LEVER_JOB.items() if k != "id"}, "missing_id"),
        ({**LEVER_JOB, "id": 17}, "missing_id"),
        ({**LEVER_JOB, "text": "   "}, "missing_title"),
        ({**LEVER_JOB, "createdAt": "2023-12-22"}, "bad_timestamp"),
        ({**LEVER_JOB, "createdAt": 10**20}, "bad_timestamp"),
        (None, "not_an_object"),
    ],
)
def test_lever_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        Lever(settings).to_posting(raw)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    "url, site",
    [
        ("https://jobs.lever.co/fjordlake/5f3c1e2a", "fjordlake"),
        ("https://jobs.eu.lever.co/fjordlake/5f3c1e2a/apply", "fjordlake"),
        ("https://notlever.co.example/fjordlake/1", None),
        ("", None),
    ],
)
def test_lever_site_name(url, site):
    assert site_name(url) == site


# -- mapping: jsearch ---------------------------------------------------------------------------------------------


def test_jsearch_maps_a_record_raw_but_typed(settings):
    posting = JSearch(settings).to_posting(JSEARCH_JOB)
    assert (posting.source_job_id, posting.title, posting.company) == (
        "Xk2fH9pL0aQAAAAAAAAAAA==",
        "Senior Data Engineer",
        "Harborline Logistics",
    )
    assert (posting.location, posting.is_remote, posting.employment_type) == (
        "New York, NY, US",  # job_city, job_state, job_country joined
        False,
        "FULLTIME",
    )
    assert (posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period) == (
        140000.0,
        175000.0,
        "USD",
        "YEAR",
    )
    assert posting.description_html == JSEARCH_JOB["job_description"]
    assert posting.tags == ["Python", "Spark"]
    assert posting.url == JSEARCH_JOB["job_apply_link"]
    assert posting.posted_at == datetime(2023, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"job_location": "New York, NY"}, "location", "New York, NY"),
        ({"job_location": "New York, NY", "job_country": "US"}, "default_country", "US"),  # fills a missing country
        ({"job_location": "New York, NY, USA"}, "location", "New York, NY, USA"),
        ({"job_city": None, "job_state": None}, "location", "US"),
        ({"job_city": None, "job_state": None, "job_country": None}, "location", None),
        ({"job_is_remote": None}, "is_remote", None),
        ({"job_min_salary": None, "job_max_salary": None}, "salary_max", None),
        ({"job_salary_currency": None}, "salary_currency", None),
        ({"job_posted_at_datetime_utc": None}, "posted_at", datetime(2023, 12, 30, tzinfo=UTC)),
        ({"job_posted_at_datetime_utc": None, "job_posted_at_timestamp": None}, "posted_at", None),
        ({"job_required_skills": None}, "tags", []),
    ],
)
def test_jsearch_field_forms(settings, change, field, expected):
    assert getattr(JSearch(settings).to_posting({**JSEARCH_JOB, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in JSEARCH_JOB.items() if k != "job_id"}, "missing_id"),
        ({**JSEARCH_JOB, "job_id": ""}, "missing_id"),
        ({**JSEARCH_JOB, "job_title": None}, "missing_title"),
        ({**JSEARCH_JOB, "job_posted_at_datetime_utc": "last tuesday"}, "bad_timestamp"),
        (
            {**JSEARCH_JOB, "job_posted_at_datetime_utc": None, "job_posted_at_timestamp": "x"},
            "bad_timestamp",
        ),
        (42, "not_an_object"),
    ],
)
def test_jsearch_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        JSearch(settings).to_posting(raw)
    assert caught.value.reason == reason


# -- paging and configuration -------------------------------------------------------------------------------------


def _client(handler, seen: list[str], base: str = "http://local.test") -> httpx.Client:
    def record(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return handler(request)

    return httpx.Client(base_url=base, transport=httpx.MockTransport(record))


def test_settings_read_the_source_lists_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("JOB_ANALYTICS_GREENHOUSE_BOARDS", "acme-analytics, nordlicht")
    monkeypatch.setenv("JOB_ANALYTICS_LEVER_COMPANIES", "fjordlake")
    monkeypatch.setenv("JOB_ANALYTICS_JSEARCH_QUERIES", "data engineer,analytics engineer")
    monkeypatch.setenv("JOB_ANALYTICS_JSEARCH_COUNTRIES", "us, de")
    settings = Settings(_env_file=None, lake_url=str(tmp_path))
    assert settings.greenhouse_boards == ["acme-analytics", "nordlicht"]
    assert settings.lever_companies == ["fjordlake"]
    assert settings.jsearch_queries == ["data engineer", "analytics engineer"]
    assert settings.jsearch_countries == ["us", "de"]


def test_source_lists_have_their_defaults(monkeypatch, tmp_path):
    for name in ("GREENHOUSE_BOARDS", "LEVER_COMPANIES", "JSEARCH_QUERIES", "JSEARCH_COUNTRIES"):
        monkeypatch.delenv(f"JOB_ANALYTICS_{name}", raising=False)
    settings = Settings(_env_file=None, lake_url=str(tmp_path))
    assert (settings.greenhouse_boards, settings.lever_companies) == ([], [])
    assert (settings.jsearch_queries, settings.jsearch_countries) == (["data engineer"], ["us"])


def test_remoteok_skips_only_a_leading_legal_notice(settings):
    notice = {"last_updated": 1704096000, "legal": "API Terms of Service: please link back."}
    for payload, kept in (
        [[notice, REMOTEOK_JOB], [REMOTEOK_JOB]],
        [[REMOTEOK_JOB, notice], [REMOTEOK_JOB, notice]],
    ):
        with _client(lambda request, p=payload: httpx.Response(200, json=p), []) as client:
            assert [page.records for page in RemoteOK(settings).pages(client)] == [kept]


def test_remoteok_rejects_a_payload_that_is_not_an_array(settings):
    with (
        _client(lambda request: httpx.Response(200, json={"error": "rate limited"}), []) as client,
        pytest.raises(SourceError, match="no JSON array of postings"),
    ):
        list(RemoteOK(settings).pages(client))


def test_greenhouse_and_lever_ask_each_configured_board(tmp_path):
    settings = Settings(
        _env_file=None,
        lake_url=str(tmp_path),
        greenhouse_boards="acme-analytics,nordlicht",
        lever_companies="a b",
    )
    seen: list[str] = []
    with _client(
        lambda request: httpx.Response(200, json={"jobs": [], "meta": {"total": 0}}), seen
    ) as client:
        assert len(list(Greenhouse(settings).pages(client))) == 2
    with _client(lambda request: httpx.Response(200, json=[]), seen) as client:
        assert len(list(Lever(settings).pages(client))) == 1
    assert seen == [
        "http://local.test/v1/boards/acme-analytics/jobs?content=true",
        "http://local.test/v1/boards/nordlicht/jobs?content=true",
        "http://local.test/v0/postings/a%20b?mode=json",  # a setting never escapes its path segment
    ]


@pytest.mark.parametrize("source, setting", [(Greenhouse, "GREENHOUSE_BOARDS"), (Lever, "LEVER_COMPANIES")])
def test_greenhouse_and_lever_need_their_list(settings, source, setting):
    with (
        _client(lambda request: httpx.Response(200, json=[]), []) as client,
        pytest.raises(ConfigError, match=setting),
    ):
        list(source(settings).pages(client))


def test_jsearch_asks_every_query_in_every_country_until_an_empty_page(tmp_path):
    settings = Settings(
        _env_file=None, lake_url=str(tmp_path), jsearch_queries="data engineer,dbt", jsearch_countries="us,de"
    )
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        full = request.url.params["query"] == "data engineer" and request.url.params["page"] == "1"
        return httpx.Response(
            200, json={"status": "OK", "request_id": "r", "data": [JSEARCH_JOB] if full else []}
        )

    with _client(handler, seen) as client:
        assert len(list(JSearch(settings).pages(client))) == 2  # page 1 of "data engineer" in us and in de
    assert seen[:3] == [
        "http://local.test/search?query=data+engineer&page=1&num_pages=1&country=us",
        "http://local.test/search?query=data+engineer&page=2&num_pages=1&country=us",
        "http://local.test/search?query=data+engineer&page=1&num_pages=1&country=de",
    ]
    assert len(seen) == 6


def test_jsearch_stops_at_max_pages(tmp_path):
    settings = Settings(_env_file=None, lake_url=str(tmp_path), max_pages=3)
    seen: list[str] = []
    answer = {"status": "OK", "request_id": "r", "data": [JSEARCH_JOB]}
    with _client(lambda request: httpx.Response(200, json=answer), seen) as client:
        assert len(list(JSearch(settings).pages(client))) == 3
    assert len(seen) == 3


def test_jsearch_rejects_an_error_payload(settings):
    answer = {"status": "ERROR", "request_id": "r", "error": {"message": "quota exceeded"}}
    with (
        _client(lambda request: httpx.Response(200, json=answer), []) as client,
        pytest.raises(SourceError, match=r"status 'ERROR'"),
    ):
        list(JSearch(settings).pages(client))


def test_jsearch_headers_carry_the_key_and_the_base_url_host(tmp_path):
    settings = Settings(
        _env_file=None,
        lake_url=str(tmp_path),
        rapidapi_key=KEY,
        jsearch_base_url="http://127.0.0.1:9000/jsearch",
    )
    assert JSearch(settings).headers() == {"X-RapidAPI-Key": KEY, "X-RapidAPI-Host": "127.0.0.1"}
    assert (
        JSearch(Settings(_env_file=None, rapidapi_key=KEY)).headers()["X-RapidAPI-Host"]
        == "jsearch.p.rapidapi.com"
    )


@pytest.mark.parametrize("key", [None, "", "   "])
def test_jsearch_without_a_key_names_the_setting_not_a_value(tmp_path, key):
    settings = Settings(_env_file=None, lake_url=str(tmp_path), rapidapi_key=key)
    with pytest.raises(ConfigError, match="RAPIDAPI_KEY") as caught:
        JSearch(settings).headers()
    assert "None" not in str(caught.value)


# -- the recordings -----------------------------------------------------------------------------------------------


def _recordings(root: Path, api: str) -> dict[tuple[str, str], bytes]:
    """``(request path, query)`` → body for every recording of ``api`` (the naming of ``ingest/sources/replay.py``)."""
    answers = {}
    for file in sorted((root / api).rglob("*.json")):
        name = file.relative_to(root).as_posix().removesuffix(".json")
        path, _, query = name.partition("@")
        answers[("/" + unquote(path), query)] = file.read_bytes()
    return answers


def _records(api: str) -> list:
    """The records of every recorded page of ``api``, in request order (the legal notice is not a record)."""
    root = BUNDLED_RECORDINGS if api in ("remotive", "arbeitnow") else RECORDED
    out: list = []
    for body in _recordings(root, api).values():
        payload = json.loads(body)
        if api == "remoteok":
            out += payload[1:]
        elif api == "lever":
            out += payload
        else:
            out += payload[{"remotive": "jobs", "greenhouse": "jobs"}.get(api, "data")]
    return out


#: The bad records the four recordings hold on purpose, by API and reason.
RECORDED_BAD = {
    "remoteok:missing_id": 1,
    "remoteok:missing_title": 1,
    "remoteok:bad_timestamp": 1,
    "greenhouse:missing_title": 1,
    "greenhouse:missing_id": 1,
    "lever:missing_title": 1,
    "lever:bad_timestamp": 1,
    "jsearch:missing_id": 1,
    "jsearch:bad_timestamp": 1,
}

GOOD_RECORDS = {"remoteok": 3, "greenhouse": 3, "lever": 3, "jsearch": 5}


def test_recordings_hold_good_and_promised_bad_records(settings):
    reasons: Counter[str] = Counter()
    good: Counter[str] = Counter()
    for api in ("remoteok", "greenhouse", "lever", "jsearch"):
        for raw in _records(api):
            try:
                mapper_for(api, settings).to_posting(raw)
                good[api] += 1
            except BadRecord as bad:
                reasons[f"{api}:{bad.reason}"] += 1
    assert reasons == RECORDED_BAD
    assert good == GOOD_RECORDS


def test_demo_replays_the_four_recorded_shapes(tmp_path):
    settings = Settings(
        _env_file=None,
        lake_url=str(tmp_path),
        demo_data_dir=RECORDED,
        greenhouse_boards="acme-analytics,nordlicht",
        lever_companies="fjordlake",
        rapidapi_key=None,  # a replay sends nothing anywhere: no key needed
    )
    demo = Demo(settings)
    assert demo.apis() == ["greenhouse", "jsearch", "lever", "remoteok"]
    with httpx.Client(base_url=demo.base_url, transport=demo.transport()) as client:
        pages = list(demo.pages(client))
    assert [p.api for p in pages] == ["greenhouse", "greenhouse", "jsearch", "jsearch", "lever", "remoteok"]
    assert sum(len(p.records) for p in pages) == 5 + 7 + 5 + 6  # the legal notice is left out


# -- all six live sources against a local server -------------------------------------------------------------------


@pytest.fixture
def served(httpserver: HTTPServer) -> HTTPServer:
    """Every recording of the six live APIs, each under its own prefix (``/<api>/...``), as permanent answers."""
    for api in LIVE:
        root = BUNDLED_RECORDINGS if api in ("remotive", "arbeitnow") else RECORDED
        for (path, query), body in _recordings(root, api).items():
            httpserver.expect_request(path, query_string=dict(parse_qsl(unquote(query)))).respond_with_data(
                body, content_type="application/json"
            )
    return httpserver


@pytest.fixture
def live(tmp_path: Path, httpserver: HTTPServer, monkeypatch) -> Settings:
    monkeypatch.delenv("RAPIDAPI_KEY", raising=False)
    monkeypatch.delenv("JOB_ANALYTICS_RAPIDAPI_KEY", raising=False)
    return Settings(
        _env_file=None,
        lake_url=str(tmp_path / "lake"),
        sources=LIVE,
        **{f"{api}_base_url": httpserver.url_for(f"/{api}").rstrip("/") for api in LIVE},
        greenhouse_boards="acme-analytics,nordlicht",
        lever_companies="fjordlake",
        rapidapi_key=SecretStr(KEY),
        http_max_attempts=2,
        http_backoff_seconds=0.001,
        http_backoff_max_seconds=0.01,
        http_timeout_seconds=5,
        requests_per_second=0,
    )


def bronze(settings: Settings, source: str) -> list[dict]:
    """Every bronze line of the source's partition, part by part (one part per scrape attempt)."""
    parts = sorted(Lake.from_settings(settings).bronze_partition(source, DAY).glob("part-*.jsonl.gz"))
    assert parts, source
    return [json.loads(line) for part in parts for line in gzip.decompress(part.read_bytes()).splitlines()]


def manifest(settings: Settings, source: str) -> dict:
    return json.loads(
        (Lake.from_settings(settings).bronze_partition(source, DAY) / "_manifest.json").read_text()
    )


def lake_text(settings: Settings) -> str:
    """Every file the scrape wrote, decompressed: bronze lines, manifests, the run summary."""
    files = sorted(p for p in Path(settings.lake_url).rglob("*") if p.is_file())
    assert files
    return "\n".join(
        (gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()).decode() for p in files
    )


def test_six_live_sources_land_every_record_once(live, served):
    summary = ingest.run(live, DAY)

    assert {name: s["ok"] for name, s in summary["sources"].items()} == dict.fromkeys(LIVE, True)
    for api in LIVE:
        lines = bronze(live, api)
        assert [line["record"] for line in lines] == _records(api), api  # each record exactly as sent, once
        assert {line["api"] for line in lines} == {api}
    # each posting of the four new APIs once (the bundled remotive page repeats records: its manifest counts them)
    for api, good in GOOD_RECORDS.items():
        mapped = []
        for line in bronze(live, api):
            try:
                mapped.append(mapper_for(api, live).to_posting(line["record"]).source_job_id)
            except BadRecord:
                pass
        assert len(mapped) == len(set(mapped)) == good, api
    assert {api: summary["sources"][api]["records"] for api in GOOD_RECORDS} == {
        "remoteok": 6,
        "greenhouse": 5,
        "lever": 5,
        "jsearch": 7,
    }
    assert not any("legal" in line["record"] for line in bronze(live, "remoteok"))
    jsearch = manifest(live, "jsearch")
    assert (jsearch["requests"], jsearch["pages"]) == (3, 2)  # the third, empty page ends the query
    assert (
        bronze(live, "greenhouse")[-1]["request_url"]
        == served.url_for("/greenhouse/v1/boards/nordlicht/jobs") + "?content=true"
    )

    asked = [request for request, _ in served.log]
    assert all(r.headers["User-Agent"].startswith("job-analytics/") for r in asked)
    to_jsearch = [r for r in asked if r.path.startswith("/jsearch/")]
    assert [(r.headers["X-RapidAPI-Key"], r.headers["X-RapidAPI-Host"]) for r in to_jsearch] == [
        (KEY, served.host)
    ] * 3
    assert not any("X-RapidAPI-Key" in r.headers for r in asked if not r.path.startswith("/jsearch/"))
    assert all(KEY not in r.url for r in asked)


def test_rapidapi_key_is_never_logged_nor_written(live, served, caplog):
    page_2 = {"query": "data engineer", "page": "2", "num_pages": "1", "country": "us"}
    served.expect_oneshot_request("/jsearch/search", query_string=page_2).respond_with_json(
        {"message": "You are not subscribed to this API."}, status=403
    )
    caplog.set_level(logging.DEBUG)

    summary = ingest.run(live, DAY)

    assert summary["sources"]["jsearch"]["ok"] is False  # the failure path wrote its message too
    assert manifest(live, "jsearch")["errors"][0]["message"] == "HTTP 403 FORBIDDEN"
    assert caplog.records and KEY not in caplog.text
    assert all(
        KEY not in record.getMessage() and KEY not in repr(record.__dict__) for record in caplog.records
    )
    assert KEY not in lake_text(live)
    assert KEY not in repr(live) and KEY not in str(summary)


def test_missing_rapidapi_key_fails_only_jsearch(live, served):
    settings = live.model_copy(update={"rapidapi_key": None})

    summary = ingest.run(settings, DAY)

    assert {name for name, s in summary["sources"].items() if not s["ok"]} == {"jsearch"}
    jsearch = manifest(settings, "jsearch")
    assert (jsearch["requests"], jsearch["records"]) == (0, 0)
    assert "RAPIDAPI_KEY" in jsearch["errors"][0]["message"]
    assert not [r for r, _ in served.log if r.path.startswith("/jsearch/")]
    assert (
        summary["records"] == sum(summary["sources"][api]["records"] for api in LIVE if api != "jsearch") > 0
    )

    with pytest.raises(
        ScrapeFailed, match=r"5 of 6 sources ok, 6 needed; jsearch \(ConfigError: .*RAPIDAPI_KEY"
    ):
        ingest.run(settings.model_copy(update={"min_sources_ok": 6}), DAY)
