"""Keeping the lake and Airflow healthy; every function returns a small summary of what it did.

- ``retention``: deletes dated partitions older than ``retention_days`` (dry-run unless configured otherwise).
  It applies to raw and operational data only — bronze, quarantine, run summaries, quality (Great Expectations)
  results, notifications and dated dashboard snapshots, so it is also the pruning of old snapshots. Silver jobs
  and gold are the history the marts are built from and are never expired here.
- ``compact_silver``: merges a silver partition's Parquet files into one, same rows, swapped in atomically.
- ``airflow_db_clean``: ``airflow db clean`` of metadata older than N days (dry-run unless configured).
- ``checkpoint_catalog``: a DuckDB CHECKPOINT of the catalog file, folding any write-ahead log into it.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from job_analytics.core.lake import Lake, is_remote, remove_tree, staged_dir
from job_analytics.core.logs import kv

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

#: Top-level lake folders (relative paths) whose dated partitions expire.
RETAINED = ("bronze", "silver/quarantine", "runs", "quality", "notifications")


def expired(lake: Lake, today: date, keep_days: int) -> list[tuple[Path, date]]:
    """Dated partitions of the retained layers strictly older than ``today - keep_days``, oldest first."""
    cutoff = today - timedelta(days=keep_days)
    found = []
    for path, day in lake.dated_partitions():
        relative = lake.relative(path)
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


def retention(settings: Settings, today: date, *, dry_run: bool | None = None) -> dict:
    """Delete (or, in dry-run, list) expired partitions. Returns what was found and what was deleted."""
    lake = Lake.from_settings(settings)
    dry = settings.maintenance_dry_run if dry_run is None else dry_run
    victims = expired(lake, today, settings.retention_days)
    deleted = []
    if not dry:
        for path, _ in victims:
            if path.is_dir():
                remove_tree(path)
            else:
                path.unlink(missing_ok=True)
            deleted.append(lake.relative(path))
    summary = {
        "today": today.isoformat(),
        "keep_days": settings.retention_days,
        "cutoff": (today - timedelta(days=settings.retention_days)).isoformat(),
        "dry_run": dry,
        "expired": [lake.relative(p) for p, _ in victims],
        "deleted": deleted,
    }
    log.info("retention %s", kv({k: summary[k] for k in ("today", "cutoff", "dry_run")},
                                expired=len(victims), deleted=len(deleted)))
    for path in summary["expired"]:
        log.info("%s %s", "retention_would_delete" if dry else "retention_deleted", kv(path=path))
    return summary


# -- compaction -------------------------------------------------------------------------------------------------
#: The silver layers whose partitions are compacted (relative to the lake root).
COMPACTED = ("silver/jobs", "silver/quarantine")


def compact_silver(settings: Settings, day: date) -> dict:
    """Merge each silver partition of ``day`` (jobs and quarantine) that holds several Parquet files into one.

    The rows, their order (files in name order) and the schema are kept; the partition is rebuilt in a staging
    directory and swapped in whole, so a reader sees the old files or the new one, never a mix. A partition
    with one file or none is left alone, which makes a re-run a no-op.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    lake = Lake.from_settings(settings)
    layers = {}
    for layer in COMPACTED:
        partition = _compacted_dir(lake, layer) / f"ingest_date={day.isoformat()}"
        files = sorted(partition.glob("*.parquet"), key=str)
        report = {"partition": lake.relative(partition), "files_before": len(files),
                  "files_after": len(files), "rows": None, "compacted": False}
        if len(files) > 1:
            table = pa.concat_tables([_read_parquet(f) for f in files], promote_options="default")
            bytes_before = sum(f.stat().st_size for f in files)
            with staged_dir(partition) as stage:
                target = stage / "part-00000.parquet"
                pq.write_table(table, target, compression="zstd")
                written = pq.ParquetFile(target).metadata.num_rows
                if written != table.num_rows:  # never swap in a partition that lost rows
                    raise RuntimeError(f"compact {partition}: wrote {written} rows of {table.num_rows}")
            report |= {"files_after": 1, "rows": table.num_rows, "compacted": True,
                       "bytes_before": bytes_before, "bytes_after": (partition / "part-00000.parquet").stat().st_size}
        layers[layer] = report
    summary = {"day": day.isoformat(), "layers": layers}
    log.info("compact_silver %s", kv(summary))
    return summary


