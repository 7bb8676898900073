"""Custom fields marked "unique": a partial unique index decides (race-safe), marking a field
unique is refused while records share a value, a lost race is a clear error, never a 500."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from crm.lib.citus import constraints_set
from customers import services as customer_services
from customers.models import Customer
from customfields import indexes, services
from sales import services as sales_services
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import make_field
from tests.builders.sales import make_project


def _indexdef(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexname = %s",
            [connection.schema_name, name],
        )
        row = cursor.fetchone()
    return row[0] if row else ""


def _constraints_now() -> None:
    """Run the deferred checks of the rows made so far (an index cannot be built before)."""
    with connection.cursor() as cursor:
        constraints_set(cursor, immediate=True)  # on Citus also on the tenant's worker


def test_a_unique_field_gets_a_partial_unique_index_that_decides_a_race(tenant, alice):
    make_field(key="vat_id", label_en="VAT id", unique=True)
    assert "cf_vat_id_uniq" in indexes.indexes_ensure(concurrently=False)["created"]
    definition = _indexdef("cf_vat_id_uniq")
    assert definition.startswith("CREATE UNIQUE INDEX") and "IS NOT NULL" in definition
    first = make_customer(owner=alice, custom={"vat_id": "DE1"})
    make_customer(owner=alice)  # records without a value are not in the index
    make_customer(owner=alice)
    second = make_customer(owner=alice, custom={})
    # the form's check did not see the other value (a concurrent save): the index refuses it
    with pytest.raises(ValidationError, match="Another record already has this VAT id"):
        customer_services.customer_update(
            customer=second, user=alice, data={"custom": {"vat_id": "DE1"}}
        )
    with pytest.raises(ValidationError, match="VAT id"):
        customer_services.customer_create(user=alice, name="Neu GmbH", custom={"vat_id": "DE1"})
    assert Customer.objects.filter(custom__vat_id="DE1").get() == first
    Customer.objects.filter(pk=second.pk).update(name="still usable")  # the transaction is fine


def test_projects_and_contacts_are_guarded_too(tenant, alice):
    make_field(entity="project", key="order_no", label_en="Order number", unique=True)
    make_field(entity="contact", key="staff_no", label_en="Staff number", unique=True)
    indexes.indexes_ensure(concurrently=False)
    make_project(owner=alice, custom={"order_no": "A-1"})
    other = make_project(owner=alice)
    with pytest.raises(ValidationError, match="Order number"):
        sales_services.project_update(
            project=other,
            user=alice,
            expected_version=other.version,
            data={"custom": {"order_no": "A-1"}},
        )
    customer = make_customer(owner=alice)
    make_contact(customer=customer, custom={"staff_no": "7"})
    contact = make_contact(customer=customer)
    with pytest.raises(ValidationError, match="Staff number"):
        customer_services.contact_update(
            contact=contact, user=alice, data={"custom": {"staff_no": "7"}}
        )


def test_marking_a_field_unique_is_refused_while_records_share_a_value(tenant, dave, client_for):
    definition = make_field(key="vat_id", label_en="VAT id")
    make_customer(custom={"vat_id": "DE42"})
    make_customer(custom={"vat_id": "DE42"})
    with pytest.raises(ValidationError) as refused:
        services.definition_update(definition=definition, user=dave, data={"unique": True})
    assert "“DE42” (2 records)" in refused.value.message_dict["unique"][0]
    page = client_for(dave).post(
        f"/fields/{definition.pk}/edit/",
        {
            "entity": "customer",
            "key": "vat_id",
            "field_type": "text",
            "label_en": "VAT id",
            "order": "100",
            "active": "on",
            "visible_roles": ["admin", "manager", "salesperson"],
            "editable_roles": ["admin", "manager", "salesperson"],
            "unique": "on",
        },
    )
    assert page.status_code == 400
    assert "Records already share values of this field" in page.content.decode()
    definition.refresh_from_db()
    assert not definition.unique
    duplicate = Customer.objects.filter(custom__vat_id="DE42").first()
    Customer.objects.filter(pk=duplicate.pk).update(custom={"vat_id": "DE43"})
    services.definition_update(definition=definition, user=dave, data={"unique": True})
    _constraints_now()
    assert "cf_vat_id_uniq" in indexes.indexes_ensure(concurrently=False)["created"]


def test_duplicates_written_before_the_index_is_built_leave_it_unbuilt_without_failing(tenant):
    make_field(key="vat_id", label_en="VAT id", unique=True)  # straight in, no data check
    make_customer(custom={"vat_id": "DE9"})
    make_customer(custom={"vat_id": "DE9"})
    _constraints_now()
    result = indexes.indexes_ensure(concurrently=False)
    assert result["failed"] == ["cf_vat_id_uniq"] and not _indexdef("cf_vat_id_uniq")
    assert Customer.objects.filter(custom__vat_id="DE9").count() == 2  # the transaction is fine
