"""Shared fixtures: a migrated Airflow home and a runner for `airflow dags test` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@dataclass
class DagRun:
    returncode: int
    output: str
    state: str | None


@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory) -> dict[str, str]:
    """Environment for Airflow subprocesses: a fresh SQLite metadata DB, migrated once per test session."""
    home = tmp_path_factory.mktemp("airflow_home")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("JOB_ANALYTICS_", "AIRFLOW", "SLACK_"))},
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__CACHE_DIR": str(home / "cosmos"),
        "JOB_ANALYTICS_TASK_RETRIES": "0",
    }
    subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=env, check=True, capture_output=True, cwd=REPO)
    return env


def dags_test(env: dict[str, str], day: str, dag_id: str = "job_analytics_dag") -> DagRun:
    """Run ``airflow dags test <dag_id> <day>`` and read back the run's final state from the metadata DB."""
    proc = subprocess.run([str(BIN / "airflow"), "dags", "test", dag_id, day], check=False, env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    runs = subprocess.run([str(BIN / "airflow"), "dags", "list-runs", dag_id, "-o", "json"], env=env, cwd=REPO,
                          capture_output=True, text=True, check=True)
    state = None
    listing = next((line for line in runs.stdout.splitlines() if line.startswith("[")), "[]")  # skip log lines
    for run in json.loads(listing):
        if str(run.get("logical_date", "")).startswith(day):
            state = run.get("state")
    return DagRun(proc.returncode, proc.stdout + proc.stderr, state)
