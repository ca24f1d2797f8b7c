"""The stages in order, and the whole pipeline for one logical date without Airflow (``job-analytics run``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from job_analytics.core.errors import QualityGateFailed
from job_analytics.core.logs import kv
from job_analytics.gold import stage as gold
from job_analytics.ingest import stage as ingest
from job_analytics.publish import catalog
from job_analytics.quality import gate
from job_analytics.report import metrics, notify
from job_analytics.report.dashboard import render as dashboard
from job_analytics.silver import stage as silver

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

#: stage name (CLI) → (Airflow task id, the stage's function); every function is ``f(settings, day) -> dict``.
#: Each package's ``stage`` module (or the module it names) holds its stage; the heavy libraries (dbt, Great
#: Expectations, Spark, Plotly) are imported inside the functions, so this import stays cheap for the DAG parser.
STAGES: dict[str, tuple[str, Callable[..., dict]]] = {
    "scrape": ("scrape_jobs", ingest.run),
    "process": ("process_bronze_silver", silver.run),
    "dbt": ("run_dbt_models", gold.run),
    "validate": ("validate_quality", gate.run),
    "publish": ("update_catalog", catalog.publish),
    "dashboard": ("refresh_dashboard", dashboard.run),
    "notify": ("send_notifications", notify.run),
}


def run_stage(name: str, settings: Settings, day: date, **options: Any) -> dict:
    """One stage for ``day``; ``options`` are the stage's own keywords (``rescrape`` for scrape)."""
    return STAGES[name][1](settings, day, **options)


def run_all(settings: Settings, day: date, *, rescrape: bool = False) -> dict[str, dict]:
    """Run every stage for ``day``; on failure the notification is still sent, then the error is re-raised.
    ``rescrape`` forces a new fetch of every source (added to bronze beside what the date already holds)."""
    results: dict[str, dict] = {}
    for name in STAGES:
        if name == "notify":
            break
        try:
            results[name] = run_stage(name, settings, day, **({"rescrape": rescrape} if name == "scrape" else {}))
        except Exception as exc:
            failed = [] if isinstance(exc, QualityGateFailed) else [STAGES[name][0]]
            log.error("stage_failed %s", kv(stage=name, error=str(exc)))
            results["notify"] = notify.run(settings, day, failed_tasks=failed)
            raise
    results["notify"] = notify.run(settings, day)
    results["metrics"] = metrics.run(settings, day)
    return results
