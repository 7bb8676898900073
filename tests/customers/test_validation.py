"""Validation people can read on the customer forms and in the admin (issue 14, item 7)."""

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import translation

from customers.forms import CustomerForm
from customers.models import Customer, SizeClassThresholds


def _customer_data(**overrides) -> dict:
    data = {"kind": "company", "name": "Prüf GmbH", "country": "DE", "size_class": "D"}
    data.update(overrides)
    return data


def _form(user, **overrides) -> CustomerForm:
    return CustomerForm(data=_customer_data(**overrides), user=user, leads_on=True, creating=True)


def test_negative_revenue_and_employees_are_refused_with_a_message(tenant, dave):
    form = _form(dave, annual_revenue="-1000", employees="-3")
    assert form.errors["annual_revenue"] == ["The annual revenue cannot be negative."]
    assert form.errors["employees"] == ["The number of employees cannot be negative."]
    with translation.override("de"):
        form = _form(dave, annual_revenue="-1000", employees="-3")
        assert form.errors["annual_revenue"] == ["Der Jahresumsatz kann nicht negativ sein."]
        assert form.errors["employees"] == ["Die Mitarbeiterzahl kann nicht negativ sein."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Customer.objects.create(name="Minus AG", annual_revenue=-1)


def test_the_size_thresholds_in_the_admin_say_what_is_wrong(tenant, dave):
    admin = site._registry[SizeClassThresholds]
    request = RequestFactory().get("/admin/")
    request.user = dave
    form_class = admin.get_form(request)
    data = {
        "a_min_revenue": "100",
        "a_min_employees": "500",
        "b_min_revenue": "1000",
        "b_min_employees": "100",
        "c_min_revenue": "10",
        "c_min_employees": "10",
    }
    form = form_class(data=data, instance=SizeClassThresholds())
    assert not form.is_valid()
    text = " ".join(form.non_field_errors())
    assert "A at least B and B at least C" in text and "is violated" not in text
    with translation.override("de"):
        form = form_class(data=data, instance=SizeClassThresholds())
        assert "A mindestens B und B mindestens C" in " ".join(form.non_field_errors())


def _checked_status(html: str) -> list[str]:
    import re

    inputs = re.findall(r"<input[^>]*name=\"status\"[^>]*>", html)
    return [re.search(r'value="(\w+)"', i).group(1) for i in inputs if " checked" in i]


def test_a_new_customer_starts_as_a_customer_unless_opened_from_the_leads(tenant, client_for, dave):
    client = client_for(dave)
    assert _checked_status(client.get("/customers/new/").content.decode()) == ["customer"]
    assert _checked_status(client.get("/customers/new/?status=lead").content.decode()) == ["lead"]
    # the "+ New" menu: from the Leads area its customer item opens the form with lead ticked
    leads = client.get("/sales/leads/").content.decode()
    assert 'href="/customers/new/?status=lead" data-new-dialog' in leads
    overview = client.get("/customers/").content.decode()
    assert 'href="/customers/new/" data-new-dialog' in overview
    # posted without a status (e.g. an old form), it is a customer too
    response = client.post("/customers/new/", {**_customer_data(name="Ohne Status KG")})
    assert response.status_code in (200, 302)


def test_phone_numbers_are_checked_on_customers_and_contacts(tenant, dave):
    from customers.forms import ContactForm

    for good in ("+49 (0)89 123 456-7", "0228/12345", "030 1234567"):
        assert "phone" not in _form(dave, phone=good).errors, good
    for bad in ("call me", "12 34", "+49 89 12345 ext. 7"):
        errors = _form(dave, phone=bad).errors
        assert errors["phone"][0].startswith("Enter a phone number with at least five digits"), bad
    contact = ContactForm(data={"last_name": "Huber", "phone": "abc", "mobile": "0171"})
    assert "phone" in contact.errors and "mobile" in contact.errors
    with translation.override("de"):
        assert (
            _form(dave, phone="abc")
            .errors["phone"][0]
            .startswith("Geben Sie eine Telefonnummer mit mindestens fünf Ziffern ein")
        )


def test_a_web_address_is_checked_and_accepted_without_https(tenant, dave):
    for good in ("www.example.de", "https://example.com/kontakt", "http://beispiel.de"):
        assert "website" not in _form(dave, website=good).errors, good
    for bad in ("not a website", "javascript:alert(1)", "www"):
        assert _form(dave, website=bad).errors["website"] == [
            "Enter a web address such as www.example.de."
        ], bad
    with translation.override("de"):
        assert _form(dave, website="kaputt").errors["website"] == [
            "Geben Sie eine Webadresse wie www.example.de ein."
        ]


def test_the_customer_page_links_the_web_address(tenant, client_for, dave):
    from tests.builders.customers import make_customer

    customer = make_customer(name="Verlinkt GmbH", owner=dave, website="www.verlinkt.de")
    html = client_for(dave).get(f"/customers/{customer.pk}/").content.decode()
    assert (
        '<a href="https://www.verlinkt.de" rel="noopener noreferrer" '
        'data-testid="customer-website">www.verlinkt.de</a>'
    ) in html
    hostile = make_customer(name="Böse GmbH", owner=dave, website="javascript:alert(1)")
    html = client_for(dave).get(f"/customers/{hostile.pk}/").content.decode()
    assert 'href="https://javascript:alert(1)"' in html and 'href="javascript:' not in html


def test_a_name_longer_than_its_field_says_so_and_is_never_cut(
    tenant, dave, client_for, django_capture_on_commit_callbacks
):
    form = _form(dave)
    assert 'maxlength="200"' in str(form["name"])
    long_name = "L" * 201
    errors = _form(dave, name=long_name).errors["name"]
    assert errors == ["Ensure this value has at most 200 characters (it has 201)."]
    response = client_for(dave).post(
        "/customers/new/", {**_customer_data(name=long_name), "owner": dave.pk}
    )
    assert response.status_code == 200 and not Customer.objects.filter(name__startswith="LLLL")
    # the CSV import reports the line instead of cutting the name
    from tests.customers.test_import import _check_and_run, _job

    job = _check_and_run(
        _job(f"Name;Ort\nKurz GmbH;Bonn\n{long_name};Bonn\n", dave),
        dave,
        django_capture_on_commit_callbacks,
    )
    assert job.state == "rejected"
    assert {(e["line"], e["column"]) for e in job.errors} == {(3, "Name")}
    assert "200" in job.errors[0]["reason"]
    assert not Customer.objects.filter(name__startswith="LLLL").exists()


def test_a_negative_revenue_threshold_is_refused_on_its_field(tenant, dave):
    admin = site._registry[SizeClassThresholds]
    request = RequestFactory().get("/admin/")
    request.user = dave
    data = {
        "a_min_revenue": "100",
        "a_min_employees": "500",
        "b_min_revenue": "50",
        "b_min_employees": "100",
        "c_min_revenue": "-10",
        "c_min_employees": "10",
    }
    form = admin.get_form(request)(data=data, instance=SizeClassThresholds())
    assert form.errors["c_min_revenue"] == ["A threshold cannot be negative."]
    with translation.override("de"):
        form = admin.get_form(request)(data=data, instance=SizeClassThresholds())
        assert form.errors["c_min_revenue"] == ["Ein Schwellenwert kann nicht negativ sein."]
