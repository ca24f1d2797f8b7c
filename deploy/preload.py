"""`airflow <command>` with the pipeline's heavy libraries imported first: the scheduler runs through this.

The LocalExecutor forks its worker processes from the scheduler, and each task process from a worker, so a module
imported here is imported once for the whole deployment instead of once per task. Without it every cosmos model
task imports dbt again (seconds of CPU each, a dozen times a run), validate_quality imports Great Expectations,
and so on. Nothing here opens a file, a connection or a thread: forking after it is safe.

    python deploy/preload.py scheduler      # what deploy/entrypoint.sh runs for the scheduler service
"""

from __future__ import annotations

import importlib
import logging
import sys

PRELOAD = (
    "dbt.cli.main",  # cosmos' dbtRunner invocation: the dbt CLI, its parser and the duckdb adapter
    "dbt.adapters.duckdb",
    "cosmos.operators.local",
    "great_expectations",  # validate_quality
    "duckdb",
    "pyarrow.parquet",
    "job_analytics.pipeline",
)


def main() -> int:
    # Airflow's settings first, as the `airflow` command does
    from airflow.__main__ import main as airflow_main

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a missing optional library only costs its import later
            logging.getLogger(__name__).warning("preload of %s failed: %s", name, exc)
    sys.argv = ["airflow", *sys.argv[1:]]
    return airflow_main()


if __name__ == "__main__":
    sys.exit(main())
