"""Sample data: seeded customers get coordinates from the offline geocoder, in batches."""

from __future__ import annotations

from crm.lib.seeding import SeedContext
from customers.models import Customer
from mapview.geocoding.offline import OfflineGeocoder
from mapview.services import customers_geocode_batch


def seed_coordinates(ctx: SeedContext) -> None:
    """Geocode every pending customer offline (whatever GEOCODER says: seeding is offline)."""
    result = customers_geocode_batch(statuses=(Customer.GeocodeStatus.PENDING,), geocoder=OfflineGeocoder())
    ctx.stdout(
        f"coordinates: {result.found} found, {result.not_found} not found "
        f"({result.distinct_addresses} distinct places)"
    )
