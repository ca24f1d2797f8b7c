"""The deployed stack end to end: `deploy/stack.sh up` (what `make stack` runs, the services of docker-compose.yml
as local processes) on Debian's PostgreSQL, then the DAG driven only through the api-server's REST API.

One stack for the module, tests in order: it comes up healthy with the airflow/airflow login; once unpaused the
scheduler creates a run by itself (catchup off, start date in the past: the latest period) and a run triggered for
the demo date succeeds task by task, with the lake's outputs, the asset events and (with Debian's
``prometheus-pushgateway`` and ``prometheus``) the run's metrics queryable in Prometheus; a bad day triggered the
same way ends failed, alerts a local Slack stand-in and publishes nothing; headless Chromium logs in to the UI and
finds the DAG and its last run's state (screenshot ``test-artifacts/stack/ui.png``). Timings go to
``test-artifacts/stack/timings.json``, service logs to ``test-artifacts/stack/logs/``.

Skipped, saying why, when PostgreSQL's server binaries are absent (CI installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import httpx
import pytest
from playwright.sync_api import sync_playwright
from pytest_httpserver import HTTPServer

from benchmarks.bronze_to_silver.generate import generate
from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.publish.lineage import dataset_uris
from job_analytics.silver.stage import run as process_day
from tests.airflow_stack import Airflow, service_pid, stack, stack_env, task_process, wait_restarted
from tests.conftest import REPO, _postgres_bindir
from tests.integration.test_dag_run import bronze_records, rows
from tests.unit.silver_factory import posting, write_silver

pytestmark = [pytest.mark.integration, pytest.mark.timeout(2400)]
# the fault day lies over a week after any other silver day: no volume baseline, so its 30,000 rows pass the gate
DAY, BAD_DAY, FAULT_DAY = "2024-01-01", "2024-01-03", "2024-01-20"
FAULT_RECORDS = 30_000  # enough that the silver map takes seconds: the kill lands mid-write
SLACK_PATH = "/services/T000/B000/stack"
ARTIFACTS = REPO / "test-artifacts" / "stack"
MONITORING = all(shutil.which(p) for p in ("prometheus", "prometheus-pushgateway"))
SERVICES = 6 + (2 if MONITORING else 0)  # postgres, the five Airflow services, and the monitoring ones
CHROMIUM = next((path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Every task of a green run, and what each ends as (watcher only runs when something failed).
GREEN = {"scrape_jobs", "process_bronze_silver", "generate_dbt_docs", "validate_quality", "update_catalog",
         "refresh_dashboard", "send_notifications", "push_metrics_to_grafana"}

if _postgres_bindir() is None:
    pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)", allow_module_level=True)


@pytest.fixture(scope="module")
def timings() -> dict:
    found: dict = {}
    yield found
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "timings.json").write_text(json.dumps(found, indent=2) + "\n")


@pytest.fixture(scope="module")
def slack():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request(SLACK_PATH, method="POST").respond_with_data("ok")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployed(slack, timings):
    """The stack, up; yields (its environment, the lake). Stopped by pid (`deploy/stack.sh down`) whatever happens."""
    # Not under pytest's private tmp: the PostgreSQL server runs as `postgres` and must reach its data directory.
    state = Path(tempfile.mkdtemp(prefix="job-analytics-stack-"))
    state.chmod(0o755)
    lake = state / "lake"
    logs = ARTIFACTS / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    env = stack_env(state / "state", logs, lake, MONITORING, SLACK_WEBHOOK_URL=f"{slack.url_for(SLACK_PATH)}")
    started = time.monotonic()
    try:
        up = stack("up", env)
        timings["stack_up_to_healthy_seconds"] = round(time.monotonic() - started, 1)
        assert up.returncode == 0, up.stdout + up.stderr
        yield env, lake, up.stdout
    finally:
        down = stack("down", env, timeout=180)
        print(down.stdout, down.stderr)
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture(scope="module")
def airflow(deployed) -> Airflow:
    env, _, _ = deployed
    return Airflow(f"http://127.0.0.1:{env['AIRFLOW_WEB_PORT']}")


def test_stack_comes_up_healthy_and_the_login_works(deployed, airflow):
    env, _, output = deployed
    assert f"http://localhost:{env['AIRFLOW_WEB_PORT']}" in output and "login airflow" in output
    for service in ["postgres", "apiserver", "webserver", "scheduler", "dag-processor", "triggerer"]:
        assert f"{service} " in output and "healthy after" in output, output
    health = httpx.get(f"{airflow.base}/api/v2/monitor/health", timeout=30).json()
    assert {health[k]["status"] for k in ("metadatabase", "scheduler", "triggerer", "dag_processor")} == {"healthy"}
    # A wrong password gets no token.
    assert httpx.post(f"{airflow.base}/auth/token", json={"username": "airflow", "password": "nope"},
                      timeout=30).status_code in (401, 403)
    dag = airflow.wait_for_dag()
    assert dag["is_paused"] is True  # paused at creation, as users find it
    status = stack("status", env)
    assert healthy_services(status.stdout) == SERVICES, status.stdout


def test_scheduled_and_triggered_runs_succeed(deployed, airflow, timings):
    env, lake, _ = deployed
    airflow.set_paused(False)
    # The scheduler creates the latest period's run on its own (catchup off, start date long past) ...
    deadline = time.monotonic() + 120
    while not (scheduled := airflow.runs(run_type="scheduled")):
        assert time.monotonic() < deadline, "the scheduler created no run after the DAG was unpaused"
        time.sleep(1)
    auto = airflow.wait_for_run(scheduled[0]["dag_run_id"])
    assert auto["state"] == "success", airflow.task_states(auto["dag_run_id"])

    # PostgreSQL, the metadata database, restarts between two runs: the Airflow services that lost their
    # connection exit and their supervisors start them again (compose's `restart: always`) ...
    assert stack("stop postgres", env).returncode == 0
    restarted = stack("start postgres", env)
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    deadline = time.monotonic() + 180
    while healthy_services(status := stack("status", env).stdout) < SERVICES or not healthy(airflow):
        assert time.monotonic() < deadline, f"the stack did not recover from PostgreSQL's restart:\n{status}"
        time.sleep(1)
    # ... and the next run, triggered through the REST API for the demo date, succeeds.
    triggered = airflow.trigger(DAY, "stack_demo_day")
    assert triggered["state"] == "queued"
    run = airflow.wait_for_run("stack_demo_day")
    assert run["state"] == "success", airflow.task_states("stack_demo_day")
    timings["triggered_run_seconds"] = run["duration"]
    timings["scheduled_run_seconds"] = auto["duration"]

    states = airflow.task_states("stack_demo_day")
    dbt = {t: s for t, s in states.items() if t.startswith("run_dbt_models.")}
    assert len(dbt) >= 5 and set(dbt.values()) == {"success"}, dbt
    assert {t: states[t] for t in GREEN} == dict.fromkeys(GREEN, "success")
    assert states["watcher"] == "skipped"

    bronze = bronze_records(lake, DAY)
    silver = rows(f"{lake}/silver/jobs/ingest_date={DAY}/*.parquet")
    quarantined = rows(f"{lake}/silver/quarantine/ingest_date={DAY}/*.parquet")
    assert bronze >= 200 and bronze == silver + quarantined
    with duckdb.connect(str(lake / "catalog/job_analytics.duckdb"), read_only=True) as con:
        assert con.sql("select count(*) from fct_job_postings").fetchone()[0] == silver
        assert con.sql("select sum(postings) from agg_daily_postings").fetchone()[0] == silver
    assert (lake / f"dashboard/{DAY}.html").exists() and (lake / f"notifications/{DAY}/success.json").exists()

    uris = dataset_uris(Settings(lake_url=str(lake)))
    assert {uris["silver"], uris["gold"]} <= airflow.asset_events("stack_demo_day")

    if MONITORING:
        query = f'job_analytics_silver_rows{{day="{DAY}"}}'
        prometheus = f"http://127.0.0.1:{env['PROMETHEUS_PORT']}/api/v1/query"
        ended = time.monotonic()
        deadline = ended + 60
        while True:
            result = httpx.get(prometheus, params={"query": query}, timeout=10).json()["data"]["result"]
            # the day's metrics, pushed by this run (a scheduled run pushes its own day's group)
            if result and float(result[0]["value"][1]) == silver:
                break
            assert time.monotonic() < deadline, result
            time.sleep(0.5)
        timings["metrics_in_prometheus_after_run_seconds"] = round(time.monotonic() - ended, 1)
        gate = httpx.get(prometheus, params={"query": f'job_analytics_quality_gate_passed{{day="{DAY}"}}'},
                         timeout=10).json()["data"]["result"]
        assert float(gate[0]["value"][1]) == 1


def healthy_services(status: str) -> int:
    """How many services `deploy/stack.sh status` lists as healthy."""
    return sum(1 for line in status.splitlines() if line.split()[1:2] == ["healthy"])


def healthy(airflow: Airflow) -> bool:
    try:
        health = httpx.get(f"{airflow.base}/api/v2/monitor/health", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        return False
    return all(health.get(k, {}).get("status") == "healthy" for k in ("metadatabase", "scheduler"))


def silver_rows(lake: Path, day: str) -> list[tuple]:
    """The day's silver and quarantine rows, in a stable order."""
    out = []
    for table in ("jobs", "quarantine"):
        found = duckdb.sql(f"select * from read_parquet('{lake}/silver/{table}/ingest_date={day}/*.parquet')")
        out.append(sorted(found.fetchall(), key=repr))
    return out


