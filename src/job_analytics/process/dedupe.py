"""Cross-source and cross-day dedupe: which silver rows are the same job, hence share one ``duplicate_group``.

The rule (thresholds and word lists in ``rules/dedupe.yml``, which explains each choice) in one paragraph: two
postings are the same job when they have the same *block* (company key), the same seniority level, titles at least
``threshold`` similar (rapidfuzz ``token_sort_ratio`` on the *title keys*) and compatible locations; groups are the
connected components of that relation, built by a union-find that refuses any merge putting two incompatible rows
in one group (two countries, two cities, two ids of one board on the same day, two groups of earlier days).

Engine-neutral: Arrow tables in, Arrow tables out, no I/O except ``read_index``/``write_index``. Both engines
(``process/silver.py``) collect the day's within-source winners' few match columns (no descriptions) into the step's
own process and call ``group_day`` there, so the groups are computed once, by this code, whatever the engine. A block
never matches another block, so the work could be split by ``block_key`` (e.g. Spark's ``groupBy("block_key")
.applyInPandas``) and give the very same groups: ``test_dedupe`` proves it on the labelled pairs.

Ids: a group that holds an earlier day's group keeps that group's id; a new group is named by a stable hash of its
earliest member (``posted_at``, then ``job_id``). The same input gives the same ids whatever the row order.

Cross-day: ``silver/_dedupe_index/ingest_date=<d>/part-00000.parquet`` holds one small entry per posting first seen
on ``d`` (``INDEX_SCHEMA``, no descriptions). Processing day ``d`` reads only the entries of days before ``d`` and
only for the blocks present on ``d``, so re-running a day gives the same result and a backfill sees only its past.
Re-running a past day does not rewrite the entries of later days: a backfill of a range goes in date order.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import yaml

from job_analytics.process.classify import seniority
from job_analytics.process.normalize import _folded_words, _title_key, company_key

_RULES_FILE = Path(__file__).with_name("rules") / "dedupe.yml"
_NULL_TS = 2**62  # sorts a missing posted_at after every real one
#: DuckDB's memory for reading the cross-day index (it spills to a temporary folder beyond it)
INDEX_MEMORY = "1GB"

#: The compact cross-day index: what matching needs, nothing more (no descriptions, no display text).
INDEX_SCHEMA = pa.schema([
    ("block_key", pa.string()),  # company key, see ``block_key``
    ("title_key", pa.string()),  # see ``title_key``
    ("country_code", pa.string()),
    ("region_key", pa.string()),  # folded region; null when remote or unknown
    ("city_key", pa.string()),  # folded city; null when remote or unknown
    ("job_id", pa.string()),  # the posting: seen again later, it keeps its group
    ("duplicate_group", pa.string()),
    ("ingest_date", pa.date32()),  # the day the posting was first seen
])

#: What ``match_columns`` derives from silver rows.
MATCH_SCHEMA = pa.schema([
    ("job_id", pa.string()),
    ("source", pa.string()),
    ("posted_at", pa.timestamp("us", tz="UTC")),
    ("block_key", pa.string()),
    ("title_key", pa.string()),
    ("country_code", pa.string()),
    ("region_key", pa.string()),
    ("city_key", pa.string()),
])

GROUPS_SCHEMA = pa.schema([("job_id", pa.string()), ("duplicate_group", pa.string())])


# --- rules -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    scorer: str
    threshold: float
    bulk_pairs: int
    multi_id_sources: frozenset[str]
    domain_ending: re.Pattern[str]
    trailing_words: frozenset[str]  # legal forms and generic words dropped from the end of a company key
    compounds: dict[tuple[str, ...], str]
    abbreviations: dict[str, tuple[str, ...]]
    noise: frozenset[str]

    @property
    def score(self) -> Any:
        from rapidfuzz import fuzz

        return getattr(fuzz, self.scorer)


@cache
def rules() -> Rules:
    spec = yaml.safe_load(_RULES_FILE.read_text(encoding="utf-8"))
    company, words = spec["company"], spec["title_words"]
    endings = "|".join(re.escape(e) for e in company["domain_endings"])
    return Rules(
        scorer=spec["title"]["scorer"],
        threshold=float(spec["title"]["threshold"]),
        bulk_pairs=int(spec["title"]["bulk_pairs"]),
        multi_id_sources=frozenset(spec.get("multi_id_sources") or ()),
        domain_ending=re.compile(rf"(?i)(?<=\w)\.(?:{endings})(?=$|[\s,/()])"),
        trailing_words=frozenset(str(w) for w in [*company["legal_forms"], *company["generic_words"]]),
        compounds={tuple(str(k).split()): str(v) for k, v in words["compounds"].items()},
        abbreviations={str(k): tuple(str(v).split()) for k, v in words["abbreviations"].items()},
        noise=frozenset(str(w) for w in words["noise"]),
    )


# --- keys --------------------------------------------------------------------------------------------------------


def block_key(company: str | None) -> str | None:
    """The company as matching sees it: ``"Acme, Inc."``, ``"ACME"``, ``"acme.io"``, ``"Acme Labs GmbH"`` → ``acme``.

    ``normalize.company_key``, then web-domain endings, more legal forms and generic trailing words dropped (a
    name is never emptied) and spaces removed (``"Data Dog"`` = ``"Datadog"``). None without a company.
    """
    if not company:
        return None
    r = rules()
    key = company_key(r.domain_ending.sub("", company.strip()))
    if key is None:
        return None
    words = key.split()
    while len(words) > 1 and words[-1] in r.trailing_words:
        words.pop()
    return "".join(words)


def title_key(title: str | None, places: tuple[tuple[str, ...], ...] = ()) -> str | None:
    """A title as matching sees it: folded, gender markers out (``normalize._title_key``), compounds joined
    (``front end`` → ``frontend``), abbreviations spelled out (``Sr.`` → ``senior``, ``II`` stays, ``2`` → ``ii``),
    noise words (``remote``, ``m/w/d`` leftovers, ``usa``…) and the row's own place names (``places``, folded word
    tuples) removed. Seniority words stay: they decide the level. Never empty for a non-empty title."""
    if not title:
        return None
    r = rules()
    words = _title_key(title).split()
    joined = _replace_phrases(words, r.compounds)
    expanded = [w for word in joined for w in r.abbreviations.get(word, (word,))]
    kept = _remove_phrases(expanded, places)
    kept = [w for w in kept if w not in r.noise]
    return " ".join(kept or expanded) or None


def _replace_phrases(words: list[str], phrases: dict[tuple[str, ...], str]) -> list[str]:
    longest = max((len(p) for p in phrases), default=1)
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 1, -1):
            replacement = phrases.get(tuple(words[i : i + size]))
            if replacement is not None:
                out.append(replacement)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _remove_phrases(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> list[str]:
    if not phrases:
        return words
    ordered = sorted({p for p in phrases if p}, key=len, reverse=True)
    out: list[str] = []
    i = 0
    while i < len(words):
        for phrase in ordered:
            if tuple(words[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(words[i])
            i += 1
    return out


@cache
def _country_names(code: str | None) -> tuple[tuple[str, ...], ...]:
    if not code:
        return ()
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return ()
    names = {getattr(country, a, None) for a in ("name", "common_name", "official_name")}
    return tuple(tuple(_folded_words(n)) for n in names if n)


@lru_cache(maxsize=65536)
def _own_city_in_title(title: str, city: str, country: str | None) -> tuple[tuple[str, ...], ...]:
    """The phrases of ``title`` (one to three words) that the gazetteer reads as the row's own city, under any of
    its names ("Data Engineer München" in a row whose city is Munich)."""
    from job_analytics.process.rules.places import gazetteer

    words = _folded_words(title)
    gaz = gazetteer()
    found = []
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = tuple(words[i : i + size])
            readings, _ = gaz.lookup(" ".join(phrase))
            if any(p.kind == "city" and p.name == city and (country is None or p.country == country)
                   for p in readings):
                found.append(phrase)
    return tuple(found)


def _places(city: str | None, region: str | None, country: str | None,
            title: str | None = None) -> tuple[tuple[str, ...], ...]:
    """The words naming a row's own place, to be removed from its title."""
    places: list[tuple[str, ...]] = []
    if city:
        places.append(tuple(_folded_words(city)))
        if title:
            places.extend(_own_city_in_title(title, city, country))
    if region:
        places.append(tuple(_folded_words(region)))
    return tuple(places) + _country_names(country)


