import pytest

from mapview.geocoding import Address, GeocodeResult


class CountingGeocoder:
    """A geocoder stand-in that records each address it is asked about."""

    name = "counting"
    uses_street = False

    def __init__(self, answers=None, error=None):
        self.calls: list[Address] = []
        self.answers = answers or {}
        self.error = error

    def geocode(self, address: Address):
        self.calls.append(address)
        if self.error:
            raise self.error
        found = self.answers.get(address.city)
        return GeocodeResult(found[0], found[1], "city") if found else None


@pytest.fixture
def counting_geocoder():
    return CountingGeocoder


@pytest.fixture
def leads_off(tenant):
    """The tenant with its lead function switched off (inside the test's transaction)."""
    tenant.lead_function_enabled = False
    tenant.save(update_fields=["lead_function_enabled"])
    yield tenant
