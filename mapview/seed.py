"""Sample data: seeded customers get coordinates from the offline geocoder, in batches."""

from __future__ import annotations

from django.utils.translation import gettext

from crm.lib.seeding import SeedContext, report_counts
from customers.models import Customer
from mapview.geocoding.offline import OfflineGeocoder
from mapview.services import customers_geocode_batch


def seed_coordinates(ctx: SeedContext) -> None:
    """Geocode every pending customer offline (whatever GEOCODER says: seeding is offline)."""
    result = customers_geocode_batch(
        statuses=(Customer.GeocodeStatus.PENDING,), geocoder=OfflineGeocoder()
    )
    ctx.stdout(
        gettext(
            "coordinates: %(found)s found, %(not_found)s not found (%(places)s distinct places)"
        )
        % report_counts(
            {
                "found": result.found,
                "not_found": result.not_found,
                "places": result.distinct_addresses,
            }
        )
    )


def seed_selections(ctx: SeedContext) -> None:
    """Saved map selections: circles of 25-60 km drawn around places where customers are, saved
    by sales people (one per 2,000 customers, at least 3, at most 50), as they would for a trip."""
    from django.db.models import Q

    from mapview.selectors import Geometry, geometry_condition
    from mapview.services import selection_create

    users = ctx.made.get("users") or [None]
    located = Customer.objects.filter(~Q(latitude=None), ~Q(longitude=None))
    centres = list(located.order_by("id").values_list("city", "latitude", "longitude")[:5000])
    if not centres:
        ctx.stdout(gettext("map selections: none (no customer has coordinates)"))
        return
    wanted = min(50, max(3, ctx.customers // 2000))
    made = members = 0
    for _ in range(wanted):
        city, lat, lon = ctx.rng.choice(centres)
        radius = ctx.rng.choice([25_000, 40_000, 60_000])
        geometry = Geometry(shapes=[{"type": "circle", "center": [lat, lon], "radius": radius}])
        ids = list(located.filter(geometry_condition(geometry)).values_list("pk", flat=True))
        if not ids:
            continue
        name = f"{city or 'Area'} +{radius // 1000} km"
        selection_create(
            name=name, owner=ctx.rng.choice(users), customer_ids=ids, definition=geometry.as_json()
        )
        made, members = made + 1, members + len(ids)
    ctx.stdout(
        gettext("map selections: %(made)s with %(members)s customers in all")
        % report_counts({"made": made, "members": members})
    )
