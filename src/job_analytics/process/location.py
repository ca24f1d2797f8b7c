"""Free-text job locations → city, region, ISO country code and a remote flag.

How a string is read:

1. Remote words (``Remote``, ``Anywhere``, ``Worldwide``, ``Global``, ``WFH``…) set the remote flag and are
   removed; ``hybrid`` and ``on-site`` are removed and leave it unset.
2. The rest is split on ``, ; / | ( )`` and spaced dashes. Inside each piece the longest run of words naming a
   place wins: a country (pycountry names and aliases), a subdivision (US/CA/AU/IN/DE from pycountry, a few
   aliases), a city (``rules/gazetteer.yml``) or a macro region (``Europe``, ``EMEA``, ``LATAM``…). Two- and
   three-letter codes count only in capitals (``US``, ``CA``, ``DEU``) or when they stand alone in a piece.
3. A name with several readings (``Cambridge``, ``CA``, ``Georgia``, ``London``) takes the reading that agrees
   with the rest: fewest countries, cities consistent with a named country and state, then the gazetteer's
   default (at the start of the string the country reading comes first, after another piece the state:
   "Remote - CA" is Canada, "Springfield, IL" Illinois).
4. One country → ``country_code``; several → none. ``region`` is the state/province when there is exactly one,
   else a macro region when one was named. ``city`` is the one gazetteer city, or the first piece when nothing in
   it is known but the country is (``Springfield, IL``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry
import yaml

_GAZETTEER = Path(__file__).with_name("rules") / "gazetteer.yml"
_NAMED_SUBDIVISIONS = ("US", "CA", "AU", "IN", "DE")  # their subdivisions are matched by name
_CODED_SUBDIVISIONS = ("US", "CA", "AU")  # … and by their short code ("CA", "ON", "NSW")
_MAX_COMBINATIONS = 512


@dataclass(frozen=True)
class Location:
    city: str | None
    region: str | None
    country_code: str | None  # ISO 3166-1 alpha-2; None when unknown, worldwide or several countries
    is_remote: bool


@dataclass(frozen=True)
class _Place:
    kind: str  # country | subdivision | city | macro
    country: str | None = None
    subdivision: str | None = None  # ISO 3166-2
    name: str | None = None  # a city's canonical name, a macro region's label


@dataclass
class _Gazetteer:
    names: dict[str, list[_Place]]  # normalized words → readings
    codes: dict[str, list[_Place]]  # capital codes → readings
    longest: int  # words in the longest name


_REMOTE = re.compile(
    r"\b(?:100\s*%\s*)?(?:fully\s+)?remote(?:ly)?(?:[- ](?:first|friendly|only|ok|okay|possible|optional))?\b"
    r"|\banywhere\b|\bworld\s?wide\b|\bglobal(?:ly)?\b|\bwork\s+from\s+home\b|\bwfh\b|\bhome\s?office\b"
    r"|\btele(?:commute|work(?:ing)?)\b|\bdistributed\b|\bremoto\b|\bt[ée]l[ée]travail\b|\bmobiles\s+arbeiten\b",
    re.IGNORECASE,
)
_ON_SITE = re.compile(r"\bhybrid\b|\bon[- ]?site\b|\bin[- ]office\b|-?\bbased\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,;/|()\[\]{}]|\s[-–—:]\s|[–—]|\s\+\s")
_STRIP = ".,;:!?()[]{}\"'`*-–—_ "
_STOPWORDS = frozenset({
    "in", "or", "and", "the", "of", "from", "within", "to", "with", "for", "at", "near", "a", "an", "und",
    "oder", "et", "y", "e",
})
_JUNK = frozenset({  # filler around place names in location strings
    "area", "greater", "metropolitan", "metro", "region", "office", "offices", "hq", "headquarters",
    "multiple", "locations", "location", "various", "flexible", "tbd", "n/a", "na", "any", "other",
    "country", "countries", "timezone", "timezones", "time", "zone", "zones", "hours", "hour", "only",
    "must", "be", "located", "residents", "resident", "citizens", "eligible", "candidates", "candidate",
    "open", "work", "authorization", "authorized", "team", "first", "friendly", "optional", "possible",
    "ok", "okay", "available", "also", "home", "plus", "more", "world", "reside", "residing", "live",
    "living", "legally", "preferred", "required",
})
_TIME_ZONE = re.compile(r"(?i)^(?:utc|gmt|cet|cest|est|edt|pst|pdt|cst|cdt|mst|mdt|ist|bst|eet|eest|aest)([+-−±]\d.*)?$")
_CITY_TEXT = re.compile(r"^[^\W\d_][\w'’. -]{0,39}$")


def _fold(text: str) -> str:
    """Case- and accent-insensitive form of one word or name; dots dropped (``U.S.`` → ``us``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(word.replace(".", "").strip(_STRIP) for word in plain.split())


@cache
def _gazetteer() -> _Gazetteer:
    rules = yaml.safe_load(_GAZETTEER.read_text(encoding="utf-8"))
    names: dict[str, list[_Place]] = {}
    codes: dict[str, list[_Place]] = {}

    def add(index: dict[str, list[_Place]], key: str, place: _Place) -> None:
        readings = index.setdefault(key, [])
        if place not in readings:
            readings.append(place)

    for city in rules["cities"]:
        place = _Place("city", city["country"], city.get("subdivision"), city["name"])
        for name in [city["name"], *city.get("aliases", [])]:
            add(names, _fold(name), place)
    for country in pycountry.countries:
        place = _Place("country", country.alpha_2)
        for attr in ("name", "official_name", "common_name"):
            if getattr(country, attr, None):
                add(names, _fold(getattr(country, attr)), place)
        add(codes, country.alpha_2, place)
        add(codes, country.alpha_3, place)
    for alias, code in rules["country_aliases"].items():
        add(names, _fold(alias), _Place("country", code))
    for cc in _NAMED_SUBDIVISIONS:
        for sub in pycountry.subdivisions.get(country_code=cc) or []:
            if sub.parent_code is None and sub.type != "Outlying area":
                place = _Place("subdivision", cc, sub.code)
                add(names, _fold(_subdivision_name(sub.code)), place)
                if cc in _CODED_SUBDIVISIONS:
                    add(codes, sub.code.split("-", 1)[1], place)
    for alias, code in rules["subdivision_aliases"].items():
        add(names, _fold(alias), _Place("subdivision", code.split("-", 1)[0], code))
    for alias, label in rules["macro_regions"].items():
        add(names, _fold(alias), _Place("macro", name=label))
    return _Gazetteer(names, codes, max(len(key.split()) for key in names))


@cache
def _subdivision_name(code: str) -> str:
    sub = pycountry.subdivisions.get(code=code)
    return sub.name.split(" [", 1)[0] if sub else code  # "Wales [Cymru GB-CYM]" → "Wales"


@dataclass
class _Reading:
    mentions: list[list[_Place]]  # each mention's readings, best first
    unknown_piece: str | None  # the first non-empty piece when nothing in it is a known place
    remote: bool


def _read(text: str) -> _Reading:
    remote = _REMOTE.search(text) is not None
    text = _ON_SITE.sub(" ", _REMOTE.sub(" , ", text))
    gaz = _gazetteer()
    mentions: list[list[_Place]] = []
    unknown_piece: str | None = None
    first_piece = True
    for piece in _SEPARATORS.split(text):
        words = [w for w in piece.split() if w.strip(_STRIP)]
        if not words:
            continue
        found, unknown = _scan(words, gaz, first_piece=first_piece)
        mentions.extend(found)
        if first_piece and not found and unknown:
            unknown_piece = " ".join(unknown)
        first_piece = False
    return _Reading(mentions, unknown_piece, remote)


def _scan(words: list[str], gaz: _Gazetteer, first_piece: bool) -> tuple[list[list[_Place]], list[str]]:
    """Places named in one piece (longest match first) and the words that are neither places nor filler."""
    found: list[list[_Place]] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(gaz.longest, len(words) - i), 0, -1):
            readings = gaz.names.get(_fold(" ".join(words[i:i + n])))
            if readings is None and n == 1:
                readings = _code(words[i], alone=len(words) == 1, gaz=gaz)
            if readings:
                found.append(_ordered(readings, first=first_piece and not found))
                i += n
                break
        else:
            word = words[i].strip(_STRIP)
            folded = _fold(word)
            if not (folded in _STOPWORDS or folded in _JUNK or any(ch.isdigit() for ch in word)
                    or _TIME_ZONE.match(word)):
                unknown.append(word)
            i += 1
    return found, unknown


