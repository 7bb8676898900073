"""Quick-create forms (the customer page's "Add contact person", the new customer inside "+ New"
project) show the required custom fields, validate them and keep the input; the other custom
fields get their defaults."""

from __future__ import annotations

from django.urls import reverse

from customers.models import ContactPerson, Customer
from sales.models import SalesProject
from tests.builders.customers import make_customer
from tests.builders.customfields import make_field
from tests.builders.sales import make_process

HX = {"HTTP_HX_REQUEST": "true"}


def test_the_quick_contact_form_asks_for_required_custom_fields(tenant, alice, client_for):
    make_field(entity="contact", key="staff_no", label_en="Staff number", required=True)
    make_field(entity="contact", key="hobby", label_en="Hobby", default="Segeln")
    make_field(
        entity="contact",
        key="secret",
        label_en="Secret rating",
        required=True,
        visible_roles=["admin"],
        editable_roles=["admin"],
    )
    customer = make_customer(owner=alice)
    client = client_for(alice)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    form = page[page.index('data-testid="quick-contact-form"') :]
    assert 'name="cf_staff_no"' in form and 'name="cf_hobby"' not in form
    assert "Secret rating" not in page
    url = reverse("customers:customer_contact_create", args=[customer.pk])
    refused = client.post(url, {"last_name": "Schnell", "position": "Einkauf"}, **HX)
    html = refused.content.decode()
    assert "Staff number" in html and "invalid-feedback" in html and 'value="Einkauf"' in html
    assert not ContactPerson.objects.filter(last_name="Schnell").exists()
    client.post(url, {"last_name": "Schnell", "cf_staff_no": "4711"}, **HX)
    assert ContactPerson.objects.get(last_name="Schnell").custom == {
        "staff_no": "4711",
        "hobby": "Segeln",
    }


def test_a_new_customer_inside_new_project_gets_its_required_custom_fields(
    tenant, alice, client_for
):
    make_field(key="vat_id", label_en="VAT id", required=True, unique=True)
    make_field(key="segment_note", label_en="Segment note")  # not required: not asked
    make_customer(name="Alt GmbH", custom={"vat_id": "DE1"})
    process = make_process()
    client = client_for(alice)
    page = client.get(reverse("sales:project_create")).content.decode()
    assert 'name="new-cf_vat_id"' in page and 'name="new-cf_segment_note"' not in page
    data = {
        "customer_mode": "new",
        "new-name": "Quick Neu GmbH",
        "new-kind": "company",
        "new-city": "Kiel",
        "new-postal_code": "24103",
        "new-country": "DE",
        "title": "Quick deal",
        "process": process.pk,
        "owner": alice.pk,
        "volume": "100",
    }
    missing = client.post(reverse("sales:project_create"), data)
    assert missing.status_code == 200 and "invalid-feedback" in missing.content.decode()
    taken = client.post(reverse("sales:project_create"), {**data, "new-cf_vat_id": "DE1"})
    assert "Another record already has this VAT id." in taken.content.decode()
    assert 'value="Quick Neu GmbH"' in taken.content.decode()
    assert not SalesProject.objects.filter(title="Quick deal").exists()
    done = client.post(reverse("sales:project_create"), {**data, "new-cf_vat_id": "DE2"})
    assert done.status_code == 302
    assert Customer.objects.get(name="Quick Neu GmbH").custom == {"vat_id": "DE2"}
