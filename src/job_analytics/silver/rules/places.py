"""The place index the location parser reads: countries, subdivisions, macro regions and GeoNames cities by folded
name.

Data: pycountry's countries; ``places.tsv.gz`` and ``places_admin1.tsv`` (every GeoNames city of at least 1,000
inhabitants and the first-level subdivisions, built by ``build_places.py``; data from GeoNames, CC BY 4.0); and
``gazetteer.yml`` (aliases, macro regions, stop-words, preferred cities). Loading takes well under a second: the city
file is split in a few calls and its rows are turned into places only when a name is looked up.
"""

from __future__ import annotations

import gzip
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry
import yaml

RULES = Path(__file__).parent
NAMED_SUBDIVISIONS = ("US", "CA", "AU", "IN", "DE", "AT", "CH", "GB")  # their subdivisions are matched by name
CODED_SUBDIVISIONS = ("US", "CA", "AU")  # … and by their short code ("CA", "ON", "NSW")
BIG_CITY = 100_000  # a city this big (or preferred) may stand inside a longer piece: "Berlin Office", "NYC HQ"


@dataclass(frozen=True)
class Place:
    kind: str  # country | subdivision | city | macro
    country: str | None = None
    subdivision: str | None = None  # ISO 3166-2 where known, else GeoNames "CC.admin1"
    name: str | None = None  # a city's canonical name, a macro region's label
    population: int = 0
    strict: bool = False  # a small town: only as a whole piece
    preferred: bool = False  # listed in gazetteer.yml: the default reading of its names
    minor: bool = False  # another country's subdivision, known from GeoNames only: after the cities of its name
    alternate: bool = False  # the name matched is one of its alternate names


_FOLD_TABLE = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
                             "ħ": "h", "-": " ", "‐": " ", "'": "", "’": "", "`": ""})
_STRIP = ".,;:!?()[]{}\"'`*-–—_ "


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: dots, apostrophes and brackets dropped, hyphens as spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_TABLE))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(w for w in (word.replace(".", "").strip(_STRIP) for word in plain.split()) if w)


def transliterate(name: str) -> str:
    """The German spelling without umlauts: ``Gröbenzell`` → ``Groebenzell``."""
    return name.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}))


