"""run_dbt_models: build the gold *candidate* with dbt from every silver partition.

dbt writes the candidate into the warehouse (``<lake>/warehouse/candidate.duckdb``); users never read it. The
quality gate validates it and only then does ``catalog.publish`` copy it to ``gold/``. The dbt project reads
every path from the environment that :func:`dbt_env` returns, so the CLI (:func:`run`, dbt in process) and the
Airflow DAG (astronomer-cosmos, dbt per model) run the same project the same way.
"""

from __future__ import annotations

import glob
import logging
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from job_analytics.errors import MissingInputError, TransformError
from job_analytics.lake import Lake

log = logging.getLogger(__name__)

_FAILED = {"error", "fail", "runtime error"}


def dbt_env(settings: Any, day: date | None = None) -> dict[str, str]:
    """The environment the dbt project needs, every path absolute.

    ``day``: build gold as of that date (only silver partitions up to it), which a backfill needs so that a
    later partition's postings do not enter an earlier day's gold. Without it every partition is read.
    """
    lake = Lake.from_settings(settings)
    env = {
        "JOB_ANALYTICS_WAREHOUSE_PATH": str(lake.warehouse_path),
        "JOB_ANALYTICS_SILVER_GLOB": lake.silver_glob,
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir.resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if day is not None:
        env["JOB_ANALYTICS_AS_OF_DATE"] = day.isoformat()
    return env


def run(settings: Any, day: date) -> dict:
    """``dbt build`` (models and their tests) into the warehouse; returns and records the "dbt" run summary.

    Idempotent: every mart is a table rebuilt whole from silver. Raises ``MissingInputError`` when there is no
    silver yet and ``TransformError`` naming the failed nodes when a model or an error-severity test fails.
    """
    from dbt.cli.main import dbtRunner  # heavy: only when the stage runs

    lake = Lake.from_settings(settings)
    if not glob.glob(lake.silver_glob):
        raise MissingInputError(f"dbt {day}: no silver parquet under {lake.silver_glob} (run process first)")
    work_dir = lake.warehouse_path.parent
    work_dir.mkdir(parents=True, exist_ok=True)
    project_dir = settings.dbt_project_dir.resolve()
    args = [
        "build",
        "--project-dir", str(project_dir),
        "--profiles-dir", str(project_dir),
        "--target-path", str(work_dir / "target"),
        "--log-path", str(work_dir / "logs"),
        "--no-use-colors",
    ]

    started = time.monotonic()
    with _environ(dbt_env(settings, day)):
        outcome = dbtRunner().invoke(args)
    seconds = round(time.monotonic() - started, 2)

    nodes = list(getattr(outcome.result, "results", None) or [])
    by_type = [str(getattr(n.node, "resource_type", "")) for n in nodes]
    failed = [_describe(n) for n in nodes if str(n.status) in _FAILED]
    summary = {
        "day": day.isoformat(),
        "models": by_type.count("model"),
        "tests": by_type.count("test"),
        "failed": failed,
        "warned": [_describe(n) for n in nodes if str(n.status) == "warn"],
        "skipped": [n.node.name for n in nodes if str(n.status) == "skipped"],
        "seconds": seconds,
        "warehouse": str(lake.warehouse_path),
    }
    if outcome.exception is not None and not failed:
        # dbt stopped before running nodes (a parse or connection error): that is the failure to report
        failed.append({"node": "dbt", "type": "invocation", "status": "error",
                       "message": _short(str(outcome.exception))})
    lake.write_run_summary(day, "dbt", summary)
    log.info("dbt_build_done day=%s models=%d tests=%d failed=%d seconds=%.1f",
             day, summary["models"], summary["tests"], len(failed), seconds)
    if failed or not outcome.success:
        named = "; ".join(f"{f['type']} {f['node']}: {f['message']}" for f in failed) or "see the dbt log"
        raise TransformError(f"dbt build failed for {day}: {len(failed)} node(s) failed: {named} "
                             f"(log: {work_dir / 'logs' / 'dbt.log'})")
    return summary


def _describe(result: Any) -> dict:
    node = result.node
    return {"node": node.name, "type": str(node.resource_type), "status": str(result.status),
            "message": _short(result.message or "")}


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def _environ(values: Mapping[str, str]) -> Iterator[None]:
    """Apply ``values`` to ``os.environ`` for the block, then put back exactly what was there."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
