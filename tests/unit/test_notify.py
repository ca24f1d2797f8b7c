from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from job_analytics.core.lake import Lake
from job_analytics.core.settings import Settings
from job_analytics.report.notify import compose, notable_changes, quarantine_rate, run

DAY = date(2024, 1, 1)
SCRAPE = {"sources": {"demo": {"ok": True, "records": 230}, "remotive": {"ok": False, "records": 0}}}
PROCESS = {"silver_rows": 210, "quarantined": 20, "quarantined_by_reason": {"missing_id": 2, "duplicate_posting": 18}}
FAILED_GATE = {"success": False, "evaluated": 9,
               "failed": [{"expectation": "expect_column_values_to_be_in_set", "column": "country_code",
                           "observed": "1 unexpected: ['XX']"}]}


def test_success_message_has_counts_and_dashboard():
    msg = compose(DAY, {"scrape": SCRAPE, "process": PROCESS, "validate": {"success": True, "evaluated": 9},
                        "publish": {"tables": {"fct_job_postings": 210}}, "dashboard": {}}, [],
                  dashboard_url="/lake/dashboard/index.html")
    assert msg.kind == "success"
    assert "demo 230" in msg.text and "remotive 0 (failed)" in msg.text
    assert "quarantined: 20" in msg.text and "missing_id 2" in msg.text
    assert "fct_job_postings (210 rows)" in msg.text and "/lake/dashboard/index.html" in msg.text


def test_quality_failure_names_expectation_and_observed_value():
    msg = compose(DAY, {"scrape": SCRAPE, "process": PROCESS, "validate": FAILED_GATE}, ["validate_quality"],
                  dashboard_url="x")
    assert msg.kind == "quality_failure"
    assert "nothing was published" in msg.text
    assert "expect_column_values_to_be_in_set on country_code: observed 1 unexpected: ['XX']" in msg.text


def test_task_failure_without_gate_is_a_failure():
    msg = compose(DAY, {"scrape": SCRAPE}, ["process_bronze_silver"], dashboard_url="x")
    assert msg.kind == "failure" and "process_bronze_silver" in msg.text


def test_run_ignores_summaries_older_than_this_run(tmp_path):
    settings = Settings(lake_url=str(tmp_path))
    Lake(tmp_path).write_run_summary(DAY, "validate", FAILED_GATE)  # left by an earlier run of the same date
    out = run(settings, DAY, since=datetime.now(UTC) + timedelta(seconds=1), slack=None)
    written = json.loads((tmp_path / "notifications/2024-01-01/failure.json").read_text())
    assert out["kind"] == "failure" and "Quality gate: not run." in written["text"]


class _Slack:
    def __init__(self, fail: bool):
        self.fail, self.sent = fail, []

    def send(self, **kwargs):
        if self.fail:
            raise ConnectionError("slack down")
        self.sent.append(kwargs)
        return type("R", (), {"status_code": 200})()


@pytest.mark.parametrize("fail, delivered", [(False, ["file", "slack"]), (True, ["file"])])
def test_slack_outage_is_logged_not_raised(tmp_path, fail, delivered):
    slack = _Slack(fail)
    out = run(Settings(lake_url=str(tmp_path)), DAY, slack=slack)
    assert out["delivered_to"] == delivered
    assert (tmp_path / "notifications/2024-01-01/failure.json").exists()


def test_slack_webhook_receives_blocks(tmp_path, httpserver):
    httpserver.expect_request("/services/T1/B1/x", method="POST").respond_with_data("ok")
    settings = Settings(lake_url=str(tmp_path), slack_webhook_url=httpserver.url_for("/services/T1/B1/x"))
    Lake(tmp_path).write_run_summary(DAY, "validate", FAILED_GATE)
    out = run(settings, DAY)
    assert out["delivered_to"] == ["file", "slack"]
    body = json.loads(httpserver.log[0][0].get_data())
    assert body["blocks"][0]["type"] == "header" and "data-quality" in body["text"]


def test_airflow_connection_is_used_when_no_webhook_url(tmp_path, httpserver, monkeypatch):
    """The seed's `slack_webhook` connection, resolved by Airflow's Slack provider (here from the environment)."""
    httpserver.expect_request("/services/T2/B2/y", method="POST").respond_with_data("ok")
    monkeypatch.setenv("AIRFLOW_CONN_SLACK_WEBHOOK", json.dumps(
        {"conn_type": "slackwebhook", "password": httpserver.url_for("/services/T2/B2/y")}))
    out = run(Settings(lake_url=str(tmp_path), slack_webhook_url=None), DAY)
    assert out["delivered_to"] == ["file", "slack"]
    assert "run failed" in json.loads(httpserver.log[0][0].get_data())["text"]


