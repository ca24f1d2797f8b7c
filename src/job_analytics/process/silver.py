"""bronze → silver for one ingest date: parse · map · normalize · dedupe · quarantine (the DuckDB engine).

Every bronze line ends in exactly one place: a silver row, or a quarantine row carrying the line as landed and a
reason code. The step checks that conservation in code before it swaps the day's partitions in.
"""

from __future__ import annotations

import gzip
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from job_analytics.errors import BadRecord, ConfigError, ConservationError, MissingInputError
from job_analytics.lake import Lake, staged_dir
from job_analytics.schema import QUARANTINE, SILVER_JOBS

log = logging.getLogger(__name__)

#: A posting dated later than this after the moment it was fetched is quarantined (clock skew, time zones).
FUTURE_TOLERANCE = timedelta(days=1)


@dataclass
class _Batch:
    """What one day of bronze became, before it is written."""

    day: date
    rows: list[dict] = field(default_factory=list)
    quarantine: list[dict] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    bronze_by_source: Counter = field(default_factory=Counter)

    def reject(self, source: str, api: str | None, line: str, reason: str, detail: str = "",
               request_url: str | None = None) -> None:
        self.quarantine.append({
            "source": source, "api": api, "ingest_date": self.day, "reason": reason,
            "detail": detail[:500], "request_url": request_url, "raw": line,
        })


def run(settings: Any, day: date) -> dict:
    """Process the bronze of ``day`` into ``silver/jobs`` and ``silver/quarantine``; replaces both partitions."""
    if settings.engine != "duckdb":
        raise ConfigError(f"ENGINE={settings.engine!r}: only the duckdb engine is available in this version")
    started = time.monotonic()
    lake = Lake.from_settings(settings)
    partitions = lake.bronze_partitions(day)
    if not partitions:
        raise MissingInputError(f"no bronze for {day} under {lake.root / 'bronze'}: run the scrape stage first")

    batch = _Batch(day)
    for partition in partitions:
        _read_partition(settings, partition, batch)
    silver, duplicates = _dedupe(batch)

    bronze_records = sum(batch.bronze_by_source.values())
    if bronze_records != silver.num_rows + len(batch.quarantine):
        raise ConservationError(
            f"{day}: {bronze_records} bronze records != {silver.num_rows} silver + {len(batch.quarantine)} quarantined"
        )
    _write(lake.silver_partition(day), silver)
    _write(lake.quarantine_partition(day), pa.Table.from_pylist(batch.quarantine, schema=QUARANTINE))
    # dbt (the next stage, one process per model under Airflow) opens its DuckDB file here; DuckDB will not
    # create the folder itself.
    lake.warehouse_path.parent.mkdir(parents=True, exist_ok=True)

    summary = {
        "day": day.isoformat(),
        "engine": settings.engine,
        "bronze_records": bronze_records,
        "silver_rows": silver.num_rows,
        "quarantined": len(batch.quarantine),
        "duplicates_merged": duplicates,
        "quarantined_by_reason": dict(Counter(q["reason"] for q in batch.quarantine).most_common()),
        "by_source": _by_source(batch, silver),
        "notes": dict(batch.notes),
        "seconds": round(time.monotonic() - started, 2),
    }
    lake.write_run_summary(day, "process", summary)
    log.info("process_done %s", json.dumps({k: summary[k] for k in ("day", "bronze_records", "silver_rows",
                                                                   "quarantined", "seconds")}))
    return summary