def _compacted_dir(lake: Lake, layer: str) -> Path:
    return lake.silver_dir / layer.split("/", 1)[1]


def _read_parquet(path: Path) -> Any:
    import pyarrow.parquet as pq

    with path.open("rb") as handle:
        return pq.read_table(handle)


def compact_silver_all(settings: Settings) -> dict:
    """``compact_silver`` for every day whose silver partition holds more than one file (backfills included)."""
    lake = Lake.from_settings(settings)
    days = sorted({date.fromisoformat(partition.name.split("=", 1)[1])
                   for layer in COMPACTED for partition in _compacted_dir(lake, layer).glob("ingest_date=*")
                   if len(list(partition.glob("*.parquet"))) > 1})
    results = [compact_silver(settings, day) for day in days]
    compacted = [layer["partition"] for result in results for layer in result["layers"].values()
                 if layer["compacted"]]
    return {"days": [d.isoformat() for d in days], "compacted": compacted}


# -- Airflow metadata ---------------------------------------------------------------------------------------------
def airflow_db_clean(keep_days: int, *, dry_run: bool = True, now: datetime | None = None,
                     run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> dict:
    """``airflow db clean`` of metadata rows older than ``keep_days`` (without archive tables).

    Runs Airflow's own CLI in a subprocess with this interpreter, against the metadata database the environment
    configures. In dry-run it only reports what it would delete. Raises when the command fails.
    """
    if keep_days < 1:
        raise ValueError(f"airflow_db_clean: keep_days must be at least 1, got {keep_days}")
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    command = [sys.executable, "-m", "airflow", "db", "clean", "--clean-before-timestamp", cutoff.isoformat(),
               "--yes", "--skip-archive", "--error-on-cleanup-failure"]
    if dry_run:
        command.append("--dry-run")
    proc = run(command, capture_output=True, text=True, timeout=1800)
    output = [line.strip() for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    summary = {"clean_before": cutoff.isoformat(), "keep_days": keep_days, "dry_run": dry_run,
               "command": " ".join(["airflow", *command[3:]]), "returncode": proc.returncode,
               "rows": _rows_by_table(output), "output_tail": output[-5:]}
    log.info("airflow_db_clean %s", kv({k: summary[k] for k in ("clean_before", "dry_run", "returncode", "rows")}))
    if proc.returncode != 0:
        raise RuntimeError(f"airflow db clean failed with exit code {proc.returncode}: {output[-1:] or ''}")
    return summary


def _rows_by_table(output: list[str]) -> dict[str, int]:
    """``{table: rows}`` (rows found, or deleted) from ``airflow db clean``'s "Checking table …" / "Found N rows"
    lines; tables with nothing to clean are left out."""
    rows, table = {}, None
    for line in output:
        if match := re.search(r"Checking table (\S+)", line):
            table = match.group(1)
        elif (match := re.search(r"Found (\d+) rows", line)) and table:
            if int(match.group(1)):
                rows[table] = int(match.group(1))
            table = None
    return rows


# -- catalog ------------------------------------------------------------------------------------------------------
def checkpoint_catalog(settings: Settings) -> dict:
    """CHECKPOINT the DuckDB catalog: write any pending WAL into the file. Skipped when there is no catalog yet."""
    import duckdb

    lake = Lake.from_settings(settings)
    path = lake.catalog_path
    wal = Path(f"{path}.wal")
    summary: dict[str, Any] = {"catalog": lake.relative(path), "checkpointed": False}
    if is_remote(path):
        summary["reason"] = "the catalog on object storage is written whole, checkpointed, by publish"
    elif not path.exists():
        summary["reason"] = "no catalog yet"
    else:
        had_wal = wal.exists()
        size_before = path.stat().st_size
        with duckdb.connect(str(path)) as con:
            con.execute("CHECKPOINT")
        summary |= {"checkpointed": True, "had_wal": had_wal, "bytes_before": size_before,
                    "bytes_after": path.stat().st_size}
    log.info("checkpoint_catalog %s", kv(summary))
    return summary
