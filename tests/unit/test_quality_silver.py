"""The silver suite (the day's partition): volume against the days before, uniqueness, value sets, ranges,
freshness; and severity: a failed warning is reported, never blocking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from job_analytics.core.lake import Lake
from job_analytics.gold import stage as transform
from job_analytics.quality import gate, suites
from job_analytics.report.notify import gate_lines
from tests.unit.silver_factory import lake_settings, posting, write_silver

DAY = date(2024, 1, 10)
ROWS = [posting(str(n), ingest_date=DAY) for n in range(10)]


def failures(tmp_path, rows: list[dict], baseline: suites.Baseline | None = None, *,
             files: list[list[dict]] | None = None) -> list[dict]:
    """The silver suite's failed expectations on ``rows`` written as the day's partition (or as ``files``)."""
    lake = Lake(tmp_path)
    for n, part in enumerate(files or [rows]):
        write_silver(lake, DAY, part, name=f"part-{n}.parquet")
    suite = suites.silver_jobs(DAY, baseline or suites.Baseline())
    (result,) = gate.validate([(suite, gate.silver_frame(lake, DAY, suite))]).values()
    return gate.failed_expectations(suites.SILVER_TABLE, result)


def test_good_day_meets_the_silver_suite(tmp_path):
    assert failures(tmp_path, ROWS) == []


@pytest.mark.parametrize("counts, bounds", [
    ({}, None),
    ({date(2024, 1, 9): 240}, (120, 720)),
    ({date(2024, 1, 9): 100, date(2024, 1, 8): 121}, (56, 331)),  # median 110.5: 55.25 → 56, 331.5 → 331
    ({date(2024, 1, 9): 0, date(2024, 1, 8): 200, date(2024, 1, 7): 220}, (100, 600)),
])
def test_volume_bounds_are_half_to_three_times_the_median(counts, bounds):
    assert suites.Baseline(counts).bounds == bounds


def test_baseline_is_the_silver_of_the_seven_days_before(tmp_path):
    lake = Lake(tmp_path)
    for back, rows in [(1, 3), (3, 5), (7, 2), (8, 50), (0, 9)]:
        day = DAY - timedelta(days=back)
        write_silver(lake, day, [posting(str(n), ingest_date=day) for n in range(rows)])
    baseline = gate.silver_baseline(lake, DAY)
    assert baseline.counts == {date(2024, 1, 9): 3, date(2024, 1, 7): 5, date(2024, 1, 3): 2}
    assert baseline.median == 3


@pytest.mark.parametrize("rows, ok", [(4, False), (5, True), (30, True), (31, False)])
def test_volume_fails_below_half_or_above_three_times_the_baseline(tmp_path, rows, ok):
    baseline = suites.Baseline({DAY - timedelta(days=1): 10, DAY - timedelta(days=2): 10})
    found = failures(tmp_path, [posting(str(n), ingest_date=DAY) for n in range(rows)], baseline)
    if ok:
        assert found == []
    else:
        assert found == [{
            "table": "silver_jobs", "expectation": "expect_table_row_count_to_be_between", "column": None,
            "observed": f"{rows} rows", "severity": "critical",
            "expected": "5 to 30 rows, 50% to 300% of the median 10 of the 7 days before (2 with silver)",
        }]


def test_duplicated_job_ids_fail_both_uniqueness_expectations(tmp_path):
    found = failures(tmp_path, [], files=[ROWS, ROWS[:2]])
    assert {(f["expectation"], f["column"], f["severity"]) for f in found} == {
        ("expect_column_values_to_be_unique", "job_id", "critical"),
        ("expect_compound_columns_to_be_unique", "source, source_job_id", "critical"),
    }
    unique = next(f for f in found if f["column"] == "job_id")
    assert unique["observed"].startswith("4 of 12 rows unexpected, e.g. ")
    assert ROWS[0]["job_id"] in unique["observed"]


@pytest.mark.parametrize("column, value", [
    ("source", "monster"),
    ("employment_type", "fulltime"),
    ("salary_period", "yearly"),
    ("country_code", "UK"),
    ("salary_currency", "EURO"),
])
def test_values_outside_their_set_fail(tmp_path, column, value):
    found = failures(tmp_path, [*ROWS, posting("x", ingest_date=DAY, **{column: value})])
    assert [(f["expectation"], f["column"], f["severity"]) for f in found] == [
        ("expect_column_values_to_be_in_set", column, "critical")]
    assert found[0]["observed"] == f"1 of 11 rows unexpected, e.g. ['{value}']"


@pytest.mark.parametrize("overrides, expected", [
    ({"salary_min": -5.0}, [("expect_column_values_to_be_between", "salary_min")]),
    ({"salary_min": 90_000.0}, [("expect_column_pair_values_a_to_be_greater_than_b", "salary_max, salary_min")]),
    ({"salary_annual_usd_max": 9e9},
     [("expect_column_values_to_be_between", "salary_annual_usd_max")]),
    ({"posted_at": datetime(2031, 1, 1, tzinfo=UTC)}, [("expect_column_values_to_be_between", "posted_at")]),
    ({"job_id": None}, [("expect_column_values_to_not_be_null", "job_id")]),
])
def test_out_of_range_or_missing_values_fail(tmp_path, overrides, expected):
    found = failures(tmp_path, [*ROWS, posting("x", ingest_date=DAY, **overrides)])
    assert [(f["expectation"], f["column"]) for f in found] == expected
    assert {f["severity"] for f in found} == {"critical"}


def test_rows_of_another_day_in_the_partition_fail(tmp_path):
    lake = Lake(tmp_path)
    (lake.silver_partition(DAY)).mkdir(parents=True)
    write_silver(lake, DAY - timedelta(days=1), ROWS)  # written as the day before …
    (lake.silver_partition(DAY - timedelta(days=1)) / "part-0.parquet").rename(lake.silver_partition(DAY) / "p.parquet")
    suite = suites.silver_jobs(DAY, suites.Baseline())
    (result,) = gate.validate([(suite, gate.silver_frame(lake, DAY, suite))]).values()
    (found,) = gate.failed_expectations(suites.SILVER_TABLE, result)
    assert (found["expectation"], found["column"]) == ("expect_column_values_to_be_in_set", "ingest_date")
    assert found["observed"] == "10 of 10 rows unexpected, e.g. ['2024-01-09', '2024-01-09', '2024-01-09', " \
                                "'2024-01-09', '2024-01-09']"


def test_stale_or_incomplete_silver_is_only_a_warning(tmp_path):
    stale = [posting(str(n), ingest_date=DAY, posted_at=datetime(2023, 12, 1, tzinfo=UTC),
                     company=None if n < 2 else "Acme") for n in range(10)]
    found = failures(tmp_path, stale)
    assert {(f["expectation"], f["column"], f["severity"]) for f in found} == {
        ("expect_column_max_to_be_between", "posted_at", "warning"),
        ("expect_column_values_to_not_be_null", "company", "warning"),
    }
    freshness = next(f for f in found if f["column"] == "posted_at")
    assert freshness["observed"] == "2023-12-01T00:00:00+00:00"


def test_every_expectation_has_a_severity_and_most_are_critical():
    expectations = suites.silver_jobs(DAY, suites.Baseline({DAY - timedelta(days=1): 10})).expectations
    severities = [str(e.severity.value) for e in expectations]
    assert set(severities) == {"critical", "warning"}
    assert severities.count("warning") == 3


def test_a_day_with_warnings_passes_and_reports_them(tmp_path):
    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY, [posting(str(n), ingest_date=DAY, posted_at=datetime(2023, 12, 1, tzinfo=UTC))
                             for n in range(3)])
    transform.run(settings, DAY)
    summary = gate.run(settings, DAY)
    assert summary["success"] is True and summary["failed"] == []
    assert [(w["table"], w["column"], w["severity"]) for w in summary["warnings"]] == [
        ("silver_jobs", "posted_at", "warning")]
    assert lake.read_run_summary(DAY, "validate")["warnings"] == summary["warnings"]
    assert (lake.quality_dir(DAY) / "data_docs" / "index.html").exists()

    lines = gate_lines(summary)
    assert lines[0] == f"Quality gate: passed with 1 warning ({summary['evaluated']} expectations)."
    assert lines[1] == ("  • warning: expect_column_max_to_be_between on silver_jobs.posted_at: "
                        "observed 2023-12-01T00:00:00+00:00")
    assert lines[2] == f"Data Docs: {lake.quality_dir(DAY) / 'data_docs' / 'index.html'}"


def test_gate_without_silver_for_the_day_is_a_missing_input(tmp_path):
    from job_analytics.core.errors import MissingInputError

    settings = lake_settings(tmp_path)
    lake = Lake.from_settings(settings)
    write_silver(lake, DAY - timedelta(days=1), [posting("1", ingest_date=DAY - timedelta(days=1))])
    transform.run(settings, DAY)
    with pytest.raises(MissingInputError, match="no silver at .*ingest_date=2024-01-10"):
        gate.run(settings, DAY)
