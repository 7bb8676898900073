"""Builders for customers and contact persons: ``make_customer(**overrides)``, ``make_contact(**overrides)``.

Both write straight to the database (no events, no duplicate check) in the active tenant schema, so
tests of other apps get rows quickly. Any model field can be overridden.
"""

from __future__ import annotations

import itertools

from customers.models import ContactPerson, Customer

_seq = itertools.count(1)


def make_customer(**overrides) -> Customer:
    """A saved company customer with a unique name in Berlin; pass status="lead" for a lead."""
    n = next(_seq)
    values = {
        "name": f"Builder Customer {n} GmbH",
        "kind": Customer.Kind.COMPANY,
        "status": Customer.Status.CUSTOMER,
        "street": f"Teststraße {n}",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
    }
    values.update(overrides)
    return Customer.objects.create(**values)


def make_contact(**overrides) -> ContactPerson:
    """A saved contact person; makes a customer for it unless ``customer`` is given."""
    n = next(_seq)
    if "customer" not in overrides and "customer_id" not in overrides:
        overrides["customer"] = make_customer()
    values = {"first_name": "Erika", "last_name": f"Builder{n}", "position": "Buyer", "email": f"contact{n}@example.com"}
    values.update(overrides)
    return ContactPerson.objects.create(**values)