def _code(word: str, alone: bool, gaz: _Gazetteer) -> list[_Place] | None:
    code = word.replace(".", "").strip(_STRIP)
    if _TIME_ZONE.match(code):
        return None
    if alone or (code.isupper() and code.lower() not in _STOPWORDS):
        return gaz.codes.get(code.upper())
    return None


def _ordered(readings: list[_Place], first: bool) -> list[_Place]:
    """Cities first; then the country reading at the start of the string, the subdivision reading after a place."""
    rank = {"city": 0, "macro": 1, "country": 2 if first else 3, "subdivision": 3 if first else 2}
    return sorted(readings, key=lambda p: rank[p.kind])  # stable: the gazetteer's order breaks ties


def _score(combo: tuple[_Place, ...], prefs: tuple[int, ...]) -> tuple[int, ...]:
    named = {p.country for p in combo if p.kind in ("country", "subdivision")}
    cities = [p for p in combo if p.kind == "city"]
    subdivisions = {p.subdivision for p in combo if p.kind == "subdivision"}
    countries = named or {c.country for c in cities}
    disagreeing = sum(1 for c in cities if named and c.country not in named)
    matching = sum(1 for c in cities if c.subdivision in subdivisions)
    return len(countries), disagreeing, -matching, sum(prefs)


