from pathlib import Path

import pycountry
import pytest
import yaml

from job_analytics.silver.location import Location, parse_location
from job_analytics.silver.rules import places

RULES = Path(places.__file__).parent
GAZETTEER = yaml.safe_load((RULES / "gazetteer.yml").read_text("utf-8"))


def loc(city=None, region=None, country=None, remote=False):
    return Location(city, region, country, remote)


@pytest.mark.parametrize("text, expected", [
    # remote, with and without a country
    ("Remote - US", loc(country="US", remote=True)),
    ("Remote (Germany)", loc(country="DE", remote=True)),
    ("Remote - CA", loc(country="CA", remote=True)),
    ("Remote in UK", loc(country="GB", remote=True)),
    ("US-Remote", loc(country="US", remote=True)),
    ("REMOTE IN USA", loc(country="US", remote=True)),
    ("Home Office Deutschland", loc(country="DE", remote=True)),
    ("Worldwide", loc(remote=True)),
    ("Anywhere", loc(remote=True)),
    ("Global", loc(remote=True)),
    ("Anywhere in the World", loc(remote=True)),
    ("Remote, Anywhere", loc(remote=True)),
    ("Remote-first, CET ±2h", loc(remote=True)),
    ("Berlin or Remote", loc("Berlin", "Berlin", "DE", True)),
    # macro regions: no country, the region says where
    ("Europe", loc(region="Europe")),
    ("EMEA", loc(region="EMEA")),
    ("LATAM", loc(region="LATAM")),
    ("Remote - Europe", loc(region="Europe", remote=True)),
    ("Remote (EU timezone)", loc(region="Europe", remote=True)),
    ("Remote - North America", loc(region="North America", remote=True)),
    # several countries: no single country
    ("Germany, Poland", loc()),
    ("Remote, US or Canada", loc(remote=True)),
    ("US/Canada", loc()),
    ("US OR CANADA", loc()),
    # countries by name, alias and code
    ("USA", loc(country="US")),
    ("United States", loc(country="US")),
    ("U.S.", loc(country="US")),
    ("UK", loc(country="GB")),
    ("Deutschland", loc(country="DE")),
    ("The Netherlands", loc(country="NL")),
    ("South Korea", loc(country="KR")),
    ("Türkiye", loc(country="TR")),
    ("Bosnia and Herzegovina", loc(country="BA")),
    ("USA Only", loc(country="US")),
    ("US-based", loc(country="US")),
    ("Candidates must reside in Germany", loc(country="DE")),
    # cities, states and ambiguous names
    ("Berlin", loc("Berlin", "Berlin", "DE")),
    ("Berlin, Germany", loc("Berlin", "Berlin", "DE")),
    ("10115 Berlin", loc("Berlin", "Berlin", "DE")),
    ("Hybrid - Berlin", loc("Berlin", "Berlin", "DE")),
    ("BERLIN, GERMANY", loc("Berlin", "Berlin", "DE")),
    ("München", loc("Munich", "Bayern", "DE")),
    ("Munich, Bavaria, Germany", loc("Munich", "Bayern", "DE")),
    ("Stuttgart, DE", loc("Stuttgart", "Baden-Württemberg", "DE")),
    ("Cambridge, MA", loc("Cambridge", "Massachusetts", "US")),
    ("Cambridge, UK", loc("Cambridge", "England", "GB")),
    ("Cambridge", loc("Cambridge", "England", "GB")),
    ("London, ON", loc("London", "Ontario", "CA")),
    ("London, England", loc("London", "England", "GB")),
    ("EMEA, London", loc("London", "England", "GB")),
    ("New York, NY", loc("New York", "New York", "US")),
    ("New York, NY 10001", loc("New York", "New York", "US")),
    ("San Francisco, CA", loc("San Francisco", "California", "US")),
    ("Mountain View, CA", loc("Mountain View", "California", "US")),
    ("Salt Lake City, UT", loc("Salt Lake City", "Utah", "US")),
    ("Chicago, IL, United States", loc("Chicago", "Illinois", "US")),
    ("Springfield, IL", loc("Springfield", "Illinois", "US")),
    ("Indianapolis, IN", loc("Indianapolis", "Indiana", "US")),
    ("Portland, OR", loc("Portland", "Oregon", "US")),
    ("Portland, ME", loc("Portland", "Maine", "US")),
    ("Paris, TX", loc("Paris", "Texas", "US")),
    ("Paris, France", loc("Paris", "Île-de-France", "FR")),
    ("Atlanta, Georgia", loc("Atlanta", "Georgia", "US")),
    ("Tbilisi, Georgia", loc("Tbilisi", "T'bilisi", "GE")),
    ("Georgia", loc(country="GE")),
    ("Seattle, Washington", loc("Seattle", "Washington", "US")),
    ("Washington, D.C.", loc("Washington", "District of Columbia", "US")),
    ("Perth, WA", loc("Perth", "Western Australia", "AU")),
    ("Tacoma, WA", loc("Tacoma", "Washington", "US")),
    ("Toronto, ON, CA", loc("Toronto", "Ontario", "CA")),
    ("Quebec City, QC", loc("Quebec City", "Quebec", "CA")),
    ("Bangalore, India", loc("Bengaluru", "Karnātaka", "IN")),
    ("Bengaluru, IN", loc("Bengaluru", "Karnātaka", "IN")),
    ("Gurgaon", loc("Gurugram", "Haryāna", "IN")),
    ("Hyderabad, Pakistan", loc("Hyderabad", "Sindh", "PK")),
    ("Sao Paulo", loc("São Paulo", "São Paulo", "BR")),
    ("Zürich, Switzerland", loc("Zürich", "Zürich", "CH")),  # GeoNames spellings and subdivisions
    ("Kraków, Poland", loc("Kraków", "Lesser Poland", "PL")),
    ("Warszawa", loc("Warsaw", "Mazovia", "PL")),
    ("Singapore", loc("Singapore", None, "SG")),
    ("Texas", loc(region="Texas", country="US")),
    ("San Francisco / New York", loc("San Francisco", "California", "US")),  # the first of two cities
    # nothing to say
    ("", loc()),
    (None, loc()),
    ("Multiple Locations", loc()),
    ("UTC-5 to UTC+3", loc()),
])
def test_parse_location(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, hint, remote", [
    ("Berlin", True, True),
    ("Remote - US", False, False),  # the source's own flag wins
    ("Remote - US", None, True),
    (None, True, True),
])
def test_remote_hint(text, hint, remote):
    assert parse_location(text, remote_hint=hint).is_remote is remote


def test_gazetteer_codes_exist():
    subdivisions = {line.split("\t")[1] for line in (RULES / "places_admin1.tsv").read_text("utf-8").splitlines()[1:]}
    for alias, code in GAZETTEER["country_aliases"].items():
        assert pycountry.countries.get(alpha_2=code), alias
    for alias, code in GAZETTEER["subdivision_aliases"].items():
        assert code in subdivisions, alias
    for code in GAZETTEER["admin1_iso"].values():
        assert pycountry.subdivisions.get(code=code), code
    for city in GAZETTEER["cities"]:  # each preferred city is a GeoNames city (the gazetteer refuses to load else)
        assert parse_location(f"{city['name']}, {city['country']}").country_code == city["country"], city
