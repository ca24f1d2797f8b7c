"""The real DAG's alerts under `airflow dags test` on the demo data: email to a local SMTP server (aiosmtpd) and
metrics to a local Pushgateway stand-in (pytest-httpserver), configured only through the environment.

Then the same day with both servers stopped: the run still succeeds, each outage is logged, and the day's
notification is still written to the lake.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tests.conftest import dags_test
from tests.local_smtp import Inbox

pytestmark = pytest.mark.integration
DAY = "2024-01-01"
PUSH_PATH = f"/metrics/job/job_analytics/day/{DAY}"


@pytest.fixture
def smtp():
    inbox = Inbox().start()
    yield inbox
    inbox.stop()


@pytest.fixture
def pushgateway():
    server = HTTPServer(host="127.0.0.1", port=0)
    server.expect_request(PUSH_PATH, method="PUT").respond_with_data("", status=200)
    server.start()
    yield server
    if server.is_running():
        server.stop()


def alert_env(airflow_env: dict[str, str], lake: Path, smtp_port: int, push_url: str) -> dict[str, str]:
    return {
        **airflow_env,
        "JOB_ANALYTICS_LAKE_URL": str(lake),
        "JOB_ANALYTICS_SOURCES": "demo",
        "JOB_ANALYTICS_SMTP_HOST": "127.0.0.1",
        "JOB_ANALYTICS_SMTP_PORT": str(smtp_port),
        "JOB_ANALYTICS_SMTP_STARTTLS": "false",
        "JOB_ANALYTICS_SMTP_TIMEOUT_SECONDS": "5",
        "JOB_ANALYTICS_EMAIL_FROM": "pipeline@example.org",
        "JOB_ANALYTICS_EMAIL_TO": "team@example.org",
        "JOB_ANALYTICS_METRICS_PUSH_URL": push_url,
        "JOB_ANALYTICS_METRICS_TIMEOUT_SECONDS": "5",
    }


def parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def test_success_email_and_metrics_push(airflow_env, tmp_path, smtp, pushgateway):
    lake = tmp_path / "lake"
    run = dags_test(alert_env(airflow_env, lake, smtp.port, pushgateway.url_for("/")), DAY)
    assert run.state == "success", run.output[-3000:]

    assert len(smtp.messages) == 1, [m["Subject"] for m in smtp.messages]
    (message,) = smtp.messages
    assert message["Subject"] == f"job-analytics {DAY}: run succeeded"
    assert message["To"] == "team@example.org"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert "Silver rows" in body["text/plain"] and "Silver rows" in body["text/html"]

    pushes = [(request.method, request.path, request.get_data(as_text=True)) for request, _ in pushgateway.log]
    assert [(method, path) for method, path, _ in pushes] == [("PUT", PUSH_PATH)]
    metrics = pushes[0][2]
    for name in ("job_analytics_silver_rows", "job_analytics_source_records{source=\"demo\"}",
                 "job_analytics_quality_gate_passed 1.0", "job_analytics_published 1.0"):
        assert name in metrics, metrics

    sent = json.loads((lake / f"notifications/{DAY}/success.json").read_text())
    assert sent["delivered_to"] == ["file", "email"]


def test_alert_outages_do_not_change_the_outcome(airflow_env, tmp_path, smtp, pushgateway):
    smtp.stop()
    pushgateway.stop()
    lake = tmp_path / "lake"

    run = dags_test(alert_env(airflow_env, lake, smtp.port, pushgateway.url_for("/")), DAY)
    assert run.state == "success", run.output[-3000:]

    assert smtp.messages == []
    sent = json.loads((lake / f"notifications/{DAY}/success.json").read_text())
    assert sent["kind"] == "success" and sent["delivered_to"] == ["file"]  # the lake copy is still written
    assert (lake / f"metrics/{DAY}.prom").exists()  # and so is the metrics file
    assert "email_delivery_failed" in run.output, run.output[-3000:]
    assert "metrics_push_failed" in run.output, run.output[-3000:]