def _read_partition(settings: Any, partition: Path, batch: _Batch) -> None:
    from job_analytics.process.normalize import normalize
    from job_analytics.sources import mapper_for

    source = partition.parent.name.split("=", 1)[1]
    mappers: dict[str, Any] = {}
    for path in sorted(partition.glob("part-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                line = line.rstrip("\n")
                batch.bronze_by_source[source] += 1
                try:
                    envelope = json.loads(line)
                    api, record = envelope["api"], envelope["record"]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    batch.reject(source, None, line, "unparseable_line", f"{path.name}: {exc}")
                    continue
                url = envelope.get("request_url")
                try:
                    if api not in mappers:
                        mappers[api] = mapper_for(api, settings)
                    posting = mappers[api].to_posting(record)
                    if posting.posted_at is not None and posting.posted_at > _latest_believable(envelope):
                        raise BadRecord("posted_in_future", posting.posted_at.isoformat())
                    row, notes = normalize(posting, source=source, ingest_date=batch.day)
                except BadRecord as exc:
                    batch.reject(source, api, line, exc.reason, exc.detail, url)
                    continue
                except ConfigError as exc:  # a shape no mapper knows
                    batch.reject(source, api, line, "unknown_api", str(exc), url)
                    continue
                except Exception as exc:  # noqa: BLE001 - one odd record must not stop the day
                    batch.reject(source, api, line, "mapping_error", f"{type(exc).__name__}: {exc}", url)
                    continue
                row["_line"], row["_api"], row["_url"], row["_seq"] = line, api, url, len(batch.rows)
                batch.notes.update(notes)
                batch.rows.append(row)


def _latest_believable(envelope: dict) -> datetime:
    """No posting can be published after it was fetched: the bound is the fetch time (not the logical date,
    so a backfill, which fetches today's postings, keeps them), plus the tolerance."""
    try:
        fetched = datetime.fromisoformat(envelope["fetched_at"])
    except (KeyError, TypeError, ValueError):
        fetched = datetime.now(UTC)
    if fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=UTC)
    return fetched + FUTURE_TOLERANCE


def _dedupe(batch: _Batch) -> tuple[pa.Table, int]:
    """One row per (source, source_job_id): the latest posted_at wins, ties go to the later bronze line.

    The others are quarantined as ``duplicate_posting`` (the record is kept, nothing is lost).
    """
    import duckdb

    if not batch.rows:
        return SILVER_JOBS.empty_table(), 0
    meta = pa.table({
        "_seq": [r["_seq"] for r in batch.rows],
        "source": [r["source"] for r in batch.rows],
        "source_job_id": [r["source_job_id"] for r in batch.rows],
        "posted_at": pa.array([r["posted_at"] for r in batch.rows], type=SILVER_JOBS.field("posted_at").type),
    })
    con = duckdb.connect()
    con.register("meta", meta)
    ranked = con.sql("""
        select _seq, row_number() over (
            partition by source, source_job_id order by posted_at desc nulls last, _seq desc) as rank
        from meta
    """).fetchall()
    con.close()
    keep = sorted(seq for seq, rank in ranked if rank == 1)
    losers = {seq for seq, rank in ranked if rank > 1}
    for row in batch.rows:
        if row["_seq"] in losers:
            batch.reject(row["source"], row["_api"], row["_line"], "duplicate_posting",
                         f"superseded by a later record of id {row['source_job_id']}", row["_url"])
    rows = [{k: v for k, v in batch.rows[seq].items() if not k.startswith("_")} for seq in keep]
    return pa.Table.from_pylist(rows, schema=SILVER_JOBS), len(losers)


def _write(partition: Path, table: pa.Table) -> None:
    """Replace the partition whole with one Parquet file (an empty day still gets a file with the schema)."""
    import pyarrow.parquet as pq

    with staged_dir(partition) as stage:
        pq.write_table(table, stage / "part-00000.parquet", compression="zstd")


def _by_source(batch: _Batch, silver: pa.Table) -> dict:
    silver_counts = Counter(silver.column("source").to_pylist())
    quarantined = Counter(q["source"] for q in batch.quarantine)
    return {
        s: {"bronze": n, "silver": silver_counts.get(s, 0), "quarantined": quarantined.get(s, 0)}
        for s, n in sorted(batch.bronze_by_source.items())
    }
