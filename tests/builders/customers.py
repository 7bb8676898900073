"""Builders for customers and contact persons: ``make_customer(**overrides)``,
``make_contact(**overrides)``.

Both write straight to the database (no events, no duplicate check, no size-class derivation) in the
active tenant schema, so tests of other apps get rows quickly. Any model field can be overridden.
The derived search and duplicate-check keys are filled in, so built rows are found like real ones.
"""

from __future__ import annotations

import itertools

from customers.models import ContactPerson, Customer

_seq = itertools.count(1)


def make_customer(**overrides) -> Customer:
    """A saved company customer with a unique name in Berlin; pass status="lead" for a lead."""
    from customers.services import customer_keys_refresh

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
    customer = Customer(**values)
    customer_keys_refresh(customer, contact_names=[])
    customer.save()
    return customer


def make_contact(**overrides) -> ContactPerson:
    """A saved contact person; makes a customer for it unless ``customer`` is given."""
    from customers.normalize import contact_search_text
    from customers.services import customer_keys_refresh

    n = next(_seq)
    if "customer" not in overrides and "customer_id" not in overrides:
        overrides["customer"] = make_customer()
    values = {
        "first_name": "Erika",
        "last_name": f"Builder{n}",
        "position": "Buyer",
        "email": f"contact{n}@example.com",
    }
    values.update(overrides)
    contact = ContactPerson(**values)
    customer = contact.customer
    contact.search_text = contact_search_text(
        first_name=contact.first_name,
        last_name=contact.last_name,
        email=contact.email,
        position=contact.position,
        customer_name=customer.name,
    )
    contact.save()
    customer_keys_refresh(customer)
    Customer.objects.filter(pk=customer.pk).update(search_text=customer.search_text)
    return contact