@lru_cache(maxsize=65536)
def _level(key: str) -> str:
    return seniority(key) or ""  # "no level in the title" is a level of its own


def _fold(value: str | None) -> str | None:
    return " ".join(_folded_words(value)) or None if value else None


def match_columns(rows: pa.Table) -> pa.Table:
    """``MATCH_SCHEMA`` for silver rows (``SILVER_JOBS`` columns; only job_id, source, posted_at, company, title,
    city, region, country_code and is_remote are read): block key, title key and the location bits.

    City and region are kept only for on-site rows (``is_remote`` false or null): a remote row constrains the
    country alone.
    """
    n = rows.num_rows
    col = {name: rows.column(name).to_pylist() for name in
           ("company", "title", "city", "region", "country_code", "is_remote")}
    blocks: list[str | None] = []
    titles: list[str | None] = []
    regions: list[str | None] = []
    cities: list[str | None] = []
    countries: list[str | None] = []
    block_cache: dict[str | None, str | None] = {}
    for i in range(n):
        company = col["company"][i]
        if company not in block_cache:
            block_cache[company] = block_key(company)
        blocks.append(block_cache[company])
        country = (col["country_code"][i] or "").strip().upper() or None
        countries.append(country)
        city, region = col["city"][i], col["region"][i]
        titles.append(title_key(col["title"][i], _places(city, region, country, col["title"][i])))
        on_site = not col["is_remote"][i]
        cities.append(_fold(city) if on_site else None)
        regions.append(_fold(region) if on_site and country else None)  # a macro region ("Europe") says little
    return pa.table({
        "job_id": rows.column("job_id").cast(pa.string()),
        "source": rows.column("source").cast(pa.string()),
        "posted_at": rows.column("posted_at").cast(MATCH_SCHEMA.field("posted_at").type),
        "block_key": pa.array(blocks, pa.string()),
        "title_key": pa.array(titles, pa.string()),
        "country_code": pa.array(countries, pa.string()),
        "region_key": pa.array(regions, pa.string()),
        "city_key": pa.array(cities, pa.string()),
    }, schema=MATCH_SCHEMA)


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
            c = _Component(first=(_NULL_TS if posted[i] is None else posted[i], job_ids[i]))
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
        for _, u, v in sorted(_edges(titled, len(rows), keys, r, slots)):
            uf.union(u, v)

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


