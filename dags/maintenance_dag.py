"""
### maintenance_dag — keeps the lake healthy

Daily at 03:00 UTC: retention of old raw and operational partitions (bronze, quarantine, run summaries,
quality results, notifications, dashboard snapshots) older than `JOB_ANALYTICS_RETENTION_DAYS` (default 90).
Dry-run unless `JOB_ANALYTICS_MAINTENANCE_DRY_RUN=false`: the task log and its return value list what would go.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pendulum
from airflow.sdk import dag, task


@dag(
    dag_id="maintenance_dag",
    schedule="0 3 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "job-analytics", "retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["job-analytics", "maintenance"],
    doc_md=__doc__,
)
def maintenance_dag():
    @task(execution_timeout=timedelta(minutes=30))
    def retention(**context) -> dict:
        from job_analytics.maintenance import retention as apply_retention
        from job_analytics.settings import Settings

        when = context.get("logical_date") or context["dag_run"].run_after
        return apply_retention(Settings(), when.astimezone(UTC).date())

    retention()


maintenance_dag()
