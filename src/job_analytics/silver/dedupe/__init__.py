"""Cross-source and cross-day dedupe: which silver rows are the same job, hence share one ``duplicate_group``.

The rule (thresholds and word lists in ``rules/dedupe.yml``, which explains each choice) in one paragraph: two
postings are the same job when they have the same *block* (company key), the same seniority level, titles at least
``threshold`` similar (rapidfuzz ``token_sort_ratio`` on the *title keys*) and compatible locations; groups are the
connected components of that relation, built by a union-find that refuses any merge putting two incompatible rows
in one group (two countries, two cities, two ids of one board on the same day, two groups of earlier days).

Engine-neutral: Arrow tables in, Arrow tables out, no I/O except ``read_index``/``write_index``. Both engines
(``silver/stage.py``) collect the day's within-source winners' few match columns (no descriptions) into the step's
own process and call ``group_day`` there, so the groups are computed once, by this code, whatever the engine. A block
never matches another block, so the work could be split by ``block_key`` (e.g. Spark's ``groupBy("block_key")
.applyInPandas``) and give the very same groups: ``test_dedupe`` proves it on the labelled pairs.

Ids: a group that holds an earlier day's group keeps that group's id; a new group is named by a stable hash of its
earliest member (``posted_at``, then ``job_id``). The same input gives the same ids whatever the row order.

Cross-day: ``silver/_dedupe_index/ingest_date=<d>/part-00000.parquet`` holds one small entry per posting first seen
on ``d`` (``INDEX_SCHEMA``, no descriptions). Processing day ``d`` reads only the entries of days before ``d`` and
only for the blocks present on ``d``, so re-running a day gives the same result and a backfill sees only its past.
Re-running a past day does not rewrite the entries of later days: a backfill of a range goes in date order.

The code: ``keys`` (the rule file and the match keys), ``grouping`` (the union-find over each block), ``index``
(the cross-day index); ``group_day`` here runs them for one day. With ``workers`` > 1 and a large day it spreads
the per-row key building (row ranges) and the grouping (whole blocks, balanced by rows) over worker processes;
each block is grouped with the very same history it gets in one process, so the groups are identical.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from job_analytics.silver.dedupe.grouping import GROUPS_SCHEMA, assign_groups, new_group_id
from job_analytics.silver.dedupe.index import (
    INDEX_SCHEMA,
    index_dir,
    index_entries,
    index_partition,
    read_index,
    write_index,
)
from job_analytics.silver.dedupe.keys import MATCH_SCHEMA, block_key, match_columns, rules, title_key

__all__ = [
    "GROUPS_SCHEMA", "INDEX_SCHEMA", "MATCH_SCHEMA", "DayGroups", "assign_groups", "block_key", "group_day",
    "index_dir", "index_entries", "index_partition", "match_columns", "match_day", "new_group_id", "read_index", "rules",
    "title_key", "write_index",
]

# --- one day, for the engines ---------------------------------------------------------------------------------------


@dataclass
class DayGroups:
    groups: pa.Table  # ``GROUPS_SCHEMA``: job_id → duplicate_group, one row per input row
    index: pa.Table  # the day's new index entries: ``write_index(lake, day, index)`` once silver is written
    stats: dict


#: below this many rows a day is grouped in one process: starting workers would cost more than it saves
PARALLEL_ROWS = 50_000
#: work items per worker: smaller items keep each worker's peak memory low and the load even
PARTS_PER_WORKER = 4


def group_day(lake: Any, day: date, rows: pa.Table, workers: int = 1, parallel_rows: int = PARALLEL_ROWS
              ) -> DayGroups:
    """Group ``day``'s silver rows (one per source posting: the within-source winners; or their ``match_day``)
    against each other and against the index of earlier days; only today's blocks of the index are read.
    ``workers`` > 1 (and at least ``parallel_rows`` rows) spreads the work over that many processes, with the same
    result. The workers live only while they work: none is alive while DuckDB reads the index."""
    m = rows if "block_key" in rows.column_names else match_day(rows, workers, parallel_rows)
    history = read_index(lake, day, pc.unique(m.column("block_key")).to_pylist(), m.column("job_id"))
    pa.default_memory_pool().release_unused()  # what reading the index freed goes back before the workers start
    if _parallel(m, workers, parallel_rows):
        groups = _assign_groups(m, history, workers)
    else:
        groups = assign_groups(m, history)
    return DayGroups(groups, index_entries(m, groups, history, day), _stats(m, groups, history))


def match_day(rows: pa.Table, workers: int = 1, parallel_rows: int = PARALLEL_ROWS) -> pa.Table:
    """``match_columns`` of a day's rows, over worker processes when there are ``workers`` > 1 and at least
    ``parallel_rows`` rows. A caller that lets go of ``rows`` after it (``group_day(lake, day, match_day(rows))``)
    holds only the match keys while grouping."""
    return _match_columns(rows, workers) if _parallel(rows, workers, parallel_rows) else match_columns(rows)


def _parallel(rows: pa.Table, workers: int, parallel_rows: int) -> bool:
    return workers > 1 and rows.num_rows >= parallel_rows


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))  # spawn: see engine_duckdb


def _match_columns(rows: pa.Table, workers: int) -> pa.Table:
    """``match_columns`` of ``rows`` over row ranges in worker processes (a row's keys are its own)."""
    size = -(-rows.num_rows // (PARTS_PER_WORKER * workers))
    # taken, not sliced: a pickled slice would carry its whole table's buffers to every worker
    parts = [rows.take(np.arange(start, min(start + size, rows.num_rows)))
             for start in range(0, rows.num_rows, size)]
    with _pool(workers) as pool:
        return pa.concat_tables(pool.map(match_columns, parts))


def _assign_groups(m: pa.Table, history: pa.Table, workers: int) -> pa.Table:
    """``assign_groups(m, history)`` in worker processes, over parts made of whole blocks: a block is grouped only
    with its own rows and history (its entries, and the earlier entries of its postings, whatever their block then),
    so each part gives the groups it would in one process; rows come back in ``m``'s order. Parts are balanced by
    the rows and index entries they hold, the largest blocks placed first."""
    encoded = pc.dictionary_encode(m.column("block_key").combine_chunks())  # a block per row, not a string per row
    names = encoded.dictionary.to_pylist() + [None]  # null blocks: the last code
    codes = pc.fill_null(encoded.indices, len(names) - 1)
    load_of: dict[str | None, int] = defaultdict(int)
    rows_per_code = pc.value_counts(codes)
    for code, count in zip(rows_per_code.field("values").to_pylist(), rows_per_code.field("counts").to_pylist(),
                           strict=True):
        load_of[names[code]] += count
    counts = pc.value_counts(history.column("block_key"))
    for block, count in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True):
        if block in load_of:
            load_of[block] += count
    load = [0] * (PARTS_PER_WORKER * workers)
    part_of: dict[str | None, int] = {}
    for block, size in sorted(load_of.items(), key=lambda item: (-item[1], item[0] or "")):
        part_of[block] = load.index(min(load))
        load[part_of[block]] += size
    row_part = pc.take(pa.array([part_of.get(name, 0) for name in names], pa.int64()), codes)
    indices = {part: pc.indices_nonzero(pc.equal(row_part, part)) for part in range(len(load))}

    def part_input(part: int) -> tuple[pa.Table, pa.Table]:
        part_m = m.take(indices[part])
        blocks = pa.array([b for b, p in part_of.items() if p == part and b is not None], pa.string())
        part_history = history.filter(pc.or_(pc.is_in(history.column("block_key"), value_set=blocks),
                                             pc.is_in(history.column("job_id"),
                                                      value_set=part_m.column("job_id").combine_chunks())))
        return part_m, part_history

    parts = sorted((part for part in indices if len(indices[part])), key=lambda part: -load[part])
    results: dict[int, pa.Table] = {}
    with _pool(workers) as pool:
        running: dict[Future, int] = {}
        for part in parts:  # the largest first; a part's input is made only when a worker is free for it
            if len(running) >= workers:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                results.update((running.pop(job), job.result()) for job in done)
            running[pool.submit(assign_groups, *part_input(part))] = part
        results.update((part, job.result()) for job, part in running.items())
    groups = pa.concat_tables([results[part] for part in parts])
    order = pa.chunked_array([indices[part] for part in parts], pa.uint64()).combine_chunks()
    return groups.take(pc.sort_indices(order))


def _stats(m: pa.Table, groups: pa.Table, history: pa.Table) -> dict:
    """The day's grouping in numbers, counted in Arrow (a million rows never become Python objects here)."""
    ids = groups.column("duplicate_group")
    grouped = (pa.table({"group": ids, "source": m.column("source")}).filter(pc.is_valid(ids))
               .group_by("group", use_threads=False)
               .aggregate([([], "count_all"), ("source", "count_distinct", pc.CountOptions(mode="all"))]))
    sizes, sources = grouped.column("count_all"), grouped.column("source_count_distinct")
    shared = pc.greater(sizes, 1)
    earlier = pc.unique(history.column("duplicate_group"))
    return {
        "rows": m.num_rows,
        "groups": grouped.num_rows,
        "rows_without_group": ids.null_count,
        "rows_in_shared_groups": pc.sum(pc.filter(sizes, shared)).as_py() or 0,
        "cross_source_groups": pc.sum(pc.greater(sources, 1)).as_py() or 0,
        "rows_in_earlier_groups": pc.sum(pc.is_in(ids, value_set=earlier)).as_py() or 0,
        "index_entries_read": history.num_rows,
    }
