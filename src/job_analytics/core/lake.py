"""The lake's layout and its atomic writes.

Every path a stage reads or writes is named here, so the layout (docs/lake.md) lives in one place:

    bronze/source=<s>/ingest_date=<d>/part-<attempt>.jsonl.gz + _manifest-<attempt>.json, and _manifest.json
        (append-only: one immutable part and manifest per scrape attempt; _manifest.json indexes them)
    silver/jobs/ingest_date=<d>/*.parquet · silver/quarantine/ingest_date=<d>/*.parquet
    gold/<table>/data.parquet · catalog/job_analytics.duckdb · dashboard/index.html, dashboard/<d>.html
    runs/<d>/<stage>.json   one summary per stage and date (what notifications report)
    state/source=<s>.json   what earlier scrapes of a source saw (``ingest.state``)

Writers never expose a half-written file or partition: files are written beside their target and renamed over
it; a partition is built in a temporary sibling directory and swapped in. Bronze is the exception to replacing:
its parts are written once (``write_bytes_once``) and only retention deletes them.

The lake is a local folder or an S3 prefix (``LAKE_URL=s3://bucket/prefix``), with the same layout. On S3 the paths
are ``upath.UPath`` objects (fsspec/s3fs) with the pathlib API the stages already use; an object PUT is atomic, so
a file is simply written, and a partition is staged in a local temporary folder, uploaded, and then the objects
it no longer holds are deleted. The seed's ``S3_BRONZE_BUCKET`` / ``S3_SILVER_BUCKET`` / ``S3_GOLD_BUCKET`` put
``bronze/``, ``silver/`` and ``gold/`` in their own buckets (same layout inside each); everything else stays under
``LAKE_URL``. Files DuckDB needs to open as a database (dbt's candidate warehouse) live in a local work folder.
"""

from __future__ import annotations

import glob
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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

_SAFE = re.compile(r"[^a-z0-9_-]")
#: the stages that record a run summary (``runs/<d>/<stage>.json``), in pipeline order
SUMMARY_STAGES = ("scrape", "process", "dbt", "validate", "publish", "dashboard")


def safe_segment(value: str) -> str:
    """A path segment built from untrusted text: lower case, ``[a-z0-9_-]`` only, never empty."""
    cleaned = _SAFE.sub("_", value.strip().lower())[:64].strip("_")
    return cleaned or "_"


def is_remote(path: Any) -> bool:
    """True for an object-store path (``upath.UPath`` on s3://…), False for a local ``pathlib.Path``."""
    return getattr(path, "protocol", "") not in ("", "file", "local")


