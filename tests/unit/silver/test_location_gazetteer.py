"""The GeoNames gazetteer on real location strings, as the job boards write them."""

import gzip
import time

import pytest

from job_analytics.silver.location import Location, parse_location
from job_analytics.silver.rules import places


def loc(city=None, region=None, country=None, remote=False):
    return Location(city, region, country, remote)


@pytest.mark.parametrize("text, expected", [
    # Arbeitnow: German towns, bare, the board's own spelling
    ("Gröbenzell", loc("Gröbenzell", "Bayern", "DE")),
    ("Groebenzell", loc("Gröbenzell", "Bayern", "DE")),
    ("Passau", loc("Passau", "Bayern", "DE")),
    ("Eberswalde", loc("Eberswalde", "Brandenburg", "DE")),
    ("Unna", loc("Unna", "Nordrhein-Westfalen", "DE")),
    ("Moers", loc("Moers", "Nordrhein-Westfalen", "DE")),
    ("Kirchheim unter Teck", loc("Kirchheim unter Teck", "Baden-Württemberg", "DE")),
    ("Bad Homburg vor der Höhe", loc("Bad Homburg vor der Höhe", "Hessen", "DE")),
    ("Neu-Isenburg", loc("Neu-Isenburg", "Hessen", "DE")),
    ("Neu Isenburg", loc("Neu-Isenburg", "Hessen", "DE")),
    ("Garching bei München", loc("Garching", "Bayern", "DE")),
    ("Eschborn", loc("Eschborn", "Hessen", "DE")),
    ("Oftersheim", loc("Oftersheim", "Baden-Württemberg", "DE")),
    ("Landsberg", loc("Landsberg am Lech", "Bayern", "DE")),  # not Gorzów, once "Landsberg an der Warthe"
    ("Ulm", loc("Ulm", "Baden-Württemberg", "DE")),
    ("Hof, Bayern", loc("Hof", "Bayern", "DE")),
    ("Guetersloh", loc("Gütersloh", "Nordrhein-Westfalen", "DE")),
    ("Freiburg im Breisgau", loc("Freiburg", "Baden-Württemberg", "DE")),
    ("Halle (Saale)", loc("Halle (Saale)", "Sachsen-Anhalt", "DE")),
    ("Frankfurt (Oder)", loc("Frankfurt (Oder)", "Brandenburg", "DE")),
    ("Frankfurt am Main", loc("Frankfurt am Main", "Hessen", "DE")),
    ("Frankfurt/Main", loc("Frankfurt am Main", "Hessen", "DE")),
    ("Frankfurt, Hesse", loc("Frankfurt am Main", "Hessen", "DE")),
    ("Frankfurt, Brandenburg", loc("Frankfurt (Oder)", "Brandenburg", "DE")),
    ("Frankfurt", loc("Frankfurt am Main", "Hessen", "DE")),
    ("80331 München", loc("Munich", "Bayern", "DE")),
    ("Muenchen", loc("Munich", "Bayern", "DE")),
    ("Köln", loc("Köln", "Nordrhein-Westfalen", "DE")),
    ("Cologne", loc("Köln", "Nordrhein-Westfalen", "DE")),
    ("Nürnberg", loc("Nuremberg", "Bayern", "DE")),
    ("Hanover, Germany", loc("Hannover", "Niedersachsen", "DE")),
    ("Raum Stuttgart", loc("Stuttgart", "Baden-Württemberg", "DE")),
    ("Standort Passau", loc("Passau", "Bayern", "DE")),
    ("Düsseldorf, NRW", loc("Düsseldorf", "Nordrhein-Westfalen", "DE")),
    ("Mannheim, Baden-Württemberg, Deutschland", loc("Mannheim", "Baden-Württemberg", "DE")),
    ("Frankfurt am Main, Hessen", loc("Frankfurt am Main", "Hessen", "DE")),
    ("Berlin, Hamburg, München", loc("Berlin", "Berlin", "DE")),
    ("Hamburg, Berlin, Köln", loc("Hamburg", "Hamburg", "DE")),
    ("Deutschlandweit", loc(country="DE")),
    ("Bundesweit", loc(country="DE")),
    ("Homeoffice", loc(remote=True)),
    ("Home Office, Deutschland", loc(country="DE", remote=True)),
    ("Berlin (Hybrid)", loc("Berlin", "Berlin", "DE")),
    ("Germany (Remote)", loc(country="DE", remote=True)),
    ("Remote in Germany", loc(country="DE", remote=True)),
    ("Wien", loc("Vienna", "Wien", "AT")),
    ("Vienna, Austria", loc("Vienna", "Wien", "AT")),
    ("Zurich", loc("Zürich", "Zürich", "CH")),
    ("St. Gallen", loc("Sankt Gallen", "Sankt Gallen", "CH")),
    # Greenhouse boards
    ("New York, New York, United States", loc("New York", "New York", "US")),
    ("London, England, United Kingdom", loc("London", "England", "GB")),
    ("San Francisco, California, United States", loc("San Francisco", "California", "US")),
    ("San Francisco, CA; Seattle, WA; New York City, NY", loc("San Francisco", "California", "US")),
    ("New York, NY / San Francisco, CA", loc("New York", "New York", "US")),
    ("Frisco, Texas, United States", loc("Frisco", "Texas", "US")),
    ("Hybrid (Seattle, WA)", loc("Seattle", "Washington", "US")),
    ("Denver, CO or Remote", loc("Denver", "Colorado", "US", True)),
    ("China - Remote", loc(country="CN", remote=True)),
    ("Remote (Canada)", loc(country="CA", remote=True)),
    ("Remote - US: Select locations", loc(country="US", remote=True)),
    ("Toronto, Ontario, Canada", loc("Toronto", "Ontario", "CA")),
    ("Montreal, QC", loc("Montréal", "Quebec", "CA")),
    ("Dublin, Ireland", loc("Dublin", "Leinster", "IE")),
    ("Amsterdam, Netherlands", loc("Amsterdam", "North Holland", "NL")),
    ("Barcelona, Catalonia, Spain", loc("Barcelona", "Catalonia", "ES")),
    ("Paris, France", loc("Paris", "Île-de-France", "FR")),
    ("Sydney, NSW", loc("Sydney", "New South Wales", "AU")),
    ("São Paulo, Brazil", loc("São Paulo", "São Paulo", "BR")),
    ("Mexico City, Mexico", loc("Mexico City", "Mexico City", "MX")),
    ("Washington, DC", loc("Washington", "District of Columbia", "US")),
    ("Greater London", loc("London", "England", "GB")),
    ("San Francisco Bay Area", loc("San Francisco", "California", "US")),
    ("Bay Area", loc("San Francisco", "California", "US")),
    ("NYC", loc("New York", "New York", "US")),
    ("SF", loc("San Francisco", "California", "US")),
    # RemoteOK and Remotive
    ("Worldwide", loc(remote=True)),
    ("🌏 Worldwide", loc(remote=True)),
    ("🇺🇸 US-only", loc(country="US")),
    ("🇪🇺 EU-only", loc(region="Europe")),
    ("US only", loc(country="US")),
    ("Europe, Americas", loc()),
    ("Americas", loc(region="Americas")),
    ("Latin America", loc(region="LATAM")),
    ("USA, Canada", loc()),
    ("Remote (US or Canada)", loc(remote=True)),
    ("Remote, EST", loc(remote=True)),
    ("USA, CST (UTC-6)", loc(country="US")),
    ("GMT+1", loc()),
    ("Remote (CET ±2h)", loc(remote=True)),
    ("DACH", loc(region="DACH")),
    # JSearch
    ("Austin, TX", loc("Austin", "Texas", "US")),
    ("Chicago, IL, US", loc("Chicago", "Illinois", "US")),
    ("Charlotte, NC", loc("Charlotte", "North Carolina", "US")),
    ("Remote, OR, US", loc(None, "Oregon", "US", True)),
    ("Bengaluru, Karnataka, India", loc("Bengaluru", "Karnātaka", "IN")),
    ("Mumbai, Maharashtra, India", loc("Mumbai", "Mahārāshtra", "IN")),
    ("Hyderabad, Telangana, India", loc("Hyderabad", "Telangāna", "IN")),
    ("Noida, Uttar Pradesh, India", loc("Noida", "Uttar Pradesh", "IN")),
    ("Gurugram, Haryana", loc("Gurugram", "Haryāna", "IN")),
    ("St. Louis, MO", loc("St. Louis", "Missouri", "US")),
    ("Saint Petersburg, FL", loc("St. Petersburg", "Florida", "US")),
    ("Winston-Salem, NC", loc("Winston-Salem", "North Carolina", "US")),
    # Lever
    ("Toronto, Ontario", loc("Toronto", "Ontario", "CA")),
    ("Oslo, Norway", loc("Oslo", None, "NO")),  # GeoNames' Norwegian subdivisions are newer than its names list
    ("Lisbon, Portugal", loc("Lisbon", "Lisbon", "PT")),
    ("Lisboa", loc("Lisbon", "Lisbon", "PT")),
    ("Praha", loc("Prague", "Hlavní město Praha", "CZ")),
    ("Remote - Germany", loc(country="DE", remote=True)),
    # the same name in several places: the region or country in the string decides, else the biggest
    ("Portland, OR", loc("Portland", "Oregon", "US")),
    ("Portland, ME", loc("Portland", "Maine", "US")),
    ("Cambridge, MA", loc("Cambridge", "Massachusetts", "US")),
    ("Cambridge, UK", loc("Cambridge", "England", "GB")),
    ("Stuttgart, DE", loc("Stuttgart", "Baden-Württemberg", "DE")),  # DE is Germany here…
    ("Dover, DE", loc("Dover", "Delaware", "US")),  # … and Delaware there
    ("Birmingham, AL", loc("Birmingham", "Alabama", "US")),
    ("Birmingham, UK", loc("Birmingham", "England", "GB")),
    ("Vancouver, BC", loc("Vancouver", "British Columbia", "CA")),
    ("Vancouver, WA", loc("Vancouver", "Washington", "US")),
    ("Victoria, BC", loc("Victoria", "British Columbia", "CA")),
    ("Hamilton, ON", loc("Hamilton", "Ontario", "CA")),
    ("Perth, Scotland", loc("Perth", "Scotland", "GB")),
    ("Valencia", loc("Valencia", "Valencia", "ES")),
    ("Valencia, Venezuela", loc("Valencia", "Carabobo", "VE")),
    ("Seattle, Washington", loc("Seattle", "Washington", "US")),
    ("Atlanta, Georgia", loc("Atlanta", "Georgia", "US")),
    ("Ontario", loc(region="Ontario", country="CA")),
    ("Delhi", loc("Delhi", "Delhi", "IN")),
    ("Luxembourg", loc("Luxembourg", "Luxembourg", "LU")),
    ("Mexico", loc(country="MX")),
    ("Mobile, AL", loc("Mobile", "Alabama", "US")),
    # several places
    ("Berlin; Munich", loc("Berlin", "Berlin", "DE")),
    ("London or Remote", loc("London", "England", "GB", True)),
    ("London, Berlin", loc()),
    ("Cambridge; Boston", loc()),
    # words that GeoNames knows as towns, and other strings that name no place
    ("Mobile", loc()),
    ("Home", loc()),
    ("Sales", loc()),
    ("Central", loc()),
    ("Of", loc()),
    ("Normal", loc()),
    ("Data Engineering", loc()),
    ("Customer Success", loc()),
    ("Field-based", loc()),
    ("Hybrid", loc()),
    ("On-site", loc()),
    ("Various", loc()),
    ("TBD", loc()),
    ("N/A", loc()),
    ("Nationwide", loc()),
])
def test_parse_real_locations(text, expected):
    assert parse_location(text) == expected