def test_killed_silver_write_and_killed_scheduler_still_yield_the_undisturbed_rows(deployed, airflow):
    """Faults as production meets them, in one run of a bigger day. The task process of process_bronze_silver is
    SIGKILLed while its staged silver partition is being written: no partial partition is ever visible, and the
    re-run (cleared through the REST API, as an operator does) writes exactly the rows an undisturbed run writes.
    During that re-run the scheduler's whole process group (its LocalExecutor workers and the task they run) is
    SIGKILLed and restarted: the new scheduler resets the orphaned task and the run completes."""
    env, lake, _ = deployed
    generate(lake, date.fromisoformat(FAULT_DAY), FAULT_RECORDS)  # bronze the scrape finds complete: a long map
    silver = lake / "silver" / "jobs"
    final = silver / f"ingest_date={FAULT_DAY}"

    airflow.trigger(FAULT_DAY, "stack_fault_day")
    ti = airflow.wait_for_task("stack_fault_day", "process_bronze_silver", "running")
    deadline = time.monotonic() + 300
    while not (pid := task_process(ti["id"])):
        assert time.monotonic() < deadline, "no process runs process_bronze_silver"
        time.sleep(0.05)
    while not list(silver.glob(f".ingest_date={FAULT_DAY}.staging-*")):  # the staged write has begun
        assert time.monotonic() < deadline and not final.exists(), "the write was never seen under way"
        time.sleep(0.002)
    os.kill(pid, signal.SIGKILL)
    assert not final.exists(), "a partial silver partition is visible"
    run = airflow.wait_for_run("stack_fault_day")
    assert run["state"] == "failed"
    assert airflow.task_states("stack_fault_day")["process_bronze_silver"] == "failed"
    assert not final.exists() and list(silver.glob(f".ingest_date={FAULT_DAY}.staging-*"))  # hidden, left over

    cleared = airflow.clear("stack_fault_day", ["process_bronze_silver"])
    assert "process_bronze_silver" in cleared and "update_catalog" in cleared
    # While a dbt model runs, the scheduler dies with its workers, and is restarted.
    deadline = time.monotonic() + 300
    while not any(s == "running" for t, s in airflow.task_states("stack_fault_day").items()
                  if t.startswith("run_dbt_models.")):
        assert time.monotonic() < deadline, airflow.task_states("stack_fault_day")
        time.sleep(0.2)
    killed = service_pid(env, "scheduler")
    os.killpg(killed, signal.SIGKILL)  # as a container dies: the scheduler, its workers, the task they run
    wait_restarted(env, "scheduler", killed)  # by its supervisor, as compose's `restart: always`
    run = airflow.wait_for_run("stack_fault_day", timeout=900)
    assert run["state"] == "success", airflow.task_states("stack_fault_day")

    assert not list(silver.glob(".ingest_date=*")), "a staging folder was left behind"
    got = silver_rows(lake, FAULT_DAY)
    assert bronze_records(lake, FAULT_DAY) == len(got[0]) + len(got[1]) > FAULT_RECORDS
    # The undisturbed run: the same day processed once, in this process, on a copy of the lake.
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "lake"
        shutil.copytree(lake, copy, ignore=shutil.ignore_patterns("catalog", "warehouse", "dashboard", "docs"))
        process_day(Settings(lake_url=str(copy), sources="demo"), date.fromisoformat(FAULT_DAY))
        assert silver_rows(copy, FAULT_DAY) == got


