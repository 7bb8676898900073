"""manage.py geocode_customers and the map's seeder."""

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from crm.lib.seeding import SeedContext
from customers.models import Customer
from mapview.seed import seed_coordinates
from tests.builders.customers import make_customer
from tests.builders.mapview import make_located_customer

Status = Customer.GeocodeStatus


def test_the_command_geocodes_a_tenant_with_a_progress_bar(tenant):
    made = [
        make_customer(postal_code="", city=city, country=country)
        for city, country in [("Linz", "AT"), ("Basel", "CH"), ("Nowhere-upon-Nothing", "DE")] * 4
    ]
    pinned = make_located_customer(1.0, 1.0, geocode_status=Status.MANUAL)
    out = io.StringIO()
    call_command("geocode_customers", "--schema", "alpha", "--batch-size", "100", stdout=out)
    connection.set_tenant(tenant)
    text = out.getvalue()
    assert "[##############################] 100% 12/12" in text
    assert "12 customers: 8 found, 4 not found, 0 failed (3 distinct addresses" in text
    statuses = set(
        Customer.objects.filter(pk__in=[c.pk for c in made]).values_list(
            "geocode_status", flat=True
        )
    )
    assert statuses == {Status.FOUND, Status.NOT_FOUND}
    pinned.refresh_from_db()
    assert (pinned.latitude, pinned.geocode_status) == (1.0, Status.MANUAL)


def test_the_command_retries_what_was_not_found_only_when_asked(tenant):
    customer = make_customer(
        postal_code="", city="Graz", country="AT", geocode_status=Status.NOT_FOUND
    )
    call_command("geocode_customers", "--schema", "alpha", stdout=io.StringIO())
    connection.set_tenant(tenant)
    customer.refresh_from_db()
    assert customer.geocode_status == Status.NOT_FOUND
    call_command("geocode_customers", "--schema", "alpha", "--retry", stdout=io.StringIO())
    connection.set_tenant(tenant)
    customer.refresh_from_db()
    assert customer.geocode_status == Status.FOUND


def test_the_command_refuses_an_unknown_tenant(db):
    with pytest.raises(CommandError):
        call_command("geocode_customers", "--schema", "nobody", stdout=io.StringIO())


def test_seeded_customers_get_coordinates_from_the_offline_geocoder(tenant, settings):
    settings.GEOCODER = "nominatim"  # seeding never goes online
    Customer.objects.bulk_create(
        [
            Customer(
                name=f"Seeded {i}",
                postal_code="",
                city=["Wien", "Bern"][i % 2],
                country=["AT", "CH"][i % 2],
            )
            for i in range(20)
        ]
    )
    lines = []
    seed_coordinates(SeedContext(rng=random.Random(1), customers=20, stdout=lines.append))
    assert (
        Customer.objects.filter(name__startswith="Seeded", geocode_status=Status.FOUND).count()
        == 20
    )
    assert "20 found" in lines[0]


def test_the_seeder_saves_map_selections_of_customers_inside_their_circles(tenant, alice):
    from mapview.models import Selection
    from mapview.seed import seed_selections
    from mapview.selectors import Geometry, geometry_condition

    for i in range(6):
        make_located_customer(48.14 + i * 0.01, 11.58, name=f"Near {i}")
    make_located_customer(53.55, 9.99, name="Far away")
    lines = []
    seed_selections(
        SeedContext(
            rng=random.Random(3), customers=100, stdout=lines.append, made={"users": [alice]}
        )
    )
    selections = list(Selection.objects.filter(owner=alice).prefetch_related("customers"))
    assert len(selections) == 3 and "map selections: 3" in lines[0]
    for selection in selections:
        geometry = Geometry(shapes=selection.definition["shapes"])
        inside = set(
            Customer.objects.filter(geometry_condition(geometry)).values_list("pk", flat=True)
        )
        assert {c.pk for c in selection.customers.all()} == inside
        assert selection.customer_count == len(inside) > 0
        assert " km" in selection.name
