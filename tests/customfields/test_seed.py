"""The demo tenant's custom fields and their values."""

from __future__ import annotations

import random

from crm.lib.seeding import SeedContext
from customers.models import Customer
from customfields.models import FieldDefinition
from customfields.seed import seed_custom_fields
from tests.builders.customers import make_customer
from tests.builders.sales import make_project


def test_the_seeder_defines_the_demo_fields_and_fills_them_uniquely(tenant):
    companies = [make_customer(country="DE") for _ in range(5)]
    person = make_customer(kind="person", name="Privat Person")
    project = make_project(customer=companies[0])
    ctx = SeedContext(rng=random.Random(1), customers=6, stdout=lambda text: None)
    seed_custom_fields(ctx)
    seed_custom_fields(ctx)  # twice is safe
    keys = set(FieldDefinition.objects.values_list("key", flat=True))
    assert {"vat_id", "segment", "credit_limit", "contract_end"} <= keys
    assert FieldDefinition.objects.get(key="vat_id").unique
    vat_ids = [Customer.objects.get(pk=c.pk).custom["vat_id"] for c in companies]
    assert len(set(vat_ids)) == 5 and all(v.startswith("DE") and len(v) == 11 for v in vat_ids)
    segments = {o["value"] for o in FieldDefinition.objects.get(key="segment").options}
    assert all(Customer.objects.get(pk=c.pk).custom["segment"] in segments for c in companies)
    assert Customer.objects.get(pk=person.pk).custom == {}
    project.refresh_from_db()
    assert project.pk % 4 == 0 or len(project.custom["contract_end"]) == 10