def _choose(mentions: list[list[_Place]]) -> list[_Place]:
    combos = 1
    for readings in mentions:
        combos *= len(readings)
    if combos > _MAX_COMBINATIONS:
        return [readings[0] for readings in mentions]
    best = min(
        itertools.product(*(list(enumerate(readings)) for readings in mentions)),
        key=lambda pairs: _score(tuple(p for _, p in pairs), tuple(i for i, _ in pairs)),
    )
    return [place for _, place in best]


def parse_location(text: str | None, remote_hint: bool | None = None) -> Location:
    """Read a location string; ``remote_hint`` (the source's own remote flag) wins over the text when given."""
    reading = _read(text) if text and text.strip() else _Reading([], None, False)
    is_remote = remote_hint if remote_hint is not None else reading.remote
    chosen = _choose(reading.mentions) if reading.mentions else []

    named = [p for p in chosen if p.kind in ("country", "subdivision")]
    cities = [p for p in chosen if p.kind == "city"]
    macros = [p.name for p in chosen if p.kind == "macro"]
    countries = {p.country for p in named} or {c.country for c in cities}
    macro = macros[0] if macros else None
    if len(countries) != 1:
        city = reading.unknown_piece if not chosen else None
        return Location(_city_text(city), macro, None, is_remote)

    country = countries.pop()
    agreeing = list(dict.fromkeys(c for c in cities if c.country == country))
    subdivisions = list(dict.fromkeys(p.subdivision for p in named if p.kind == "subdivision"))
    if not subdivisions:
        subdivisions = list(dict.fromkeys(c.subdivision for c in agreeing if c.subdivision))
    region = _subdivision_name(subdivisions[0]) if len(subdivisions) == 1 else macro
    if len({c.name for c in agreeing}) == 1:
        city = agreeing[0].name
    elif not agreeing and cities:
        city = cities[0].name  # a known name in another country's state: "Paris, TX"
    else:
        city = reading.unknown_piece if not cities else None
    return Location(_city_text(city), region, country, is_remote)


def _city_text(value: str | None) -> str | None:
    if value is None or not _CITY_TEXT.match(value) or len(value.split()) > 4:
        return None
    return value
