"""Free-text job locations → city, region, ISO country code and a remote flag.

The places come from ``rules/places.py``: pycountry's countries, every GeoNames city of at least 1,000 inhabitants
and every country's first-level subdivisions (data from GeoNames, CC BY 4.0), and ``rules/gazetteer.yml`` (aliases,
macro regions, preferred cities, stop-words).

How a string is read:

1. Flags (🇺🇸) become their country codes. Remote words (``Remote``, ``Anywhere``, ``Worldwide``, ``Homeoffice``…)
   set the remote flag and are removed; ``hybrid`` and ``on-site`` are removed and leave it unset.
2. The rest is split on ``, ; / | ( ) •`` and spaced dashes ("Frankfurt (Oder)" and "Frankfurt/Main" stay one name).
   In each piece the longest run of words naming a place wins: a country, a subdivision, a city or a macro region
   (``Europe``, ``EMEA``, ``DACH``…). Two- and three-letter codes count only in capitals (``US``, ``CA``) or alone in
   a piece; time zones (``CST``, ``UTC-6``, ``GMT+1``) are skipped.
3. Precision before recall: a town under 100,000 inhabitants counts only when it is the whole piece, apart from
   filler ("Office", a postcode) or a country ("Gröbenzell Germany"; not "Frankfurt Höchst"); a stop-word town
   (``Mobile``, ``Home``, ``Normal``, ``Java``) and a town under 2,000 only when the string also names a country or
   subdivision; names of one or two letters never.
4. Ambiguous names: when the string names countries or subdivisions, the country that accounts for all of them
   and for the most cities wins, and within it the readings that agree (a city inside the named state):
   "Portland, ME" is Maine, "Frankfurt, Hesse" Frankfurt am Main, "Cambridge, UK" England, "Tbilisi, Georgia" the
   country. Otherwise each name takes its default reading: the preferred city in ``gazetteer.yml``, else the
   country or subdivision ("Georgia", "Ontario"), else the biggest city (by an alternate name: a share of it).
5. Several places ("Berlin; Munich", "New York, NY / San Francisco, CA"): the first city named is the row's city and
   its subdivision the row's region; the country is kept when all places share one, else it, the city and the
   region are null ("Remote (US or Canada)"). With no city, ``region`` is the one subdivision named, else the one
   macro region named.

Canonical spellings: a city is written as its GeoNames ``name``, whatever spelling the string uses (München and
Muenchen → "Munich", Cologne → "Köln", Bangalore → "Bengaluru", Zurich → "Zürich", Wien → "Vienna"), unless
``gazetteer.yml`` gives a ``display`` name ("New York" for New York City, "Quebec City" for Québec).
A region is the ISO 3166-2 name from pycountry in US, CA, AU, IN, DE, AT, CH and GB ("Bayern", "Karnātaka",
"England"), else the GeoNames subdivision name ("Lesser Poland", "Catalonia"). When the string names no known city
but its first piece is unknown and the country is known, that piece is kept as the city ("Hintertupfingen,
Germany"); with no country, no city is kept.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from job_analytics.silver.rules.places import BIG_CITY, Gazetteer, Place, fold, gazetteer

_BARE_TOWN = 2_000  # a smaller town counts only with its country or subdivision named ("Scala" is not Scala, IT)
_MAX_WORDS = 8  # words in the longest name looked up
_MAX_COMBINATIONS = 512
_STRIP = ".,;:!?()[]{}\"'`*-–—_ "


@dataclass(frozen=True)
class Location:
    city: str | None
    region: str | None
    country_code: str | None  # ISO 3166-1 alpha-2; None when unknown, worldwide or several countries
    is_remote: bool


@dataclass
class _Mention:
    readings: list[Place]  # best first
    surface: str  # the words as written
    weak: bool  # a stop-word name: its towns need a country or subdivision elsewhere in the string


_REMOTE = re.compile(
    r"\b(?:100\s*%\s*)?(?:fully\s+)?remote(?:ly)?(?:[- ](?:first|friendly|only|ok|okay|possible|optional))?\b"
    r"|\banywhere\b|\bworld\s?wide\b|\bglobal(?:ly)?\b|\bwork\s+from\s+home\b|\bwfh\b|\bhome[\s-]?office\b"
    r"|\btele(?:commute|work(?:ing)?)\b|\bdistributed\b|\bremoto\b|\bt[ée]l[ée]travail\b|\bmobiles\s+arbeiten\b"
    r"|\bvirtual\b|\bhome[\s-]based\b",
    re.IGNORECASE,
)
_ON_SITE = re.compile(r"\bhybrid\b|\bon[- ]?site\b|\bin[- ]office\b|-?\bbased\b|\bvor[- ]ort\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"([,;/|()\[\]{}•·]|\s[-–—:]\s|[–—]|\s\+\s|:\s)")
_FLAG = re.compile("[\U0001F1E6-\U0001F1FF]{2}")
_STOPWORDS = frozenset({
    "in", "or", "and", "the", "of", "from", "within", "to", "with", "for", "at", "near", "a", "an", "und",
    "oder", "et", "y", "e", "bei", "im", "am", "nahe", "zwischen", "across", "based", "all", "any",
})
_JUNK = frozenset({  # filler around place names in location strings
    "area", "greater", "metropolitan", "metro", "region", "office", "offices", "hq", "headquarters",
    "multiple", "locations", "location", "various", "flexible", "tbd", "n/a", "na", "other",
    "country", "countries", "timezone", "timezones", "time", "zone", "zones", "hours", "hour", "only",
    "must", "be", "located", "residents", "resident", "citizens", "eligible", "candidates", "candidate",
    "open", "work", "authorization", "authorized", "team", "first", "friendly", "optional", "possible",
    "ok", "okay", "available", "also", "home", "plus", "more", "world", "reside", "residing", "live",
    "living", "legally", "preferred", "required", "select", "selected", "city", "state", "states", "usa only",
    "raum", "grossraum", "umgebung", "standort", "standorte", "zentrale", "hauptsitz", "sitz", "landkreis",
    "kreis", "stadt", "deutschlandweit", "nationwide", "countrywide", "onsite", "office based", "campus",
    "downtown", "uptown", "centre", "center", "central", "hub", "anywhere", "overlap", "business", "eastern",
    "western", "pacific", "mountain", "standard", "daylight", "europe/berlin", "us/eastern", "est", "cst", "pst",
})
_TIME_ZONE = re.compile(r"(?i)^(?:utc|gmt|cet|cest|est|edt|pst|pdt|cst|cdt|mst|mdt|ist|bst|eet|eest|aest|wet|et|pt|ct)"
                        r"([+-−±]?\d.*)?$")
_CITY_TEXT = re.compile(r"^[^\W\d_][\w'’. -]{0,39}$")
_WORD = re.compile(r"[^\s\-‐]+")


_TZ_NAME = re.compile(r"\b(?:Europe|America|Asia|Africa|Australia|Pacific|Atlantic|US)/[A-Z][A-Za-z_]+")


def _flags(text: str) -> str:
    """Flags as country codes (🇺🇸 → US); time-zone names (Europe/Berlin) dropped: they name no place."""
    text = _TZ_NAME.sub(" ", text)
    return _FLAG.sub(lambda m: " " + "".join(chr(ord(ch) - 0x1F1E6 + 65) for ch in m.group()) + " ", text)


@dataclass
class _Reading:
    mentions: list[_Mention]
    unknown_piece: str | None  # the first non-empty piece when nothing in it is a known place
    remote: bool


def _pieces(text: str, gaz: Gazetteer) -> list[str]:
    """Split on separators, keeping "Frankfurt (Oder)", "Halle/Saale", "Frankfurt/Main" whole."""
    parts = _SEPARATORS.split(text)
    pieces, i = [], 0
    while i < len(parts):
        piece = parts[i]
        if i + 2 < len(parts) and parts[i + 1] in "(/" and piece.strip():
            joined = fold(piece + " " + parts[i + 2])
            if joined in gaz.city_keys or joined in gaz.names:
                pieces.append(piece + " " + parts[i + 2])
                i += 4  # past the next separator too: ")" or the one after "Main"
                continue
        pieces.append(piece)
        i += 2
    return pieces


def _read(text: str) -> _Reading:
    text = _flags(text)
    remote = _REMOTE.search(text) is not None
    text = _ON_SITE.sub(" ", _REMOTE.sub(" , ", text))
    gaz = gazetteer()
    mentions: list[_Mention] = []
    unknown_piece: str | None = None
    first_piece = True
    for piece in _pieces(text, gaz):
        words = [w for w in _WORD.findall(piece) if w.strip(_STRIP)]
        if not words:
            continue
        found, unknown = _scan(words, gaz, first_piece=first_piece)
        mentions.extend(found)
        if first_piece and not found and unknown:
            unknown_piece = " ".join(unknown)
        first_piece = False
    if not any(p.kind in ("country", "subdivision") for m in mentions for p in m.readings):
        for m in mentions:  # stop-word towns need a country or subdivision named, hamlets too
            m.readings = [p for p in m.readings if p.kind != "city" or p.preferred
                          or not m.weak and (not p.strict or p.population >= _BARE_TOWN)]
        mentions = [m for m in mentions if m.readings]
    return _Reading(mentions, unknown_piece, remote)


def _scan(words: list[str], gaz: Gazetteer, first_piece: bool) -> tuple[list[_Mention], list[str]]:
    """Places named in one piece (longest match first) and the words that are neither places nor filler."""
    folded = [fold(w) for w in words]
    found: list[_Mention] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            readings, weak = gaz.lookup(" ".join(f for f in folded[i:i + n] if f))
            if not readings and n == 1:
                readings = _code(words[i], alone=len(words) == 1, gaz=gaz)
            if readings:
                found.append(_Mention(_ordered(readings, first=first_piece and not found),
                                      " ".join(words[i:i + n]).strip(_STRIP), weak))
                i += n
                break
        else:
            word = words[i].strip(_STRIP)
            if not (folded[i] in _STOPWORDS or folded[i] in _JUNK or any(ch.isdigit() for ch in word)
                    or _TIME_ZONE.match(word)):
                unknown.append(word)
            i += 1
    big = any(p.kind == "city" and not p.strict for m in found for p in m.readings)
    if unknown or big:  # a small town only as the whole piece: not "Gröbenzell Sales", not "Frankfurt Höchst"
        for m in found:
            if unknown or all(p.kind == "city" and p.strict for p in m.readings):
                m.readings = [p for p in m.readings if not p.strict]
        found = [m for m in found if m.readings]
    return found, unknown


def _code(word: str, alone: bool, gaz: Gazetteer) -> list[Place] | None:
    code = word.replace(".", "").strip(_STRIP)
    if _TIME_ZONE.match(code):
        return None
    if alone or (code.isupper() and code.lower() not in _STOPWORDS):
        return gaz.codes.get(code.upper())
    return None


def _ordered(readings: list[Place], first: bool) -> list[Place]:
    """Preferred cities, then the country reading at the start of the string and the subdivision reading after a
    place, then macro regions, then GeoNames cities (biggest first), then other countries' subdivisions."""
    rank = {"country": 1 if first else 2, "subdivision": 2 if first else 1, "macro": 3}
    return sorted(readings, key=lambda p: (0 if p.preferred else 4) if p.kind == "city" else 5 if p.minor
                  else rank[p.kind])


