"""The customers seeder: realistic rows, about a fifth leads, ids shared with later seeders."""

import random

from crm.lib.seeding import SeedContext, seeders
from customers import seed_data
from customers.models import ContactPerson, Customer
from customers.seed import seed_customers


def test_the_seeder_is_registered_after_users_and_before_sales():
    names = [name for _order, name, _f in seeders()]
    assert "customers" in names
    orders = {name: order for order, name, _f in seeders()}
    assert orders["customers"] == 20


def test_seeded_customers_are_realistic_and_shared_through_the_context(tenant, alice, bob):
    before = Customer.objects.count()
    ctx = SeedContext(rng=random.Random(7), customers=400, stdout=lambda s: None)
    ctx.made["users"] = [alice, bob]
    seed_customers(ctx)
    made = Customer.objects.filter(pk__in=ctx.made["customer_ids"])
    assert made.count() == 400 and Customer.objects.count() == before + 400
    leads = made.filter(status="lead").count()
    assert 50 <= leads <= 110  # about 20 %
    assert set(ctx.made["lead_ids"]) == set(made.filter(status="lead").values_list("pk", flat=True))
    places = {(c, p, k) for c, p, k, _a in seed_data.CITIES}
    assert all((c.city, c.postal_code, c.country) in places for c in made)
    assert {c.owner_id for c in made} <= {alice.pk, bob.pk, None}
    contacts = ContactPerson.objects.filter(pk__in=ctx.made["contact_ids"])
    assert 600 <= contacts.count() <= 1000  # about two per customer
    assert sum(len(v) for v in ctx.made["contacts_by_customer"].values()) == contacts.count()
    sample = made.exclude(kind="person").first()
    assert sample.name_key and sample.search_text and sample.email_domain
    # seeded rows are found by the overview's search like any other
    from customers.selectors import customer_search

    assert sample in customer_search(Customer.objects.all(), text=sample.name)
