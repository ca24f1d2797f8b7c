from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from job_analytics.core.errors import MissingInputError, QualityGateFailed
from job_analytics.core.lake import Lake
from job_analytics.gold import stage as transform
from job_analytics.quality import gate, suites
from tests.unit.silver_factory import lake_settings, posting, write_silver

DAY = date(2024, 1, 1)
GOOD = [posting("1"), posting("2", country_code=None, salary_annual_usd_min=None, salary_annual_usd_max=None),
        posting("3", source="arbeitnow", country_code="US")]


def build(tmp_path_factory, rows: list[dict]) -> tuple[Lake, object]:
    settings = lake_settings(tmp_path_factory.mktemp("lake"))
    write_silver(Lake.from_settings(settings), DAY, rows)
    transform.run(settings, DAY)
    return Lake.from_settings(settings), settings


@pytest.fixture(scope="module")
def passed(tmp_path_factory) -> tuple[Lake, dict]:
    lake, settings = build(tmp_path_factory, GOOD)
    return lake, gate.run(settings, DAY)


@pytest.fixture(scope="module")
def failed(tmp_path_factory) -> tuple[Lake, QualityGateFailed]:
    """Faults dbt's own tests let through (dbt only warns on an unknown country code; the gate is what stops it:
    see the frame tests and test_catalog's failed gate)."""
    lake, settings = build(tmp_path_factory, [
        *GOOD,
        posting("4", salary_currency="EURO"),
        posting("5", salary_annual_usd_min=1e9, salary_annual_usd_max=1e9),
        posting("6", posted_at=datetime(2031, 1, 1, tzinfo=UTC)),
    ])
    with pytest.raises(QualityGateFailed) as caught:
        gate.run(settings, DAY)
    return lake, caught.value


def test_gate_passes_good_gold(passed):
    lake, summary = passed
    assert summary["success"] is True and summary["failed"] == [] and summary["warnings"] == []
    assert summary["evaluated"] >= 30
    assert summary["by_severity"]["critical"] + summary["by_severity"]["warning"] == summary["evaluated"]
    assert summary["rows"] == {"silver_jobs": 3, "fct_job_postings": 3}
    assert lake.read_run_summary(DAY, "validate")["success"] is True
    saved = json.loads((lake.quality_dir(DAY) / "validation.json").read_text())
    # the lifecycle marts have their suites too (fct_posting_lifecycle, agg_daily_flow)
    assert {table: result["success"] for table, result in saved["results"].items()} == {
        "silver_jobs": True, "fct_job_postings": True, "agg_daily_postings": True, "agg_salary_by_role": True,
        "fct_posting_lifecycle": True, "agg_daily_flow": True,
    }
    assert saved["warnings"] == [] and saved["failed"] == []


def test_first_day_has_no_volume_baseline_and_passes(passed):
    _, summary = passed
    assert summary["volume"]["rows"] == 3 and summary["volume"]["median"] is None
    assert summary["volume"]["note"].startswith("no baseline")


def test_gate_failure_message_counts_failed_expectations(failed):
    _, error = failed
    # 49, plus 9 on fct_posting_lifecycle and 5 on agg_daily_flow
    assert str(error).startswith("quality gate failed for 2024-01-01: 8 of 63 expectations: ")


@pytest.mark.parametrize("expected", [
    "expect_column_values_to_be_in_set on silver_jobs.salary_currency: 1 of 6 rows unexpected, e.g. ['EURO']",
    ("expect_column_values_to_be_between on fct_job_postings.salary_annual_usd_max: 1 of 6 rows unexpected, "
     "e.g. [1000000000.0]"),
    ("expect_column_values_to_be_between on silver_jobs.posted_at: 1 of 6 rows unexpected, "
     "e.g. ['2031-01-01T00:00:00+00:00'] (expected: no posting is dated after the end of the next day (UTC))"),
])
def test_gate_failure_names_expectation_and_observed_value(failed, expected):
    _, error = failed
    assert expected in str(error)