# -- notable changes vs the day before --------------------------------------------------------------------------

OK_TODAY = {"scrape": {"sources": {"demo": {"ok": True, "records": 230}}},
            "process": {"silver_rows": 230, "quarantined": 20, "bronze_records": 250}}
SUCCESS = {**OK_TODAY, "validate": {"success": True, "evaluated": 9}, "publish": {"tables": {}}}


@pytest.mark.parametrize("today, before, expected", [
    pytest.param(OK_TODAY, {}, [], id="no-previous-day"),
    pytest.param(OK_TODAY, {"scrape": OK_TODAY["scrape"]}, [], id="previous-day-without-process"),
    pytest.param(OK_TODAY, {"process": {"silver_rows": 200, "quarantined": 16, "bronze_records": 216}},
                 ["silver rows 230 vs 200 (+15.0%)"], id="rate-moved-under-a-point"),
    pytest.param(OK_TODAY, {"process": {"silver_rows": 250, "quarantined": 0, "bronze_records": 250}},
                 ["silver rows 230 vs 250 (-8.0%)", "quarantine rate 8.0% vs 0.0% (+8.0 pts)"], id="rate-up"),
    pytest.param(OK_TODAY, {"process": {"silver_rows": 0, "quarantined": 0}},
                 ["silver rows 230 vs 0 (new)"], id="nothing-the-day-before"),
    pytest.param({"scrape": {"sources": {"demo": {"ok": True}, "remotive": {"ok": False, "records": 0}}}},
                 {"scrape": {"sources": {"demo": {"ok": True}, "remotive": {"ok": True, "records": 90}}}},
                 ["source remotive went from ok to failed"], id="source-failed"),
    pytest.param({"scrape": {"sources": {"demo": {"ok": True}, "arbeitnow": {"ok": True}}}},
                 {"scrape": {"sources": {"demo": {"ok": False}, "remotive": {"ok": True}}}},
                 ["source arbeitnow new (ok)", "source demo went from failed to ok",
                  "source remotive not scraped (was ok)"], id="sources-recovered-added-dropped"),
])
def test_notable_changes(today, before, expected):
    assert notable_changes(today, before) == expected


@pytest.mark.parametrize("process, expected", [
    ({"silver_rows": 230, "quarantined": 20, "bronze_records": 250}, 0.08),
    ({"silver_rows": 30, "quarantined": 10}, 0.25),  # no bronze count: silver + quarantined
    ({"silver_rows": 0, "quarantined": 0}, None),
])
def test_quarantine_rate(process, expected):
    assert quarantine_rate(process) == expected


def test_success_message_has_a_notable_changes_line():
    before = {"scrape": {"sources": {"demo": {"ok": False}}}, "process": {"silver_rows": 200, "quarantined": 0}}
    msg = compose(DAY, SUCCESS, [], dashboard_url="x", previous=before)
    line = "Notable changes vs the day before: silver rows 230 vs 200 (+15.0%); quarantine rate 8.0% vs 0.0% " \
           "(+8.0 pts); source demo went from failed to ok."
    assert line in msg.text and line in msg.blocks[1]["text"]["text"]


def test_no_notable_changes_line_without_a_previous_day_or_on_failure():
    assert "Notable changes" not in compose(DAY, SUCCESS, [], dashboard_url="x").text
    failed = compose(DAY, {**SUCCESS, "validate": FAILED_GATE}, [], dashboard_url="x", previous=OK_TODAY)
    assert failed.kind == "quality_failure" and "Notable changes" not in failed.text


def test_run_compares_with_the_previous_days_summaries(tmp_path):
    lake = Lake(tmp_path)
    for stage, summary in SUCCESS.items():
        lake.write_run_summary(DAY, stage, summary)
    lake.write_run_summary(date(2023, 12, 31), "process", {"silver_rows": 460, "quarantined": 40,
                                                          "bronze_records": 500})
    out = run(Settings(lake_url=str(tmp_path)), DAY, slack=None)
    written = json.loads((tmp_path / "notifications/2024-01-01/success.json").read_text())
    assert out["kind"] == "success"
    assert "Notable changes vs the day before: silver rows 230 vs 460 (-50.0%)." in written["text"]
