from datetime import UTC, date, datetime, timedelta, timezone

import pyarrow as pa
import pytest

from job_analytics.core.errors import BadRecord
from job_analytics.core.schema import EMPLOYMENT_TYPES, SALARY_PERIODS, SILVER_JOBS
from job_analytics.ingest.sources.base import RawPosting
from job_analytics.silver.normalize import company_key, job_id, normalize

DAY = date(2024, 1, 1)


def arbeitnow_posting(**overrides) -> RawPosting:
    fields: dict = {
        "source_job_id": "senior-data-engineer-acme-123",
        "title": "Senior Data Engineer (m/w/d)",
        "company": "Acme GmbH",
        "location": "Berlin",
        "is_remote": False,
        "employment_type": "Full Time, Berufserfahren",
        "description_html": (
            "<p>Build pipelines with <b>Python</b> &amp; Spark.</p><ul><li>Airflow</li><li>dbt</li></ul>"
            "<script>track()</script>"
        ),
        "tags": ["Data", "k8s"],
        "url": "https://www.arbeitnow.com/jobs/acme/senior-data-engineer-acme-123",
        "posted_at": datetime(2024, 1, 1, 7, 30, tzinfo=timezone(timedelta(hours=1))),
        "salary_text": "€55.000 – €70.000",
    }
    fields.update(overrides)
    return RawPosting(**fields)


def remotive_posting(**overrides) -> RawPosting:
    fields: dict = {
        "source_job_id": "1850421",
        "title": "Machine Learning Engineer",
        "company": "Globex, Inc.",
        "location": "USA Only",
        "is_remote": True,
        "employment_type": "full_time",
        "salary_text": "$120k - $150k",
        "description_html": "<p>PyTorch, Kubernetes and Go. Not Google.</p>",
        "tags": ["python", "ml"],
        "url": "https://remotive.com/remote-jobs/software-dev/ml-engineer-1850421",
        "posted_at": datetime(2023, 12, 31, 10, 27, 13, tzinfo=UTC),
    }
    fields.update(overrides)
    return RawPosting(**fields)


def as_table(row: dict) -> pa.Table:
    return pa.Table.from_pylist([row], schema=SILVER_JOBS)


def test_arbeitnow_row_matches_the_silver_contract():
    row, notes = normalize(arbeitnow_posting(), source="arbeitnow", ingest_date=DAY)

    assert list(row) == SILVER_JOBS.names
    assert as_table(row).num_rows == 1
    assert notes == []
    assert row["job_id"] == job_id("arbeitnow", "senior-data-engineer-acme-123")
    assert (row["city"], row["region"], row["country_code"], row["is_remote"]) == ("Berlin", "Berlin", "DE", False)
    assert (row["employment_type"], row["seniority"], row["role_family"]) == ("full_time", "senior", "data_engineer")
    assert (row["salary_min"], row["salary_max"], row["salary_currency"], row["salary_period"]) == (
        55_000, 70_000, "EUR", "year")
    assert row["salary_annual_usd_min"] == pytest.approx(55_000 * 1.094)
    assert row["skills"] == ["Airflow", "dbt", "Kubernetes", "Python", "Spark"]
    assert row["description_text"] == "Build pipelines with Python & Spark.\nAirflow\ndbt"
    assert row["posted_at"] == datetime(2024, 1, 1, 6, 30, tzinfo=UTC)
    assert row["posted_at"].utcoffset() == timedelta(0)
    assert row["ingest_date"] == DAY


def test_remotive_row_matches_the_silver_contract():
    row, notes = normalize(remotive_posting(), source="remotive", ingest_date=DAY)

    assert as_table(row).num_rows == 1
    assert notes == []
    assert (row["country_code"], row["is_remote"], row["city"]) == ("US", True, None)
    assert row["company"] == "Globex, Inc."
    assert (row["salary_annual_usd_min"], row["salary_annual_usd_max"]) == (120_000, 150_000)
    assert row["skills"] == ["Go", "Kubernetes", "Machine Learning", "Python", "PyTorch"]
    assert row["role_family"] == "ml_engineer"


def test_enumerations_stay_inside_the_contract():
    row, _ = normalize(remotive_posting(), source="remotive", ingest_date=DAY)
    assert row["employment_type"] in EMPLOYMENT_TYPES
    assert row["salary_period"] in SALARY_PERIODS


