"""The expectations gold must meet before it is published, one suite per candidate table, built in code.

Great Expectations is imported inside the builders: importing it costs seconds, and the DAG and CLI import
this package to parse. Each suite lists the columns it reads, so the gate loads only those from the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

#: the source registry's names (DESIGN.md "Sources"); dbt's accepted_values test lists the same set
KNOWN_SOURCES = ("demo", "jsearch", "remotive", "arbeitnow", "remoteok", "greenhouse", "lever")
EMPLOYMENT_TYPES = ("full_time", "part_time", "contract", "internship", "temporary")
#: a plausible annual salary in US dollars; outside it a unit or currency conversion went wrong
SALARY_ANNUAL_USD = (1_000, 5_000_000)
UNKNOWN_COUNTRY = "ZZ"  # agg_daily_postings' code for no country (unknown or worldwide)


@dataclass(frozen=True)
class Suite:
    table: str
    columns: tuple[str, ...]
    expectations: list[Any]  # great_expectations.expectations.Expectation


def country_codes() -> list[str]:
    """ISO 3166-1 alpha-2, from pycountry."""
    import pycountry

    return sorted(country.alpha_2 for country in pycountry.countries)


def latest_posted_at(day: date) -> datetime:
    """The latest believable posted_at: one day after now (clock skew, time zones ahead of UTC), or after the
    end of ``day`` for a run dated ahead of the clock. A backfill still accepts postings fetched today."""
    return max(datetime.now(UTC), datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)) + timedelta(days=1)


def fct_job_postings(day: date) -> Suite:
    import great_expectations.expectations as gxe

    low, high = SALARY_ANNUAL_USD
    salary_bounds = [
        gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=low, max_value=high,
            description=f"{column} is a plausible annual USD salary (nulls allowed)",
        )
        for column in ("salary_annual_usd_min", "salary_annual_usd_max")
    ]
    salary_ranges = [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=upper, column_B=lower, or_equal=True, ignore_row_if="either_value_is_missing",
            description=f"{lower} <= {upper} where both are known",
        )
        for lower, upper in (("salary_min", "salary_max"), ("salary_annual_usd_min", "salary_annual_usd_max"))
    ]
    expectations = [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, description="gold has postings"),
        gxe.ExpectColumnValuesToNotBeNull(column="job_id"),
        gxe.ExpectColumnValuesToBeUnique(column="job_id", description="one row per posting"),
        gxe.ExpectColumnValuesToBeBetween(
            column="posted_at", max_value=latest_posted_at(day),
            description="no posting is dated after the end of the next day (UTC)",
        ),
        *salary_bounds,
        *salary_ranges,
        gxe.ExpectColumnValuesToBeInSet(
            column="country_code", value_set=country_codes(),
            description="ISO 3166-1 alpha-2 (nulls allowed: unknown or worldwide)",
        ),
        gxe.ExpectColumnValuesToBeInSet(column="source", value_set=list(KNOWN_SOURCES)),
        gxe.ExpectColumnValuesToNotBeNull(column="source"),
        gxe.ExpectColumnValuesToBeInSet(column="employment_type", value_set=list(EMPLOYMENT_TYPES)),
        gxe.ExpectColumnValuesToNotBeNull(column="is_remote"),
        gxe.ExpectColumnValuesToNotBeNull(column="posted_date"),
    ]
    columns = ("job_id", "source", "country_code", "employment_type", "is_remote", "posted_at", "posted_date",
               "salary_min", "salary_max", "salary_annual_usd_min", "salary_annual_usd_max")
    return Suite("fct_job_postings", columns, expectations)


def agg_daily_postings(fct_rows: int) -> Suite:
    """``fct_rows``: the candidate fact's row count; the aggregate must account for every posting once."""
    import great_expectations.expectations as gxe

    expectations = [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, description="gold has daily aggregates"),
        gxe.ExpectColumnSumToBeBetween(
            column="postings", min_value=fct_rows, max_value=fct_rows,
            description="postings add up to the rows of fct_job_postings",
        ),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["posted_date", "source", "country_code"], description="the grain"
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="country_code", value_set=[*country_codes(), UNKNOWN_COUNTRY],
            description="ISO 3166-1 alpha-2 or ZZ (unknown / worldwide)",
        ),
    ]
    return Suite("agg_daily_postings", ("posted_date", "source", "country_code", "postings"), expectations)
