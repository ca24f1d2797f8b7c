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
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import httpx
import pytest
from playwright.sync_api import sync_playwright
from pytest_httpserver import HTTPServer

from job_analytics.lake import Lake
from job_analytics.lineage import dataset_uris
from job_analytics.settings import Settings
from tests.airflow_stack import Airflow, stack, stack_env
from tests.conftest import REPO, _postgres_bindir
from tests.integration.test_dag_run import bronze_records, rows
from tests.unit.silver_factory import posting, write_silver

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1500)]
DAY, BAD_DAY = "2024-01-01", "2024-01-03"
SLACK_PATH = "/services/T000/B000/stack"
ARTIFACTS = REPO / "test-artifacts" / "stack"
MONITORING = all(shutil.which(p) for p in ("prometheus", "prometheus-pushgateway"))
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
    assert status.stdout.count("healthy (pid") == 6 + (2 if MONITORING else 0), status.stdout


def test_scheduled_and_triggered_runs_succeed(deployed, airflow, timings):
    env, lake, _ = deployed
    airflow.set_paused(False)
    # The scheduler creates the latest period's run on its own (catchup off, start date long past) ...
    deadline = time.monotonic() + 120
    while not (scheduled := airflow.runs(run_type="scheduled")):
        assert time.monotonic() < deadline, "the scheduler created no run after the DAG was unpaused"
        time.sleep(1)
    # ... and a run triggered through the REST API for the demo date queues behind it (max_active_runs=1).
    triggered = airflow.trigger(DAY, "stack_demo_day")
    assert triggered["state"] == "queued"

    auto = airflow.wait_for_run(scheduled[0]["dag_run_id"])
    assert auto["state"] == "success", airflow.task_states(auto["dag_run_id"])
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
    texts = [json.loads(request.get_data())["text"] for request, _ in slack.log]
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
