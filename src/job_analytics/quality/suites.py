"""The expectations data must meet before gold is published, one suite per table, built in code.

Two layers are checked: the day's **silver** partition (what this run added: volume against the days before,
freshness, uniqueness, value sets, ranges) and the gold **candidate** tables (what publication would expose).

Every expectation carries a severity (GX's own ``severity`` field): ``critical`` ones block publication,
``warning`` ones are reported (run summary, validation JSON, notification) and let the day through. An expectation
left without one is critical (GX's default).

Great Expectations is imported inside the builders: importing it costs seconds, and the DAG and CLI import
this package to parse. Each suite lists the columns it reads, so the gate loads only those.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from job_analytics.core.schema import EMPLOYMENT_TYPES, SALARY_PERIODS
from job_analytics.ingest.sources import REGISTRY

CRITICAL, WARNING = "critical", "warning"  # great_expectations.expectations.metadata_types.FailureSeverity values
#: the source registry's names (the README's contracts, "Sources"); dbt's accepted_values test reads the same registry (its var
#: known_sources, set by transform.dbt_env)
KNOWN_SOURCES = tuple(REGISTRY)
#: a plausible annual salary in US dollars; outside it a unit or currency conversion went wrong
SALARY_ANNUAL_USD = (1_000, 5_000_000)
UNKNOWN_COUNTRY = "ZZ"  # agg_daily_postings' code for no country (unknown or worldwide)
#: agg_daily_postings' grain, as dbt/models/marts/agg_daily_postings.yml declares it
AGG_DAILY_GRAIN = ("posted_date", "source", "country_code", "is_remote")
#: the day's silver rows must lie within these fractions of the median of the previous days' counts
VOLUME_BOUNDS = (0.5, 3.0)
BASELINE_DAYS = 7
#: the newest posting of a day older than this before the day's start: the sources may serve stale pages
FRESHNESS = timedelta(days=3)
SILVER_TABLE = "silver_jobs"
#: agg_daily_flow's grain: a day and the cell its open postings run in (dbt/models/marts/agg_daily_flow.yml)
FLOW_CELL = ("source", "role_family", "country_code")


@dataclass(frozen=True)
class Suite:
    table: str
    columns: tuple[str, ...]
    expectations: list[Any]  # great_expectations.expectations.Expectation
    query: str | None = None  # how the gate reads the frame, when not a plain select of ``columns``


@dataclass(frozen=True)
class Baseline:
    """The silver row counts of the ``BASELINE_DAYS`` days before the validated one (days without a partition
    left out): the yardstick of the day's volume. Empty on a lake's first day: then there is no baseline."""

    counts: dict[date, int] = field(default_factory=dict)

    @property
    def median(self) -> float | None:
        return statistics.median(self.counts.values()) if self.counts else None

    @property
    def bounds(self) -> tuple[int, int] | None:
        """The accepted row counts, inclusive: not below ``VOLUME_BOUNDS[0]``, not above ``[1]`` of the median."""
        if self.median is None:
            return None
        low, high = VOLUME_BOUNDS
        return math.ceil(low * self.median), math.floor(high * self.median)

    def describe(self) -> str:
        if self.median is None:
            return f"no baseline (no silver in the {BASELINE_DAYS} days before): volume not checked"
        low, high = VOLUME_BOUNDS
        return (f"{self.bounds[0]} to {self.bounds[1]} rows, {low:.0%} to {high:.0%} of the median "
                f"{self.median:g} of the {BASELINE_DAYS} days before ({len(self.counts)} with silver)")

    def as_dict(self) -> dict:
        return {"baseline_days": {d.isoformat(): n for d, n in sorted(self.counts.items())},
                "median": self.median, "allowed": list(self.bounds) if self.bounds else None,
                "note": self.describe()}


def country_codes() -> list[str]:
    """ISO 3166-1 alpha-2, from pycountry."""
    import pycountry

    return sorted(country.alpha_2 for country in pycountry.countries)


def latest_posted_at(day: date) -> datetime:
    """The latest believable posted_at: one day after now (clock skew, time zones ahead of UTC), or after the
    end of ``day`` for a run dated ahead of the clock. A backfill still accepts postings fetched today."""
    return max(datetime.now(UTC), datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)) + timedelta(days=1)


def currency_codes() -> list[str]:
    """ISO 4217, from pycountry."""
    import pycountry

    return sorted(currency.alpha_3 for currency in pycountry.currencies)


def silver_jobs(day: date, baseline: Baseline) -> Suite:
    """The day's silver partition (``silver/jobs/ingest_date=<day>``), as the process stage wrote it.

    ``ingest_date`` is read as ``YYYY-MM-DD`` text. ``baseline``: the previous days' row counts (volume).
    """
    import great_expectations.expectations as gxe

    low, high = SALARY_ANNUAL_USD
    start = datetime.combine(day, time.min, tzinfo=UTC)
    volume = (
        gxe.ExpectTableRowCountToBeBetween(min_value=baseline.bounds[0], max_value=baseline.bounds[1],
                                           description=baseline.describe())
        if baseline.bounds else
        gxe.ExpectTableRowCountToBeBetween(min_value=0, description=baseline.describe())
    )
    expectations = [
        volume,
        # -- ids and uniqueness: one row per posting per source (the silver contract)
        *[gxe.ExpectColumnValuesToNotBeNull(column=column) for column in ("job_id", "source", "source_job_id")],
        gxe.ExpectColumnValuesToBeUnique(column="job_id", description="one row per posting within the day"),
        gxe.ExpectCompoundColumnsToBeUnique(
            column_list=["source", "source_job_id"], description="one row per source posting within the day"
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="ingest_date", value_set=[day.isoformat()], description="every row belongs to the day's partition"
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="title", description="a posting without a title is quarantined"),
        gxe.ExpectColumnValuesToNotBeNull(column="is_remote"),
        # -- value sets (nulls allowed: unknown)
        gxe.ExpectColumnValuesToBeInSet(column="source", value_set=list(KNOWN_SOURCES)),
        gxe.ExpectColumnValuesToBeInSet(column="employment_type", value_set=list(EMPLOYMENT_TYPES)),
        gxe.ExpectColumnValuesToBeInSet(column="salary_period", value_set=list(SALARY_PERIODS)),
        gxe.ExpectColumnValuesToBeInSet(
            column="country_code", value_set=country_codes(),
            description="ISO 3166-1 alpha-2 (nulls allowed: unknown or worldwide)",
        ),
        gxe.ExpectColumnValuesToBeInSet(column="salary_currency", value_set=currency_codes(),
                                        description="ISO 4217 (nulls allowed: unknown)"),
        # -- ranges
        *[
            gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, strict_min=True,
                                              description=f"{column} is a positive amount (nulls allowed)")
            for column in ("salary_min", "salary_max")
        ],
        *[
            gxe.ExpectColumnValuesToBeBetween(
                column=column, min_value=low, max_value=high,
                description=f"{column} is a plausible annual USD salary (nulls allowed)",
            )
            for column in ("salary_annual_usd_min", "salary_annual_usd_max")
        ],
        *_salary_order(),
        gxe.ExpectColumnValuesToBeBetween(
            column="posted_at", max_value=latest_posted_at(day),
            description="no posting is dated after the end of the next day (UTC)",
        ),
        # -- freshness and completeness: worth a look, not worth withholding the day
        gxe.ExpectColumnMaxToBeBetween(
            column="posted_at", min_value=start - FRESHNESS, severity=WARNING,
            description=f"freshness: the newest posting is at most {FRESHNESS.days} days older than the day",
        ),
        gxe.ExpectColumnValuesToNotBeNull(column="posted_at", mostly=0.9, severity=WARNING,
                                          description="at least 90 % of the postings are dated"),
        gxe.ExpectColumnValuesToNotBeNull(column="company", mostly=0.9, severity=WARNING,
                                          description="at least 90 % of the postings name their company"),
    ]
    columns = ("job_id", "source", "source_job_id", "ingest_date", "title", "company", "is_remote", "employment_type",
               "salary_period", "country_code", "salary_currency", "salary_min", "salary_max",
               "salary_annual_usd_min", "salary_annual_usd_max", "posted_at")
    return Suite(SILVER_TABLE, columns, expectations)


def _salary_order() -> list[Any]:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=upper, column_B=lower, or_equal=True, ignore_row_if="either_value_is_missing",
            description=f"{lower} <= {upper} where both are known",
        )
        for lower, upper in (("salary_min", "salary_max"), ("salary_annual_usd_min", "salary_annual_usd_max"))
    ]


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
    salary_ranges = _salary_order()
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
        gxe.ExpectCompoundColumnsToBeUnique(column_list=list(AGG_DAILY_GRAIN), description="the grain"),
        gxe.ExpectColumnValuesToBeInSet(
            column="country_code", value_set=[*country_codes(), UNKNOWN_COUNTRY],
            description="ISO 3166-1 alpha-2 or ZZ (unknown / worldwide)",
        ),
    ]
    return Suite("agg_daily_postings", (*AGG_DAILY_GRAIN, "postings"), expectations)


def agg_salary_by_role(min_sample: int) -> Suite:
    """``min_sample``: the dbt var ``salary_min_sample``, the fewest salaried postings a published cell holds."""
    import great_expectations.expectations as gxe

    low, high = SALARY_ANNUAL_USD
    percentiles = ("salary_p25_annual_usd", "salary_p50_annual_usd", "salary_p75_annual_usd")
    expectations = [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["role_family", "seniority", "country_code"],
                                            description="the grain"),
        gxe.ExpectColumnValuesToBeBetween(
            column="salaried_postings", min_value=min_sample,
            description=f"a cell is published only with at least {min_sample} salaried postings",
        ),
        *[
            gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high,
                                              description=f"{column} is a plausible annual USD salary")
            for column in percentiles
        ],
        *[
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=upper, column_B=lower, or_equal=True, ignore_row_if="either_value_is_missing",
                description=f"{lower} <= {upper}",
            )
            for lower, upper in pairwise(percentiles)
        ],
    ]
    return Suite("agg_salary_by_role", ("role_family", "seniority", "country_code", "salaried_postings",
                                        *percentiles), expectations)


def fct_posting_lifecycle() -> Suite:
    """Each posting's life: one row per posting, first_seen <= last_seen < closed_on."""
    import great_expectations.expectations as gxe

    expectations = [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, description="gold has postings"),
        gxe.ExpectColumnValuesToNotBeNull(column="posting_key"),
        gxe.ExpectColumnValuesToBeUnique(column="posting_key", description="one row per posting"),
        gxe.ExpectColumnValuesToNotBeNull(column="first_seen"),
        gxe.ExpectColumnValuesToNotBeNull(column="last_seen"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="last_seen", column_B="first_seen", or_equal=True,
                                                    description="first_seen <= last_seen"),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="closed_on", column_B="last_seen", or_equal=False, ignore_row_if="either_value_is_missing",
            description="a posting closes after it was last seen (closed_on null while open)",
        ),
        gxe.ExpectColumnValuesToBeBetween(column="times_reposted", min_value=0),
        gxe.ExpectColumnValuesToBeBetween(column="days_open", min_value=1),
    ]
    return Suite("fct_posting_lifecycle", ("posting_key", "first_seen", "last_seen", "closed_on", "times_reposted",
                                           "days_open"), expectations)


def agg_daily_flow() -> Suite:
    """The daily flows balance: a cell's open postings are its previous row's plus the day's new minus closed."""
    import great_expectations.expectations as gxe

    cell = ", ".join(FLOW_CELL)
    query = f"""
        SELECT flow_date, {cell}, new_postings, closed_postings, open_postings,
               coalesce(lag(open_postings) OVER (PARTITION BY {cell} ORDER BY flow_date), 0)
                   + new_postings - closed_postings AS open_expected
        FROM agg_daily_flow
    """
    expectations = [
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["flow_date", *FLOW_CELL], description="the grain"),
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="open_postings", column_B="open_expected",
            description="open = open the day before + new - closed, per source, role family and country",
        ),
        *[gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0)
          for column in ("new_postings", "closed_postings", "open_postings")],
    ]
    return Suite("agg_daily_flow", ("flow_date", *FLOW_CELL, "new_postings", "closed_postings", "open_postings",
                                    "open_expected"), expectations, query=query)
