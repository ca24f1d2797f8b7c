"""send_notifications: tell the team what a day's run did — a success summary, a data-quality failure, or a
task failure. Each message is written to ``notifications/<d>/<kind>.json`` and logged; it also goes to Slack when
a webhook is configured (``SLACK_WEBHOOK_URL``, or the Airflow connection ``slack_webhook``) and by email when SMTP
is configured (``JOB_ANALYTICS_SMTP_HOST``, or the Airflow connection ``smtp_default``) and ``EMAIL_TO`` names
recipients. The email carries the same content as plain text and as HTML (``report/templates/email.html.j2``,
autoescaped: every line is escaped). A Slack or SMTP
outage is logged and never changes the pipeline's own outcome.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

from job_analytics.core.lake import Lake, write_json_atomic
from job_analytics.core.logs import kv
from job_analytics.quality import where
from job_analytics.report.templating import environment

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

ICONS = {"success": "✅", "quality_failure": "⚠️", "failure": "❌", "task_failure": "❌"}


@dataclass
class Message:
    kind: str  # success | quality_failure | failure | task_failure
    text: str
    blocks: list[dict]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "blocks": self.blocks}


def run(settings: Settings, day: date, *, failed_tasks: list[str] | None = None, since: datetime | None = None,
        slack: Any = None) -> dict:
    """Compose the day's summary from the stages' run summaries and deliver it.

    ``since``: ignore summaries written before this instant (a re-run must not report an older run's stages).
    ``failed_tasks``: task ids that failed in this run (from the orchestrator), if any.
    """
    lake = Lake.from_settings(settings)
    summaries = lake.run_summaries(day, since)
    previous = lake.run_summaries(day - timedelta(days=1))  # the day before, whatever run wrote it
    message = compose(day, summaries, failed_tasks or [], dashboard_url=_dashboard_url(settings, lake),
                      previous=previous)
    return deliver(settings, lake, day, message, slack=slack)


def compose(day: date, summaries: dict[str, dict], failed_tasks: list[str], *, dashboard_url: str,
            previous: dict[str, dict] | None = None) -> Message:
    """The day's message from the stages' summaries: which kind it is, its text and its Slack blocks.

    ``previous``: the day before's summaries; a success message then says what changed notably since.
    """
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
    lines += gate_lines(gate)
    if "publish" in summaries:
        tables = summaries["publish"].get("tables") or {}
        lines.append("Published: " + ", ".join(f"{t} ({n} rows)" for t, n in tables.items()) + ".")
    if failed_tasks:
        lines.append("Failed tasks: " + ", ".join(failed_tasks) + ".")
    changes = notable_changes(summaries, previous or {}) if kind == "success" else []
    if changes:
        lines.append("Notable changes vs the day before: " + "; ".join(changes) + ".")
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


def gate_lines(gate: dict | None) -> list[str]:
    """The quality gate's result: passed or FAILED, then each failed critical expectation and each warning
    (expectation, table.column, observed value; ten of each at most)."""
    if gate is None:
        return ["Quality gate: not run."]
    evaluated = gate.get("evaluated", "?")
    failed, warnings = gate.get("failed") or [], gate.get("warnings") or []
    with_warnings = f" with {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    if gate.get("success"):
        lines = [f"Quality gate: passed{with_warnings} ({evaluated} expectations)."]
    else:
        lines = [(f"Quality gate: FAILED ({len(failed)} of {evaluated} expectations){with_warnings}; "
                 "nothing was published.")]
        lines += [f"  • {f.get('expectation')} on {where(f)}: observed {f.get('observed')}" for f in failed[:10]]
    lines += [f"  • warning: {f.get('expectation')} on {where(f)}: observed {f.get('observed')}"
              for f in warnings[:10]]
    if (failed or warnings) and gate.get("data_docs"):
        lines.append(f"Data Docs: {gate['data_docs']}")
    return lines


QUARANTINE_RATE_STEP = 0.01  # a quarantine rate moving by less than one percentage point is not news


def notable_changes(today: dict[str, dict], before: dict[str, dict]) -> list[str]:
    """What moved between two days' run summaries, as short phrases (empty when the day before is unknown).

    Silver rows always (with the change in %), the quarantine rate when it moved by a point or more, and
    every source whose status flipped (ok → failed, failed → ok) or that appeared or vanished.
    """
    changes = []
    process, process_before = today.get("process") or {}, before.get("process") or {}
    if process and process_before:
        rows, rows_before = int(process.get("silver_rows", 0)), int(process_before.get("silver_rows", 0))
        change = f"{(rows - rows_before) / rows_before:+.1%}" if rows_before else "new"
        changes.append(f"silver rows {rows:,} vs {rows_before:,} ({change})")
        rate, rate_before = quarantine_rate(process), quarantine_rate(process_before)
        if rate is not None and rate_before is not None and abs(rate - rate_before) >= QUARANTINE_RATE_STEP:
            changes.append(f"quarantine rate {rate:.1%} vs {rate_before:.1%} "
                           f"({(rate - rate_before) * 100:+.1f} pts)")
    sources = (today.get("scrape") or {}).get("sources") or {}
    sources_before = (before.get("scrape") or {}).get("sources") or {}
    if sources and sources_before:
        for name in sorted(set(sources) | set(sources_before)):
            if name not in sources:
                changes.append(f"source {name} not scraped (was {_status(sources_before[name])})")
            elif name not in sources_before:
                changes.append(f"source {name} new ({_status(sources[name])})")
            elif _status(sources[name]) != _status(sources_before[name]):
                changes.append(f"source {name} went from {_status(sources_before[name])} to {_status(sources[name])}")
    return changes


def quarantine_rate(process: dict) -> float | None:
    """Quarantined rows / bronze records (silver + quarantined when bronze is not recorded), as in the metrics."""
    quarantined = int(process.get("quarantined", 0))
    seen = process.get("bronze_records") or (int(process.get("silver_rows", 0)) + quarantined)
    return quarantined / seen if seen else None


def _status(info: dict) -> str:
    return "ok" if info.get("ok", True) else "failed"


def task_failed(settings: Settings, day: date, *, task_id: str, try_number: int | None, error: str,
                log_url: str | None = None, slack: Any = None) -> dict:
    """The alert sent by the DAG's ``on_failure_callback`` for one failed task."""
    text = (f"{ICONS['task_failure']} job-analytics {day}: task {task_id} failed (try {try_number}).\n"
            f"Error: {error[:500]}" + (f"\nLog: {log_url}" if log_url else ""))
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}]
    lake = Lake.from_settings(settings)
    return deliver(settings, lake, day, Message("task_failure", text, blocks), slack=slack, name=f"task-{task_id}")


