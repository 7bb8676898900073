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
