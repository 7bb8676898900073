"""Builders for the map: customers with coordinates and saved selections."""

from __future__ import annotations

import itertools

from customers.models import Customer
from mapview.models import Selection, SelectionItem
from tests.builders.customers import make_customer

_seq = itertools.count(1)


def make_located_customer(lat: float, lon: float, **overrides) -> Customer:
    """A customer already geocoded to (lat, lon)."""
    values = {"latitude": lat, "longitude": lon, "geocode_status": Customer.GeocodeStatus.FOUND}
    values.update(overrides)
    return make_customer(**values)


def make_selection(*, owner=None, customers=(), **overrides) -> Selection:
    """A saved selection of the given customers."""
    customers = list(customers)
    values = {"name": f"Selection {next(_seq)}", "owner": owner, "customer_count": len(customers)}
    values.update(overrides)
    selection = Selection.objects.create(**values)
    SelectionItem.objects.bulk_create(
        [SelectionItem(selection=selection, customer=c) for c in customers]
    )
    return selection
