"""
### job_analytics_dag — the daily job-market pipeline

Every day at 06:00 UTC: scrape the enabled job sources into bronze, clean them into silver, build the gold
candidate with dbt (one task per model, tests included), gate it with Great Expectations, publish it to the
catalog, refresh the dashboard, and send the summary.

```
scrape_jobs → process_bronze_silver → run_dbt_models → validate_quality ─pass→ update_catalog → refresh_dashboard
                                                      │                 └fail─────────────────────────────┴→ send_notifications
                                                      └→ generate_dbt_docs (docs/dbt/ in the lake) ─────────────→ send_notifications
```

A failed quality gate publishes nothing: `update_catalog` and `refresh_dashboard` do not run, the data-quality
alert is sent, and `watcher` fails the run so it ends **failed**. Each task calls one function of the
`job_analytics` package with the run's logical date; settings come from the environment (`JOB_ANALYTICS_*`, `.env`).
The lake's bronze, silver, gold candidate and gold are Assets (`job_analytics.publish.lineage`): tasks declare what they
read and write, Airflow records asset events for silver and gold, and OpenLineage (when configured) reports them.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, TriggerRule, dag, task
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig
from cosmos.constants import ExecutionMode, InvocationMode, LoadMode, TestBehavior

from job_analytics.core.runs import logical_day, run_started
from job_analytics.core.settings import Settings
from job_analytics.gold.stage import dbt_env, dbt_target
from job_analytics.publish.lineage import dataset_uris

SETTINGS = Settings()
# The lake's main datasets as Assets: each task declares what it reads (inlets) and writes (outlets), so silver and
# gold get asset events other DAGs can be scheduled on, and the OpenLineage provider reports them as lineage.
LAKE = {name: Asset(uri) for name, uri in dataset_uris(SETTINGS).items()}


def _run(stage: str, context: dict, **options) -> dict:
    from airflow.sdk.exceptions import AirflowFailException

    from job_analytics.core.errors import ConfigError, QualityGateFailed
    from job_analytics.pipeline import run_stage

    try:
        return run_stage(stage, Settings(), logical_day(context), **options)
    except (QualityGateFailed, ConfigError) as exc:  # retrying cannot fix bad data or a bad setting
        raise AirflowFailException(str(exc)) from exc


def alert_task_failure(context: dict) -> None:
    """on_failure_callback: one alert per failed task (task, try, error, log URL)."""
    from job_analytics.report.notify import task_failed

    ti = context["ti"]
    task_failed(Settings(), logical_day(context), task_id=ti.task_id, try_number=getattr(ti, "try_number", None),
                error=str(context.get("exception") or "unknown error"), log_url=getattr(ti, "log_url", None))


default_args = {
    "owner": "job-analytics",
    "retries": SETTINGS.task_retries,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=20),
    "execution_timeout": timedelta(minutes=30),
    "on_failure_callback": alert_task_failure,
}


@dag(
    dag_id="job_analytics_dag",
    schedule="0 6 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    # The stages form a chain and the dbt models share one DuckDB file, which takes one writer at a time:
    # running one task at a time costs nothing here and rules out lock conflicts between sibling models.
    max_active_tasks=1,
    dagrun_timeout=timedelta(hours=3),
    default_args=default_args,
    tags=["job-analytics"],
    params={
        "rescrape": Param(False, type="boolean",
                          description="Fetch the sources again although the date already has a complete scrape. "
                                      "The new records are added to bronze beside the earlier ones, never instead."),
    },
    doc_md=__doc__,
)
def job_analytics_dag():
    @task(execution_timeout=timedelta(minutes=45), outlets=[LAKE["bronze"]])
    def scrape_jobs(**context) -> dict:
        # a re-run re-uses a complete scrape of the date; `rescrape` fetches again (adding to bronze)
        return _run("scrape", context, rescrape=bool(context["params"].get("rescrape", False)))

    @task(inlets=[LAKE["bronze"]], outlets=[LAKE["silver"]])
    def process_bronze_silver(**context) -> dict:
        return _run("process", context)

    run_dbt_models = DbtTaskGroup(
        group_id="run_dbt_models",
        # dbt reads silver up to the run's logical date, so a backfill builds that day's view of the world.
        # The vendored packages (dbt/packages.yml) are installed once into dbt/dbt_packages by `make setup`, the
        # image build and the stack's init (`dbt deps`, no network); each task's copy of the project links that
        # folder, so no task runs `dbt deps` (~4 s of CPU each, 18 tasks).
        project_config=ProjectConfig(
            SETTINGS.dbt_project_dir, env_vars={**dbt_env(SETTINGS), "JOB_ANALYTICS_AS_OF_DATE": "{{ ds }}"},
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name="job_analytics",
            target_name=dbt_target(SETTINGS),
            profiles_yml_filepath=SETTINGS.dbt_project_dir / "profiles.yml",
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.LOCAL, invocation_mode=InvocationMode.DBT_RUNNER
        ),
        # CUSTOM parses the project's files without running dbt, so parsing this DAG stays cheap;
        # BUILD runs each model with its tests (`dbt build --select <model>`) in one task.
        # The models build the candidate warehouse, which the gate may refuse: they emit no assets of their own.
        # Gold's asset event comes from update_catalog, once the gate has passed (LAKE above).
        render_config=RenderConfig(load_method=LoadMode.CUSTOM, test_behavior=TestBehavior.BUILD,
                                   emit_datasets=False),
    )

    @task(execution_timeout=timedelta(minutes=10), inlets=[LAKE["candidate"]])
    def generate_dbt_docs(**context) -> dict:
        """`dbt docs generate` on the candidate → `docs/dbt/` in the lake (a single-file index.html)."""
        from job_analytics.gold.stage import generate_docs

        return generate_docs(Settings(), logical_day(context))

    @task(execution_timeout=timedelta(minutes=15), inlets=[LAKE["candidate"]])
    def validate_quality(**context) -> dict:
        return _run("validate", context)

    @task(execution_timeout=timedelta(minutes=10), inlets=[LAKE["candidate"]], outlets=[LAKE["gold"]])
    def update_catalog(**context) -> dict:
        return _run("publish", context)

    @task(execution_timeout=timedelta(minutes=10), inlets=[LAKE["gold"]])
    def refresh_dashboard(**context) -> dict:
        return _run("dashboard", context)

    @task(trigger_rule=TriggerRule.ALL_DONE, retries=1, execution_timeout=timedelta(minutes=5))
    def send_notifications(**context) -> dict:
        from job_analytics.report.notify import run

        ti, dag_run = context["ti"], context["dag_run"]
        try:
            states = ti.get_task_states(dag_id=dag_run.dag_id, run_ids=[dag_run.run_id])[dag_run.run_id]
            failed = sorted(t for t, s in states.items() if s == "failed")
        except Exception:  # noqa: BLE001 - state look-up is best effort; the lake's run summaries still tell
            failed = []
        return run(Settings(), logical_day(context), failed_tasks=failed, since=run_started(dag_run))

    @task(trigger_rule=TriggerRule.ALL_DONE, retries=1, execution_timeout=timedelta(minutes=5))
    def push_metrics_to_grafana(**context) -> dict:
        """Per-run metrics to `metrics/<d>.prom` and, when configured, a Pushgateway (`grafana_cloud`)."""
        from job_analytics.report.metrics import run

        return run(Settings(), logical_day(context), since=run_started(context["dag_run"]))

    @task(trigger_rule=TriggerRule.ONE_FAILED, retries=0)
    def watcher() -> None:
        """Fails the run when any task failed: send_notifications (all_done) would otherwise end it green."""
        from airflow.sdk.exceptions import AirflowFailException

        raise AirflowFailException("a pipeline task failed; see send_notifications for what and why")

    scrape, process = scrape_jobs(), process_bronze_silver()
    validate, publish, dashboard, notify = validate_quality(), update_catalog(), refresh_dashboard(), send_notifications()
    scrape >> process >> run_dbt_models >> validate >> publish >> dashboard >> notify
    validate >> notify
    # The docs site describes the candidate; it never holds up the gate or publication, but its failure is
    # reported (send_notifications runs after it) and fails the run (watcher).
    docs = generate_dbt_docs()
    run_dbt_models >> docs >> notify
    # Metrics are reported on every outcome (a push outage is logged by metrics.run, never raised).
    [validate, dashboard] >> push_metrics_to_grafana()
    [scrape, process, run_dbt_models, docs, validate, publish, dashboard, notify] >> watcher()


dag_object = job_analytics_dag()

if __name__ == "__main__":
    # `python dags/job_analytics_dag.py` checks that the file parses and shows the task graph.
    for t in dag_object.tasks:
        print(f"{t.task_id:48s} ← {sorted(t.upstream_task_ids)}")
    print(f"{dag_object.dag_id}: {len(dag_object.tasks)} tasks, schedule {dag_object.schedule}")
