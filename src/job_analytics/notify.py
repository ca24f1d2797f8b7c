"""send_notifications: tell the team what a day's run did — a success summary, a data-quality failure, or a
task failure. Each message is written to ``notifications/<d>/<kind>.json`` and logged; it also goes to Slack when
a webhook is configured (``SLACK_WEBHOOK_URL``, or the Airflow connection ``slack_webhook``). A Slack outage is
logged and never changes the pipeline's own outcome.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from job_analytics.lake import Lake, write_json_atomic

log = logging.getLogger(__name__)

STAGES = ("scrape", "process", "dbt", "validate", "publish", "dashboard")
ICONS = {"success": "✅", "quality_failure": "⚠️", "failure": "❌", "task_failure": "❌"}


@dataclass
class Message:
    kind: str  # success | quality_failure | failure | task_failure
    text: str
    blocks: list[dict]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "blocks": self.blocks}


def run(settings: Any, day: date, *, failed_tasks: list[str] | None = None, since: datetime | None = None,
        slack: Any = None) -> dict:
    """Compose the day's summary from the stages' run summaries and deliver it.

    ``since``: ignore summaries written before this instant (a re-run must not report an older run's stages).
    ``failed_tasks``: task ids that failed in this run (from the orchestrator), if any.
    """
    lake = Lake.from_settings(settings)
    summaries = _summaries(lake, day, since)
    message = compose(day, summaries, failed_tasks or [], dashboard_url=_dashboard_url(settings, lake))
    return deliver(settings, lake, day, message, slack=slack)


def compose(day: date, summaries: dict[str, dict], failed_tasks: list[str], *, dashboard_url: str) -> Message:
    """The day's message from the stages' summaries: which kind it is, its text and its Slack blocks."""
    gate = summaries.get("validate")
    if gate is not None and not gate.get("success", False):
        kind = "quality_failure"
    elif failed_tasks or "publish" not in summaries:
        kind = "failure"
    else:
        kind = "success"

    scrape, process = summaries.get("scrape") or {}, summaries.get("process") or {}
    per_source = ", ".join(
        f"{name} {info.get('records', 0)}{'' if info.get('ok', True) else ' (failed)'}"
        for name, info in sorted((scrape.get("sources") or {}).items())
    ) or "no scrape summary"
    lines = [f"Records per source: {per_source}."]
    if process:
        reasons = ", ".join(f"{r} {n}" for r, n in (process.get("quarantined_by_reason") or {}).items())
        lines.append(f"Silver rows: {process.get('silver_rows', 0)}; quarantined: {process.get('quarantined', 0)}"
                     + (f" ({reasons})" if reasons else "") + ".")
    if gate is None:
        lines.append("Quality gate: not run.")
    elif gate.get("success"):
        lines.append(f"Quality gate: passed ({gate.get('evaluated', '?')} expectations).")
    else:
        failed = gate.get("failed") or []
        lines.append(f"Quality gate: FAILED ({len(failed)} of {gate.get('evaluated', '?')} expectations); "
                     "nothing was published.")
        lines += [f"  • {f.get('expectation')} on {f.get('column') or 'table'}: observed {f.get('observed')}"
                  for f in failed[:10]]
    if "publish" in summaries:
        tables = summaries["publish"].get("tables") or {}
        lines.append("Published: " + ", ".join(f"{t} ({n} rows)" for t, n in tables.items()) + ".")
    if failed_tasks:
        lines.append("Failed tasks: " + ", ".join(failed_tasks) + ".")
    if "dashboard" in summaries:
        lines.append(f"Dashboard: {dashboard_url}")

    headline = {
        "success": f"job-analytics {day}: run succeeded",
        "quality_failure": f"job-analytics {day}: data-quality gate failed, nothing published",
        "failure": f"job-analytics {day}: run failed",
    }[kind]
    text = f"{ICONS[kind]} {headline}\n" + "\n".join(lines)
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{ICONS[kind]} {headline}"[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)[:2900]}},
    ]
    return Message(kind, text, blocks)


def task_failed(settings: Any, day: date, *, task_id: str, try_number: int | None, error: str,
                log_url: str | None = None, slack: Any = None) -> dict:
    """The alert sent by the DAG's ``on_failure_callback`` for one failed task."""
    text = (f"{ICONS['task_failure']} job-analytics {day}: task {task_id} failed (try {try_number}).\n"
            f"Error: {error[:500]}" + (f"\nLog: {log_url}" if log_url else ""))
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]
    lake = Lake.from_settings(settings)
    return deliver(settings, lake, day, Message("task_failure", text, blocks), slack=slack, name=f"task-{task_id}")


def deliver(settings: Any, lake: Lake, day: date, message: Message, *, slack: Any = None,
            name: str | None = None) -> dict:
    """Write the message to the lake, log it, and post it to Slack when configured. Never raises for Slack."""
    path = lake.notifications_dir(day) / f"{name or message.kind}.json"
    delivered = ["file"]
    client = slack if slack is not None else slack_client(settings)
    if client is not None:
        try:
            response = client.send(text=message.text, blocks=message.blocks)
            if getattr(response, "status_code", 200) >= 400:
                raise RuntimeError(f"Slack answered HTTP {response.status_code}")
            delivered.append("slack")
        except Exception as exc:  # noqa: BLE001 - an alert outage must not fail or hide the run's outcome
            log.error("slack_delivery_failed %s", json.dumps({"day": str(day), "error": type(exc).__name__}))
    write_json_atomic(path, {**message.as_dict(), "delivered_to": delivered})
    log.info("notification %s", json.dumps({"day": str(day), "kind": message.kind, "delivered_to": delivered}))
    log.info("%s", message.text)
    return {"kind": message.kind, "path": str(path), "delivered_to": delivered}


def slack_client(settings: Any) -> Any:
    """A Slack webhook client: the URL from settings, else the Airflow connection; None when neither exists."""
    if settings.slack_webhook_url is not None:
        from slack_sdk.webhook import WebhookClient

        return WebhookClient(settings.slack_webhook_url.get_secret_value(), timeout=10)
    try:
        from airflow.providers.slack.hooks.slack_webhook import SlackWebhookHook

        SlackWebhookHook.get_connection(settings.slack_conn_id)  # raises when the connection is not defined
        return SlackWebhookHook(slack_webhook_conn_id=settings.slack_conn_id, timeout=10)
    except Exception:  # noqa: BLE001 - Airflow absent or no such connection: Slack is simply not configured
        return None


def _summaries(lake: Lake, day: date, since: datetime | None) -> dict[str, dict]:
    found = {}
    for stage in STAGES:
        summary = lake.read_run_summary(day, stage)
        if summary is None:
            continue
        if since is not None and datetime.fromisoformat(summary["finished_at"]) < since:
            continue
        found[stage] = summary
    return found


def _dashboard_url(settings: Any, lake: Lake) -> str:
    if settings.dashboard_base_url:
        return settings.dashboard_base_url.rstrip("/") + "/index.html"
    return str(lake.dashboard_dir / "index.html")
