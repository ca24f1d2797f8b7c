"""Email notifications against a local SMTP server (aiosmtpd) that keeps every message it receives."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest

from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.report.notify import run, task_failed
from tests.local_smtp import Inbox
from tests.ports import free_port

DAY = date(2024, 1, 1)
USER, PASSWORD = "alerts", "s3cr3t-smtp-pa55"
GATE = {"success": False, "evaluated": 9,
        "failed": [{"expectation": "expect_column_values_to_not_match_regex", "column": "title",
                    "observed": "1 unexpected: ['<script>alert(1)</script> & co']"}]}


@pytest.fixture
def smtp():
    inbox = Inbox(credentials=(USER, PASSWORD)).start()
    yield inbox
    inbox.stop()


@pytest.fixture(autouse=True)
def no_airflow_connections(monkeypatch):
    for name in ("AIRFLOW_CONN_SMTP_DEFAULT", "AIRFLOW_CONN_SLACK_WEBHOOK"):
        monkeypatch.delenv(name, raising=False)


def email_settings(tmp_path, port: int, password: str = PASSWORD, **overrides) -> Settings:
    return Settings(lake_url=str(tmp_path), smtp_host="127.0.0.1", smtp_port=port, smtp_user=USER,
                    smtp_password=password, smtp_starttls=False, email_from="pipeline@example.org",
                    email_to="team@example.org, oncall@example.org", **overrides)


def parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def test_email_has_text_and_html_with_day_and_outcome(tmp_path, smtp, caplog):
    Lake(tmp_path).write_run_summary(DAY, "validate", GATE)
    with caplog.at_level(logging.DEBUG):
        out = run(email_settings(tmp_path, smtp.port), DAY)

    assert out["kind"] == "quality_failure" and out["delivered_to"] == ["file", "email"]
    assert smtp.logins == [USER]
    assert smtp.envelopes == [("pipeline@example.org", ["team@example.org", "oncall@example.org"])]
    (message,) = smtp.messages
    assert message["Subject"] == "job-analytics 2024-01-01: data-quality gate failed, nothing published"
    assert message.get_content_type() == "multipart/alternative"
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert "['<script>alert(1)</script> & co']" in body["text/plain"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in body["text/html"]
    assert "<script>" not in body["text/html"]
    assert "nothing was published" in body["text/html"]
    written = json.loads((tmp_path / "notifications/2024-01-01/quality_failure.json").read_text())
    assert written["delivered_to"] == ["file", "email"]
    assert PASSWORD not in caplog.text


def test_dashboard_link_is_the_only_hyperlink(tmp_path, smtp):
    lake = Lake(tmp_path)
    for stage, summary in {"scrape": {"sources": {"demo": {"ok": True, "records": 3}}},
                           "validate": {"success": True, "evaluated": 9},
                           "publish": {"tables": {"fct_job_postings": 3}}, "dashboard": {}}.items():
        lake.write_run_summary(DAY, stage, summary)
    run(email_settings(tmp_path, smtp.port, dashboard_base_url="https://dash.example.org/jobs"), DAY)
    (message,) = smtp.messages
    assert message["Subject"] == "job-analytics 2024-01-01: run succeeded"
    html = parts(message)["text/html"]
    assert html.count("<a ") == 1 and 'href="https://dash.example.org/jobs/index.html"' in html


def test_task_failure_email_names_the_task(tmp_path, smtp):
    out = task_failed(email_settings(tmp_path, smtp.port), DAY, task_id="scrape_jobs", try_number=2,
                      error="boom <b>", log_url="http://airflow/log")
    assert out["delivered_to"] == ["file", "email"]
    (message,) = smtp.messages
    assert message["Subject"] == "job-analytics 2024-01-01: task scrape_jobs failed (try 2)."
    assert "Error: boom &lt;b&gt;" in parts(message)["text/html"]


@pytest.mark.parametrize("case", ["connection_refused", "wrong_password"])
def test_smtp_outage_is_logged_never_raised(tmp_path, smtp, caplog, case):
    Lake(tmp_path).write_run_summary(DAY, "validate", GATE)
    if case == "connection_refused":
        settings, error = email_settings(tmp_path, free_port()), "ConnectionRefusedError"
    else:
        settings, error = email_settings(tmp_path, smtp.port, password="wrong-" + PASSWORD), "SMTPAuthenticationError"
    with caplog.at_level(logging.DEBUG):
        out = run(settings, DAY)

    assert out["kind"] == "quality_failure" and out["delivered_to"] == ["file"]
    assert smtp.messages == []
    failures = [r.getMessage() for r in caplog.records if "email_delivery_failed" in r.getMessage()]
    assert len(failures) == 1 and error in failures[0]
    assert PASSWORD not in caplog.text


def test_airflow_smtp_default_connection_is_used_without_smtp_host(tmp_path, smtp, monkeypatch):
    """The provider's `smtp_default` connection, here from the environment (no SSL, no STARTTLS locally)."""
    monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
        "conn_type": "smtp", "host": "127.0.0.1", "port": smtp.port, "login": USER, "password": PASSWORD,
        "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "airflow@example.org"}}))
    out = run(Settings(lake_url=str(tmp_path), email_to="team@example.org"), DAY)
    assert out["delivered_to"] == ["file", "email"]
    assert smtp.logins == [USER] and smtp.envelopes == [("airflow@example.org", ["team@example.org"])]


def test_no_recipients_means_no_email(tmp_path, smtp, caplog):
    settings = email_settings(tmp_path, smtp.port).model_copy(update={"email_to": []})
    out = run(settings, DAY)
    assert out["delivered_to"] == ["file"] and smtp.messages == []
    assert "email_not_sent" in caplog.text


def test_hostile_company_in_a_warning_is_escaped_in_the_html_part(tmp_path, smtp):
    """The email's HTML is a Jinja2 template with autoescape: scraped text in any line stays inert text."""
    hostile = '<img src=x onerror="alert(1)"> GmbH'
    Lake(tmp_path).write_run_summary(DAY, "validate", {
        "success": True, "evaluated": 9,
        "warnings": [{"expectation": "expect_column_values_to_be_in_set", "column": "company", "observed": hostile}]})
    run(email_settings(tmp_path, smtp.port), DAY)
    (message,) = smtp.messages
    body = parts(message)
    assert hostile in body["text/plain"]
    assert "<img" not in body["text/html"] and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; GmbH" in body["text/html"]
    assert "<li>warning: expect_column_values_to_be_in_set on" in body["text/html"]  # a bullet line: a list item