def test_structured_salary_wins_over_the_text():
    posting = remotive_posting(salary_min=90_000, salary_max=100_000, salary_currency="USD", salary_period="YEAR",
                               salary_text="$1 - $2 per hour")
    row, notes = normalize(posting, source="jsearch", ingest_date=DAY)
    assert (row["salary_min"], row["salary_max"], row["salary_period"]) == (90_000, 100_000, "year")
    assert notes == []


def test_implausible_salary_is_nulled_with_a_note():
    posting = remotive_posting(salary_text="$120,000 per hour")
    row, notes = normalize(posting, source="remotive", ingest_date=DAY)
    assert "salary_implausible" in notes
    salary_columns = [c for c in SILVER_JOBS.names if c.startswith("salary_")]
    assert all(row[c] is None for c in salary_columns)
    assert as_table(row).num_rows == 1


def test_too_small_salary_is_implausible():
    _, notes = normalize(remotive_posting(salary_text="$0.40 per month"), source="remotive", ingest_date=DAY)
    assert notes == ["salary_implausible"]


@pytest.mark.parametrize("salary_text, location, notes", [
    ("Competitive", "USA Only", ["salary_unparsed"]),
    ("50-60k", "USA Only", ["currency_inferred"]),  # no currency stated: the country's own
    ("50-60k", "Worldwide", ["salary_currency_unknown", "salary_unconverted"]),  # kept, never converted
])
def test_salary_notes(salary_text, location, notes):
    row, found = normalize(remotive_posting(salary_text=salary_text, location=location), source="remotive",
                           ingest_date=DAY)
    assert found == notes
    assert as_table(row).num_rows == 1


def test_empty_posting_fields_become_nulls():
    posting = RawPosting(source_job_id="7", title="Werkstudent (m/w/d)")
    row, notes = normalize(posting, source="arbeitnow", ingest_date=DAY)
    assert as_table(row).num_rows == 1
    assert notes == ["employment_type_from_text"] and row["employment_type"] == "part_time"
    assert row["company"] is None and row["duplicate_group"] is None
    assert row["is_remote"] is False
    assert row["skills"] == []
    assert row["posted_at"] is None


def test_naive_posted_at_is_read_as_utc():
    row, _ = normalize(remotive_posting(posted_at=datetime(2024, 1, 1, 12)), source="remotive", ingest_date=DAY)
    assert row["posted_at"] == datetime(2024, 1, 1, 12, tzinfo=UTC)


def test_is_remote_falls_back_to_the_location():
    row, _ = normalize(arbeitnow_posting(is_remote=None, location="Remote (Germany)"), source="arbeitnow",
                       ingest_date=DAY)
    assert (row["is_remote"], row["country_code"]) == (True, "DE")


def test_non_http_url_is_dropped():
    row, notes = normalize(remotive_posting(url="javascript:alert(1)"), source="remotive", ingest_date=DAY)
    assert row["url"] is None
    assert notes == ["url_not_http"]


@pytest.mark.parametrize("overrides, reason", [
    ({"source_job_id": "  "}, "missing_id"),
    ({"title": "<br>"}, "missing_title"),
])
def test_unusable_posting_is_a_bad_record(overrides, reason):
    with pytest.raises(BadRecord) as caught:
        normalize(remotive_posting(**overrides), source="remotive", ingest_date=DAY)
    assert caught.value.reason == reason


def test_rows_are_deterministic():
    assert normalize(arbeitnow_posting(), source="arbeitnow", ingest_date=DAY) == normalize(
        arbeitnow_posting(), source="arbeitnow", ingest_date=DAY)


def test_job_id_is_a_stable_32_hex_hash():
    assert job_id("remotive", "123") == "a7ff6dc2a41196c173adaa8786052a75"
    assert job_id("remotive", "123") != job_id("arbeitnow", "123")


@pytest.mark.parametrize("name, key", [
    ("Acme, Inc.", "acme"),
    ("ACME Inc", "acme"),
    ("Acme", "acme"),
    ("Robert Bosch GmbH & Co. KG", "robert bosch"),
    ("Zalando SE", "zalando"),
    ("Booking.com B.V.", "bookingcom"),
    ("N26 GmbH", "n26"),
    ("The Trade Desk", "trade desk"),
    ("Procter & Gamble Co.", "procter and gamble"),
    ("Allegro sp. z o.o.", "allegro"),
    ("Nestlé S.A.", "nestle"),
    ("Infosys Pvt. Ltd.", "infosys"),
    ("Spotify AB", "spotify"),
    ("GmbH", "gmbh"),
    ("  ", None),
    (None, None),
])
def test_company_key(name, key):
    assert company_key(name) == key


