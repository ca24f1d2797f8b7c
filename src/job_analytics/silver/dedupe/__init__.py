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
(the cross-day index); ``group_day`` here runs them for one day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

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
    "index_dir", "index_entries", "index_partition", "match_columns", "new_group_id", "read_index", "rules",
    "title_key", "write_index",
]

# --- one day, for the engines ---------------------------------------------------------------------------------------


@dataclass
class DayGroups:
    groups: pa.Table  # ``GROUPS_SCHEMA``: job_id → duplicate_group, one row per input row
    index: pa.Table  # the day's new index entries: ``write_index(lake, day, index)`` once silver is written
    stats: dict


def group_day(lake: Any, day: date, rows: pa.Table) -> DayGroups:
    """Group ``day``'s silver rows (one per source posting: the within-source winners) against each other and
    against the index of earlier days; only today's blocks of the index are read."""
    m = match_columns(rows)
    history = read_index(lake, day, pc.unique(m.column("block_key")).to_pylist(), m.column("job_id").to_pylist())
    groups = assign_groups(m, history)
    return DayGroups(groups, index_entries(m, groups, history, day), _stats(m, groups, history))


def _stats(m: pa.Table, groups: pa.Table, history: pa.Table) -> dict:
    ids = groups.column("duplicate_group").to_pylist()
    sources = m.column("source").to_pylist()
    members: dict[str, set[str]] = defaultdict(set)
    sizes: dict[str, int] = defaultdict(int)
    for gid, source in zip(ids, sources, strict=True):
        if gid is not None:
            members[gid].add(source)
            sizes[gid] += 1
    earlier = set(history.column("duplicate_group").to_pylist())
    return {
        "rows": m.num_rows,
        "groups": len(sizes),
        "rows_without_group": ids.count(None),
        "rows_in_shared_groups": sum(n for n in sizes.values() if n > 1),
        "cross_source_groups": sum(1 for s in members.values() if len(s) > 1),
        "rows_in_earlier_groups": sum(1 for gid in ids if gid in earlier),
        "index_entries_read": history.num_rows,
    }