def _city_for(mention: _Mention, place: Place) -> Place | None:
    """A country or subdivision named by its city's name ("Singapore", "Berlin", "Wien") is that city too."""
    for p in mention.readings:
        if p.kind == "city" and p.country == place.country and (
                (place.kind == "subdivision" and p.subdivision == place.subdivision
                 and (not p.alternate or p.population >= BIG_CITY))
                or (place.kind == "country" and not p.alternate and fold(p.name or "") == fold(mention.surface))):
            return p
    return None


def _default_city(mention: _Mention) -> Place | None:
    """The city a mention names when nothing else decides; None for a country, a state, a macro region."""
    first = mention.readings[0]
    if first.kind == "city":
        return first
    return _city_for(mention, first) if first.kind in ("country", "subdivision") else None


def _choose(mentions: list[_Mention]) -> tuple[str | None, list[Place | None]]:
    """The country and each mention's reading in it (None: none there), or no country."""
    defaults = [_default_city(m) for m in mentions]
    named = [i for i, m in enumerate(mentions) if defaults[i] is None and m.readings[0].kind != "macro"]
    if not named:  # cities only: each its default reading
        countries = {p.country for p in defaults if p is not None}
        return (countries.pop() if len(countries) == 1 else None), list(defaults)
    candidates = dict.fromkeys(p.country for i in named for p in mentions[i].readings
                               if p.kind in ("country", "subdivision"))
    best: tuple | None = None
    for country in candidates:
        options = [[(r, p) for r, p in enumerate(m.readings) if p.country == country] or [(99, None)]
                   for m in mentions]
        found = [o[0][1] is not None for o in options]
        city_found = {found[i] for i, d in enumerate(defaults) if d is not None}
        valid = all(found[i] for i in named) and len(city_found) < 2  # no city outside while another is inside
        combos = itertools.product(*options) if _product_size(options) <= _MAX_COMBINATIONS else [
            tuple(o[0] for o in options)]
        for combo in combos:
            places = [p for _, p in combo if p is not None]
            subs = {p.subdivision for p in places if p.kind == "subdivision"}
            matching = sum(1 for p in places if p.kind == "city" and p.subdivision in subs)
            city_rank = sum(r for r, p in combo if p is not None and p.kind == "city")  # "Stuttgart, DE": not Delaware
            score = (valid, sum(found), matching, -city_rank, -sum(r for r, _ in combo))
            if best is None or score > best[0]:
                best = (score, country, [p for _, p in combo])
    if best is None or not best[0][0]:
        return None, [None] * len(mentions)
    return best[1], best[2]


