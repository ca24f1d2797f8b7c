"""validate_quality: the gate between dbt's gold candidate and publication (write-audit-publish).

The candidate tables are read from the warehouse with DuckDB (read-only) into pandas and validated with Great
Expectations (an ephemeral context: suites live in code, results in the lake). The outcome is the "validate"
run summary, which ``catalog.publish`` requires to be a success *for the same candidate*: the summary carries
a fingerprint of the tables it saw, so a candidate rebuilt after validation is never published unchecked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import duckdb

from job_analytics.errors import MissingInputError, QualityGateFailed
from job_analytics.lake import Lake, write_json_atomic
from job_analytics.quality import suites

log = logging.getLogger(__name__)

#: the marts dbt builds and publish copies to gold/, in dependency order
GOLD_TABLES = ("fct_job_postings", "agg_daily_postings", "dim_company")
_SHOWN_VALUES = 5


def run(settings: Any, day: date) -> dict:
    """Validate the candidate for ``day``; record the result and return the "validate" run summary.

    Writes ``quality/<day>/validation.json`` (the full GX results) and ``runs/<day>/validate.json`` whatever
    the outcome; raises ``QualityGateFailed`` (with the failures) when any expectation fails. Idempotent.
    """
    lake = Lake.from_settings(settings)
    with connect_candidate(lake, day) as con:
        fingerprint = candidate_fingerprint(con)
        fct_suite = suites.fct_job_postings(day)
        fct = _frame(con, fct_suite)
        agg_suite = suites.agg_daily_postings(fct_rows=len(fct))
        checks = [(fct_suite, fct), (agg_suite, _frame(con, agg_suite))]

    results = validate(checks)
    write_json_atomic(lake.quality_dir(day) / "validation.json",
                      {"day": day.isoformat(), "candidate": fingerprint,
                       "results": {table: result.to_json_dict() for table, result in results.items()}})

    failures = [failure for table, result in results.items() for failure in failed_expectations(table, result)]
    evaluated = sum(len(result.results) for result in results.values())
    summary = {"day": day.isoformat(), "success": not failures, "evaluated": evaluated, "failed": failures,
               "candidate": fingerprint, "rows": {"fct_job_postings": len(fct)}}
    lake.write_run_summary(day, "validate", summary)
    log.info("quality_gate day=%s success=%s evaluated=%d failed=%d", day, not failures, evaluated, len(failures))
    if failures:
        detail = "; ".join(f"{f['expectation']} on {f['column'] or f['table']}: {f['observed']}" for f in failures)
        raise QualityGateFailed(
            f"quality gate failed for {day}: {len(failures)} of {evaluated} expectations: {detail}", failures
        )
    return summary


def validate(checks: list[tuple[suites.Suite, Any]]) -> dict[str, Any]:
    """Run each suite on its pandas frame; ``{table: ExpectationSuiteValidationResult}``.

    No Checkpoint: a checkpoint runs its validation definitions on one set of batch parameters, and each table
    here is its own dataframe; failing is this stage's action, alerting is send_notifications'.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        # the default ephemeral config makes a temporary Data Docs folder per run, never removed
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False),  # no tqdm bars in task logs
    ))
    source = context.data_sources.add_pandas("gold_candidate")
    results = {}
    for suite, frame in checks:
        batch = source.add_dataframe_asset(suite.table).add_batch_definition_whole_dataframe("whole_table")
        gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.table, expectations=suite.expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{suite.table}_gate", data=batch, suite=gx_suite)
        )
        results[suite.table] = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY")
    return results


def failed_expectations(table: str, result: Any) -> list[dict]:
    """One plain dict per failed expectation: what was expected, on which column, and what was seen."""
    failures = []
    for item in result.results:
        if item.success:
            continue
        config = item.expectation_config
        kwargs = config.kwargs
        columns = kwargs.get("column") or ", ".join(
            str(kwargs[k]) for k in ("column_A", "column_B") if kwargs.get(k)
        ) or ", ".join(kwargs.get("column_list") or [])
        failures.append({"table": table, "expectation": config.type, "column": columns or None,
                         "observed": _observed(item)})
    return failures


def _observed(item: Any) -> str:
    if item.exception_info and item.exception_info.get("raised_exception"):
        return f"error: {item.exception_info.get('exception_message')}"
    found = item.result or {}
    if "observed_value" in found:
        return str(_plain(found["observed_value"]))
    count = found.get("unexpected_count")
    if count is None:
        return "no result"
    shown = [_plain(v) for v in (found.get("partial_unexpected_list") or [])[:_SHOWN_VALUES]]
    total = found.get("element_count")
    return f"{count}{f' of {total}' if total is not None else ''} rows unexpected, e.g. {shown}"


def _plain(value: Any) -> Any:
    """Numpy scalars, timestamps and tuples as plain JSON-friendly values."""
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


@contextmanager
def connect_candidate(lake: Lake, day: date) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only DuckDB connection to the warehouse, in UTC, once the gold tables are known to exist."""
    path = lake.warehouse_path
    if not path.exists():
        raise MissingInputError(f"{day}: no gold candidate at {path} (run dbt first)")
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        present = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        missing = [table for table in GOLD_TABLES if table not in present]
        if missing:
            raise MissingInputError(f"{day}: gold candidate {path} lacks {', '.join(missing)} (run dbt first)")
        yield con


def candidate_fingerprint(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Per gold table, its row count and an order-independent hash of its rows: equal means same content."""
    fingerprint = {}
    for table in GOLD_TABLES:
        rows, digest = con.execute(f"SELECT count(*), coalesce(sum(hash(t)), 0) FROM {table} AS t").fetchone()
        fingerprint[table] = f"{rows}:{digest}"
    return fingerprint


def _frame(con: duckdb.DuckDBPyConnection, suite: suites.Suite) -> Any:
    return con.execute(f"SELECT {', '.join(suite.columns)} FROM {suite.table}").df()