@dataclass(frozen=True)
class Lake:
    root: Path
    #: where bronze/, silver/ and gold/ live when they have their own bucket (None: under ``root``)
    bronze_root: Path | None = None
    silver_root: Path | None = None
    gold_root: Path | None = None
    #: local folder for files opened as databases (the dbt warehouse) when the lake is remote
    work_root: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Lake:
        if "://" not in settings.lake_url:
            return cls(Path(settings.lake_root))
        from job_analytics.core.errors import ConfigError

        scheme = settings.lake_url.split("://", 1)[0].lower()
        if scheme != "s3":
            raise ConfigError(f"JOB_ANALYTICS_LAKE_URL={settings.lake_url!r}: a lake is a local path or s3://…")
        try:
            from upath import UPath
        except ImportError as exc:  # pragma: no cover - a dependency of the project
            raise ConfigError("an s3:// lake needs universal-pathlib and s3fs installed") from exc
        options = s3_storage_options(settings)

        def bucket(name: str | None) -> Path | None:
            return UPath(f"s3://{name.strip('/')}", **options) if name else None

        return cls(
            UPath(settings.lake_root, **options),
            bronze_root=bucket(settings.s3_bronze_bucket),
            silver_root=bucket(settings.s3_silver_bucket),
            gold_root=bucket(settings.s3_gold_bucket),
            work_root=Path(settings.work_dir).expanduser().resolve(),
        )

    @property
    def remote(self) -> bool:
        return is_remote(self.root)

    def _layer(self, name: str) -> Path:
        own = {"bronze": self.bronze_root, "silver": self.silver_root, "gold": self.gold_root}[name]
        return (own or self.root) / name

    def roots(self) -> list[Path]:
        """The lake's distinct top-level locations (the root and any layer buckets)."""
        found: list[Path] = []
        for root in (self.root, self.bronze_root, self.silver_root, self.gold_root):
            if root is not None and str(root) not in {str(r) for r in found}:
                found.append(root)
        return found

    def relative(self, path: Path) -> str:
        """``path`` relative to the lake root (or the layer bucket) holding it, as ``bronze/source=…/…``."""
        text = str(path)
        for root in sorted(self.roots(), key=lambda r: -len(str(r))):
            prefix = str(root).rstrip("/") + "/"
            if text.startswith(prefix):
                return text[len(prefix):]
        raise ValueError(f"{path} is not in the lake")

    # -- layout -------------------------------------------------------------------------------------------------
    @property
    def bronze_dir(self) -> Path:
        return self._layer("bronze")

    @property
    def silver_dir(self) -> Path:
        return self._layer("silver")

    @property
    def gold_dir(self) -> Path:
        return self._layer("gold")

    def bronze_partition(self, source: str, day: date) -> Path:
        return self.bronze_dir / f"source={safe_segment(source)}" / f"ingest_date={day.isoformat()}"

    def bronze_partitions(self, day: date) -> list[Path]:
        return sorted(self.bronze_dir.glob(f"source=*/ingest_date={day.isoformat()}"), key=str)

    def silver_partition(self, day: date) -> Path:
        return self.silver_dir / "jobs" / f"ingest_date={day.isoformat()}"

    def quarantine_partition(self, day: date) -> Path:
        return self.silver_dir / "quarantine" / f"ingest_date={day.isoformat()}"

    def scrapes_partition(self, day: date) -> Path:
        """What the day's scrapes listed and whether each was complete (``process.scrapes``)."""
        return self.silver_dir / "scrapes" / f"ingest_date={day.isoformat()}"

    @property
    def silver_glob(self) -> str:
        return str(self.silver_dir / "jobs" / "ingest_date=*" / "*.parquet")

    @property
    def quarantine_glob(self) -> str:
        return str(self.silver_dir / "quarantine" / "ingest_date=*" / "*.parquet")

    @property
    def scrapes_glob(self) -> str:
        return str(self.silver_dir / "scrapes" / "ingest_date=*" / "*.parquet")

    def gold_table(self, name: str) -> Path:
        return self.gold_dir / safe_segment(name)

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog" / "job_analytics.duckdb"

    @property
    def warehouse_path(self) -> Path:
        """dbt's working database: the gold *candidate*, never read by users (always a local file)."""
        return (self.work_root or self.root) / "warehouse" / "candidate.duckdb"

    @property
    def dbt_docs_dir(self) -> Path:
        """The dbt docs site of the gold candidate (``index.html``, ``manifest.json``, ``catalog.json``)."""
        return self.root / "docs" / "dbt"

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

        con = duckdb.connect(database, read_only=read_only)
        if self.remote:
            # DuckDB reads s3://… through the same fsspec filesystem the lake writes with (no extension download)
            con.register_filesystem(self.root.fs)
        return con

    @contextmanager
    def open_catalog(self) -> Iterator[Any]:
        """The published catalog, opened read-only, its views able to read the gold files (local or S3)."""
        if not self.remote:
            con = self.duckdb_connect(str(self.catalog_path), read_only=True)
            try:
                yield con
            finally:
                con.close()
            return
        with tempfile.TemporaryDirectory(prefix="lake-catalog-") as tmp:
            local = download(self.catalog_path, Path(tmp) / self.catalog_path.name)
            con = self.duckdb_connect(str(local), read_only=True)
            try:
                yield con
            finally:
                con.close()

    def glob(self, pattern: str) -> list[str]:
        """The files matching a lake glob (as ``silver_glob`` returns), as strings DuckDB and pyarrow accept."""
        if not self.remote:
            import glob as _glob

            return sorted(_glob.glob(pattern))
        return sorted(f"{self.root.protocol}://{p}" for p in self.root.fs.glob(pattern))

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
        for root in self.roots():
            for path in root.glob("**/ingest_date=*"):
                if path.is_dir():
                    yield path, date.fromisoformat(path.name.split("=", 1)[1])
        for top in ("runs", "quality", "notifications"):
            for path in (self.root / top).glob("*"):
                try:
                    yield path, date.fromisoformat(path.name)
                except ValueError:
                    continue


