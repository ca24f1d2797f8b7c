"""bronze → silver for one ingest date: parse · map · normalize · dedupe · quarantine, on either engine.

Every bronze line ends in exactly one place: a silver row, or a quarantine row carrying the line as landed and a
reason code. The step checks that conservation before it swaps the day's partitions in, against a count of bronze
taken independently of the mapping (``count_bronze``: the newlines of every part, checked against the records
each attempt's manifest says it landed), so a line lost while reading or mapping fails the step. The day's
bronze is every part of every scrape attempt of every source (bronze is append-only); within a source the latest
sighting of a posting wins.

One set of rules, two engines (``ENGINE=duckdb`` | ``spark``). The step is written once, here:

1. **map** (per record, Python): ``mapping.map_file`` reads one bronze file and turns each line into one row of ``MAPPED``
   (the silver columns, or a quarantine reason, plus the line's bookkeeping). It calls the rules themselves
   (``sources.mapper_for(api).to_posting``, ``normalize.normalize``). DuckDB runs it in process (one worker
   process per file when there are several files and cores); Spark runs the same function in its Python workers
   through ``mapInArrow``.
2. **relate** (per day, SQL): ``SILVER_SQL``, ``QUARANTINE_SQL`` and ``SUMMARY_SQL`` are single SQL texts over a
   view named ``mapped``; DuckDB and Spark SQL both execute them (within-source dedupe: one row per
   ``(source, source_job_id)``, the latest ``posted_at`` wins, ties go to the later bronze line).
3. **write** (here): each query's Arrow batches are cast to ``SILVER_JOBS`` / ``QUARANTINE`` and written as one
   Parquet file per partition, both partitions swapped in only when the counts add up.

An engine (``engine_duckdb.DuckDBEngine``, ``engine_spark.SparkEngine``) only knows how to run step 1 over a list
of files into the view ``mapped`` and how to run a SQL text into Arrow batches.
"""

from __future__ import annotations

import gzip
import logging
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from job_analytics.core.errors import ConfigError, ConservationError, MissingInputError
from job_analytics.core.lake import Lake, is_remote, staged_dir
from job_analytics.core.logs import kv
from job_analytics.core.schema import QUARANTINE, SILVER_JOBS
from job_analytics.silver import dedupe, scrapes
from job_analytics.silver.mapping import BronzeFile

if TYPE_CHECKING:
    from job_analytics.core.settings import Settings

log = logging.getLogger(__name__)

_SILVER_COLUMNS = ", ".join(f"m.{name}" for name in SILVER_JOBS.names)

# -- step 2: the relational rules, one SQL text each, run by DuckDB and by Spark SQL -----------------------------

#: Within-source dedupe: rank the silver candidates of each (source, source_job_id); rank 1 is kept.
RANKED_SQL = """
    select _seq, row_number() over (
        partition by source, source_job_id order by posted_at desc nulls last, _seq desc) as _rank
    from mapped
    where _reason is null
"""

#: The within-source winners' columns that cross-source matching reads (``dedupe.match_columns``).
WINNERS_SQL = f"""
    with ranked as ({RANKED_SQL})
    select m.job_id, m.source, m.posted_at, m.company, m.title, m.city, m.region, m.country_code, m.is_remote
    from mapped m join ranked r on m._seq = r._seq
    where r._rank = 1
"""

#: The silver rows: the winners, with ``duplicate_group`` from the view ``groups`` (``dedupe.assign_groups``).
SILVER_SQL = f"""
    with ranked as ({RANKED_SQL})
    select {_SILVER_COLUMNS.replace("m.duplicate_group", "g.duplicate_group")}
    from mapped m join ranked r on m._seq = r._seq
    left join groups g on g.job_id = m.job_id
    where r._rank = 1
"""

QUARANTINE_SQL = f"""
    with ranked as ({RANKED_SQL})
    select m.source, m._api as api, m.ingest_date,
           coalesce(m._reason, 'duplicate_posting') as reason,
           coalesce(m._detail, concat('superseded by a later record of id ', m.source_job_id)) as detail,
           m._url as request_url, m._line as raw
    from mapped m left join ranked r on m._seq = r._seq
    where m._reason is not null or r._rank > 1
"""