def test_a_salary_without_currency_takes_its_countrys_and_an_absurd_one_is_nulled():
    posting = RawPosting(source_job_id="j1", title="Data Engineer", location="Austin, TX, US",
                         salary_min=120_000, salary_max=150_000, salary_period="YEAR")
    row, notes = normalize(posting, source="jsearch", ingest_date=DAY)
    assert (row["salary_currency"], row["salary_annual_usd_min"], row["salary_source"]) == ("USD", 120_000, "field")
    assert notes == ["currency_inferred"]

    absurd = RawPosting(source_job_id="j2", title="Data Engineer", location="Austin, TX, US",
                        salary_min=99_000_000, salary_max=99_000_000, salary_period="YEAR")
    row, notes = normalize(absurd, source="jsearch", ingest_date=DAY)
    assert "salary_implausible" in notes
    assert (row["salary_min"], row["salary_currency"], row["salary_source"]) == (None, None, None)


@pytest.mark.parametrize("posting, where, amounts", [
    (RawPosting(source_job_id="a", title="Senior Engineer", location="London, UK",
                description_html="<p>Salary: £45,000 – £60,000 per annum</p>"), "description", (45_000, 60_000, "GBP")),
    (RawPosting(source_job_id="b", title="Steuerberater (m/w/d) mindestens 90.000€", location="Passau",
                default_country="DE"), "title", (90_000, None, "EUR")),
    (RawPosting(source_job_id="c", title="Data Engineer", location="Remote",
                description_html="<p>We raised a $5M seed round and serve 10,000 customers. 401(k).</p>"),
     None, (None, None, None)),
])
def test_a_salary_stated_only_in_the_text_is_read_and_says_where(posting, where, amounts):
    row, _ = normalize(posting, source="remotive", ingest_date=DAY)
    assert row["salary_source"] == where
    assert (row["salary_min"], row["salary_max"], row["salary_currency"]) == amounts


def test_a_relative_posting_time_is_read_against_the_fetch_time_and_never_invented():
    fetched = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)
    posting = RawPosting(source_job_id="j", title="Data Engineer", posted_text="3 days ago")
    row, notes = normalize(posting, source="jsearch", ingest_date=DAY, fetched_at=fetched)
    assert row["posted_at"] == datetime(2026, 3, 7, 6, 0, tzinfo=UTC) and "posted_at_relative" in notes
    row, notes = normalize(RawPosting(source_job_id="j", title="Data Engineer", posted_text="recently"),
                           source="jsearch", ingest_date=DAY, fetched_at=fetched)
    assert row["posted_at"] is None and "posted_at_relative" not in notes


def test_mojibake_is_repaired_before_the_rules_read_it():
    posting = RawPosting(source_job_id="m", title="Ingeni\u00c3\u00a9ur Data", company="Caf\u00c3\u00a9 GmbH",
                         location="Z\u00c3\u00bcrich", description_html="<p>We\u00e2\u20ac\u2122re hiring</p>",
                         tags=["Sch\u00c3\u00b6n"])
    row, _ = normalize(posting, source="remoteok", ingest_date=DAY)
    assert (row["title"], row["company"], row["city"], row["country_code"]) == (
        "Ingeniéur Data", "Café GmbH", "Zürich", "CH")
    assert row["description_text"] == "We’re hiring"


def test_the_boards_country_fills_only_what_the_text_cannot():
    row, notes = normalize(RawPosting(source_job_id="x", title="Koch", location="Irgendwo am See",
                                      default_country="DE"), source="arbeitnow", ingest_date=DAY)
    assert row["country_code"] == "DE" and "country_from_board" in notes
    row, notes = normalize(RawPosting(source_job_id="y", title="Koch", location="Wien, Österreich",
                                      default_country="DE"), source="arbeitnow", ingest_date=DAY)
    assert row["country_code"] == "AT" and "country_from_board" not in notes
