"""Shared fixtures: a migrated Airflow home (SQLite, or a PostgreSQL server started for the session) and a runner
for `airflow dags test` in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
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


def _airflow_env(home: Path, **extra: str) -> dict[str, str]:
    """Environment for Airflow subprocesses in ``home``, migrated; ``extra`` adds settings (e.g. the metadata DB)."""
    keep = {k: v for k, v in os.environ.items()
            if not k.startswith(("JOB_ANALYTICS_", "AIRFLOW", "SLACK_", "OPENLINEAGE_"))}
    env = {
        **keep,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        "AIRFLOW__COSMOS__CACHE_DIR": str(home / "cosmos"),
        "JOB_ANALYTICS_TASK_RETRIES": "0",
        **extra,
    }
    migrate = subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, text=True,
                             cwd=REPO, check=False)
    if migrate.returncode:
        raise RuntimeError(f"airflow db migrate failed:\n{migrate.stdout[-2000:]}\n{migrate.stderr[-3000:]}")
    return env


@pytest.fixture(scope="session")
def airflow_env(tmp_path_factory) -> dict[str, str]:
    """Environment for Airflow subprocesses: a fresh SQLite metadata DB, migrated once per test session."""
    return _airflow_env(tmp_path_factory.mktemp("airflow_home"))


def _postgres_bindir() -> Path | None:
    """The newest Debian PostgreSQL server binaries (``/usr/lib/postgresql/<major>/bin``), or any on PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and (Path(on_path).parent / "initdb").exists() else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL server on 127.0.0.1 for the session; yields the SQLAlchemy URL of an empty database.

    Debian's ``postgresql`` package provides the binaries (CI installs it); without them the tests that need the
    server are skipped. The server refuses to run as root, so as root it runs as the ``postgres`` user.
    """
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    as_user: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="job-analytics-pg-"))  # not under pytest's tmp: postgres must reach it
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(root, "postgres", "postgres")
    data, port = root / "data", _free_port()

    def pg(tool: str, *args: str) -> None:
        subprocess.run([*as_user, str(bindir / tool), *args], check=True, capture_output=True, text=True, cwd=root)

    try:
        pg("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale",
           "--no-sync")
        # fsync off and the socket in our folder: a test server, not a durable one.
        pg("pg_ctl", "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "30", "start",
           "-o", f"-h 127.0.0.1 -p {port} -k {root} -F")
    except subprocess.CalledProcessError as exc:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {exc.stderr}\n{log}") from exc
    try:
        pg("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "airflow")
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/airflow"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def airflow_env_postgres(tmp_path_factory, postgres_url) -> dict[str, str]:
    """Like ``airflow_env``, with Airflow's metadata on the session's PostgreSQL server."""
    return _airflow_env(tmp_path_factory.mktemp("airflow_home_pg"), AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgres_url)


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


# The longest test files, started first: with `pytest -n 2 --dist loadfile` (make test) each file runs whole on
# one worker, so the stack test runs beside the rest instead of after it.
LONGEST_FIRST = ("integration/test_stack.py", "integration/test_dag_run.py", "integration/test_live_sources_dag.py",
                 "integration/test_gate_bad_day.py", "integration/test_postgres_metadata.py")


def pytest_collection_modifyitems(config, items):
    def rank(item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(LONGEST_FIRST) if path.endswith(name)), len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the order inside a file, and of the other files, stays
