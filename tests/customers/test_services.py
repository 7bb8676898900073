"""Customer and contact services: events, derived size class, conversion exactly once, activity
touch."""

import threading
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from crm import events
from customers import services
from customers.models import ContactPerson, Customer, SizeClassThresholds
from tests.builders.customers import make_contact, make_customer


class Recorder:
    def __init__(self, *signals):
        self.calls = []
        self.signals = signals

    def __call__(self, sender, signal, **kwargs):
        self.calls.append((signal, kwargs))

    def __enter__(self):
        for signal in self.signals:
            signal.connect(self, weak=False)
        return self

    def __exit__(self, *exc):
        for signal in self.signals:
            signal.disconnect(self)

    def of(self, signal):
        return [kwargs for s, kwargs in self.calls if s is signal]


def test_customer_create_sends_created_and_address_changed_and_fills_keys(tenant, alice):
    with Recorder(events.customer_created, events.customer_address_changed) as rec:
        customer = services.customer_create(
            user=alice,
            name=" Müller GmbH ",
            street="Hauptstraße 1",
            postal_code="10115",
            city="Berlin",
            country="de",
            email="info@mueller.de",
            phone="030 1234567",
        )
    assert customer.owner == alice and customer.created_by == alice
    assert customer.name == "Müller GmbH" and customer.country == "DE"
    assert customer.name_key == "mueller" and customer.email_domain == "mueller.de"
    assert customer.phone_digits == "49301234567"
    assert "berlin" in customer.search_text
    assert rec.of(events.customer_created)[0]["customer"] == customer
    assert rec.of(events.customer_address_changed)[0]["customer"] == customer


def test_customer_create_may_create_a_lead_or_a_customer_but_nothing_else(tenant, alice):
    lead = services.customer_create(user=alice, status="lead", name="Lead AG")
    assert lead.is_lead and lead.converted_at is None
    with pytest.raises(ValidationError):
        services.customer_create(user=alice, status="vip", name="Nope AG")


def test_customer_create_rejects_invalid_data(tenant, alice):
    with pytest.raises(ValidationError) as err:
        services.customer_create(user=alice, name="", email="not-an-address")
    assert "name" in err.value.message_dict and "email" in err.value.message_dict
    assert not Customer.objects.filter(email="not-an-address").exists()


def test_size_class_is_derived_from_revenue_or_employees_unless_set_by_hand(tenant, alice):
    big = services.customer_create(user=alice, name="Big", annual_revenue=Decimal("60000000"))
    many = services.customer_create(user=alice, name="Many", employees=150)
    small = services.customer_create(user=alice, name="Small", employees=3)
    manual = services.customer_create(
        user=alice, name="Manual", employees=3, size_class="A", size_class_manual=True
    )
    assert (big.size_class, many.size_class, small.size_class, manual.size_class) == (
        "A",
        "B",
        "D",
        "A",
    )


def test_changing_the_thresholds_derives_classes_again_but_keeps_manual_ones(tenant, alice):
    derived = services.customer_create(user=alice, name="Derived", employees=50)
    manual = services.customer_create(
        user=alice, name="Manual", employees=50, size_class="D", size_class_manual=True
    )
    assert derived.size_class == "C"
    thresholds = services.size_thresholds_get()
    thresholds.b_min_employees = 40
    services.size_thresholds_save(thresholds=thresholds)
    derived.refresh_from_db()
    manual.refresh_from_db()
    assert derived.size_class == "B" and manual.size_class == "D"


def test_thresholds_must_descend_from_a_to_c(tenant):
    thresholds = services.size_thresholds_get()
    thresholds.c_min_employees = 10_000
    with pytest.raises(ValidationError):
        services.size_thresholds_save(thresholds=thresholds)
    assert SizeClassThresholds.objects.count() == 1


def test_customer_update_reports_changes_and_address_changes(tenant, alice):
    customer = services.customer_create(
        user=alice, name="Weber KG", city="Bonn", postal_code="53111"
    )
    customer.geocode_status = Customer.GeocodeStatus.FOUND
    customer.save(update_fields=["geocode_status"])
    with Recorder(events.customer_updated, events.customer_address_changed) as rec:
        changed = services.customer_update(
            customer=customer,
            user=alice,
            data={"city": "Köln", "postal_code": "50667", "industry": "Bau"},
        )
    assert set(changed) == {"city", "postal_code", "industry"}
    assert rec.of(events.customer_updated)[0]["changed"] == changed
    assert len(rec.of(events.customer_address_changed)) == 1
    customer.refresh_from_db()
    assert (
        customer.geocode_status == Customer.GeocodeStatus.PENDING
        and "koeln" in customer.search_text
    )


def test_customer_update_without_address_change_sends_no_address_event(tenant, alice):
    customer = services.customer_create(user=alice, name="Stable", city="Bonn")
    with Recorder(events.customer_updated, events.customer_address_changed) as rec:
        services.customer_update(customer=customer, user=alice, data={"phone": "0228 1"})
        assert (
            services.customer_update(customer=customer, user=alice, data={"phone": "0228 1"}) == []
        )
    assert (
        len(rec.of(events.customer_updated)) == 1 and rec.of(events.customer_address_changed) == []
    )


