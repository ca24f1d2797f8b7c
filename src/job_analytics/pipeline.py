"""The stages in order, and the whole pipeline for one logical date without Airflow (``job-analytics run``)."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from job_analytics.errors import QualityGateFailed

log = logging.getLogger(__name__)

#: stage name (CLI) → (Airflow task id, "module:function"); every function is ``f(settings, day) -> dict``.
STAGES: dict[str, tuple[str, str]] = {
    "scrape": ("scrape_jobs", "job_analytics.ingest:run"),
    "process": ("process_bronze_silver", "job_analytics.process.silver:run"),
    "dbt": ("run_dbt_models", "job_analytics.transform:run"),
    "validate": ("validate_quality", "job_analytics.quality.gate:run"),
    "publish": ("update_catalog", "job_analytics.catalog:publish"),
    "dashboard": ("refresh_dashboard", "job_analytics.dashboard.render:run"),
    "notify": ("send_notifications", "job_analytics.notify:run"),
}


def logical_day(context: Any) -> date:
    """An Airflow run's logical date as a UTC calendar day (a manual run without one: the moment it was queued)."""
    when = context.get("logical_date") or context["dag_run"].run_after
    return when.astimezone(UTC).date()


def run_started(dag_run: Any) -> datetime:
    """When this Airflow run began, for telling its stage summaries from an earlier run's. `airflow dags test`
    stamps start_date with the logical date and a cleared run gets a new start_date: the later of start_date and
    run_after is this run's beginning in both cases."""
    return max(filter(None, [dag_run.start_date, dag_run.run_after]))


def stage_function(name: str) -> Callable[[Any, date], dict]:
    module, func = STAGES[name][1].split(":")
    return getattr(importlib.import_module(module), func)


def run_stage(name: str, settings: Any, day: date, **options: Any) -> dict:
    """One stage for ``day``; ``options`` are the stage's own keywords (``rescrape`` for scrape)."""
    return stage_function(name)(settings, day, **options)


def run_all(settings: Any, day: date, *, rescrape: bool = False) -> dict[str, dict]:
    """Run every stage for ``day``; on failure the notification is still sent, then the error is re-raised.
    ``rescrape`` forces a new fetch of every source (added to bronze beside what the date already holds)."""
    from job_analytics import notify

    results: dict[str, dict] = {}
    for name in STAGES:
        if name == "notify":
            break
        try:
            results[name] = run_stage(name, settings, day, **({"rescrape": rescrape} if name == "scrape" else {}))
        except Exception as exc:
            failed = [] if isinstance(exc, QualityGateFailed) else [STAGES[name][0]]
            log.error("stage_failed %s: %s", name, exc)
            results["notify"] = notify.run(settings, day, failed_tasks=failed)
            raise
    results["notify"] = notify.run(settings, day)
    from job_analytics import metrics

    results["metrics"] = metrics.run(settings, day)
    return results
