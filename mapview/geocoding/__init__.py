"""The one place that talks to a geocoder. Pick the backend with the GEOCODER setting
(``offline``, the default, or ``nominatim``)."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Address(NamedTuple):
    street: str
    postal_code: str
    city: str
    country: str


class GeocodeResult(NamedTuple):
    latitude: float
    longitude: float
    precision: str  # "postal_code", "city" or "address"


class GeocoderError(Exception):
    """The geocoder cannot answer this address, now or later (the status becomes failed)."""


class GeocoderTransientError(GeocoderError):
    """A passing failure (timeout, rate limit, service down): try again later."""


class Geocoder(Protocol):
    name: str
    uses_street: bool

    def geocode(self, address: Address) -> GeocodeResult | None: ...


BACKENDS = {
    "offline": "mapview.geocoding.offline.OfflineGeocoder",
    "nominatim": "mapview.geocoding.nominatim.NominatimGeocoder",
}
_instances: dict[str, Geocoder] = {}


def geocoder_name() -> str:
    return (getattr(settings, "GEOCODER", None) or "offline").strip().lower()


def get_geocoder(name: str | None = None) -> Geocoder:
    """The configured geocoder (one instance per process: the gazetteer loads once)."""
    name = name or geocoder_name()
    if name not in BACKENDS:
        raise GeocoderError(f"Unknown GEOCODER {name!r}; choose one of {', '.join(BACKENDS)}.")
    if name not in _instances:
        _instances[name] = import_string(BACKENDS[name])()
    return _instances[name]


def address_key(address: Address, *, uses_street: bool) -> Address:
    """The part of an address a geocoder looks at, normalised for grouping equal requests."""
    return Address(
        street=" ".join(address.street.split()).casefold() if uses_street else "",
        postal_code="".join(address.postal_code.split()).upper(),
        city=" ".join(address.city.split()).casefold(),
        country=(address.country or "").strip().upper(),
    )
