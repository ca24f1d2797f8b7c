"""The DAG files import cleanly and have the contract's shape (task ids, edges, schedule)."""

from __future__ import annotations

import pytest

from tests.conftest import REPO

CONTRACT_TASKS = {"scrape_jobs", "process_bronze_silver", "run_dbt_models", "validate_quality", "update_catalog",
                  "refresh_dashboard", "send_notifications"}


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    import os

    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow_home")))
    os.environ["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_dag_files_import_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert {"job_analytics_dag", "maintenance_dag"} <= set(dagbag.dag_ids)


def test_pipeline_has_the_contract_tasks_and_schedule(dagbag):
    dag = dagbag.dags["job_analytics_dag"]
    groups = {t.split(".")[0] for t in dag.task_ids}
    assert CONTRACT_TASKS <= groups
    dbt_tasks = [t for t in dag.task_ids if t.startswith("run_dbt_models.")]
    assert len(dbt_tasks) >= 3, dbt_tasks  # one task per dbt model (cosmos)
    assert dag.timetable.expression == "0 6 * * *"
    assert dag.catchup is False


def test_edges_follow_the_seed(dagbag):
    dag = dagbag.dags["job_analytics_dag"]
    down = {t.task_id: t.downstream_task_ids for t in dag.tasks}
    assert "process_bronze_silver" in down["scrape_jobs"]
    assert any(t.startswith("run_dbt_models.") for t in down["process_bronze_silver"])
    assert "update_catalog" in down["validate_quality"]
    assert "send_notifications" in down["validate_quality"]  # the fail path
    assert "refresh_dashboard" in down["update_catalog"]
    assert "send_notifications" in down["refresh_dashboard"]
    dbt_leaves = [t for t in dag.task_ids if t.startswith("run_dbt_models.") and "validate_quality" in down[t]]
    assert dbt_leaves


def test_a_failure_cannot_end_the_run_green(dagbag):
    """send_notifications runs on all_done; the watcher (one_failed, downstream of every task) fails the run."""
    dag = dagbag.dags["job_analytics_dag"]
    notify, watcher = dag.get_task("send_notifications"), dag.get_task("watcher")
    assert notify.trigger_rule == "all_done"
    assert watcher.trigger_rule == "one_failed"
    assert CONTRACT_TASKS - {"run_dbt_models"} <= watcher.upstream_task_ids
    assert any(t.startswith("run_dbt_models.") for t in watcher.upstream_task_ids)
    assert {t.task_id for t in dag.leaves} == {"watcher", "push_metrics_to_grafana"}


def test_every_task_has_retries_timeout_and_failure_alert(dagbag):
    dag = dagbag.dags["job_analytics_dag"]
    for t in dag.tasks:
        if t.task_id == "watcher":
            continue
        assert t.execution_timeout is not None, t.task_id
        assert t.on_failure_callback, t.task_id
    assert dag.get_task("scrape_jobs").retry_exponential_backoff


def test_maintenance_dag_has_retention(dagbag):
    dag = dagbag.dags["maintenance_dag"]
    assert {"retention", "compact_silver", "airflow_db_clean", "checkpoint_catalog"} <= set(dag.task_ids)
