"""scripts/init_connections.py against a real (migrated SQLite) Airflow metadata database."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import BIN, REPO

pytestmark = pytest.mark.integration

SCRIPT = REPO / "scripts" / "init_connections.py"
CONFIG = REPO / "config" / "connections.yaml"

SECRETS = {
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/slack-secret-4c1d9e",
    "JOB_ANALYTICS_SMTP_PASSWORD": "smtp-secret-8b2f11",
    "JOB_ANALYTICS_METRICS_PUSH_PASSWORD": "metrics-secret-77ae03",
}
SETTINGS = {
    "AWS_DEFAULT_REGION": "eu-central-1",
    "JOB_ANALYTICS_SMTP_HOST": "smtp.example.org",
    "JOB_ANALYTICS_SMTP_USER": "mailer",
    "JOB_ANALYTICS_EMAIL_FROM": "pipeline@example.org",
}


@pytest.fixture
def env(airflow_env, tmp_path) -> dict[str, str]:
    """A private copy of the session's migrated Airflow home, so these connections reach no other test."""
    home = tmp_path / "airflow_home"
    source = Path(airflow_env["AIRFLOW_HOME"])
    shutil.copytree(source, home, ignore=shutil.ignore_patterns("logs", "cosmos"))
    return {**airflow_env, "AIRFLOW_HOME": str(home),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}"}


def init_connections(env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, str(SCRIPT), str(CONFIG)], check=False, env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def outcomes(proc: subprocess.CompletedProcess) -> dict[str, str]:
    return {m.group(2): m.group(1) for m in re.finditer(r"^(created|updated|unchanged|skipped)\s+(\S+)",
                                                        proc.stdout, re.MULTILINE)}


def get(env: dict[str, str], conn_id: str) -> dict | None:
    proc = subprocess.run([str(BIN / "airflow"), "connections", "get", conn_id, "-o", "json"], check=False,
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return None
    listing = next((line for line in proc.stdout.splitlines() if line.startswith("[")), "[]")
    rows = json.loads(listing)
    return rows[0] if rows else None


def assert_no_secret(*procs: subprocess.CompletedProcess) -> None:
    for proc in procs:
        for name, secret in SECRETS.items():
            assert secret not in proc.stdout + proc.stderr, f"{name}'s value was printed"


def test_create_then_update_is_idempotent_and_never_prints_secrets(env):
    first = init_connections({**env, **SETTINGS, **SECRETS})
    assert outcomes(first) == {"aws_default": "created", "slack_webhook": "created", "smtp_default": "created",
                               "grafana_cloud": "skipped"}
    assert "JOB_ANALYTICS_METRICS_PUSH_URL" in first.stdout  # the skip names the missing variable

    again = init_connections({**env, **SETTINGS, **SECRETS})
    assert set(outcomes(again).values()) == {"unchanged", "skipped"}

    rotated = {**SECRETS, "SLACK_WEBHOOK_URL": SECRETS["SLACK_WEBHOOK_URL"] + "-rotated"}
    third = init_connections({**env, **SETTINGS, **rotated, "AWS_DEFAULT_REGION": "us-west-2",
                              "JOB_ANALYTICS_METRICS_PUSH_URL": "https://push.example.org"})
    assert outcomes(third) == {"aws_default": "updated", "slack_webhook": "updated", "smtp_default": "unchanged",
                               "grafana_cloud": "created"}
    assert_no_secret(first, again, third)

    aws, slack, smtp, grafana = (get(env, c) for c in ("aws_default", "slack_webhook", "smtp_default",
                                                       "grafana_cloud"))
    assert aws["conn_type"] == "aws" and aws["extra_dejson"] == {"region_name": "us-west-2"}
    assert slack["conn_type"] == "slackwebhook" and slack["password"] == rotated["SLACK_WEBHOOK_URL"]
    assert (smtp["host"], str(smtp["port"]), smtp["login"], smtp["password"]) == (
        "smtp.example.org", "587", "mailer", SECRETS["JOB_ANALYTICS_SMTP_PASSWORD"])
    # The CLI's JSON renders nested values as text; the stored extra keeps the boolean.
    assert smtp["extra_dejson"] == {"from_email": "pipeline@example.org", "disable_ssl": "True"}
    assert (grafana["conn_type"], grafana["host"], grafana["password"]) == (
        "http", "https://push.example.org", SECRETS["JOB_ANALYTICS_METRICS_PUSH_PASSWORD"])


def test_without_secrets_only_the_connections_needing_none_are_created(env):
    proc = init_connections(env)
    assert outcomes(proc) == {"aws_default": "created", "slack_webhook": "skipped", "smtp_default": "skipped",
                              "grafana_cloud": "skipped"}
    assert get(env, "slack_webhook") is None
    assert get(env, "aws_default")["extra_dejson"] == {"region_name": "us-east-1"}


def test_connections_file_holds_placeholders_not_secrets():
    connections = yaml.safe_load(CONFIG.read_text())["connections"]
    assert set(connections) == {"aws_default", "slack_webhook", "smtp_default", "grafana_cloud"}
    for conn_id, spec in connections.items():
        for name in ("login", "password"):
            if name in spec:
                assert re.fullmatch(r"\$\{[A-Z0-9_]+(:-)?\}", spec[name]), f"{conn_id}.{name} is not a placeholder"
