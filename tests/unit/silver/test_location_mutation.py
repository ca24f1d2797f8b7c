"""Location strings the other location tests leave open: towns unknown to the gazetteer, names that are a country
and a state, cities that name their country, flags and time-zone names, a small town beside a big city, several
places, and the folding of names the place index is keyed by.
"""

import pytest

from job_analytics.silver.location import Location, parse_location
from job_analytics.silver.rules.places import fold, transliterate


def loc(city=None, region=None, country=None, remote=False):
    return Location(city, region, country, remote)


@pytest.mark.parametrize("text, expected", [
    # a town the gazetteer does not know is kept as written when the country is known
    ("Hintertupfingen, Germany", loc("Hintertupfingen", None, "DE")),
    ("Hintertupfingen Office, Germany", loc("Hintertupfingen", None, "DE")),
    ("Jekyll Island, Georgia", loc("Jekyll Island", "Georgia", "US")),  # after a place, Georgia is the state
    ("Sea Island, Georgia", loc("Sea Island", "Georgia", "US")),
    # ... and not without a country, nor when it is not the first piece
    ("Hintertupfingen", loc()),
    ("Germany, Hintertupfingen", loc(country="DE")),
    # a city of another country than the one named is kept as written
    ("Springfield, Germany", loc("Springfield", None, "DE")),
    ("Springfield*, Germany", loc("Springfield", None, "DE")),
])
def test_unknown_and_unplaced_towns(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    # countries named by their city
    ("Hong Kong", loc("Hong Kong", None, "HK")),
    ("Singapore", loc("Singapore", None, "SG")),
    ("Luxembourg", loc("Luxembourg", "Luxembourg", "LU")),
    # a country first, a state after a place
    ("Georgia", loc(country="GE")),
    ("Georgia, USA", loc(region="Georgia", country="US")),
    ("Columbus, Georgia", loc("Columbus", "Georgia", "US")),
])
def test_countries_states_and_their_cities(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("🇩🇪 Berlin", loc("Berlin", "Berlin", "DE")),
    ("🇺🇸 US-only", loc(country="US")),
    ("🇬🇧", loc(country="GB")),
    ("Remote 🇨🇦", loc(country="CA", remote=True)),
    ("🇩🇪🇦🇹🇨🇭", loc()),  # three countries
    # a time-zone name names no place
    ("Europe/Berlin, Germany", loc(country="DE")),
    ("Remote (Europe/Berlin)", loc(remote=True)),
])
def test_flags_and_time_zone_names(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    # a postcode is filler beside a small town
    ("82194 Gröbenzell", loc("Gröbenzell", "Bayern", "DE")),
    ("Gröbenzell Office", loc("Gröbenzell", "Bayern", "DE")),
    # a word that is no place beside a big city is filler; a hamlet alone is not enough
    ("Berlin Engineering", loc("Berlin", "Berlin", "DE")),
    ("Bayrischzell", loc()),
    ("Bayrischzell, Germany", loc("Bayrischzell", "Bayern", "DE")),
    ("R&D Center, Germany", loc(country="DE")),  # "R&D" is not written as a town
    # a small town beside a big city is a part of it, not a place of its own
    ("Frankfurt Höchst", loc("Frankfurt am Main", "Hessen", "DE")),
    ("Höchst Frankfurt", loc("Frankfurt am Main", "Hessen", "DE")),
    ("Berlin Gröbenzell", loc("Berlin", "Berlin", "DE")),
])
def test_small_towns_in_a_piece(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Frankfurt (Oder), Germany", loc("Frankfurt (Oder)", "Brandenburg", "DE")),
    ("Frankfurt/Main, Germany", loc("Frankfurt am Main", "Hessen", "DE")),
    ("Halle/Saale", loc("Halle (Saale)", "Sachsen-Anhalt", "DE")),
    ("Ulm (Donau)", loc("Ulm", "Baden-Württemberg", "DE")),
    ("Munich / Berlin", loc("Munich", "Bayern", "DE")),
    ("Berlin/Munich", loc("Berlin", "Berlin", "DE")),
    ("Frankfurt/Oder", loc("Frankfurt (Oder)", "Brandenburg", "DE")),
    ("Gröbenzell / München", loc("Gröbenzell", "Bayern", "DE")),  # two places, not one piece
    ("(Berlin)", loc("Berlin", "Berlin", "DE")),
    ("Berlin /", loc("Berlin", "Berlin", "DE")),
])
def test_names_with_brackets_and_slashes(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Berlin, Munich, Hamburg, Cologne, Frankfurt, Stuttgart, Düsseldorf, Leipzig, Dresden, Hannover, Germany",
     loc("Berlin", "Berlin", "DE")),
    ("Springfield, IL or Portland, ME", loc("Springfield", "Illinois", "US")),
    ("Portland, Oregon or Portland, Maine", loc("Portland", "Oregon", "US")),
    ("Paris, London", loc()),
    ("Berlin, Potsdam, Frankfurt (Oder)", loc("Berlin", "Berlin", "DE")),
    ("Frankfurt (Oder), London", loc()),  # the place after a bracketed name counts too
    ("Berlin, Paris, Germany", loc()),  # a city outside the country named while another is inside
    ("Berlin or London, UK", loc()),
    ("Singapore, SG", loc("Singapore", None, "SG")),
    # many ambiguous names: their readings are not all combined (this would take minutes)
    ("Portland, Springfield, Cambridge, Georgia, Washington, Columbia, Paris, London, Dublin, Berlin",
     loc("Portland", "Oregon", "US")),
])
def test_several_places(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("text, expected", [
    # three-letter codes and official names
    ("DEU", loc(country="DE")),
    ("CHE", loc(country="CH")),
    ("GBR", loc(country="GB")),
    ("People's Republic of China", loc(country="CN")),
    ("Federal Republic of Germany", loc(country="DE")),
    ("Kingdom of Norway", loc(country="NO")),
    # subdivisions by their English names and short forms
    ("NRW", loc(region="Nordrhein-Westfalen", country="DE")),
    ("Köln, NRW", loc("Köln", "Nordrhein-Westfalen", "DE")),
    ("Hesse, Germany", loc(region="Hessen", country="DE")),
    ("Lower Austria", loc(region="Niederösterreich", country="AT")),
    ("Styria", loc(region="Steiermark", country="AT")),
    ("Canillo, Andorra", loc("Canillo", "Canillo", "AD")),  # the first subdivision of the file
    # other countries' subdivisions, by their GeoNames names; after the cities of their name
    ("Catalonia", loc(region="Catalonia", country="ES")),
    ("Barcelona, Catalonia", loc("Barcelona", "Catalonia", "ES")),
    ("Lombardy", loc(region="Lombardy", country="IT")),
    ("Lesser Poland", loc(region="Lesser Poland", country="PL")),
    ("Amsterdam, North Holland", loc("Amsterdam", "North Holland", "NL")),
    ("Limburg", loc("Limburg an der Lahn", "Hessen", "DE")),
    ("Community of Madrid", loc(region="Madrid", country="ES")),
    # preferred cities (gazetteer.yml) before bigger namesakes, by their aliases too
    ("Valencia", loc("Valencia", "Valencia", "ES")),
    ("Hanover", loc("Hannover", "Niedersachsen", "DE")),
    ("Washington", loc("Washington", "District of Columbia", "US")),
    ("Washington DC", loc("Washington", "District of Columbia", "US")),
    ("Manhattan", loc("New York", "New York", "US")),
    ("Bay Area", loc("San Francisco", "California", "US")),
    ("Saigon", loc("Ho Chi Minh City", None, "VN")),
    ("Delhi NCR", loc("Delhi", "Delhi", "IN")),
    ("FFM", loc("Frankfurt am Main", "Hessen", "DE")),
    # a macro region is the region only when no city is named
    ("EMEA, Germany", loc(region="EMEA", country="DE")),
    ("Singapore, APAC", loc("Singapore", None, "SG")),
    ("London, EMEA", loc("London", "England", "GB")),
    # stop-word towns and small towns need their country or state
    ("Mobile", loc()),
    ("Mobile, AL", loc("Mobile", "Alabama", "US")),
    ("Normal", loc()),
    ("Normal, IL", loc("Normal", "Illinois", "US")),
    ("Scala", loc()),
    ("Scala, Italy", loc("Scala", "Campania", "IT")),
])
def test_codes_names_and_regions(text, expected):
    assert parse_location(text) == expected


@pytest.mark.parametrize("name, expected", [
    ("Gröbenzell", "Groebenzell"),
    ("Möhnesee", "Moehnesee"),
    ("Überlingen", "Ueberlingen"),
    ("Bad Säckingen", "Bad Saeckingen"),
    ("Ölbronn-Dürrn", "Oelbronn-Duerrn"),
    ("Äpfelbach", "Aepfelbach"),
    ("Straße", "Straße"),
    ("Berlin", "Berlin"),
])
def test_transliterate_writes_umlauts_out(name, expected):
    assert transliterate(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Łódź", "lodz"),
    ("Tromsø", "tromso"),
    ("Đà Nẵng", "da nang"),
    ("Ísafjörður", "isafjordur"),
    ("Þórshöfn", "thorshofn"),
    ("Ærøskøbing", "aeroskobing"),
    ("Œuilly", "oeuilly"),
    ("Diyarbakır", "diyarbakir"),
    ("Ħamrun", "hamrun"),
    ("Straße", "strasse"),
    ("St. John's", "st johns"),
    ("U.S.A.", "usa"),
    ("O’Fallon", "ofallon"),
    ("`Ewa Beach", "ewa beach"),
    ("Val-d'Or", "val dor"),
    ("Neu\u2010Isenburg", "neu isenburg"),
    ("Frankfurt (Oder)", "frankfurt oder"),
    ("  BERLIN  ", "berlin"),
])
def test_fold(name, expected):
    assert fold(name) == expected