def _edges(titled: list[tuple[int, str]], n_today: int, keys: list[str], r: Rules,
           slots: dict[int, tuple]) -> list[tuple]:
    """Candidate pairs of one block as ``(sort key, node, node)``: same level, title score ≥ threshold, at least
    one side from today. Sorted by score (best first), then by the members' ids, so the merge order, hence the
    groups, do not depend on the row order.

    Two titles' members are paired all with all while that is at most ``bulk_pairs`` pairs. Beyond it (a company
    listing one role hundreds of times a day) the pairs would grow with the square of the rows, so they are
    ``_bulk_pairs`` instead: linear, and the same groups wherever the rows of a place are exact copies."""
    from rapidfuzz.process import cdist

    nodes_by_title: dict[str, list[int]] = defaultdict(list)
    for node, title in titled:
        nodes_by_title[title].append(node)
    by_level: dict[str, list[str]] = defaultdict(list)
    for title in sorted(nodes_by_title):
        by_level[_level(title)].append(title)

    edges: list[tuple] = []

    def edge(score: float, u: int, v: int) -> None:
        if u < n_today or v < n_today:
            ka, kb = sorted((keys[u], keys[v]))
            edges.append(((-score, ka, kb), u, v))

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
    return edges


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


# --- the cross-day index ------------------------------------------------------------------------------------------


def index_dir(lake: Any) -> Path:
    """Beside silver's jobs and quarantine (on S3: in the silver bucket, when one is set)."""
    return lake.silver_dir / "_dedupe_index"


def index_partition(lake: Any, day: date) -> Path:
    return index_dir(lake) / f"ingest_date={day.isoformat()}"


def index_entries(today: pa.Table, groups: pa.Table, history: pa.Table | None, day: date) -> pa.Table:
    """Today's new ``INDEX_SCHEMA`` entries: one per grouped posting not already in ``history``."""
    m = today if "block_key" in today.column_names else match_columns(today)
    known = pa.array([], pa.string()) if history is None else history.column("job_id").combine_chunks()
    keep = pc.and_(pc.invert(pc.is_null(groups.column("duplicate_group"))),
                   pc.invert(pc.is_in(m.column("job_id"), value_set=known)))
    table = pa.table({
        **{name: m.column(name) for name in ("block_key", "title_key", "country_code", "region_key", "city_key",
                                             "job_id")},
        "duplicate_group": groups.column("duplicate_group"),
        "ingest_date": pa.array([day] * m.num_rows, pa.date32()),
    }, schema=INDEX_SCHEMA).filter(keep)
    # one entry per job_id (today's rows are one per posting; be safe), sorted: blocks cluster for pruning
    table = table.sort_by([("block_key", "ascending"), ("title_key", "ascending"), ("job_id", "ascending")])
    seen: set[str] = set()
    first = [i for i, jid in enumerate(table.column("job_id").to_pylist()) if not (jid in seen or seen.add(jid))]
    return table if len(first) == table.num_rows else table.take(pa.array(first, pa.int64()))


