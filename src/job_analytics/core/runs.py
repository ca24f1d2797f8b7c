"""An Airflow run's day and start, read from its context: light to import, for the DAG files' top level."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any


def logical_day(context: Any) -> date:
    """An Airflow run's logical date as a UTC calendar day (a manual run without one: the moment it was queued)."""
    when = context.get("logical_date") or context["dag_run"].run_after
    return when.astimezone(UTC).date()


def run_started(dag_run: Any) -> datetime:
    """When this Airflow run began, for telling its stage summaries from an earlier run's. `airflow dags test`
    stamps start_date with the logical date and a cleared run gets a new start_date: the later of start_date and
    run_after is this run's beginning in both cases."""
    return max(filter(None, [dag_run.start_date, dag_run.run_after]))
