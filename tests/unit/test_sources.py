"""Sources: mapping raw records, the registry, pagination, and the offline replay."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from job_analytics.core.errors import BadRecord, ConfigError, SourceError
from job_analytics.core.settings import Settings
from job_analytics.ingest.sources import API_SHAPES, REGISTRY, get_source, mapper_for
from job_analytics.ingest.sources.arbeitnow import Arbeitnow
from job_analytics.ingest.sources.demo import BUNDLED_RECORDINGS, Demo
from job_analytics.ingest.sources.remotive import Remotive
from job_analytics.ingest.sources.replay import ReplayTransport, recording_name


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, lake_url=str(tmp_path / "lake"), max_pages=20)


REMOTIVE_JOB = {
    "id": 1885068,
    "url": "https://remotive.com/remote-jobs/data/senior-data-engineer-1885068",
    "title": "<b>Senior</b> Data Engineer &amp; ML",
    "company_name": "Polar Security",
    "company_logo": "https://remotive.com/job/1885068/logo",
    "category": "Data",
    "tags": ["python", "sql", "k8s"],
    "job_type": "full_time",
    "publication_date": "2023-12-20T10:27:13",
    "candidate_required_location": "Germany, Poland",
    "salary": "€55.000 – €70.000",
    "description": "<p>We&#39;re hiring</p><ul><li>dbt &amp; airflow</li></ul>",
}

ARBEITNOW_JOB = {
    "slug": "data-engineer-fjord-data-gmbh-284713",
    "company_name": "Fjord Data GmbH",
    "title": "Data Engineer (m/w/d)",
    "description": "<p>Wir suchen&nbsp;dich</p>",
    "remote": False,
    "url": "https://www.arbeitnow.com/jobs/companies/fjord-data-gmbh/data-engineer-fjord-data-gmbh-284713",
    "tags": ["IT", "python"],
    "job_types": ["Full Time", "Berufserfahren"],
    "location": "Berlin",
    "created_at": 1703067600,
}


def test_remotive_maps_a_record_raw_but_typed(settings):
    posting = Remotive(settings).to_posting(REMOTIVE_JOB)
    assert posting.source_job_id == "1885068"
    assert posting.title == "<b>Senior</b> Data Engineer &amp; ML"  # sanitizing is silver's job
    assert posting.company == "Polar Security"
    assert posting.location == "Germany, Poland"
    assert posting.is_remote is True
    assert posting.employment_type == "full_time"
    assert posting.salary_text == "€55.000 – €70.000"
    assert posting.description_html == REMOTIVE_JOB["description"]
    assert posting.tags == ["python", "sql", "k8s"]
    assert posting.posted_at == datetime(2023, 12, 20, 10, 27, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"salary": ""}, "salary_text", None),
        ({"salary": None}, "salary_text", None),
        ({"tags": None}, "tags", []),
        (
            {"publication_date": "2023-12-20T10:27:13+01:00"},
            "posted_at",
            datetime(2023, 12, 20, 9, 27, 13, tzinfo=UTC),
        ),
        ({"publication_date": None}, "posted_at", None),
        ({"id": "abc-1"}, "source_job_id", "abc-1"),
    ],
)
def test_remotive_field_forms(settings, change, field, expected):
    assert getattr(Remotive(settings).to_posting({**REMOTIVE_JOB, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in REMOTIVE_JOB.items() if k != "id"}, "missing_id"),
        ({**REMOTIVE_JOB, "id": None}, "missing_id"),
        ({**REMOTIVE_JOB, "id": True}, "missing_id"),
        ({**REMOTIVE_JOB, "title": ""}, "missing_title"),
        ({**REMOTIVE_JOB, "title": "   "}, "missing_title"),
        ({**REMOTIVE_JOB, "title": None}, "missing_title"),
        ({**REMOTIVE_JOB, "publication_date": "20/12/2023 10:27"}, "bad_timestamp"),
        ({**REMOTIVE_JOB, "publication_date": 1703067600}, "bad_timestamp"),
        ("this job has been removed", "not_an_object"),
        (None, "not_an_object"),
        ([REMOTIVE_JOB], "not_an_object"),
    ],
)
def test_remotive_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        Remotive(settings).to_posting(raw)
    assert caught.value.reason == reason


def test_arbeitnow_maps_a_record_raw_but_typed(settings):
    posting = Arbeitnow(settings).to_posting(ARBEITNOW_JOB)
    assert posting.source_job_id == ARBEITNOW_JOB["slug"]
    assert (posting.title, posting.company, posting.location) == (
        "Data Engineer (m/w/d)",
        "Fjord Data GmbH",
        "Berlin",
    )
    assert posting.is_remote is False
    assert posting.employment_type == "Full Time, Berufserfahren"
    assert posting.salary_text is None
    assert posting.tags == ["IT", "python"]
    assert posting.posted_at == datetime(2023, 12, 20, 10, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"job_types": []}, "employment_type", None),
        ({"job_types": ["Werkstudent"]}, "employment_type", "Werkstudent"),
        ({"remote": True}, "is_remote", True),
        ({"remote": "yes"}, "is_remote", None),
        ({"created_at": "1703067600"}, "posted_at", datetime(2023, 12, 20, 10, 20, tzinfo=UTC)),
        ({"created_at": None}, "posted_at", None),
        ({"location": ""}, "location", None),
    ],
)
def test_arbeitnow_field_forms(settings, change, field, expected):
    assert getattr(Arbeitnow(settings).to_posting({**ARBEITNOW_JOB, **change}), field) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        ({k: v for k, v in ARBEITNOW_JOB.items() if k != "slug"}, "missing_id"),
        ({**ARBEITNOW_JOB, "slug": ""}, "missing_id"),
        ({**ARBEITNOW_JOB, "slug": 42}, "missing_id"),
        ({**ARBEITNOW_JOB, "title": ""}, "missing_title"),
        ({**ARBEITNOW_JOB, "created_at": "yesterday"}, "bad_timestamp"),
        ({**ARBEITNOW_JOB, "created_at": True}, "bad_timestamp"),
        ({**ARBEITNOW_JOB, "created_at": 10**20}, "bad_timestamp"),
        (None, "not_an_object"),
        (17, "not_an_object"),
    ],
)
def test_arbeitnow_rejects_unusable_records(settings, raw, reason):
    with pytest.raises(BadRecord) as caught:
        Arbeitnow(settings).to_posting(raw)
    assert caught.value.reason == reason


# -- registry ---------------------------------------------------------------------------------------------------


def test_registry_holds_the_implemented_sources():
    assert set(REGISTRY) == {"demo", "jsearch", "remotive", "arbeitnow", "remoteok", "greenhouse", "lever",
                             "ashby", "smartrecruiters", "workable"}
    assert set(API_SHAPES) == set(REGISTRY) - {"demo"}


def test_get_source_builds_by_name(settings):
    assert isinstance(get_source("remotive", settings), Remotive)
    assert isinstance(get_source(" Arbeitnow ", settings), Arbeitnow)


def test_unknown_source_names_the_known_ones(settings):
    with pytest.raises(ConfigError, match=r"'nope'.*arbeitnow, ashby, demo, greenhouse, jsearch, lever, remoteok, "
                                          r"remotive, smartrecruiters, workable"):
        get_source("nope", settings)


def test_mapper_for_maps_by_api_shape(settings):
    assert isinstance(mapper_for("arbeitnow", settings), Arbeitnow)
    with pytest.raises(ConfigError, match="arbeitnow, ashby, greenhouse, jsearch, lever, remoteok, remotive, "
                                          "smartrecruiters, workable"):
        mapper_for("demo", settings)


def test_base_url_keeps_the_configured_prefix(tmp_path):
    settings = Settings(
        _env_file=None, lake_url=str(tmp_path), remotive_base_url="http://127.0.0.1:9000/remotive/"
    )
    assert get_source("remotive", settings).base_url == "http://127.0.0.1:9000/remotive"


# -- pagination -------------------------------------------------------------------------------------------------


def _arbeitnow_page(n: int, last: int, host: str = "https://www.arbeitnow.com") -> dict:
    nxt = f"{host}/api/job-board-api?page={n + 1}" if n < last else None
    return {
        "data": [{**ARBEITNOW_JOB, "slug": f"job-{n}"}],
        "links": {"next": nxt},
        "meta": {"current_page": n},
    }


def _serve(pages: dict[str, dict], seen: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=pages[request.url.params.get("page", "1")])

    return httpx.MockTransport(handler)


def test_arbeitnow_follows_next_links_on_the_configured_base_url(settings):
    seen: list[str] = []
    pages = {str(n): _arbeitnow_page(n, 3) for n in (1, 2, 3)}
    with httpx.Client(base_url="http://local.test/prefix", transport=_serve(pages, seen)) as client:
        got = list(Arbeitnow(settings).pages(client))
    assert [p.records[0]["slug"] for p in got] == ["job-1", "job-2", "job-3"]
    assert seen == [
        "http://local.test/prefix/api/job-board-api",
        "http://local.test/prefix/api/job-board-api?page=2",
        "http://local.test/prefix/api/job-board-api?page=3",
    ]


def test_arbeitnow_does_not_double_a_prefix_already_in_the_link(settings):
    seen: list[str] = []
    pages = {str(n): _arbeitnow_page(n, 2, host="http://other.test/prefix") for n in (1, 2)}
    with httpx.Client(base_url="http://local.test/prefix", transport=_serve(pages, seen)) as client:
        list(Arbeitnow(settings).pages(client))
    assert seen[-1] == "http://local.test/prefix/api/job-board-api?page=2"


def test_arbeitnow_stops_at_max_pages(tmp_path):
    settings = Settings(_env_file=None, lake_url=str(tmp_path), max_pages=2)
    seen: list[str] = []
    pages = {str(n): _arbeitnow_page(n, 9) for n in range(1, 10)}
    with httpx.Client(base_url="http://local.test", transport=_serve(pages, seen)) as client:
        assert len(list(Arbeitnow(settings).pages(client))) == 2


def test_arbeitnow_stops_when_a_link_loops_back(settings):
    seen: list[str] = []
    page = {"data": [], "links": {"next": "https://www.arbeitnow.com/api/job-board-api"}}
    with httpx.Client(base_url="http://local.test", transport=_serve({"1": page}, seen)) as client:
        assert len(list(Arbeitnow(settings).pages(client))) == 1


def test_remotive_asks_each_configured_category(tmp_path):
    settings = Settings(_env_file=None, lake_url=str(tmp_path), remotive_categories="software-dev, data")
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={"job-count": 1, "jobs": [REMOTIVE_JOB]})

    with httpx.Client(base_url="http://local.test", transport=httpx.MockTransport(handler)) as client:
        assert len(list(Remotive(settings).pages(client))) == 2
    assert seen == [
        "http://local.test/api/remote-jobs?category=software-dev",
        "http://local.test/api/remote-jobs?category=data",
    ]


def test_remotive_rejects_a_payload_without_jobs(settings):
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"error": "maintenance"}))
    with (
        httpx.Client(base_url="http://local.test", transport=transport) as client,
        pytest.raises(SourceError, match="no 'jobs' list"),
    ):
        list(Remotive(settings).pages(client))


# -- replay and demo --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, query, name",
    [
        ("/remotive/api/remote-jobs", "", "remotive/api/remote-jobs.json"),
        ("/arbeitnow/api/job-board-api", "page=2", "arbeitnow/api/job-board-api@page=2.json"),
        ("/x/api", "limit=5&category=data", "x/api@category=data&limit=5.json"),
        ("/x/api", "search=a%2Fb", "x/api@search=a%2Fb.json"),
    ],
)
def test_recording_name(path, query, name):
    assert recording_name(path, query) == name


def test_replay_serves_recordings_and_404s_the_rest(tmp_path):
    (tmp_path / "shape" / "api").mkdir(parents=True)
    (tmp_path / "shape" / "api" / "jobs@page=2.json").write_text('{"jobs": [1]}')
    (tmp_path.parent / "secret.json").write_text("{}")
    with httpx.Client(base_url="http://replay.invalid", transport=ReplayTransport(tmp_path)) as client:
        assert client.get("/shape/api/jobs", params={"page": 2}).json() == {"jobs": [1]}
        missing = client.get("/shape/api/jobs")
        assert missing.status_code == 404 and missing.json()["error"] == "no recording"
        assert client.get("/%2E%2E/secret").status_code == 404


def test_demo_replays_every_recorded_api(settings):
    demo = Demo(settings)
    assert demo.apis() == ["arbeitnow", "remotive"]
    with httpx.Client(base_url=demo.base_url, transport=demo.transport()) as client:
        pages = list(demo.pages(client))
        assert str(client.base_url).rstrip("/") == demo.base_url  # restored after the replay
    assert [p.api for p in pages] == ["arbeitnow"] * 3 + ["remotive"]
    assert pages[1].url == "http://replay.invalid/arbeitnow/api/job-board-api?page=2"
    assert sum(len(p.records) for p in pages) >= 220


def test_demo_recordings_hold_the_promised_bad_records(settings):
    demo = Demo(settings)
    with httpx.Client(base_url=demo.base_url, transport=demo.transport()) as client:
        pages = list(demo.pages(client))
    reasons: Counter[str] = Counter()
    postings = []
    for page in pages:
        mapper = mapper_for(page.api, settings)
        for raw in page.records:
            try:
                postings.append(mapper.to_posting(raw))
            except BadRecord as bad:
                reasons[f"{page.api}:{bad.reason}"] += 1
    assert reasons == {
        "remotive:missing_id": 1,
        "remotive:missing_title": 1,
        "remotive:bad_timestamp": 1,
        "remotive:not_an_object": 1,
        "arbeitnow:missing_id": 1,
        "arbeitnow:missing_title": 1,
        "arbeitnow:not_an_object": 1,
    }
    assert len(postings) >= 220
    dated = sorted(p.posted_at for p in postings if p.posted_at)
    assert dated[0] >= datetime(2023, 12, 2, tzinfo=UTC)
    assert [d for d in dated if d > datetime(2024, 1, 1, 5, tzinfo=UTC)] == [
        datetime(2099, 3, 1, 9, tzinfo=UTC)
    ] * 2
    titles = {p.title for p in postings}
    assert {"<b>Senior</b> Data Engineer &amp; ML", "Data Analyst <script>alert(1)</script>"} <= titles
    assert "$999,999,999" in {p.salary_text for p in postings}


def test_demo_reads_a_configured_recordings_dir(tmp_path):
    (tmp_path / "remotive" / "api").mkdir(parents=True)
    (tmp_path / "remotive" / "api" / "remote-jobs.json").write_text(json.dumps({"jobs": [REMOTIVE_JOB]}))
    demo = Demo(Settings(_env_file=None, lake_url=str(tmp_path), demo_data_dir=tmp_path))
    assert demo.apis() == ["remotive"]
    with httpx.Client(base_url=demo.base_url, transport=demo.transport()) as client:
        assert [len(p.records) for p in demo.pages(client)] == [1]
    assert Demo(Settings(_env_file=None)).recordings_dir == BUNDLED_RECORDINGS
