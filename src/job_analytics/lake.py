"""The lake's layout and its atomic writes.

Every path a stage reads or writes is named here, so the layout of DESIGN.md lives in one place:

    bronze/source=<s>/ingest_date=<d>/part-<n>.jsonl.gz + _manifest.json
    silver/jobs/ingest_date=<d>/*.parquet · silver/quarantine/ingest_date=<d>/*.parquet
    gold/<table>/data.parquet · catalog/job_analytics.duckdb · dashboard/index.html, dashboard/<d>.html
    runs/<d>/<stage>.json   one summary per stage and date (what notifications report)
    state/source=<s>.json   what earlier scrapes of a source saw (``scrape_state``)

Writers never expose a half-written file or partition: files are written beside their target and renamed over
it; a partition is built in a temporary sibling directory and swapped in.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

_SAFE = re.compile(r"[^a-z0-9_-]")
#: the stages that record a run summary (``runs/<d>/<stage>.json``), in pipeline order
SUMMARY_STAGES = ("scrape", "process", "dbt", "validate", "publish", "dashboard")


def safe_segment(value: str) -> str:
    """A path segment built from untrusted text: lower case, ``[a-z0-9_-]`` only, never empty."""
    cleaned = _SAFE.sub("_", value.strip().lower())[:64].strip("_")
    return cleaned or "_"


@dataclass(frozen=True)
class Lake:
    root: Path

    @classmethod
    def from_settings(cls, settings: Any) -> Lake:
        if "://" in settings.lake_url:
            # The S3 lake arrives with the production deployment; say so instead of writing somewhere odd.
            from job_analytics.errors import ConfigError

            raise ConfigError(f"JOB_ANALYTICS_LAKE_URL={settings.lake_url!r}: only local lakes are supported so far")
        return cls(Path(settings.lake_root))

    # -- layout -------------------------------------------------------------------------------------------------
    def bronze_partition(self, source: str, day: date) -> Path:
        return self.root / "bronze" / f"source={safe_segment(source)}" / f"ingest_date={day.isoformat()}"

    def bronze_partitions(self, day: date) -> list[Path]:
        return sorted(self.root.glob(f"bronze/source=*/ingest_date={day.isoformat()}"))

    def silver_partition(self, day: date) -> Path:
        return self.root / "silver" / "jobs" / f"ingest_date={day.isoformat()}"

    def quarantine_partition(self, day: date) -> Path:
        return self.root / "silver" / "quarantine" / f"ingest_date={day.isoformat()}"

    @property
    def silver_glob(self) -> str:
        return str(self.root / "silver" / "jobs" / "ingest_date=*" / "*.parquet")

    @property
    def quarantine_glob(self) -> str:
        return str(self.root / "silver" / "quarantine" / "ingest_date=*" / "*.parquet")

    def gold_table(self, name: str) -> Path:
        return self.root / "gold" / safe_segment(name)

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog" / "job_analytics.duckdb"

    @property
    def warehouse_path(self) -> Path:
        """dbt's working database: the gold *candidate*, never read by users."""
        return self.root / "warehouse" / "candidate.duckdb"

    @property
    def dashboard_dir(self) -> Path:
        return self.root / "dashboard"

    def quality_dir(self, day: date) -> Path:
        return self.root / "quality" / day.isoformat()

    def run_summary_path(self, day: date, stage: str) -> Path:
        return self.root / "runs" / day.isoformat() / f"{safe_segment(stage)}.json"

    def source_state_path(self, source: str) -> Path:
        return self.root / "state" / f"source={safe_segment(source)}.json"

    def notifications_dir(self, day: date) -> Path:
        return self.root / "notifications" / day.isoformat()

    # -- engines -----------------------------------------------------------------------------------------------
    def duckdb_connect(self, database: str = ":memory:", read_only: bool = False) -> Any:
        """A DuckDB connection that can read this lake's files (``read_parquet`` over lake paths and globs)."""
        import duckdb

        return duckdb.connect(database, read_only=read_only)

    # -- run summaries ------------------------------------------------------------------------------------------
    def write_run_summary(self, day: date, stage: str, summary: dict) -> Path:
        """Record what a stage did for ``day`` (stamped ``finished_at``, UTC); a re-run overwrites it."""
        path = self.run_summary_path(day, stage)
        write_json_atomic(path, {**summary, "finished_at": datetime.now(UTC).isoformat()})
        return path

    def read_run_summary(self, day: date, stage: str) -> dict | None:
        path = self.run_summary_path(day, stage)
        return json.loads(path.read_text()) if path.exists() else None

    def run_summaries(self, day: date, since: datetime | None = None) -> dict[str, dict]:
        """The summaries of ``day``'s stages that exist, by stage; with ``since``, only those written from then on
        (a re-run must not report an earlier run's stages)."""
        found = {}
        for stage in SUMMARY_STAGES:
            summary = self.read_run_summary(day, stage)
            if summary is not None and (since is None or datetime.fromisoformat(summary["finished_at"]) >= since):
                found[stage] = summary
        return found

    # -- partitions ---------------------------------------------------------------------------------------------
    def dated_partitions(self) -> Iterator[tuple[Path, date]]:
        """Every ``…/ingest_date=<d>`` directory and dated ``runs/<d>`` / ``quality/<d>`` folder in the lake."""
        for path in self.root.glob("**/ingest_date=*"):
            if path.is_dir():
                yield path, date.fromisoformat(path.name.split("=", 1)[1])
        for top in ("runs", "quality", "notifications"):
            for path in (self.root / top).glob("*"):
                try:
                    yield path, date.fromisoformat(path.name)
                except ValueError:
                    continue


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; lake files are meant to be read by other users/services
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, obj: Any) -> None:
    write_bytes_atomic(path, (json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n").encode())


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield an empty staging directory; on success it replaces ``final`` whole, on error it is removed.

    Readers see the old partition or the new one, never a mix: the swap is two renames on one filesystem.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    stage = final.parent / f".{final.name}.staging-{uuid.uuid4().hex[:8]}"
    stage.mkdir()
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    old = final.parent / f".{final.name}.old-{uuid.uuid4().hex[:8]}"
    if final.exists():
        os.replace(final, old)
    os.replace(stage, final)
    shutil.rmtree(old, ignore_errors=True)


def replace_dir(final: Path, fill: Callable[[Path], Any]) -> Any:
    """Build a directory with ``fill(staging_dir)`` and swap it in atomically; returns what ``fill`` returned."""
    with staged_dir(final) as stage:
        return fill(stage)
