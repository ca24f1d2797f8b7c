"""validate_quality: the gate between dbt's gold candidate and publication (write-audit-publish).

Two layers are validated with Great Expectations (an ephemeral context: suites live in code, results in the lake):
the day's silver partition and the gold candidate tables, each read with DuckDB (read-only) into pandas. Each
expectation is critical or a warning (``suites``): a critical failure fails the gate, a warning is reported and
lets the day through.

The outcome is the "validate" run summary, which ``catalog.publish`` requires to be a success *for the same
candidate*: the summary carries a fingerprint of the tables it saw, so a candidate rebuilt after validation is never
published unchecked. Beside it, whatever the outcome: ``quality/<d>/validation.json`` (the full GX results) and
``quality/<d>/data_docs/index.html`` (GX Data Docs of the same results, swapped in whole).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from job_analytics.core.errors import MissingInputError, QualityGateFailed
from job_analytics.core.lake import Lake, staged_dir, write_json_atomic
from job_analytics.core.logs import kv
from job_analytics.gold.candidate import candidate_fingerprint, connect_candidate
from job_analytics.quality import suites, where

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

_SHOWN_VALUES = 5
DOCS_SITE = "lake"


def run(settings: Settings, day: date) -> dict:
    """Validate the silver of ``day`` and the gold candidate; record the result and return the "validate" summary.

    Writes ``quality/<day>/validation.json``, ``quality/<day>/data_docs/`` and ``runs/<day>/validate.json``
    whatever the outcome; raises ``QualityGateFailed`` (with the failures) when a critical expectation fails.
    Failed warnings are listed under ``warnings`` and do not fail the gate. Idempotent.
    """
    started = time.monotonic()
    lake = Lake.from_settings(settings)
    with connect_candidate(lake, day) as con:
        baseline = silver_baseline(lake, day)
        silver_suite = suites.silver_jobs(day, baseline)
        silver = silver_frame(lake, day, silver_suite)
        fingerprint = candidate_fingerprint(con)
        fct_suite = suites.fct_job_postings(day)
        fct = _frame(con, fct_suite)
        agg_suite = suites.agg_daily_postings(fct_rows=len(fct))
        salary_suite = suites.agg_salary_by_role(min_sample=dbt_var(settings, "salary_min_sample"))
        lifecycle_suite, flow_suite = suites.fct_posting_lifecycle(), suites.agg_daily_flow()
        checks = [(silver_suite, silver), (fct_suite, fct), (agg_suite, _frame(con, agg_suite)),
                  (salary_suite, _frame(con, salary_suite)), (lifecycle_suite, _frame(con, lifecycle_suite)),
                  (flow_suite, _frame(con, flow_suite))]

    docs_dir = lake.quality_dir(day) / "data_docs"
    with staged_dir(docs_dir) as stage:
        results = validate(checks, docs_dir=stage, run_name=day.isoformat())

    found = [failure for table, result in results.items() for failure in failed_expectations(table, result)]
    failures = [f for f in found if f["severity"] == suites.CRITICAL]
    warnings = [f for f in found if f["severity"] != suites.CRITICAL]
    evaluated = sum(len(result.results) for result in results.values())
    volume = {"rows": len(silver), **baseline.as_dict()}
    outcome = {"day": day.isoformat(), "success": not failures, "evaluated": evaluated,
               "by_severity": _by_severity(results), "failed": failures, "warnings": warnings,
               "candidate": fingerprint, "volume": volume}
    write_json_atomic(lake.quality_dir(day) / "validation.json", {
        **outcome, "results": {table: result.to_json_dict() for table, result in results.items()},
    })
    summary = {**outcome, "rows": {suites.SILVER_TABLE: len(silver), "fct_job_postings": len(fct)},
               "data_docs": str(docs_dir / "index.html"), "seconds": round(time.monotonic() - started, 2)}
    lake.write_run_summary(day, "validate", summary)
    log.info("quality_gate %s", kv(day=day, success=not failures, evaluated=evaluated, failed=len(failures),
                                   warnings=len(warnings), seconds=summary["seconds"]))
    for warning in warnings:
        log.warning("quality_warning %s", kv(day=day, check=describe(warning)))
    if failures:
        detail = "; ".join(describe(f) for f in failures)
        raise QualityGateFailed(
            f"quality gate failed for {day}: {len(failures)} of {evaluated} expectations: {detail}", failures
        )
    return summary


def validate(checks: list[tuple[suites.Suite, Any]], *, docs_dir: Path | None = None,
             run_name: str | None = None) -> dict[str, Any]:
    """Run each suite on its pandas frame; ``{table: ExpectationSuiteValidationResult}``.

    ``docs_dir``: also build GX Data Docs of these results there (``index.html`` and a page per suite and
    validation; GX creates the folder). ``run_name`` names the validation run in them.

    No Checkpoint: a checkpoint runs its validation definitions on one set of batch parameters, and each table
    here is its own dataframe; failing is this stage's action, alerting is send_notifications'.
    """
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {} if docs_dir is None else {DOCS_SITE: {
        "class_name": "SiteBuilder",
        "show_how_to_buttons": False,
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }}
    context = gx.get_context(mode="ephemeral", project_config=DataContextConfig(
        # the default ephemeral config makes a temporary Data Docs folder per run, never removed
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites=sites,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),  # no tqdm bars in task logs
    ))
    source = context.data_sources.add_pandas("job_analytics")
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
    results = {}
    for suite, frame in checks:
        batch = source.add_dataframe_asset(suite.table).add_batch_definition_whole_dataframe("whole_table")
        gx_suite = context.suites.add(gx.ExpectationSuite(name=suite.table, expectations=suite.expectations))
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=f"{suite.table}_gate", data=batch, suite=gx_suite)
        )
        results[suite.table] = definition.run(batch_parameters={"dataframe": frame}, result_format="SUMMARY",
                                              run_id=run_id)
    if docs_dir is not None:
        context.build_data_docs(site_names=[DOCS_SITE])
        _drop_unused_assets(docs_dir)
    return results


def _drop_unused_assets(site: Path) -> None:
    """Delete the static files no page or stylesheet of the site names (GX copies its whole asset folder,
    3 MB of it animated GIFs no page shows); every day keeps its own site, so this adds up."""
    texts = [p.read_text(errors="replace") for p in site.rglob("*") if p.suffix in {".html", ".css", ".js"}]
    for asset in [p for p in (site / "static").rglob("*") if p.is_file() and p.suffix not in {".css", ".js"}]:
        if not any(asset.name in text for text in texts):
            asset.unlink()


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
                         "observed": _observed(item), "severity": _severity(config),
                         "expected": config.description})
    return failures


def describe(failure: dict) -> str:
    """One failure as ``<expectation> on <table>.<column>: <observed>``, plus what was expected when it says."""
    text = f"{failure['expectation']} on {where(failure)}: {failure['observed']}"
    return f"{text} (expected: {failure['expected']})" if failure.get("expected") else text


def _severity(config: Any) -> str:
    severity = getattr(config, "severity", None) or suites.CRITICAL
    return str(getattr(severity, "value", severity))


def _by_severity(results: dict[str, Any]) -> dict[str, int]:
    """How many expectations of each severity were evaluated."""
    counts: dict[str, int] = {}
    for result in results.values():
        for item in result.results:
            severity = _severity(item.expectation_config)
            counts[severity] = counts.get(severity, 0) + 1
    return counts


def _observed(item: Any) -> str:
    if item.exception_info and item.exception_info.get("raised_exception"):
        return f"error: {item.exception_info.get('exception_message')}"
    found = item.result or {}
    if "observed_value" in found:
        observed = str(_plain(found["observed_value"]))
        return f"{observed} rows" if item.expectation_config.type == "expect_table_row_count_to_be_between" else observed
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


def dbt_var(settings: Settings, name: str) -> Any:
    """A var of the dbt project (``dbt_project.yml``): what the models were built with, checked the same way."""
    import yaml

    project = yaml.safe_load((settings.dbt_project_dir / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"][name]


def _frame(con: duckdb.DuckDBPyConnection, suite: suites.Suite) -> Any:
    if suite.query:  # the suite's own read: columns derived across rows, checked row by row
        return con.execute(suite.query).df()
    return con.execute(f"SELECT {', '.join(suite.columns)} FROM {suite.table}").df()


def _silver_files(lake: Lake, day: date) -> list[str]:
    return sorted(str(path) for path in lake.silver_partition(day).glob("*.parquet"))


def silver_frame(lake: Lake, day: date, suite: suites.Suite) -> Any:
    """The day's silver partition as a pandas frame of the suite's columns (``ingest_date`` as ISO text)."""
    files = _silver_files(lake, day)
    if not files:
        raise MissingInputError(f"{day}: no silver at {lake.silver_partition(day)} (run process first)")
    columns = ", ".join("strftime(ingest_date, '%Y-%m-%d') AS ingest_date" if c == "ingest_date" else c
                        for c in suite.columns)
    with lake.duckdb_connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        # the rows' own ingest_date, not the one DuckDB would infer from the folder name (that is what is checked)
        query = f"SELECT {columns} FROM read_parquet(?, union_by_name = true, hive_partitioning = false)"
        return con.execute(query, [files]).df()


def silver_baseline(lake: Lake, day: date) -> suites.Baseline:
    """The silver row counts of the ``BASELINE_DAYS`` days before ``day`` that have a partition (Parquet
    footers only)."""
    counts = {}
    with lake.duckdb_connect() as con:
        for back in range(1, suites.BASELINE_DAYS + 1):
            earlier = day - timedelta(days=back)
            files = _silver_files(lake, earlier)
            if files:
                (rows,) = con.execute("SELECT count(*) FROM read_parquet(?)", [files]).fetchone()
                counts[earlier] = int(rows)
    return suites.Baseline(counts)
