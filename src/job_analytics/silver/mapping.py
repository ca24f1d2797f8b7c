"""Step 1 of the silver step: one bronze file → ``MAPPED`` batches, one row per line — the same function on every
engine (DuckDB calls it in worker processes, Spark in its Python workers through ``mapInArrow``).

``map_line`` reads one envelope and calls the rules themselves (``ingest.sources.mapper_for(api).to_posting``,
``normalize.normalize``); a line that cannot become a silver row gets its quarantine reason instead.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import pyarrow as pa

from job_analytics.core.errors import BadRecord, ConfigError
from job_analytics.core.schema import SILVER_JOBS

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

#: A posting dated later than this after the moment it was fetched is quarantined (clock skew, time zones).
FUTURE_TOLERANCE = timedelta(days=1)
#: lines mapped per Arrow batch
BATCH_LINES = 2_000
#: ``_seq`` = file index << SEQ_SHIFT | line number: bronze order across a day's files, the same on every engine
SEQ_SHIFT = 32

#: One bronze line after step 1: the silver columns (null when rejected) and the line's bookkeeping.
MAPPED = pa.schema([
    *SILVER_JOBS,
    ("_seq", pa.int64()),  # bronze order: file index (sorted by source, path) << 32 | line number in the file
    ("_api", pa.string()),
    ("_url", pa.string()),  # the envelope's request_url
    ("_line", pa.string()),  # the bronze line exactly as landed
    ("_reason", pa.string()),  # null: a silver candidate; else its quarantine code
    ("_detail", pa.string()),
    ("_notes", pa.list_(pa.string())),  # normalize's notes (counted in the run summary)
])


@dataclass(frozen=True)
class BronzeFile:
    index: int  # position in the day's sorted file list: the high bits of ``_seq``
    source: str
    path: Any  # the lake's path object (``Path`` locally); a plain string is read as a local path


def read_lines(path: Any) -> Iterator[str]:
    """The lines of one bronze file (gzip, UTF-8 with bad bytes replaced), without their line ends; only ``\n``
    ends a line, as in ``count_bronze``."""
    path = Path(path) if isinstance(path, str) else path
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) as unzipped, \
            io.TextIOWrapper(unzipped, encoding="utf-8", errors="replace", newline="\n") as handle:
        for line in handle:
            yield line.rstrip("\n")


def map_file(settings: Settings, day: date, file: BronzeFile, batch_lines: int = BATCH_LINES) -> Iterator[pa.RecordBatch]:
    """Every line of ``file`` as one ``MAPPED`` row, in batches; the line count in equals the row count out."""
    mappers: dict[str, Any] = {}
    rows: list[dict] = []
    name = str(file.path).rsplit("/", 1)[-1]
    for number, line in enumerate(read_lines(file.path)):
        row = map_line(settings, day, file.source, line, name, mappers)
        row["_seq"] = file.index << SEQ_SHIFT | number
        rows.append(row)
        if len(rows) >= batch_lines:
            yield pa.RecordBatch.from_pylist(rows, schema=MAPPED)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=MAPPED)


_decode = msgspec.json.Decoder().decode


def _loads(line: str) -> Any:
    """One bronze line's JSON: msgspec's decoder (2.6 µs a line against the standard library's 5.9, the same
    values), and ``json.loads`` for what msgspec refuses but Python's JSON reads (NaN, 1e400, an escaped lone
    surrogate) — so a line parses exactly when it did, and a bad one keeps ``json``'s message in its detail."""
    try:
        return _decode(line)
    except msgspec.DecodeError:
        return json.loads(line)


def map_line(settings: Settings, day: date, source: str, line: str, file_name: str, mappers: dict[str, Any]) -> dict:
    """One bronze line → its silver row (``_reason`` null) or its rejection (``_reason`` set)."""
    from job_analytics.ingest.sources import mapper_for
    from job_analytics.silver.normalize import normalize

    def reject(api: str | None, reason: str, detail: str = "", url: str | None = None) -> dict:
        return {"source": source, "ingest_date": day, "_api": api, "_url": url, "_line": line,
                "_reason": reason, "_detail": detail[:500]}

    try:
        envelope = _loads(line)
        api, record = envelope["api"], envelope["record"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        return reject(None, "unparseable_line", f"{file_name}: {exc}")
    url = envelope.get("request_url")
    try:
        if api not in mappers:
            mappers[api] = mapper_for(api, settings)
        posting = mappers[api].to_posting_in(record, envelope.get("context"))
        fetched_at = _fetched_at(envelope)
        if posting.posted_at is not None and posting.posted_at > (fetched_at or datetime.now(UTC)) + FUTURE_TOLERANCE:
            raise BadRecord("posted_in_future", posting.posted_at.isoformat())
        row, notes = normalize(posting, source=source, ingest_date=day, fetched_at=fetched_at)
    except BadRecord as exc:
        return reject(api, exc.reason, exc.detail, url)
    except ConfigError as exc:  # a shape no mapper knows
        return reject(api, "unknown_api", str(exc), url)
    except Exception as exc:  # noqa: BLE001 - one odd record must not stop the day
        return reject(api, "mapping_error", f"{type(exc).__name__}: {exc}", url)
    row.update(_api=api, _url=url, _line=line, _notes=notes or None)
    return row


def _fetched_at(envelope: dict) -> datetime | None:
    """When the line's record was fetched (UTC). It bounds the posting time — no posting is published after it was
    fetched (plus ``FUTURE_TOLERANCE``; not the logical date, so a backfill, which fetches today's postings, keeps
    them) — and a relative posting time ("3 days ago") is read against it."""
    try:
        fetched = datetime.fromisoformat(envelope["fetched_at"])
    except (KeyError, TypeError, ValueError):
        return None
    return fetched.replace(tzinfo=UTC) if fetched.tzinfo is None else fetched.astimezone(UTC)