def test_gate_failure_is_recorded_for_notifications(failed):
    lake, error = failed
    summary = lake.read_run_summary(DAY, "validate")
    assert summary["success"] is False
    assert summary["failed"] == error.failures
    assert {f["severity"] for f in summary["failed"]} == {"critical"}
    assert {(f["table"], f["expectation"], f["column"]) for f in summary["failed"]} == {
        ("silver_jobs", "expect_column_values_to_be_in_set", "salary_currency"),
        *{(table, "expect_column_values_to_be_between", column)
          for table in ("silver_jobs", "fct_job_postings")
          for column in ("salary_annual_usd_min", "salary_annual_usd_max", "posted_at")},
        # the absurd salary lifts its cell's 75th percentile out of range too
        ("agg_salary_by_role", "expect_column_values_to_be_between", "salary_p75_annual_usd"),
    }
    saved = json.loads((lake.quality_dir(DAY) / "validation.json").read_text())
    assert saved["success"] is False and saved["failed"] == error.failures


@pytest.mark.parametrize("suite, frame, column", [
    (suites.fct_job_postings(DAY), {"country_code": ["DE", None, "XX"]}, "country_code"),
    (suites.agg_daily_postings(fct_rows=3), {"country_code": ["DE", "ZZ", "XX"]}, "country_code"),
    (suites.fct_job_postings(DAY), {"employment_type": ["full_time", None, "fulltime"]}, "employment_type"),
])
def test_gold_values_outside_their_set_fail(suite, frame, column):
    import pandas as pd

    only = suites.Suite(suite.table, (column,), [
        e for e in suite.expectations
        if getattr(e, "column", None) == column and type(e).__name__ == "ExpectColumnValuesToBeInSet"
    ])
    (result,) = gate.validate([(only, pd.DataFrame(frame))]).values()
    (failure,) = gate.failed_expectations(suite.table, result)
    assert gate.describe(failure).startswith(
        f"expect_column_values_to_be_in_set on {suite.table}.{column}: 1 of 3 rows unexpected, "
        f"e.g. ['{frame[column][2]}']")


@pytest.mark.parametrize("fixture", ["passed", "failed"])
def test_data_docs_are_built_whether_the_gate_passes_or_fails(request, fixture):
    lake, _ = request.getfixturevalue(fixture)
    site = lake.quality_dir(DAY) / "data_docs"
    index = (site / "index.html").read_text()
    for table in ("silver_jobs", "fct_job_postings", "agg_daily_postings", "agg_salary_by_role"):
        assert f"expectations/{table}.html" in index
        assert len(list(site.glob(f"validations/{table}/2024-01-01/*/*.html"))) == 1
    assert not list(site.glob("static/**/*.gif"))  # GX's unused animations are not kept for every day
    assert not list(lake.quality_dir(DAY).glob(".*"))  # no staging folder left behind
    assert lake.read_run_summary(DAY, "validate")["data_docs"] == str(site / "index.html")


def test_salary_range_pair_ignores_missing_bounds():
    import pandas as pd

    suite = suites.Suite("fct_job_postings", ("salary_min", "salary_max"), [
        e for e in suites.fct_job_postings(DAY).expectations
        if getattr(e, "column_A", None) == "salary_max"
    ])
    frame = pd.DataFrame({"salary_min": [10.0, None, 30.0, 50.0], "salary_max": [20.0, 5.0, None, 40.0]})
    (result,) = gate.validate([(suite, frame)]).values()
    assert gate.failed_expectations("fct_job_postings", result) == [{
        "table": "fct_job_postings", "expectation": "expect_column_pair_values_a_to_be_greater_than_b",
        "column": "salary_max, salary_min", "observed": "1 of 4 rows unexpected, e.g. [[40.0, 50.0]]",
        "severity": "critical", "expected": "salary_min <= salary_max where both are known",
    }]


def test_latest_posted_at_is_a_day_after_now_or_after_a_future_logical_date():
    now = datetime.now(UTC)
    assert abs(suites.latest_posted_at(DAY) - (now + timedelta(days=1))).total_seconds() < 60  # a backfill
    ahead = (now + timedelta(days=10)).date()
    assert suites.latest_posted_at(ahead) == datetime.combine(ahead + timedelta(days=2), datetime.min.time(), UTC)


