"""Dedupe's rule file (``rules/dedupe.yml``) and the keys it matches on: the block (company key), the title key, the
folded places; ``match_columns`` derives them from silver rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from job_analytics.silver.classify import seniority
from job_analytics.silver.normalize import _folded_words, _title_key, company_key

_RULES_FILE = Path(__file__).parent.parent / "rules" / "dedupe.yml"
NULL_TS = 2**62  # sorts a missing posted_at after every real one

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
    from job_analytics.silver.rules.places import gazetteer

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
def level_of(key: str) -> str:
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