def published(lake: Path) -> dict[str, bytes]:
    paths = [*lake.glob("gold/*/*"), lake / "catalog/job_analytics.duckdb", lake / "dashboard/index.html"]
    return {str(p.relative_to(lake)): p.read_bytes() for p in sorted(paths) if p.is_file()}


def test_bad_day_fails_alerts_and_publishes_nothing(deployed, airflow, slack):
    _, lake, _ = deployed
    before = published(lake)
    # A faulty silver day no run has modelled yet (as in test_dag_run.py): the next day's run appends it to gold.
    write_silver(Lake(lake), date(2024, 1, 2), [
        posting("bad-1", source="remotive", ingest_date=date(2024, 1, 2), country_code="XX"),
        posting("bad-2", source="remotive", ingest_date=date(2024, 1, 2), salary_annual_usd_min=9e8,
                salary_annual_usd_max=9e8),
    ])
    slack.clear_log()

    airflow.trigger(BAD_DAY, "stack_bad_day")
    run = airflow.wait_for_run("stack_bad_day")
    assert run["state"] == "failed"
    states = airflow.task_states("stack_bad_day")
    assert states["validate_quality"] == "failed"
    assert states["update_catalog"] == states["refresh_dashboard"] == "upstream_failed"
    assert states["send_notifications"] == "success"  # the alert went out
    assert states["watcher"] == "failed"  # and the watcher failed the run

    assert published(lake) == before, "the gate failed but published files changed"
    assert not (lake / f"runs/{BAD_DAY}/publish.json").exists()
    texts = [json.loads(request.get_data())["text"] for request, _ in slack.log
             if request.method == "POST" and request.path == SLACK_PATH]
    quality = [t for t in texts if "data-quality gate failed" in t]
    assert quality and "country_code" in quality[0] and "XX" in quality[0], texts


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (CI installs Debian's chromium)")
def test_ui_login_shows_the_dag_and_its_last_run(deployed, airflow, tmp_path):
    with sync_playwright() as playwright:
        # Playwright passes a fresh --user-data-dir of its own to every launch
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{airflow.base}/", wait_until="networkidle")
            page.locator("input[name=username]").fill("airflow")
            page.locator("input[name=password]").fill("airflow")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/auth/login" not in url, timeout=60_000)
            page.goto(f"{airflow.base}/dags/job_analytics_dag/runs", wait_until="networkidle")
            page.get_by_text("job_analytics_dag").first.wait_for(timeout=60_000)
            page.get_by_text("stack_bad_day").first.wait_for(timeout=60_000)  # the last run, listed with its state
            body = page.locator("body").inner_text()
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "ui.png"), full_page=True)
        finally:
            browser.close()
    assert "job_analytics_dag" in body
    assert "failed" in body.lower() and "success" in body.lower(), body[:2000]