class Gazetteer:
    """Readings of folded names; cities are parsed from their rows on first use."""

    def __init__(self) -> None:
        rules = yaml.load((RULES / "gazetteer.yml").read_text(encoding="utf-8"),
                          Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        self.names: dict[str, list[Place]] = {}  # folded name → country, subdivision, macro and preferred readings
        self.codes: dict[str, list[Place]] = {}  # capital codes → readings
        self.stopwords = frozenset(fold(w) for w in rules["place_stopwords"])
        self.regions: dict[str, str] = {}  # subdivision id → display name
        self.admin1: dict[str, str] = {}  # GeoNames "CC.admin1" → subdivision id
        self.subdivision_names: list[tuple[str, str]] = []  # (name, subdivision id), both of its names
        for line in (RULES / "places_admin1.tsv").read_text(encoding="utf-8").splitlines()[1:]:
            code, sub_id, display, geonames_name = line.split("\t")
            self.admin1[code] = sub_id
            self.regions[sub_id] = display
            self.subdivision_names += [(display, sub_id), (geonames_name, sub_id)]
        self._load_cities()
        self._add_countries(rules)
        self._add_preferred(rules["cities"])

    def _load_cities(self) -> None:
        text = gzip.decompress((RULES / "places.tsv.gz").read_bytes()).decode("utf-8")
        rows, keys, ids = text.split("\n%%\n")
        self.city_rows = rows.split("\n")[1:]  # after the header: name, country, admin1, population
        self.city_keys: dict[str, str] = dict(zip(keys.split("\n"), ids.rstrip("\n").split("\n")))
        self._cities: dict[int, Place] = {}

    def city(self, i: int, alternate: bool = False) -> Place:
        place = self._cities.get(i)
        if place is None:
            name, cc, admin1, population = self.city_rows[i].split("\t")
            sub = self.admin1.get(f"{cc}.{admin1}") if admin1 else None
            pop = int(population)
            place = self._cities[i] = Place("city", cc, sub, name, pop, strict=pop < BIG_CITY)
        return Place(place.kind, place.country, place.subdivision, place.name, place.population, place.strict,
                      alternate=True) if alternate else place

    def _add(self, index: dict[str, list[Place]], key: str, place: Place) -> None:
        readings = index.setdefault(key, [])
        if place not in readings:
            readings.append(place)

    def _add_countries(self, rules: dict) -> None:
        for country in pycountry.countries:
            place = Place("country", country.alpha_2)
            for attr in ("name", "official_name", "common_name"):
                if getattr(country, attr, None):
                    self._add(self.names, fold(getattr(country, attr)), place)
            self._add(self.codes, country.alpha_2, place)
            self._add(self.codes, country.alpha_3, place)
        for alias, code in rules["country_aliases"].items():
            self._add(self.names, fold(alias), Place("country", code))
        for name, sub_id in self.subdivision_names:  # named countries first: "Punjab" is Indian before Pakistani
            cc = sub_id[:2]
            key = fold(name)
            if "-" in sub_id and cc in NAMED_SUBDIVISIONS:
                self._add(self.names, key, Place("subdivision", cc, sub_id))
                if cc in CODED_SUBDIVISIONS:
                    self._add(self.codes, sub_id.split("-", 1)[1], Place("subdivision", cc, sub_id))
        for alias, code in rules["subdivision_aliases"].items():
            self._add(self.names, fold(alias), Place("subdivision", code.split("-", 1)[0], code))
        for alias, label in rules["macro_regions"].items():
            self._add(self.names, fold(alias), Place("macro", name=label))
        for name, sub_id in self.subdivision_names:  # then the other countries' subdivisions
            key = fold(name)
            if (sub_id[:2] not in NAMED_SUBDIVISIONS and len(key) > 3 and key not in self.stopwords
                    and not any(p.kind in ("country", "macro") for p in self.names.get(key, []))):
                self._add(self.names, key, Place("subdivision", sub_id[:2], sub_id, minor="-" not in sub_id))

    def _add_preferred(self, cities: list[dict]) -> None:
        self.display: dict[tuple[str, str], str] = {}
        for entry in cities:
            ids = self.city_keys.get(fold(entry["name"]), "").split()
            match = [self.city(int(i)) for i in ids if not i.startswith("*")]
            match = [p for p in match if p.name == entry["name"] and p.country == entry["country"]
                     and ("admin1" not in entry or (p.subdivision or "").endswith(entry["admin1"]))]
            if not match:
                raise ValueError(f"gazetteer.yml: no GeoNames city {entry['name']!r} in {entry['country']}")
            place = Place("city", match[0].country, match[0].subdivision, entry.get("display", entry["name"]),
                           match[0].population, preferred=True)
            self.display[(entry["name"], entry["country"])] = place.name
            for name in [entry["name"], *entry.get("aliases", [])]:
                self._add(self.names, fold(name), place)

    def lookup(self, key: str) -> tuple[list[Place], bool]:
        """Readings of one folded name: preferred cities, countries/subdivisions/macros, then GeoNames cities."""
        named = self.names.get(key, [])
        preferred = [p for p in named if p.kind == "city"]
        readings = preferred + [p for p in named if p.kind != "city"]
        ids = self.city_keys.get(key) if len(key) > 2 else None
        if ids:
            seen = {(p.country, p.subdivision, p.population) for p in preferred}
            for i in ids.split():
                place = self.city(int(i.lstrip("*")), alternate=i.startswith("*"))
                if (place.country, place.subdivision, place.population) in seen:
                    continue
                name = self.display.get((place.name, place.country))
                readings.append(place if name is None else Place(
                    "city", place.country, place.subdivision, name, place.population, alternate=place.alternate))
        return readings, key in self.stopwords


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer()
