"""The "+ New" dialog: every create form over the current page, errors kept, open or stay."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from activity.models import Activity
from crm.models import User
from customers.models import ContactPerson, Customer
from sales.models import Process, SalesProject
from tests.builders.customers import make_customer

HTMX = {"HTTP_HX_REQUEST": "true"}
MENU = [
    "/sales/projects/new/",
    "/customers/new/",
    "/customers/contacts/new/",
    "/activity/new/?kind=task",
    "/activity/new/",
]


def test_the_top_bar_has_the_new_menu_with_plain_links(tenant, client_for, alice):
    html = client_for(alice).get("/map/").content.decode()
    for url in MENU:
        assert f'href="{url}" data-new-dialog' in html
    assert 'role="dialog" aria-modal="true" aria-labelledby="crm-new-dialog-title"' in html


@pytest.mark.parametrize("url", MENU)
def test_each_form_comes_as_a_dialog_fragment(tenant, client_for, alice, url):
    response = client_for(alice).get(url + ("&" if "?" in url else "?") + "dialog=1", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="crm-new-dialog-title"' in html and "<form" in html and "data-new-open-after" in html
    assert 'data-bs-dismiss="modal"' in html  # Cancel closes the dialog instead of leaving the page


def test_a_task_dialog_preselects_the_task(tenant, client_for, alice):
    html = (
        client_for(alice)
        .get("/activity/new/", {"kind": "task", "dialog": "1"}, **HTMX)
        .content.decode()
    )
    assert '<option value="task" selected>' in html and "New task" in html


def test_an_error_stays_in_the_dialog_with_what_was_typed(tenant, client_for, alice):
    response = client_for(alice).post(
        "/customers/contacts/new/",
        {
            "dialog": "1",
            "customer": "",
            "first_name": "Typed",
            "last_name": "Kept",
            "position": "Einkauf",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert (
        response.status_code == 200 and "<html" not in html and 'id="crm-new-dialog-title"' in html
    )
    assert 'value="Typed"' in html and 'value="Einkauf"' in html and 'aria-invalid="true"' in html
    assert not ContactPerson.objects.filter(last_name="Kept").exists()


def test_saving_opens_the_record_when_the_user_wants_that(tenant, client_for, alice):
    customer = make_customer(owner=alice)
    response = client_for(alice).post(
        "/customers/contacts/new/",
        {
            "dialog": "1",
            "open_after": "1",
            "customer": customer.pk,
            "first_name": "Olga",
            "last_name": "Offen",
        },
        **HTMX,
    )
    contact = ContactPerson.objects.get(last_name="Offen")
    assert (
        response.status_code == 204
        and response["HX-Redirect"] == f"/customers/contacts/{contact.pk}/"
    )
    assert User.objects.get(pk=alice.pk).after_create == "open"


def test_saving_can_stay_on_the_page_and_the_choice_is_remembered(tenant, client_for, alice):
    customer = make_customer(owner=alice, name="Bleibe GmbH")
    client = client_for(alice)
    response = client.post(
        "/customers/contacts/new/",
        {
            "dialog": "1",
            "open_after": "0",
            "customer": customer.pk,
            "first_name": "Sina",
            "last_name": "Stay",
        },
        **HTMX,
    )
    contact = ContactPerson.objects.get(last_name="Stay")
    html = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert "data-new-dialog-done" in html and f'href="/customers/contacts/{contact.pk}/"' in html
    assert User.objects.get(pk=alice.pk).after_create == "stay"
    # the next dialog starts with the remembered choice
    html = client.get("/customers/new/", {"dialog": "1"}, **HTMX).content.decode()
    assert "data-new-open-after>" in html and "data-new-open-after checked" not in html


def test_a_customer_from_the_dialog_gets_the_duplicate_check(tenant, client_for, alice):
    existing = make_customer(name="Dublette Maschinenbau GmbH", postal_code="10115", city="Berlin")
    data = {
        "dialog": "1",
        "kind": "company",
        "status": "customer",
        "name": "Dublette Maschinenbau AG",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "owner": alice.pk,
        "size_class": "D",
    }
    response = client_for(alice).post("/customers/new/", data, **HTMX)
    html = response.content.decode()
    assert (
        response.status_code == 200
        and f"/customers/{existing.pk}/" in html
        and "Save anyway" in html
    )
    assert not Customer.objects.filter(name="Dublette Maschinenbau AG").exists()
    response = client_for(alice).post(
        "/customers/new/", {**data, "save_anyway": "1", "open_after": "1"}, **HTMX
    )
    created = Customer.objects.get(name="Dublette Maschinenbau AG")
    assert response["HX-Redirect"] == f"/customers/{created.pk}/"


def test_a_project_from_the_dialog_for_a_new_customer(tenant, client_for, alice):
    process = Process.objects.filter(kind=Process.Kind.SALES).order_by("order", "id").first()
    response = client_for(alice).post(
        "/sales/projects/new/",
        {
            "dialog": "1",
            "open_after": "1",
            "customer_mode": "new",
            "title": "Dialogprojekt",
            "process": process.pk,
            "owner": alice.pk,
            "volume": "1000",
            "new-kind": "company",
            "new-name": "Ganz Neu Dialog GmbH",
            "new-city": "Bonn",
            "new-postal_code": "53111",
            "new-country": "DE",
            "save": "1",
        },
        **HTMX,
    )
    project = SalesProject.objects.get(title="Dialogprojekt")
    assert project.customer.name == "Ganz Neu Dialog GmbH"
    assert (
        response.status_code == 204 and response["HX-Redirect"] == f"/sales/projects/{project.pk}/"
    )


def test_a_task_from_the_dialog_is_logged(tenant, client_for, alice):
    due = timezone.localdate() + timezone.timedelta(days=1)
    response = client_for(alice).post(
        "/activity/new/",
        {
            "dialog": "1",
            "open_after": "0",
            "variant": "page",
            "kind": "task",
            "subject": "Dialog task",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "due_date": due.isoformat(),
        },
        **HTMX,
    )
    task = Activity.objects.get(subject="Dialog task")
    assert task.due_date == due and task.employee == alice
    assert "data-new-dialog-done" in response.content.decode()


def test_my_settings_sets_what_happens_after_saving(tenant, client_for, alice):
    client = client_for(alice)
    assert 'name="after_create"' in client.get("/me/settings/").content.decode()
    response = client.post("/me/settings/", {"language": "", "after_create": "stay"})
    assert response.status_code == 302 and User.objects.get(pk=alice.pk).after_create == "stay"
    response = client.post("/me/settings/", {"language": "", "after_create": "nonsense"})
    assert response.status_code == 200 and User.objects.get(pk=alice.pk).after_create == "stay"
    assert (
        "is-invalid" in response.content.decode()
        or "Select a valid choice" in response.content.decode()
    )


def test_the_dialog_cannot_add_a_contact_to_another_tenants_customer(
    tenant, other_tenant, client_for, alice
):
    with schema_context("beta"):
        beta = make_customer(name="Beta Fremdkunde")
    connection.set_tenant(tenant)
    response = client_for(alice).post(
        "/customers/contacts/new/",
        {"dialog": "1", "customer": beta.pk, "first_name": "X", "last_name": "Crosstenant"},
        **HTMX,
    )
    assert response.status_code in (200, 404) and b"Beta Fremdkunde" not in response.content
    assert not ContactPerson.objects.filter(last_name="Crosstenant").exists()
    with schema_context("beta"):
        assert not ContactPerson.objects.filter(last_name="Crosstenant").exists()