def test_customer_update_never_changes_the_status(tenant, alice):
    lead = services.customer_create(user=alice, status="lead", name="Lead")
    with pytest.raises(ValidationError):
        services.customer_update(customer=lead, user=alice, data={"status": "customer"})
    lead.refresh_from_db()
    assert lead.is_lead


def test_renaming_a_customer_updates_the_search_text_of_its_contacts(tenant, alice):
    customer = services.customer_create(user=alice, name="Old Name")
    contact = services.contact_create(user=alice, customer=customer, last_name="Kurz")
    services.customer_update(customer=customer, user=alice, data={"name": "Neuer Name"})
    contact.refresh_from_db()
    assert "neuer name" in contact.search_text


def test_convert_lead_records_when_and_who_and_sends_the_event_once(tenant, alice):
    lead = make_customer(status="lead")
    with Recorder(events.lead_converted) as rec:
        assert services.customer_convert_lead(customer_id=lead.pk, user=alice) is True
        assert services.customer_convert_lead(customer_id=lead.pk, user=alice) is False
    lead.refresh_from_db()
    assert (
        lead.status == "customer" and lead.converted_by == alice and lead.converted_at is not None
    )
    assert len(rec.of(events.lead_converted)) == 1
    assert rec.of(events.lead_converted)[0]["project"] is None


def test_two_threads_converting_the_same_lead_convert_it_exactly_once(django_db_blocker):
    """Committed rows (other connections must see them), cleaned up afterwards."""
    from crm.models import User

    name = f"Race lead {uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock(), schema_context("alpha"):
        user = User.objects.get(email="alice@alpha.test")
        lead = Customer.objects.create(name=name, status="lead")
    results, sent = [], []
    barrier = threading.Barrier(2)

    def on_converted(sender, customer, **kwargs):
        sent.append(customer.pk)

    events.lead_converted.connect(on_converted, weak=False)

    def convert():
        try:
            with schema_context("alpha"):
                barrier.wait(timeout=10)
                results.append(services.customer_convert_lead(customer_id=lead.pk, user=user))
        finally:
            connection.close()

    try:
        with django_db_blocker.unblock():
            threads = [threading.Thread(target=convert) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            with schema_context("alpha"):
                converted = Customer.objects.get(pk=lead.pk)
                assert sorted(results) == [False, True]
                assert sent == [lead.pk]
                assert converted.status == "customer" and converted.converted_by_id == user.pk
    finally:
        events.lead_converted.disconnect(on_converted)
        with django_db_blocker.unblock(), schema_context("alpha"):
            Customer.objects.filter(name=name).delete()
        connection.set_schema_to_public()


def test_touching_the_activity_date_only_moves_it_forward(tenant):
    customer = make_customer()
    now = timezone.now()
    services.customer_touch_activity(customer_id=customer.pk, at=now)
    services.customer_touch_activity(customer_id=customer.pk, at=now - timedelta(days=3))
    customer.refresh_from_db()
    assert customer.last_activity_at == now
    contact = make_contact(customer=customer)
    services.contact_touch_activity(contact_id=contact.pk, at=now)
    contact.refresh_from_db()
    assert contact.last_activity_at == now


def test_bulk_owner_assignment_skips_customers_the_user_may_not_edit(tenant, alice, bob, carol):
    own = make_customer(owner=alice)
    bobs = make_customer(owner=bob)
    with pytest.raises(ValidationError):
        services.customers_assign_owner(
            user=alice, customer_ids=[own.pk], owner=bob
        )  # may not hand to bob
    assigned, skipped = services.customers_assign_owner(
        user=carol, customer_ids=[own.pk, bobs.pk], owner=carol
    )
    assert (assigned, skipped) == (1, 1)
    own.refresh_from_db()
    bobs.refresh_from_db()
    assert own.owner == carol and bobs.owner == bob


def test_contacts_keep_the_customer_search_text_up_to_date(tenant, alice):
    customer = services.customer_create(user=alice, name="Such GmbH")
    contact = services.contact_create(
        user=alice, customer=customer, first_name="Jörg", last_name="Zander"
    )
    customer.refresh_from_db()
    assert "joerg zander" in customer.search_text
    services.contact_update(contact=contact, user=alice, data={"last_name": "Ypsilon"})
    customer.refresh_from_db()
    assert "ypsilon" in customer.search_text and "zander" not in customer.search_text
    services.contact_delete(contact=contact, user=alice)
    customer.refresh_from_db()
    assert "ypsilon" not in customer.search_text
    assert not ContactPerson.objects.filter(pk=contact.pk).exists()


def test_contact_needs_a_last_name(tenant, alice):
    customer = make_customer(owner=alice)
    with pytest.raises(ValidationError):
        services.contact_create(user=alice, customer=customer, first_name="Only")