#: The day's lines per source, request URL and bronze file, and how many became silver rows (``scrapes.LINES_SQL``).
LISTED_SQL = f"""
    with ranked as ({RANKED_SQL}),
    listed as (
        select m.source, m._url, m._seq, r._rank = 1 as kept
        from mapped m left join ranked r on m._seq = r._seq
    )
    {scrapes.LINES_SQL}
"""

#: The silver rows' request URLs, for the boards that listed them (``scrapes.build``).
WINNER_URLS_SQL = f"""
    with ranked as ({RANKED_SQL})
    select m.source, m._url as url, m.job_id
    from mapped m join ranked r on m._seq = r._seq
    where r._rank = 1
"""

#: What became of the day, per source: outcome (null = silver), notes, count. Small; read by the run summary.
SUMMARY_SQL = f"""
    with ranked as ({RANKED_SQL})
    select m.source as source,
           case when m._reason is not null then m._reason
                when r._rank > 1 then 'duplicate_posting' end as outcome,
           m._notes as notes, count(*) as n
    from mapped m left join ranked r on m._seq = r._seq
    group by 1, 2, 3
"""


class Engine(Protocol):
    """What an engine adds to the step: run ``map_file`` over the files into the view ``mapped``, run SQL."""

    name: str

    def map(self, settings: Settings, day: date, files: list[BronzeFile]) -> None: ...

    def query(self, sql: str) -> Iterator[pa.RecordBatch]: ...

    def register(self, name: str, table: pa.Table) -> None: ...

    def close(self) -> None: ...