def test_gate_without_candidate_is_a_missing_input(tmp_path):
    with pytest.raises(MissingInputError, match="no gold candidate"):
        gate.run(lake_settings(tmp_path), DAY)


def test_salary_mart_fails_on_a_thin_cell_an_absurd_percentile_and_crossed_percentiles():
    import pandas as pd

    frame = pd.DataFrame({
        "role_family": ["data_engineer", "data_scientist", "analyst"],
        "seniority": ["senior", "mid", "junior"],
        "country_code": ["DE", "US", "ZZ"],
        "salaried_postings": [12, 2, 5],
        "salary_p25_annual_usd": [70_000.0, 90_000.0, 40_000.0],
        "salary_p50_annual_usd": [80_000.0, 100_000.0, 9e9],
        "salary_p75_annual_usd": [95_000.0, 95_000.0, 9e9],
    })
    (result,) = gate.validate([(suites.agg_salary_by_role(min_sample=3), frame)]).values()
    failed = {gate.describe(f).split(" (expected")[0] for f in gate.failed_expectations("agg_salary_by_role", result)}
    assert failed == {
        "expect_column_values_to_be_between on agg_salary_by_role.salaried_postings: 1 of 3 rows unexpected, e.g. [2]",
        *{f"expect_column_values_to_be_between on agg_salary_by_role.salary_{p}_annual_usd: 1 of 3 rows unexpected, "
          "e.g. [9000000000.0]" for p in ("p50", "p75")},
        ("expect_column_pair_values_a_to_be_greater_than_b on agg_salary_by_role (salary_p75_annual_usd, "
         "salary_p50_annual_usd): 1 of 3 rows unexpected, e.g. [[95000.0, 100000.0]]"),
    }


def test_gate_checks_the_salary_mart_with_the_dbt_projects_min_sample():
    from job_analytics.core.settings import Settings

    assert gate.dbt_var(Settings(), "salary_min_sample") == 3


def test_flow_mart_fails_when_open_postings_do_not_balance():
    """The gate's own read of agg_daily_flow (DuckDB) derives the expected open count across rows."""
    import duckdb

    con = duckdb.connect()
    con.execute("""create table agg_daily_flow as select * from (values
        (date '2024-01-01', 'demo', 'data_engineer', 'DE', 5, 0, 5),
        (date '2024-01-02', 'demo', 'data_engineer', 'DE', 2, 1, 6),
        (date '2024-01-03', 'demo', 'data_engineer', 'DE', 0, 2, 9),
        (date '2024-01-02', 'demo', 'other', 'ZZ', 1, 0, 1)
    ) t(flow_date, source, role_family, country_code, new_postings, closed_postings, open_postings)""")
    suite = suites.agg_daily_flow()
    (result,) = gate.validate([(suite, gate._frame(con, suite))]).values()
    assert [gate.describe(f).split(" (expected")[0] for f in gate.failed_expectations("agg_daily_flow", result)] == [
        ("expect_column_pair_values_to_be_equal on agg_daily_flow (open_postings, open_expected): "
         "1 of 4 rows unexpected, e.g. [[9, 4]]")]


def test_lifecycle_mart_fails_on_dates_out_of_order():
    import pandas as pd

    frame = pd.DataFrame({
        "posting_key": ["a", "b", "c"],
        "first_seen": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-01"]),
        "last_seen": pd.to_datetime(["2024-01-02", "2024-01-02", "2024-01-04"]),
        "closed_on": pd.to_datetime(["2024-01-03", None, "2024-01-04"]),
        "times_reposted": [0, 0, 1],
        "days_open": [2, 1, 4],
    })
    (result,) = gate.validate([(suites.fct_posting_lifecycle(), frame)]).values()
    failed = {f["column"] for f in gate.failed_expectations("fct_posting_lifecycle", result)}
    assert failed == {"last_seen, first_seen", "closed_on, last_seen"}  # b seen last before first; c closed when seen
