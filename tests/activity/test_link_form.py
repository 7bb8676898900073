"""One activity form that links anything: customer by search, its projects and contacts only."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from activity.models import Activity
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_project

NOW = {"occurred_at": lambda: timezone.localtime().strftime("%Y-%m-%dT%H:%M")}


def _post(client, **data):
    return client.post(
        "/activity/new/",
        {
            "kind": "call",
            "occurred_at": NOW["occurred_at"](),
            "variant": "page",
            "links": "1",
            **data,
        },
    )


def test_the_stand_alone_page_links_customer_project_and_contacts(tenant, client_for, alice):
    customer = make_customer(name="Linkfirma GmbH")
    project = make_project(customer=customer, title="Linkprojekt")
    contact = make_contact(customer=customer, last_name="Linkkontakt")
    response = _post(
        client_for(alice),
        subject="Linked call",
        customer=customer.pk,
        project=project.pk,
        contacts=[contact.pk],
        show_on_customer="on",
    )
    activity = Activity.objects.get(subject="Linked call")
    assert response.status_code == 302
    assert activity.customer == customer and activity.project == project
    assert list(activity.contacts.all()) == [contact] and activity.show_on_customer


def test_choosing_a_customer_narrows_projects_and_contacts_to_it(tenant, client_for, alice):
    customer = make_customer(name="Engfirma GmbH")
    other = make_customer(name="Andere Firma GmbH")
    mine = make_project(customer=customer, title="Eigenes Projekt")
    make_project(customer=other, title="Fremdes Projekt")
    make_contact(customer=customer, last_name="Eigenkontakt")
    make_contact(customer=other, last_name="Fremdkontakt")
    client = client_for(alice)
    html = client.get("/activity/new/").content.decode()
    assert (
        'name="customer_search"' in html
        and 'name="project"' in html
        and "Fremdes Projekt" not in html
    )
    response = _post(client, pick="1", customer=customer.pk, subject="typed before")
    html = response.content.decode()
    assert (
        response.status_code == 200 and not Activity.objects.filter(subject="typed before").exists()
    )
    assert (
        f'value="{mine.pk}"' in html and "Eigenes Projekt" in html and "Fremdes Projekt" not in html
    )
    assert "Eigenkontakt" in html and "Fremdkontakt" not in html and 'value="typed before"' in html


def test_the_customer_search_without_javascript_offers_matches(tenant, client_for, alice):
    found = make_customer(name="Suchbar Zwiebel AG")
    html = _post(client_for(alice), pick="1", customer_search="Zwiebel").content.decode()
    assert f'<option value="{found.pk}">Suchbar Zwiebel AG' in html


def test_a_project_of_another_customer_is_refused_with_the_input_kept(tenant, client_for, alice):
    customer = make_customer()
    foreign = make_project(customer=make_customer(), title="Nicht dieses")
    response = _post(
        client_for(alice), subject="Wrong link", customer=customer.pk, project=foreign.pk
    )
    assert response.status_code == 200 and 'value="Wrong link"' in response.content.decode()
    assert not Activity.objects.filter(subject="Wrong link").exists()


def test_a_task_for_a_customer_due_tomorrow_shows_on_its_timeline_and_the_dashboard(
    tenant, client_for, alice
):
    customer = make_customer(name="Aufgabenkunde GmbH")
    due = timezone.localdate() + timezone.timedelta(days=1)
    client = client_for(alice)
    _post(
        client,
        kind="task",
        subject="Angebot nachfassen",
        customer=customer.pk,
        due_date=due.isoformat(),
    )
    task = Activity.objects.get(subject="Angebot nachfassen")
    assert task.customer == customer and task.due_date == due
    assert (
        "Angebot nachfassen"
        in client.get("/activity/timeline/", {"customer": customer.pk}).content.decode()
    )
    assert "Angebot nachfassen" in client.get("/").content.decode()


def test_another_tenants_customer_cannot_be_linked(tenant, other_tenant, client_for, alice):
    with schema_context("beta"):
        beta = make_customer(name="Beta Linkkunde")
    connection.set_tenant(tenant)
    response = _post(client_for(alice), subject="Cross link", customer=beta.pk)
    assert not Activity.objects.filter(subject="Cross link", customer__isnull=False).exists()
    assert b"Beta Linkkunde" not in response.content
