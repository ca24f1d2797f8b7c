"""Keeping the lake healthy: retention of old dated partitions (dry-run unless configured otherwise).

Retention applies to raw and operational data only — bronze, quarantine, run summaries, quality results,
notifications and dated dashboard snapshots. Silver jobs and gold are the history the marts are built from and
are never touched here.
"""

from __future__ import annotations

import json
import logging
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from job_analytics.lake import Lake

log = logging.getLogger(__name__)

#: Top-level lake folders (relative paths) whose dated partitions expire.
RETAINED = ("bronze", "silver/quarantine", "runs", "quality", "notifications")


def expired(lake: Lake, today: date, keep_days: int) -> list[tuple[Path, date]]:
    """Dated partitions of the retained layers strictly older than ``today - keep_days``, oldest first."""
    cutoff = today - timedelta(days=keep_days)
    found = []
    for path, day in lake.dated_partitions():
        relative = path.relative_to(lake.root).as_posix()
        if day < cutoff and any(relative.startswith(layer + "/") for layer in RETAINED):
            found.append((path, day))
    for snapshot in lake.dashboard_dir.glob("????-??-??.html"):
        try:
            day = date.fromisoformat(snapshot.stem)
        except ValueError:
            continue
        if day < cutoff:
            found.append((snapshot, day))
    return sorted(found, key=lambda item: (item[1], str(item[0])))


def retention(settings: Any, today: date, *, dry_run: bool | None = None) -> dict:
    """Delete (or, in dry-run, list) expired partitions. Returns what was found and what was deleted."""
    lake = Lake.from_settings(settings)
    dry = settings.maintenance_dry_run if dry_run is None else dry_run
    victims = expired(lake, today, settings.retention_days)
    deleted = []
    if not dry:
        for path, _ in victims:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
            deleted.append(str(path.relative_to(lake.root)))
    summary = {
        "today": today.isoformat(),
        "keep_days": settings.retention_days,
        "cutoff": (today - timedelta(days=settings.retention_days)).isoformat(),
        "dry_run": dry,
        "expired": [str(p.relative_to(lake.root)) for p, _ in victims],
        "deleted": deleted,
    }
    log.info("retention %s", json.dumps({k: summary[k] for k in ("today", "cutoff", "dry_run")}
                                        | {"expired": len(victims), "deleted": len(deleted)}))
    for path in summary["expired"]:
        log.info("%s %s", "would delete" if dry else "deleted", path)
    return summary