def run(settings: Settings, day: date) -> dict:
    """Process the bronze of ``day`` into ``silver/jobs`` and ``silver/quarantine``; replaces both partitions."""
    started = time.monotonic()
    lake = Lake.from_settings(settings)
    engine = _engine(settings, lake)  # before any read: a misconfigured engine fails fast
    try:
        files = bronze_files(lake, day)
        if not files:
            raise MissingInputError(f"no bronze for {day} under {lake.root / 'bronze'}: run the scrape stage first")
        steps: dict[str, float] = {}  # seconds per step, for the run summary
        mark = time.monotonic()
        manifests = bronze_manifests(lake, day)  # read once: for the conservation check and the scrapes table
        bronze_records = count_bronze(lake, day, files, manifests)
        engine.map(settings, day, files)
        outcomes = _outcomes(engine)
        mapped_records = sum(n for _, _, _, n in outcomes)
        if mapped_records != bronze_records:
            raise ConservationError(f"{day} ({engine.name}): {bronze_records} bronze records were landed, "
                                    f"{mapped_records} came out of mapping")
        steps["map"], mark = round(time.monotonic() - mark, 2), time.monotonic()
        grouping = _cross_source_groups(engine, lake, day)
        steps["dedupe"], mark = round(time.monotonic() - mark, 2), time.monotonic()
        with ExitStack() as stack:
            silver_rows = write_partition(stack.enter_context(staged_dir(lake.silver_partition(day))),
                                          SILVER_JOBS, engine.query(SILVER_SQL))
            quarantined = write_partition(stack.enter_context(staged_dir(lake.quarantine_partition(day))),
                                          QUARANTINE, engine.query(QUARANTINE_SQL))
            # checked before the staged partitions are swapped in: an error leaves yesterday's state untouched
            if bronze_records != silver_rows + quarantined:
                raise ConservationError(f"{day} ({engine.name}): {bronze_records} bronze records != "
                                        f"{silver_rows} silver + {quarantined} quarantined")
            # what each scrape listed and whether it was complete: gold closes postings from it
            scraped = scrapes.build(day, files, manifests, _rows(engine, LISTED_SQL), _rows(engine, WINNER_URLS_SQL))
            write_partition(stack.enter_context(staged_dir(lake.scrapes_partition(day))),
                            scrapes.SCRAPES, scraped.to_batches())
        # the index follows the silver it describes: written once the day's silver is in place
        dedupe.write_index(lake, day, grouping.index)
        steps["write"] = round(time.monotonic() - mark, 2)
    finally:
        engine.close()
    # dbt (the next stage, one process per model under Airflow) opens its DuckDB file here; DuckDB will not
    # create the folder itself. (A local folder: with an S3 lake it is JOB_ANALYTICS_WORK_DIR's.)
    if not is_remote(lake.warehouse_path):
        lake.warehouse_path.parent.mkdir(parents=True, exist_ok=True)

    by_reason: Counter = Counter()
    notes: Counter = Counter()
    by_source: dict[str, Counter] = {}
    for source, outcome, row_notes, n in outcomes:
        counts = by_source.setdefault(source, Counter())
        counts["bronze"] += n
        if outcome is None:
            counts["candidates"] += n
        else:
            by_reason[outcome] += n
            counts["quarantined"] += n
        if outcome in (None, "duplicate_posting"):  # notes of every normalized record, as before dedupe
            for note in row_notes or ():
                notes[note] += n
    summary = {
        "day": day.isoformat(),
        "engine": engine.name,
        "bronze_records": bronze_records,
        "silver_rows": silver_rows,
        "quarantined": quarantined,
        "duplicates_merged": by_reason.get("duplicate_posting", 0),
        "conservation": f"{bronze_records} bronze = {silver_rows} silver + {quarantined} quarantined",
        "quarantined_by_reason": dict(sorted(by_reason.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_source": {
            s: {"bronze": c["bronze"], "silver": c["bronze"] - c["quarantined"], "quarantined": c["quarantined"]}
            for s, c in sorted(by_source.items())
        },
        "notes": dict(sorted(notes.items())),
        "dedupe": grouping.stats,
        "scrapes": _scrapes_summary(scraped.to_pylist()),
        "seconds": round(time.monotonic() - started, 2),
        "step_seconds": steps,
    }
    lake.write_run_summary(day, "process", summary)
    log.info("process_done %s", kv({k: summary[k] for k in ("day", "engine", "bronze_records", "silver_rows",
                                                            "quarantined", "seconds")}))
    return summary


def _engine(settings: Settings, lake: Lake) -> Engine:
    """The configured engine; nothing Spark-related is imported unless ``ENGINE=spark``."""
    if settings.engine == "duckdb":
        from job_analytics.silver.engine_duckdb import DuckDBEngine

        return DuckDBEngine(lake)
    if settings.engine == "spark":
        from job_analytics.silver.engine_spark import SparkEngine

        return SparkEngine(settings)
    raise ConfigError(f"ENGINE={settings.engine!r}: choose duckdb or spark")


def _scrapes_summary(rows: list[dict]) -> dict:
    """Per source: whether the day's scrape was complete, and how many boards it listed (board APIs)."""
    return {row["source"]: {"complete": row["complete"],
                            "boards": sum(1 for r in rows if r["source"] == row["source"] and r["board"])}
            for row in rows if row["board"] is None}


def _rows(engine: Engine, sql: str) -> Iterator[dict]:
    for batch in engine.query(sql):
        yield from batch.to_pylist()


def _outcomes(engine: Engine) -> list[tuple[str, str | None, list[str] | None, int]]:
    rows: list[tuple[str, str | None, list[str] | None, int]] = []
    for batch in engine.query(SUMMARY_SQL):
        for row in batch.to_pylist():
            rows.append((row["source"], row["outcome"], row["notes"], int(row["n"])))
    return rows


def _cross_source_groups(engine: Engine, lake: Lake, day: date) -> dedupe.DayGroups:
    """Fuzzy cross-source (and cross-day) ``duplicate_group`` of the day's winners, by ``dedupe.group_day`` — the
    same functions on both engines: the winners' few match columns are collected (no descriptions), grouped against
    the index of earlier days (only today's blocks are read), and the ``(job_id, duplicate_group)`` table is handed
    back to the engine as the view ``groups`` that ``SILVER_SQL`` joins."""
    workers = os.cpu_count() or 1
    # the winners are let go once their match keys are built: only the keys are held while grouping
    matched = dedupe.match_day(_winners(engine), workers)
    grouping = dedupe.group_day(lake, day, matched, workers=workers)
    del matched
    # Arrow's allocator keeps freed pages for reuse; the grouping's are not reused, so they go back to the system
    # before the write (on Spark, the write is when the JVM is at its largest beside this process)
    pa.default_memory_pool().release_unused()
    engine.register("groups", grouping.groups)
    return grouping


def _winners(engine: Engine) -> pa.Table:
    batches = [pa.Table.from_batches([b]).select(_WINNERS.names).cast(_WINNERS) for b in engine.query(WINNERS_SQL)]
    return pa.concat_tables(batches) if batches else _WINNERS.empty_table()


_WINNERS = pa.schema([SILVER_JOBS.field(name) for name in (
    "job_id", "source", "posted_at", "company", "title", "city", "region", "country_code", "is_remote")])


# -- the day's bronze files (step 1 itself, ``map_file``, is in ``mapping``) -----------------------------------------

def bronze_files(lake: Lake, day: date) -> list[BronzeFile]:
    """The day's bronze files, in a fixed order (source partition, then file name)."""
    paths = [(partition.parent.name.split("=", 1)[1], path)
             for partition in lake.bronze_partitions(day)
             for path in sorted(partition.glob("part-*.jsonl.gz"), key=lambda p: p.name)]
    return [BronzeFile(i, source, path) for i, (source, path) in enumerate(paths)]


def bronze_manifests(lake: Lake, day: date) -> dict[Any, list[dict]]:
    """Each of the day's bronze partitions → its attempts' manifests (``ingest.bronze.attempts``)."""
    from job_analytics.ingest.bronze import attempts

    return {partition: attempts(partition) for partition in lake.bronze_partitions(day)}


def count_bronze(lake: Lake, day: date, files: list[BronzeFile], manifests: dict[Any, list[dict]]) -> int:
    """The day's bronze records, counted without the mapping's reader: the line ends of every part (a last line
    without one counts too). Where an attempt's manifest (``manifests``: ``bronze_manifests``) names a part, the
    count must equal the records it says it landed, or bronze was damaged after landing: ``ConservationError``."""
    lines = {str(f.path): _count_lines(f.path) for f in files}
    for partition, landed in manifests.items():
        for manifest in landed:
            for name in manifest.get("files") or ():
                path = str(partition / name)
                if path not in lines:
                    raise ConservationError(f"{day}: {lake.relative(partition / name)} is in its manifest "
                                            f"({manifest.get('records')} records) but not in bronze")
                if len(manifest.get("files") or ()) == 1 and lines[path] != manifest.get("records"):
                    raise ConservationError(f"{day}: {lake.relative(partition / name)} has {lines[path]} lines, "
                                            f"its manifest says {manifest.get('records')} records")
    return sum(lines.values())


def _count_lines(path: Any) -> int:
    path = Path(path) if isinstance(path, str) else path
    count, last = 0, b"\n"
    with path.open("rb") as raw, gzip.GzipFile(fileobj=raw) as unzipped:
        while chunk := unzipped.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


# -- step 3: write ------------------------------------------------------------------------------------------------

def write_partition(stage: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> int:
    """Write ``batches`` (cast to ``schema`` exactly) as one Parquet file in ``stage``; an empty day still gets a
    file with the schema. Returns the rows written."""
    import pyarrow.parquet as pq

    rows = 0
    with pq.ParquetWriter(stage / "part-00000.parquet", schema, compression="zstd") as writer:
        for batch in batches:
            if batch.num_rows:
                writer.write_table(pa.Table.from_batches([batch]).select(schema.names).cast(schema))
                rows += batch.num_rows
    pa.default_memory_pool().release_unused()  # the batches' pages, before the next partition is read
    return rows