def read_index(lake: Any, day: date, blocks: Any = None, job_ids: Any = None) -> pa.Table:
    """The index entries first seen before ``day`` (``INDEX_SCHEMA``), only those of ``blocks`` when given.

    With ``job_ids`` (today's postings), what matching needs and no more, reduced in DuckDB (within
    ``INDEX_MEMORY``, spilling beyond it) so 30 days of busy boards never become Python objects: per distinct
    (block, title, place) the latest group only — a new posting of that title and place joins the latest sighting,
    never an older one — plus the first entry of each of ``job_ids`` (a posting seen again keeps its group).
    """
    files = [
        str(path)
        for partition in sorted(index_dir(lake).glob("ingest_date=*"), key=str)
        if date.fromisoformat(partition.name.split("=", 1)[1]) < day
        for path in sorted(partition.glob("*.parquet"), key=str)
    ]
    wanted = None if blocks is None else sorted({b for b in blocks if b is not None})
    if not files or wanted == []:
        return INDEX_SCHEMA.empty_table()
    columns = ", ".join(INDEX_SCHEMA.names)
    con = lake.duckdb_connect()  # reads s3:// through the lake's own filesystem
    spill = tempfile.mkdtemp(prefix="job-analytics-dedupe-")
    try:
        con.execute(f"set memory_limit = '{INDEX_MEMORY}'")
        con.execute("set temp_directory = '" + spill.replace("'", "''") + "'")
        entries = "select * from read_parquet(?)"
        if wanted is not None:
            con.register("wanted", pa.table({"block_key": pa.array(wanted, pa.string())}))
            entries += " semi join wanted using (block_key)"
        if job_ids is None:
            sql = f"select {columns} from ({entries}) order by all"
        else:
            con.register("today", pa.table({"job_id": pa.array(sorted(set(job_ids)), pa.string())}))
            place = "block_key, title_key, country_code, region_key, city_key"
            # aggregates, not window functions: a hash aggregate over 30 days of entries takes seconds
            sql = f"""
                with entries as ({entries}),
                latest_per_place as (
                    select {place}, latest.j as job_id, latest.g as duplicate_group, latest.d as ingest_date
                    from (select {place}, max(struct_pack(d := ingest_date, g := duplicate_group, j := job_id))
                                 as latest
                          from entries group by {place})
                ),
                first_of_today as (
                    select earliest.b as block_key, earliest.t as title_key, earliest.c as country_code,
                           earliest.r as region_key, earliest.y as city_key, job_id,
                           earliest.g as duplicate_group, earliest.d as ingest_date
                    from (select job_id, min(struct_pack(d := ingest_date, g := duplicate_group, b := block_key,
                                                         t := title_key, c := country_code, r := region_key,
                                                         y := city_key)) as earliest
                          from entries semi join today using (job_id) group by job_id)
                )
                select {columns} from latest_per_place
                union
                select {columns} from first_of_today
                order by all
            """
        arrow = con.execute(sql, [files]).arrow()
        table = arrow.read_all() if hasattr(arrow, "read_all") else arrow
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    return table.select(INDEX_SCHEMA.names).cast(INDEX_SCHEMA)


def write_index(lake: Any, day: date, table: pa.Table) -> Path:
    """Replace ``day``'s index entries (atomically, via ``lake.staged_dir``); returns the partition."""
    import pyarrow.parquet as pq

    from job_analytics.lake import staged_dir

    table = table.cast(INDEX_SCHEMA)
    dates = set(table.column("ingest_date").to_pylist())
    if dates - {day}:
        raise ValueError(f"index entries of {sorted(dates - {day})} cannot be written as {day}")
    partition = index_partition(lake, day)
    with staged_dir(partition) as stage:
        pq.write_table(table, stage / "part-00000.parquet", compression="zstd")
    return partition


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