def deliver(settings: Settings, lake: Lake, day: date, message: Message, *, slack: Any = None,
            name: str | None = None) -> dict:
    """Write the message to the lake, log it, post it to Slack and email it when configured.

    Never raises for Slack or SMTP: a failed channel is logged (error type only, no secrets) and left out of
    ``delivered_to``.
    """
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
            log.error("slack_delivery_failed %s", kv(day=day, error=type(exc).__name__))
    server = smtp_server(settings)
    if server is not None:
        try:
            send_email(server, compose_email(message, sender=server.sender, recipients=server.recipients))
            delivered.append("email")
        except Exception as exc:  # noqa: BLE001 - same rule as Slack
            log.error("email_delivery_failed %s", kv(day=day, host=f"{server.host}:{server.port}",
                                                     error=type(exc).__name__))
    write_json_atomic(path, {**message.as_dict(), "delivered_to": delivered})
    log.info("notification %s", kv(day=day, kind=message.kind, delivered_to=delivered))
    log.info("%s", message.text)
    return {"kind": message.kind, "path": str(path), "delivered_to": delivered}


def slack_client(settings: Settings) -> Any:
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


# -- email ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to send email; ``repr`` never shows the password."""

    host: str
    port: int
    sender: str
    recipients: list[str]
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    ssl: bool = False  # implicit TLS (port 465); only the Airflow connection turns it on
    timeout: float = 10.0

    def __repr__(self) -> str:
        return f"SmtpServer({self.host}:{self.port}, user={self.user!r}, recipients={len(self.recipients)})"