# Location strings as the six boards send them (the recorded payloads and public postings), for the share that
# gets a place: a country or the remote flag. Macro regions and several countries rightly get neither.
REALISTIC_LOCATIONS = [
    # arbeitnow
    "Berlin", "Berlin, Germany", "Cologne", "Dresden", "Düsseldorf", "Eberswalde", "Frankfurt am Main",
    "Gröbenzell", "Hamburg", "Karlsruhe", "Köln", "Landsberg", "Leipzig", "Munich", "München", "Oftersheim",
    "Passau", "Remote", "Stuttgart", "Vienna, Austria", "Zürich, Switzerland", "Unna", "Moers", "Eschborn",
    "Neu-Isenburg", "Kirchheim unter Teck", "Bad Homburg vor der Höhe", "Garching bei München", "Wiesbaden",
    "Mainz", "Heilbronn", "Regensburg", "Ingolstadt", "Wolfsburg", "Braunschweig", "Bielefeld", "Münster",
    "Osnabrück", "Kassel", "Erlangen", "Fürth", "Würzburg", "Potsdam", "Rostock", "Kiel", "Lübeck", "Magdeburg",
    "Jena", "Darmstadt", "Offenbach am Main", "Bonn", "Aachen", "Essen", "Dortmund", "Bochum", "Duisburg",
    "Gelsenkirchen", "Mönchengladbach", "Krefeld", "Bremen", "Hannover", "Nürnberg", "Augsburg", "Freiburg",
    "Konstanz", "Ravensburg", "Sindelfingen", "Böblingen", "Ludwigsburg", "Walldorf", "Unterföhring",
    "Ismaning", "Oberhaching", "Home Office", "Homeoffice, Deutschland", "Deutschlandweit", "Bundesweit",
    # greenhouse
    "Austin", "Austin, TX", "Beijing, China", "China - Remote", "Frisco, TX", "Frisco, Texas, United States",
    "Hamburg, Germany", "New York", "New York, NY", "Remote - US", "San Francisco, CA; Seattle, WA; New York City, NY",
    "San Francisco, California, United States", "Dublin, Ireland", "Toronto, Ontario, Canada", "Remote (Canada)",
    "Hybrid (Seattle, WA)", "Amsterdam, Netherlands", "London, England, United Kingdom", "US-Remote",
    "Remote - US: Select locations", "Sunnyvale, CA", "Mountain View, California", "Redwood City, CA",
    "Bellevue, WA", "Boulder, CO", "Ann Arbor, MI", "Pittsburgh, PA", "Raleigh-Durham, NC",
    # jsearch
    "Boston, MA", "Canada", "Charlotte, NC", "Chicago, IL", "Denver, CO", "Seattle, WA", "US", "Washington, DC",
    "Bengaluru, Karnataka, India", "Hyderabad, Telangana, India", "Plano, TX", "Jersey City, NJ",
    "McLean, VA", "Reston, VA", "Irving, TX", "Scottsdale, AZ",
    # lever
    "London", "Oslo, Norway", "Remote - Germany", "San Francisco", "Stockholm", "Toronto, Ontario",
    "Lisbon, Portugal", "Barcelona, Spain", "Paris, France", "Warsaw, Poland", "Kraków", "Praha", "Tel Aviv",
    # remoteok and remotive
    "", "Canada", "Europe", "US only", "Worldwide", "🇺🇸 US-only", "Europe, Americas", "Americas", "Australia",
    "EMEA", "Germany, Poland", "India", "LATAM, Europe, Central America", "Latin America", "Netherlands",
    "Spain", "UK", "USA", "USA, Canada", "Remote, EST", "USA, CST (UTC-6)", "Anywhere", "UTC-5 to UTC+3",
]


def test_most_realistic_locations_get_a_place():
    placed = [text for text in REALISTIC_LOCATIONS if (r := parse_location(text)).country_code or r.is_remote]
    assert len(REALISTIC_LOCATIONS) >= 100
    assert len(placed) / len(REALISTIC_LOCATIONS) >= 0.9


def test_gazetteer_loads_fast_and_parses_fast():
    places.gazetteer.cache_clear()
    start = time.process_time()
    places.gazetteer()
    assert time.process_time() - start < 2.0  # per worker process
    start = time.process_time()
    for text in REALISTIC_LOCATIONS:
        parse_location(text + " ")  # not the caller's cache
    assert (time.process_time() - start) / len(REALISTIC_LOCATIONS) < 0.005


def test_places_file_keys_are_folded_as_the_parser_folds():
    text = gzip.decompress((places.RULES / "places.tsv.gz").read_bytes()).decode("utf-8")
    assert "CC BY 4.0" in text.split("\n", 1)[0]
    gaz = places.gazetteer()
    for row in gaz.city_rows[:2000:7]:
        name = row.split("\t")[0]
        assert places.fold(name) in gaz.city_keys, name
