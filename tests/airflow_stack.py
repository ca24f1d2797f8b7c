"""The deployed stack for tests: `deploy/stack.sh` started on free ports in a throw-away folder, and a small client
of its REST API (token from ``/auth/token`` as the UI gets it, then ``/api/v2``)."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.conftest import BIN, REPO
from tests.ports import free_port

STACK = REPO / "deploy" / "stack.sh"
DAG_ID = "job_analytics_dag"
FINISHED = {"success", "failed"}



def stack_env(state: Path, logs: Path, lake: Path, monitoring: bool, **extra: str) -> dict[str, str]:
    """The environment `deploy/stack.sh` runs under: nobody's .env, every port free, the lake in ``lake``."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("JOB_ANALYTICS_", "AIRFLOW", "SLACK_", "OPENLINEAGE_", "POSTGRES_", "_AIRFLOW"))}
    return {
        **keep,
        "PATH": f"{BIN}:{keep.get('PATH', '')}",
        "STACK_DIR": str(state),
        "STACK_LOGS": str(logs),
        "STACK_ENV_FILE": "/dev/null",
        "AIRFLOW_WEB_PORT": str(free_port()),
        "AIRFLOW_EXECUTION_API_PORT": str(free_port()),
        "POSTGRES_PORT": str(free_port()),
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",
        "PUSHGATEWAY_PORT": str(free_port()),
        "PROMETHEUS_PORT": str(free_port()),
        "MONITORING": "1" if monitoring else "0",
        "JOB_ANALYTICS_LAKE_URL": str(lake),
        "JOB_ANALYTICS_SOURCES": "demo",
        "JOB_ANALYTICS_TASK_RETRIES": "0",
        **extra,
    }


def stack(command: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(STACK), *command.split()], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, check=False)


@dataclass
class Airflow:
    """The api-server's REST API as the UI uses it: a JWT from ``/auth/token``, then ``/api/v2``."""

    base: str
    username: str = "airflow"
    password: str = "airflow"
    client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        token = httpx.post(f"{self.base}/auth/token", json={"username": self.username, "password": self.password},
                           timeout=30)
        token.raise_for_status()
        self.client = httpx.Client(base_url=f"{self.base}/api/v2", timeout=30,
                                   headers={"Authorization": f"Bearer {token.json()['access_token']}"})

    def get(self, path: str, **params) -> dict:
        response = self.client.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def dag(self) -> dict:
        return self.get(f"/dags/{DAG_ID}")

    def wait_for_dag(self, timeout: float = 180) -> dict:
        """The DAG as soon as the dag-processor has parsed and serialized it."""
        deadline = time.monotonic() + timeout
        while True:
            response = self.client.get(f"/dags/{DAG_ID}")
            if response.status_code == 200:
                return response.json()
            if time.monotonic() > deadline:
                raise TimeoutError(f"{DAG_ID} not parsed after {timeout}s: {response.status_code} {response.text}")
            time.sleep(1)

    def set_paused(self, paused: bool) -> dict:
        response = self.client.patch(f"/dags/{DAG_ID}", json={"is_paused": paused})
        response.raise_for_status()
        return response.json()

    def trigger(self, day: str, run_id: str) -> dict:
        response = self.client.post(f"/dags/{DAG_ID}/dagRuns",
                                    json={"dag_run_id": run_id, "logical_date": f"{day}T00:00:00Z"})
        response.raise_for_status()
        return response.json()

    def runs(self, **params) -> list[dict]:
        return self.get(f"/dags/{DAG_ID}/dagRuns", limit=100, **params)["dag_runs"]

    def run(self, run_id: str) -> dict:
        return self.get(f"/dags/{DAG_ID}/dagRuns/{run_id}")

    def wait_for_run(self, run_id: str, timeout: float = 600) -> dict:
        deadline = time.monotonic() + timeout
        while (run := self.run(run_id))["state"] not in FINISHED:
            if time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} still {run['state']} after {timeout}s: {self.task_states(run_id)}")
            time.sleep(1)
        return run

    def task_states(self, run_id: str) -> dict[str, str | None]:
        tis = self.get(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances", limit=100)["task_instances"]
        return {ti["task_id"]: ti["state"] for ti in tis}

    def asset_events(self, run_id: str) -> set[str]:
        events = self.get("/assets/events", source_dag_id=DAG_ID, source_run_id=run_id, limit=100)["asset_events"]
        return {event["uri"] for event in events}

    def task_instance(self, run_id: str, task_id: str) -> dict:
        return self.get(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{task_id}")

    def clear(self, run_id: str, task_ids: list[str]) -> list[str]:
        """Clear tasks of a finished run and everything downstream, as the UI's "Clear" does; the run runs again."""
        response = self.client.post(f"/dags/{DAG_ID}/clearTaskInstances", json={
            "dry_run": False, "dag_run_id": run_id, "task_ids": task_ids, "include_downstream": True,
            "only_failed": False, "reset_dag_runs": True})
        response.raise_for_status()
        return [ti["task_id"] for ti in response.json()["task_instances"]]

    def wait_for_task(self, run_id: str, task_id: str, state: str, timeout: float = 300) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            response = self.client.get(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/{task_id}")
            if response.status_code == 200 and (ti := response.json())["state"] == state:
                return ti
            if time.monotonic() > deadline:
                raise TimeoutError(f"{task_id} of {run_id} not {state} after {timeout}s: {response.text[:500]}")
            time.sleep(0.2)


def task_process(ti_id: str) -> int | None:
    """The pid of the process running a task instance: the task runner titles itself `airflow worker -- <ti id>`."""
    title = f"airflow worker -- {ti_id}".encode()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "cmdline").read_bytes().startswith(title):
                return int(proc.name)
        except OSError:
            continue
    return None


def service_pid(env: dict[str, str], service: str) -> int:
    """The pid of a service `deploy/stack.sh` runs (under its supervisor): it leads its own session, so it names the
    process group of everything it started (the scheduler's LocalExecutor workers and their tasks)."""
    return int((Path(env["STACK_DIR"]) / "pids" / f"{service}.service.pid").read_text())


def wait_restarted(env: dict[str, str], service: str, old_pid: int, timeout: float = 120) -> int:
    """The service's supervisor started it again (a new pid) and its health check passes; returns the new pid."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid = service_pid(env, service)
        except (OSError, ValueError):
            pid = old_pid
        if pid != old_pid and subprocess.run([str(REPO / "deploy" / "entrypoint.sh"), "health", service], env=env,
                                             capture_output=True, check=False).returncode == 0:
            return pid
        if time.monotonic() > deadline:
            raise TimeoutError(f"{service} not restarted and healthy after {timeout}s")
        time.sleep(0.5)
