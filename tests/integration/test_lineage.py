"""Lineage: under `airflow dags test` on the demo, the OpenLineage provider writes one event per task start and
end to a file transport, naming the lake's datasets each task reads and writes (the Assets of the DAG)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import dags_test
from tests.integration.test_dag_run import DAY

pytestmark = pytest.mark.integration
NAMESPACE = "job-analytics-test"

#: task → (input datasets, output datasets), paths inside the lake (``job_analytics.publish.lineage.DATASETS``)
EXPECTED = {
    "scrape_jobs": (set(), {"bronze"}),
    "process_bronze_silver": ({"bronze"}, {"silver/jobs"}),
    "validate_quality": ({"warehouse/candidate.duckdb"}, set()),
    "update_catalog": ({"warehouse/candidate.duckdb"}, {"gold"}),
    "refresh_dashboard": ({"gold"}, set()),
}


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lake").resolve()


@pytest.fixture(scope="module")
def events(airflow_env, lake, tmp_path_factory) -> list[dict]:
    """Every OpenLineage event of one green demo run, read back from the file transport."""
    events_file = tmp_path_factory.mktemp("lineage") / "openlineage.jsonl"
    env = {**airflow_env, "JOB_ANALYTICS_LAKE_URL": str(lake), "JOB_ANALYTICS_SOURCES": "demo",
           "AIRFLOW__OPENLINEAGE__NAMESPACE": NAMESPACE,
           "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(
               {"type": "file", "log_file_path": str(events_file), "append": True})}
    run = dags_test(env, DAY)
    assert run.state == "success", run.output[-3000:]
    assert events_file.exists(), "no OpenLineage events were written:\n" + run.output[-3000:]
    return [json.loads(line) for line in events_file.read_text().splitlines() if line.strip()]


def task_events(events: list[dict]) -> dict[str, dict[str, dict]]:
    """task id → event type → the task's event of that type (DAG-level events are left out)."""
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for event in events:
        dag_id, _, task_id = event["job"]["name"].partition(".")
        if dag_id == "job_analytics_dag" and task_id:
            out[task_id][event["eventType"]] = event
    return out


def lake_paths(datasets: list[dict], lake: Path) -> set[str]:
    """The datasets' paths inside the lake; all of them must be local files of this lake."""
    assert all(d["namespace"] == "file" and d["name"].startswith(f"{lake}/") for d in datasets), datasets
    return {d["name"].removeprefix(f"{lake}/") for d in datasets}


def test_every_stage_reports_start_and_complete(events):
    per_task = task_events(events)
    for task_id in ["scrape_jobs", "process_bronze_silver", "validate_quality", "update_catalog",
                    "refresh_dashboard"]:
        assert {"START", "COMPLETE"} <= set(per_task[task_id]), (task_id, sorted(per_task[task_id]))
        assert per_task[task_id]["COMPLETE"]["job"]["namespace"] == NAMESPACE
    assert any(t.startswith("run_dbt_models.") for t in per_task), sorted(per_task)
    assert all(e["eventType"] != "FAIL" for e in events)


@pytest.mark.parametrize("task_id", sorted(EXPECTED))
def test_tasks_name_the_lake_datasets_they_read_and_write(events, lake, task_id):
    complete = task_events(events)[task_id]["COMPLETE"]
    inputs, outputs = EXPECTED[task_id]
    assert lake_paths(complete["inputs"], lake) == inputs
    assert lake_paths(complete["outputs"], lake) == outputs