def s3_storage_options(settings: Settings) -> dict[str, Any]:
    """s3fs options from the settings; credentials and region come from the standard ``AWS_*`` variables (or the
    instance role) through botocore, and ``AWS_ENDPOINT_URL`` also works for an S3-compatible server."""
    # No listings cache: stages replace the lake's objects, and a long-lived process (a worker, a test) that
    # listed a folder before must see the new objects, not read an old ETag (s3fs raises FileExpired then).
    options: dict[str, Any] = {"use_listings_cache": False}
    if getattr(settings, "s3_endpoint_url", None):
        options["endpoint_url"] = settings.s3_endpoint_url
    return options


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole: readers see the old file or the new one."""
    if is_remote(path):
        path.write_bytes(data)  # one PUT: readers see the old object or the new one
        return
    # mkstemp makes 0600; lake files are meant to be read by other users/services
    _from_temporary(path, data, 0o644, lambda tmp: os.replace(tmp, path))


def write_bytes_once(path: Path, data: bytes) -> None:
    """Write a file that must never be replaced (a bronze part): atomically, and ``FileExistsError`` when
    ``path`` is already there. Locally the finished temporary file is hard-linked to its name, which fails if the
    name exists; on an object store the key is checked first (attempt ids are unique, so two writers never race
    for one key)."""
    if is_remote(path):
        if path.exists():
            raise FileExistsError(str(path))
        path.write_bytes(data)
        return
    _from_temporary(path, data, 0o444, lambda tmp: os.link(tmp, path))  # read-only: never written again


def _from_temporary(path: Path, data: bytes, mode: int, publish: Callable[[str], Any]) -> None:
    """``data`` written to a temporary file beside ``path``, given ``mode``, then ``publish``ed under its name;
    the temporary file never outlives the call."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        publish(tmp)
    finally:
        Path(tmp).unlink(missing_ok=True)


def write_json_atomic(path: Path, obj: Any) -> None:
    write_bytes_atomic(path, (json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n").encode())


@contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """Yield an empty staging directory; on success it replaces ``final`` whole, on error it is removed.

    Readers see the old partition or the new one, never a mix: the swap is two renames on one filesystem. On an
    object store the folder is staged locally, each file uploaded (one atomic PUT each, over the old file of the
    same name), and only then are the objects the new partition does not have deleted.
    """
    if is_remote(final):
        with tempfile.TemporaryDirectory(prefix="lake-stage-") as tmp:
            yield Path(tmp)
            _upload_replacing(Path(tmp), final)
        return
    final.parent.mkdir(parents=True, exist_ok=True)
    # A writer killed mid-write (SIGKILL, OOM, a lost host) leaves its hidden staging folder behind: readers
    # never see it (globs name `ingest_date=*`, not `.ingest_date=…`), and the partition's next writer removes it.
    for leftover in final.parent.glob(f".{glob.escape(final.name)}.*-*"):
        if leftover.is_dir() and leftover.name.split(".")[-1].startswith(("staging-", "old-")):
            shutil.rmtree(leftover, ignore_errors=True)
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


def _upload_replacing(local: Path, final: Any) -> None:
    fs, prefix = final.fs, final.path.rstrip("/")
    written = set()
    for file in sorted(p for p in local.rglob("*") if p.is_file()):
        key = f"{prefix}/{file.relative_to(local).as_posix()}"
        fs.put_file(str(file), key)
        written.add(key)
    stale = [key for key in (fs.find(prefix) if fs.exists(prefix) else []) if key not in written]
    if stale:
        fs.rm(stale)
    fs.invalidate_cache(prefix)


def remove_tree(path: Path) -> None:
    """Delete a folder (or a prefix on an object store) and everything under it."""
    if is_remote(path):
        if path.fs.exists(path.path):
            path.fs.rm(path.path, recursive=True)
        return
    shutil.rmtree(path, ignore_errors=True)


def download(path: Path, target: Path) -> Path:
    """A local copy of a lake file (a no-op returning ``path`` itself when the lake is local)."""
    if not is_remote(path):
        return path
    target.parent.mkdir(parents=True, exist_ok=True)
    path.fs.get_file(path.path, str(target))
    return target


def replace_dir(final: Path, fill: Callable[[Path], Any]) -> Any:
    """Build a directory with ``fill(staging_dir)`` and swap it in atomically; returns what ``fill`` returned."""
    with staged_dir(final) as stage:
        return fill(stage)