def smtp_server(settings: Settings) -> SmtpServer | None:
    """SMTP from settings, else from the Airflow connection (via the smtp provider); None when not configured.

    Recipients always come from ``EMAIL_TO``; the sender from ``EMAIL_FROM``, else the connection's ``from_email``.
    """
    recipients = list(settings.email_to)
    if settings.smtp_host:
        server = SmtpServer(
            host=settings.smtp_host, port=settings.smtp_port, sender=settings.email_from or "", recipients=recipients,
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls, timeout=settings.smtp_timeout_seconds,
        )
    else:
        try:
            from airflow.providers.smtp.hooks.smtp import SmtpHook

            hook = SmtpHook(smtp_conn_id=settings.smtp_conn_id)
            hook.smtp_connection = hook.get_connection(settings.smtp_conn_id)  # raises when it is not defined
        except Exception:  # noqa: BLE001 - Airflow absent or no such connection: email is simply not configured
            return None
        # The provider's own defaults: implicit TLS unless `disable_ssl`, STARTTLS unless `disable_tls`.
        server = SmtpServer(
            host=hook.host, port=hook.port or (465 if hook.use_ssl else 587),
            sender=settings.email_from or hook.from_email or "", recipients=recipients,
            user=hook.smtp_user or None, password=hook.smtp_password or None,
            starttls=hook.smtp_starttls and not hook.use_ssl, ssl=hook.use_ssl, timeout=float(hook.timeout),
        )
    if not server.recipients or not server.sender:
        log.warning("email_not_sent %s", kv(reason="JOB_ANALYTICS_EMAIL_TO and JOB_ANALYTICS_EMAIL_FROM are both needed",
                                            host=f"{server.host}:{server.port}"))
        return None
    return server


def compose_email(message: Message, *, sender: str, recipients: list[str]) -> EmailMessage:
    """The message as multipart/alternative email: the text as is, and an HTML rendering with every line escaped.

    The subject is the message's headline (day and outcome). Only the dashboard link becomes a hyperlink;
    anything else (observed values may hold scraped text) stays inert text.
    """
    headline, _, body = message.text.partition("\n")
    subject = headline.lstrip("".join(ICONS.values()) + " \ufe0f").replace("\r", " ")
    email = EmailMessage()
    email["Subject"] = subject
    email["From"] = sender
    email["To"] = ", ".join(recipients)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="job-analytics")
    email.set_content(message.text)
    email.add_alternative(_html(headline, body.splitlines(), kind=message.kind), subtype="html")
    return email


def send_email(server: SmtpServer, email: EmailMessage) -> None:
    """Send one email; raises on any SMTP or network error (the caller logs it)."""
    context = ssl.create_default_context()
    smtp_class = smtplib.SMTP_SSL if server.ssl else smtplib.SMTP
    kwargs = {"context": context} if server.ssl else {}
    with smtp_class(server.host, server.port, timeout=server.timeout, **kwargs) as smtp:
        if server.starttls and not server.ssl:
            smtp.starttls(context=context)
        if server.user and server.password:
            smtp.login(server.user, server.password)
        smtp.send_message(email, from_addr=server.sender, to_addrs=server.recipients)


_COLORS = {"success": "#1a7f37", "quality_failure": "#9a6700", "failure": "#cf222e", "task_failure": "#cf222e"}


def _html(headline: str, lines: list[str], *, kind: str) -> str:
    """The HTML part: consecutive bullet lines become one list; a ``Dashboard: http(s)://…`` line a link."""
    blocks: list[dict] = []
    for line in lines:
        if line.lstrip().startswith("•"):
            if not blocks or blocks[-1]["bullets"] is None:
                blocks.append({"bullets": []})
            blocks[-1]["bullets"].append(line.lstrip(" •"))
            continue
        label, _, url = line.partition(": ")
        dashboard = url if label == "Dashboard" and url.startswith(("http://", "https://")) else None
        blocks.append({"bullets": None, "dashboard": dashboard, "text": line})
    return environment("job_analytics.report").get_template("email.html.j2").render(
        headline=headline, blocks=blocks, color=_COLORS.get(kind, "#24292f"))


def _dashboard_url(settings: Settings, lake: Lake) -> str:
    if settings.dashboard_base_url:
        return settings.dashboard_base_url.rstrip("/") + "/index.html"
    return str(lake.dashboard_dir / "index.html")
