"""Grouping: the connected components of "same job" within each block, by a union-find that refuses a merge
putting two incompatible rows in one group; ids kept from earlier days' groups."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from job_analytics.silver.dedupe.keys import NULL_TS, Rules, level_of, match_columns, rules

GROUPS_SCHEMA = pa.schema([("job_id", pa.string()), ("duplicate_group", pa.string())])




# --- grouping ----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Component:
    """What a group already holds, to refuse a merge that would join incompatible rows.

    Sets of values as small sorted tuples (one per row and a million rows a day: a tuple of one is a fifth of a
    set's memory); a merge refused keeps every one of them at one value at most, except after a forced merge.
    """

    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # today's single-id sources
    earlier: str | None = None  # the group id of an earlier day
    first: tuple[int, str] | None = None  # (posted_at µs, job_id) of today's earliest member

    def add_place(self, country: str | None, region: str | None, city: str | None) -> None:
        if country:
            self.countries = _merged(self.countries, (country,))
            if region:
                self.regions = _merged(self.regions, (region,))
        if city:
            self.cities = _merged(self.cities, (city,))

    def compatible(self, other: _Component) -> bool:
        return not (
            (self.earlier and other.earlier and self.earlier != other.earlier)
            or _conflict(self.countries, other.countries)
            or _conflict(self.regions, other.regions)
            or _conflict(self.cities, other.cities)
            or any(source in other.sources for source in self.sources)
        )

    def absorb(self, other: _Component) -> None:
        self.countries = _merged(self.countries, other.countries)
        self.regions = _merged(self.regions, other.regions)
        self.cities = _merged(self.cities, other.cities)
        self.sources = _merged(self.sources, other.sources)
        self.earlier = self.earlier or other.earlier
        if other.first is not None and (self.first is None or other.first < self.first):
            self.first = other.first


def _merged(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    if not b or a == b:
        return a
    if not a:
        return b
    return tuple(sorted(set(a).union(b)))


def _conflict(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Would the union hold more than one value?"""
    return len(a) > 1 or len(b) > 1 or (bool(a) and bool(b) and a != b)


class _UnionFind:
    def __init__(self, components: list[_Component]):
        self.parent = list(range(len(components)))
        self.state = components

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int, *, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and not self.state[ra].compatible(self.state[rb]):
            return False
        ra, rb = min(ra, rb), max(ra, rb)
        self.parent[rb] = ra
        self.state[ra].absorb(self.state[rb])
        return True


def new_group_id(job_id: str) -> str:
    """The id of a group first seen today, named by its earliest member."""
    return hashlib.sha256(f"duplicate_group:{job_id}".encode()).hexdigest()[:32]


def assign_groups(today: pa.Table, history: pa.Table | None = None) -> pa.Table:
    """``job_id`` → ``duplicate_group`` (``GROUPS_SCHEMA``), one row per row of ``today``, in its order.

    ``today``: silver rows of one day (or their ``match_columns``), one per (source, source_job_id).
    ``history``: ``INDEX_SCHEMA`` entries of earlier days, at least those of today's blocks (others are ignored).
    A posting already in the index keeps its group; a row matching an earlier group joins it; rows without a
    company get a null group.
    """
    m = today if "block_key" in today.column_names else match_columns(today)
    r = rules()
    job_ids = m.column("job_id").to_pylist()
    sources = m.column("source").to_pylist()
    posted = pc.cast(m.column("posted_at"), pa.int64()).to_pylist()
    blocks = m.column("block_key").to_pylist()
    titles = m.column("title_key").to_pylist()
    places = list(zip(*(m.column(c).to_pylist() for c in ("country_code", "region_key", "city_key")), strict=True))

    by_block: dict[str, list[int]] = defaultdict(list)
    for i, block in enumerate(blocks):
        if block is not None and titles[i] is not None:
            by_block[block].append(i)
    earlier, earlier_group_of = _history(history, by_block.keys(), job_ids)

    groups: list[str | None] = [None] * m.num_rows
    for block, rows in by_block.items():
        components: list[_Component] = []
        keys: list[str] = []
        for i in rows:
            c = _Component(first=(NULL_TS if posted[i] is None else posted[i], job_ids[i]))
            c.add_place(*places[i])
            if sources[i] not in r.multi_id_sources:
                c.sources = (sources[i],)
            components.append(c)
            keys.append(job_ids[i])
        group_node: dict[str, int] = {}

        def node_of(gid: str, group_node: dict[str, int] = group_node, components: list[_Component] = components,
                    keys: list[str] = keys) -> int:
            """The node standing for an earlier day's group (added on first use)."""
            if gid not in group_node:
                group_node[gid] = len(components)
                components.append(_Component(earlier=gid))
                keys.append(gid)
            return group_node[gid]

        seen_titles: set[tuple[int, str]] = set()
        slots: dict[int, tuple] = {}  # an earlier group's (place, source slot), for bulk pairing
        for gid, title, country, region, city in earlier(block):
            node = node_of(gid)
            components[node].add_place(country, region, city)
            seen_titles.add((node, title))
            # one slot for every earlier group: two of them never merge, so pairing them would be wasted work
            slots.setdefault(node, ((country, region, city), "earlier"))
        by_job = {i: node_of(earlier_group_of[job_ids[i]]) for i in rows if job_ids[i] in earlier_group_of}
        uf = _UnionFind(components)

        # The same posting seen on an earlier day keeps its group, whatever its title or place became.
        first_today: dict[str, int] = {}
        for node, i in enumerate(rows):
            first_today.setdefault(job_ids[i], node)
            uf.union(first_today[job_ids[i]], node, force=True)
            if i in by_job:
                uf.union(by_job[i], node, force=True)

        titled = [(node, titles[i]) for node, i in enumerate(rows)] + sorted(seen_titles)
        for node, i in enumerate(rows):
            # a multi-id source's rows may share a group: each is a slot of its own
            slots[node] = (places[i], f"row:{node}" if sources[i] in r.multi_id_sources else sources[i])
        edges, bits = _edges(titled, len(rows), keys, r, slots)
        mask = (1 << bits) - 1
        for packed in sorted(edges):
            uf.union(packed >> bits & mask, packed & mask)

        for node, i in enumerate(rows):
            state = uf.state[uf.find(node)]
            groups[i] = state.earlier or new_group_id(state.first[1])  # type: ignore[index]
    return pa.table({"job_id": pa.array(job_ids, pa.string()), "duplicate_group": pa.array(groups, pa.string())},
                    schema=GROUPS_SCHEMA)


def _history(history: pa.Table | None, blocks: Any, job_ids: list[str]
             ) -> tuple[Callable[[str], list[tuple]], dict[str, str]]:
    """Earlier days' entries as matching needs them: a function giving a block's distinct (group, title, country,
    region, city), turned into Python one block at a time (a month of entries never is at once); and the group of
    each of today's postings already in the index (the earliest entry wins)."""
    if history is None or history.num_rows == 0:
        return lambda block: [], {}
    wanted = pa.array(sorted(blocks), pa.string())
    shape = ["duplicate_group", "title_key", "country_code", "region_key", "city_key"]
    shapes = (history.filter(pc.is_in(history.column("block_key"), value_set=wanted))
              .group_by(["block_key", *shape]).aggregate([])
              .sort_by([(name, "ascending") for name in ["block_key", *shape]]))
    spans: dict[str, tuple[int, int]] = {}
    offset = 0
    counts = pc.value_counts(shapes.column("block_key"))  # in order of first appearance: the sorted order
    for block, count in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True):
        spans[block] = (offset, count)
        offset += count
    columns = shapes.select(shape)

    def shapes_of(block: str) -> list[tuple]:
        span = spans.get(block)
        if span is None:
            return []
        part = columns.slice(*span)
        return list(zip(*(part.column(name).to_pylist() for name in shape), strict=True))

    known = history.filter(pc.is_in(history.column("job_id"), value_set=pa.array(job_ids, pa.string())))
    known = known.sort_by([("ingest_date", "ascending"), ("duplicate_group", "ascending")])
    group_of: dict[str, str] = {}
    for job, gid in zip(known.column("job_id").to_pylist(), known.column("duplicate_group").to_pylist(), strict=True):
        group_of.setdefault(job, gid)
    return shapes_of, group_of


