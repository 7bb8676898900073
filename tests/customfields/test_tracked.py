"""Custom fields marked "tracked": a change writes "Field X changed from A to B" to the record's
timeline and the log, once per save, values formatted per type in the reader's language, and only
for roles that may see the field."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from activity.models import Activity
from customers import services as customer_services
from sales import services as sales_services
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import INDUSTRY_OPTIONS, make_field
from tests.builders.sales import make_project

HX = {"HTTP_HX_REQUEST": "true"}


def _changes():
    return list(Activity.objects.filter(kind=Activity.Kind.FIELD_CHANGED).order_by("id"))


def test_a_tracked_change_is_logged_once_per_save_with_typed_values(tenant, alice):
    make_field(
        key="segment",
        field_type="choice",
        label_en="Industry segment",
        label_de="Branchensegment",
        options=INDUSTRY_OPTIONS,
        tracked=True,
    )
    make_field(key="budget", field_type="money", label_en="Budget", label_de="Etat", tracked=True)
    make_field(
        key="since",
        field_type="date",
        label_en="Customer since",
        label_de="Kunde seit",
        tracked=True,
    )
    make_field(key="note", label_en="Untracked note")
    customer = make_customer(owner=alice, custom={"segment": "retail", "budget": "1000.00"})
    customer_services.customer_update(
        customer=customer,
        user=alice,
        data={
            "custom": {
                "segment": "industry",
                "budget": "2500.50",
                "since": "2020-12-31",
                "note": "x",
            }
        },
    )
    (entry,) = _changes()
    assert entry.customer_id == customer.pk and entry.project_id is None
    assert entry.employee == alice and entry.is_system
    with translation.override("en"):
        assert entry.title == (
            "Industry segment changed from Retail to Manufacturing; "
            "Budget changed from 1,000.00 to 2,500.50; Customer since changed from – to 12/31/2020"
        )
    with translation.override("de"):
        assert entry.title == (
            "Branchensegment von Einzelhandel auf Industrie geändert; "
            "Etat von 1.000,00 auf 2.500,50 geändert; Kunde seit von – auf 31.12.2020 geändert"
        )
    # a save that changes only untracked values, or nothing, writes no entry
    customer.refresh_from_db()
    customer_services.customer_update(
        customer=customer, user=alice, data={"custom": {**customer.custom, "note": "y"}}
    )
    customer_services.customer_update(customer=customer, user=alice, data={"name": "Neu GmbH"})
    assert len(_changes()) == 1


def test_project_and_contact_changes_land_on_their_timelines(tenant, alice, client_for):
    make_field(
        entity="project",
        key="contract_end",
        field_type="date",
        label_en="Contract end",
        tracked=True,
    )
    make_field(entity="contact", key="hobby", label_en="Hobby", tracked=True)
    project = make_project(owner=alice)
    sales_services.project_update(
        project=project,
        user=alice,
        expected_version=project.version,
        data={"custom": {"contract_end": "2027-06-30"}},
    )
    contact = make_contact(customer=make_customer(owner=alice), custom={"hobby": "Golf"})
    customer_services.contact_update(contact=contact, user=alice, data={"custom": {}})
    client = client_for(alice)
    with translation.override("en"):
        project_timeline = client.get(
            reverse("activity:timeline") + f"?project={project.pk}", HTTP_ACCEPT_LANGUAGE="en", **HX
        ).content.decode()
        contact_timeline = client.get(
            reverse("activity:timeline") + f"?contact={contact.pk}", HTTP_ACCEPT_LANGUAGE="en", **HX
        ).content.decode()
    assert "Contract end changed from – to 06/30/2027" in project_timeline
    assert "Hobby changed from Golf to –" in contact_timeline
    project_entry, contact_entry = _changes()
    assert project_entry.project_id == project.pk and not project_entry.show_on_customer
    assert list(contact_entry.contacts.all()) == [contact]


def test_a_change_of_a_field_the_role_may_not_see_is_not_shown_to_that_role(
    tenant, alice, carol, client_for
):
    make_field(
        key="margin",
        field_type="number",
        label_en="Confidential margin",
        visible_roles=["admin", "manager"],
        tracked=True,
    )
    make_field(key="rating", label_en="Rating", tracked=True)
    customer = make_customer(owner=alice, custom={"margin": "10"})
    customer_services.customer_update(
        customer=customer, user=carol, data={"custom": {"margin": "12", "rating": "A"}}
    )
    secret, public = sorted(_changes(), key=lambda a: len(a.payload["roles"]))
    assert secret.payload["roles"] == ["admin", "manager"]

    def pages(user):
        client = client_for(user)
        timeline = client.get(
            reverse("activity:timeline") + f"?customer={customer.pk}",
            HTTP_ACCEPT_LANGUAGE="en",
            **HX,
        ).content.decode()
        log = client.get(reverse("activity:activity_list"), HTTP_ACCEPT_LANGUAGE="en")
        detail = client.get(reverse("activity:activity_detail", args=[secret.pk]))
        return timeline, log.content.decode(), detail.status_code

    timeline, log, status = pages(alice)
    assert "Rating changed from – to A" in timeline and "Rating changed" in log
    assert "Confidential margin" not in timeline and "Confidential margin" not in log
    assert status == 404
    timeline, log, status = pages(carol)
    assert "Confidential margin changed from 10 to 12" in timeline and "Confidential margin" in log
    assert status == 200
