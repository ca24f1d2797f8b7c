"""
### maintenance_dag — keeps the lake and Airflow healthy

Daily at 03:00 UTC; each task returns (and logs) what it did.

```
retention → compact_silver → checkpoint_catalog
airflow_db_clean
```

- `retention`: raw and operational partitions older than `JOB_ANALYTICS_RETENTION_DAYS` (default 90) — bronze,
  quarantine, run summaries, quality results, notifications, dashboard snapshots. Silver jobs and gold are kept.
- `compact_silver`: every silver partition with several Parquet files becomes one file, same rows, swapped in
  atomically.
- `airflow_db_clean`: `airflow db clean` of metadata older than the `airflow_db_keep_days` param (default 30).
- `checkpoint_catalog`: DuckDB CHECKPOINT of the published catalog.

`retention` and `airflow_db_clean` only report what they would delete unless
`JOB_ANALYTICS_MAINTENANCE_DRY_RUN=false`.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task

from job_analytics.core.runs import logical_day


@dag(
    dag_id="maintenance_dag",
    schedule="0 3 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "job-analytics", "retries": 1, "retry_delay": timedelta(minutes=5)},
    params={"airflow_db_keep_days": Param(30, type="integer", minimum=1,
                                          description="airflow db clean: keep this many days of metadata")},
    tags=["job-analytics", "maintenance"],
    doc_md=__doc__,
)
def maintenance_dag():
    @task(execution_timeout=timedelta(minutes=30))
    def retention(**context) -> dict:
        from job_analytics.core.settings import Settings
        from job_analytics.maintenance import retention as apply_retention

        return apply_retention(Settings(), logical_day(context))

    @task(execution_timeout=timedelta(minutes=30))
    def compact_silver() -> dict:
        from job_analytics.core.settings import Settings
        from job_analytics.maintenance import compact_silver_all

        return compact_silver_all(Settings())

    @task(execution_timeout=timedelta(minutes=30))
    def airflow_db_clean(params: dict | None = None) -> dict:
        from job_analytics.core.settings import Settings
        from job_analytics.maintenance import airflow_db_clean as clean

        return clean(int(params["airflow_db_keep_days"]), dry_run=Settings().maintenance_dry_run)

    @task(execution_timeout=timedelta(minutes=10))
    def checkpoint_catalog() -> dict:
        from job_analytics.core.settings import Settings
        from job_analytics.maintenance import checkpoint_catalog as checkpoint

        return checkpoint(Settings())

    retention() >> compact_silver() >> checkpoint_catalog()
    airflow_db_clean()


maintenance_dag()