#: a title score (0–100, rounded to 6 decimals) as an integer of millionths
_SCORE_UNITS = 1_000_000
_SCORE_SPAN = 100 * _SCORE_UNITS


def _edges(titled: list[tuple[int, str]], n_today: int, keys: list[str], r: Rules,
           slots: dict[int, tuple]) -> tuple[list[int], int]:
    """Candidate pairs of one block: same level, title score ≥ threshold, at least one side from today. Sorted by
    score (best first), then by the members' ids, so the merge order, hence the groups, do not depend on the row
    order.

    Each pair is one integer that sorts as ``(-score, smaller id, larger id, node, node)`` would: fields of fixed
    width, the score in millionths, the ids as their rank among the block's ids, ``bits`` bits each (the last two
    fields are the nodes). A list of small integers takes a quarter of the memory of one of tuples, and sorts faster.

    Two titles' members are paired all with all while that is at most ``bulk_pairs`` pairs. Beyond it (a company
    listing one role hundreds of times a day) the pairs would grow with the square of the rows, so they are
    ``_bulk_pairs`` instead: linear, and the same groups wherever the rows of a place are exact copies."""
    from rapidfuzz.process import cdist

    nodes_by_title: dict[str, list[int]] = defaultdict(list)
    for node, title in titled:
        nodes_by_title[title].append(node)
    by_level: dict[str, list[str]] = defaultdict(list)
    for title in sorted(nodes_by_title):
        by_level[level_of(title)].append(title)

    edges: list[int] = []
    rank_of = {key: rank for rank, key in enumerate(sorted(set(keys)))}
    ranks = [rank_of[key] for key in keys]
    bits = max(1, (len(keys) - 1).bit_length())

    def edge(score: float, u: int, v: int) -> None:
        if u < n_today or v < n_today:
            ka, kb = (ranks[u], ranks[v]) if ranks[u] <= ranks[v] else (ranks[v], ranks[u])
            edges.append(((((_SCORE_SPAN - round(score * _SCORE_UNITS)) << bits | ka) << bits | kb) << bits | u)
                         << bits | v)

    def pairs(score: float, a: list[int], b: list[int] | None = None) -> None:
        """``a`` × ``b`` (``b`` None: the pairs within ``a``)."""
        size = len(a) * (len(a) - 1) // 2 if b is None else len(a) * len(b)
        if size > r.bulk_pairs:
            for u, v in _bulk_pairs(a, a if b is None else b, slots, keys, same=b is None):
                edge(score, u, v)
        elif b is None:
            for x, u in enumerate(a):
                for v in a[x + 1 :]:
                    edge(score, u, v)
        else:
            for u in a:
                for v in b:
                    edge(score, u, v)

    for same_level in by_level.values():
        for title in same_level:
            pairs(100.0, nodes_by_title[title])
        if len(same_level) < 2:
            continue
        fresh = [t for t in same_level if min(nodes_by_title[t]) < n_today]  # titles with a row of today
        if not fresh:
            continue
        scores = cdist(fresh, same_level, scorer=r.score, score_cutoff=r.threshold, workers=1)
        index = {t: j for j, t in enumerate(same_level)}
        fresh_rank = {t: j for j, t in enumerate(fresh)}
        for qi, qj in zip(*scores.nonzero(), strict=True):
            a, b = fresh[qi], same_level[qj]
            if a == b or (b in fresh_rank and index[b] < index[a]):
                continue  # the diagonal, and each pair of two fresh titles once
            pairs(round(float(scores[qi, qj]), 6), nodes_by_title[a], nodes_by_title[b])
    return edges, bits


def _bulk_pairs(a: list[int], b: list[int], slots: dict[int, tuple], keys: list[str], *, same: bool
                ) -> list[tuple[int, int]]:
    """Pairs of two large member lists in linear time: only members of the exact same place (country, region,
    city) are paired, and of two different source slots only the k-th with the k-th and the (k+1)-th, members
    of a slot in id order. A group holds one row per source slot, so where a place's rows are copies across
    sources this yields the groups all-pairs would; a row with a missing place part is matched only with rows
    missing the same part."""
    def by_place(members: list[int]) -> dict[tuple, dict[str, list[int]]]:
        out: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for node in sorted(members, key=keys.__getitem__):
            place, slot = slots[node]
            out[place][slot].append(node)
        return out

    left = by_place(a)
    right = left if same else by_place(b)
    found: list[tuple[int, int]] = []
    for place, left_slots in left.items():
        right_slots = right.get(place)
        if not right_slots:
            continue
        for s, us in left_slots.items():
            for t, vs in right_slots.items():
                if s == t or (same and s > t):
                    continue
                for k, u in enumerate(us):
                    found.extend((u, v) for v in vs[k : k + 2])
    return found


