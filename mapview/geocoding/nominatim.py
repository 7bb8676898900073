"""The Nominatim geocoder through geopy, keeping the usage policy of the OpenStreetMap
Foundation: an identifying user agent, at most one request per second across all workers,
retries with backoff on passing failures (https://operations.osmfoundation.org/policies/nominatim/)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from geopy import exc as geopy_exc
from geopy.geocoders import Nominatim

from mapview.geocoding import Address, GeocoderError, GeocodeResult, GeocoderTransientError
from mapview.geocoding.ratelimit import GlobalRateLimiter

log = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "crm-sales-map/0.1 (self-hosted sales CRM; set GEOCODER_USER_AGENT)"
TRANSIENT = (
    geopy_exc.GeocoderTimedOut,
    geopy_exc.GeocoderUnavailable,
    geopy_exc.GeocoderRateLimited,
)
PERMANENT = (
    geopy_exc.GeocoderQueryError,
    geopy_exc.GeocoderAuthenticationFailure,
    geopy_exc.GeocoderInsufficientPrivileges,
    geopy_exc.ConfigurationError,
)


class NominatimGeocoder:
    name = "nominatim"
    uses_street = True

    def __init__(
        self,
        *,
        user_agent: str | None = None,
        domain: str | None = None,
        adapter_factory=None,
        limiter: GlobalRateLimiter | None = None,
        attempts: int = 3,
        backoff: float = 2.0,
        timeout: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.user_agent = (
            user_agent or getattr(settings, "GEOCODER_USER_AGENT", None) or DEFAULT_USER_AGENT
        )
        self.domain = (
            domain
            or getattr(settings, "GEOCODER_NOMINATIM_DOMAIN", None)
            or "nominatim.openstreetmap.org"
        )
        self.limiter = limiter or GlobalRateLimiter(
            key="crm:geocoder:nominatim:slot", interval=1.0, sleep=sleep
        )
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep
        options = {"user_agent": self.user_agent, "domain": self.domain, "timeout": timeout}
        if adapter_factory is not None:
            options["adapter_factory"] = adapter_factory
        self.client = Nominatim(**options)

    def _query(self, query: dict, country: str):
        for attempt in range(1, self.attempts + 1):
            self.limiter.wait()
            try:
                return self.client.geocode(
                    query,
                    exactly_one=True,
                    country_codes=country.lower() or None,
                    addressdetails=False,
                )
            except PERMANENT as exc:
                raise GeocoderError(str(exc)) from exc
            except (*TRANSIENT, geopy_exc.GeocoderServiceError) as exc:
                if attempt == self.attempts:
                    raise GeocoderTransientError(str(exc)) from exc
                delay = self.backoff * 2 ** (attempt - 1)
                retry_after = getattr(exc, "retry_after", None)
                if retry_after:
                    delay = max(delay, float(retry_after))
                log.info("Nominatim: %s; retrying in %.1fs", exc, delay)
                self.sleep(delay)
        return None  # pragma: no cover - the loop always returns or raises

    def geocode(self, address: Address) -> GeocodeResult | None:
        country = (address.country or "").strip().upper()
        place = {
            k: v
            for k, v in (
                ("postalcode", address.postal_code.strip()),
                ("city", address.city.strip()),
            )
            if v
        }
        if not place and not address.street.strip():
            return None
        if address.street.strip():
            found = self._query({"street": address.street.strip(), **place}, country)
            if found:
                return GeocodeResult(float(found.latitude), float(found.longitude), "address")
        if place:  # an unknown street still puts the customer in its town
            found = self._query(place, country)
            if found:
                return GeocodeResult(float(found.latitude), float(found.longitude), "city")
        return None