def _product_size(options: list[list]) -> int:
    size = 1
    for o in options:
        size *= len(o)
    return size


def parse_location(text: str | None, remote_hint: bool | None = None) -> Location:
    """Read a location string; ``remote_hint`` (the source's own remote flag) wins over the text when given."""
    reading = _read(text) if text and text.strip() else _Reading([], None, False)
    is_remote = remote_hint if remote_hint is not None else reading.remote
    macros = list(dict.fromkeys(p.name for m in reading.mentions for p in m.readings if p.kind == "macro"))
    macro = macros[0] if len(macros) == 1 else None
    country, chosen = _choose(reading.mentions) if reading.mentions else (None, [])
    if country is None:
        return Location(None, macro, None, is_remote)

    cities = []
    for m, p in zip(reading.mentions, chosen):
        if p is not None and p.kind == "city":
            cities.append(p)
        elif p is not None and p.kind in ("country", "subdivision") and _default_city(m) is not None:
            cities.extend(filter(None, [_city_for(m, p)]))
    subdivisions = list(dict.fromkeys(p.subdivision for p in chosen if p is not None and p.kind == "subdivision"))
    if cities:
        city: str | None = cities[0].name
        region_id = cities[0].subdivision
    else:
        unplaced = [m.surface for m, p in zip(reading.mentions, chosen) if p is None and _default_city(m)]
        city = _city_text(unplaced[0] if unplaced else reading.unknown_piece)  # "Hintertupfingen, Germany"
        region_id = subdivisions[0] if len(subdivisions) == 1 else None
    region = gazetteer().regions.get(region_id) if region_id else (None if cities else macro)
    return Location(city, region, country, is_remote)


def _city_text(value: str | None) -> str | None:
    if value is None or not _CITY_TEXT.match(value) or len(value.split()) > 4:
        return None
    return value
