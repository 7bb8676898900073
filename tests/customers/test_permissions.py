"""Who may do what, and that no URL reaches across tenants."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django_tenants.utils import schema_context

from customers.models import ContactPerson, Customer, ImportJob
from tests.builders.customers import make_contact, make_customer
from tests.conftest import tenant_client

BETA_ONLY = 987_654_321  # an id no alpha row has


def _beta_objects():
    """A customer, contact and import job that exist only in tenant beta (same ids are absent in
    alpha)."""
    with schema_context("beta"):
        customer = Customer.objects.create(pk=BETA_ONLY, name="Beta Only GmbH")
        ContactPerson.objects.create(pk=BETA_ONLY, customer=customer, last_name="Beta")
        job = ImportJob(
            pk=BETA_ONLY, original_name="beta.csv", header=["name"], mapping={"0": "name"}
        )
        job.file.save("beta.csv", ContentFile(b"name\nX\n"), save=False)
        job.save()


OBJECT_URLS = [
    ("get", "/customers/{pk}/"),
    ("get", "/customers/{pk}/edit/"),
    ("post", "/customers/{pk}/edit/"),
    ("post", "/customers/{pk}/contacts/new/"),
    ("get", "/customers/contacts/{pk}/"),
    ("get", "/customers/contacts/{pk}/edit/"),
    ("get", "/customers/contacts/{pk}/delete/"),
    ("post", "/customers/contacts/{pk}/delete/"),
    ("get", "/customers/import/{pk}/"),
    ("get", "/customers/import/{pk}/mapping/"),
    ("get", "/customers/import/{pk}/progress/"),
    ("post", "/customers/import/{pk}/start/"),
]
LIST_URLS = [
    ("get", "/customers/"),
    ("get", "/customers/new/"),
    ("post", "/customers/duplicates/"),
    ("get", "/customers/export/"),
    ("post", "/customers/bulk/"),
    ("get", "/customers/contacts/"),
    ("get", "/customers/contacts/new/"),
    ("get", "/customers/contacts/export/"),
    ("get", "/customers/contacts/customer-picker/"),
    ("get", "/customers/import/"),
]


@pytest.mark.parametrize("method, url", OBJECT_URLS)
def test_an_id_of_another_tenant_answers_404(tenant, other_tenant, client_for, dave, method, url):
    _beta_objects()
    assert not Customer.objects.filter(pk=BETA_ONLY).exists()
    response = getattr(client_for(dave), method)(url.format(pk=BETA_ONLY))
    assert response.status_code == 404


@pytest.mark.parametrize("method, url", OBJECT_URLS + LIST_URLS)
def test_a_session_of_another_tenant_is_sent_to_login(tenant, other_tenant, method, url):
    with schema_context("beta"):
        from crm.models import User

        beta_dave = User.objects.get(email="dave@beta.test")
    beta = tenant_client(other_tenant, beta_dave)
    alpha = Client(HTTP_HOST="alpha.localhost")
    alpha.cookies["sessionid"] = beta.cookies["sessionid"].value
    response = getattr(alpha, method)(url.format(pk=1))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("method, url", LIST_URLS)
def test_anonymous_users_are_sent_to_login(tenant, method, url):
    response = getattr(Client(HTTP_HOST="alpha.localhost"), method)(url)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    "user_name, owner_name, may_edit",
    [
        ("alice", "alice", True),
        ("alice", "bob", False),
        ("carol", "alice", True),
        ("carol", "bob", False),
        ("dave", "bob", True),
    ],
)
def test_editing_follows_the_roles(tenant, client_for, request, user_name, owner_name, may_edit):
    user, owner = request.getfixturevalue(user_name), request.getfixturevalue(owner_name)
    customer = make_customer(owner=owner)
    contact = make_contact(customer=customer)
    client = client_for(user)
    expected = 200 if may_edit else 403
    assert client.get(f"/customers/{customer.pk}/").status_code == 200  # everyone sees everything
    assert client.get(f"/customers/contacts/{contact.pk}/").status_code == 200
    assert client.get(f"/customers/{customer.pk}/edit/").status_code == expected
    assert client.get(f"/customers/contacts/{contact.pk}/edit/").status_code == expected
    assert client.get(f"/customers/contacts/{contact.pk}/delete/").status_code == expected
    posted = client.post(f"/customers/{customer.pk}/contacts/new/", {"last_name": "Try"})
    assert posted.status_code == (302 if may_edit else 403)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert ('data-testid="edit-customer"' in html) is may_edit


def test_salespeople_cannot_add_contacts_to_others_customers_from_the_contact_page(
    tenant, client_for, alice, bob
):
    customer = make_customer(owner=bob)
    response = client_for(alice).post(
        "/customers/contacts/new/", {"customer": customer.pk, "last_name": "Sneaky"}
    )
    assert response.status_code == 200 and b"may not add contact persons" in response.content
    assert not ContactPerson.objects.filter(last_name="Sneaky").exists()


def test_salespeople_may_only_make_themselves_owner(tenant, client_for, alice, bob):
    client = client_for(alice)
    html = client.get("/customers/new/").content.decode()
    assert f'value="{bob.pk}"' not in html.split('name="owner"')[1].split("</select>")[0]


def test_only_managers_and_admins_import(tenant, client_for, alice, carol, dave):
    assert client_for(alice).get("/customers/import/").status_code == 403
    assert client_for(carol).get("/customers/import/").status_code == 200
    assert client_for(dave).get("/customers/import/").status_code == 200


def test_import_jobs_are_private_to_their_creator_except_for_admins(
    tenant, client_for, carol, dave
):
    job = ImportJob(original_name="c.csv", header=["name"], mapping={"0": "name"}, created_by=dave)
    job.file.save("c.csv", ContentFile(b"name\nX\n"), save=False)
    job.save()
    assert client_for(carol).get(f"/customers/import/{job.pk}/").status_code == 404
    assert client_for(dave).get(f"/customers/import/{job.pk}/").status_code == 200


def test_tenant_admin_manages_size_class_thresholds_in_the_admin(tenant, client_for, dave, alice):
    from customers.services import size_thresholds_get

    thresholds = size_thresholds_get()
    client = client_for(dave)
    assert client.get("/admin/customers/sizeclassthresholds/").status_code == 200
    big = make_customer(employees=60)
    response = client.post(
        f"/admin/customers/sizeclassthresholds/{thresholds.pk}/change/",
        {
            "a_min_revenue": "50000000",
            "a_min_employees": "50",
            "b_min_revenue": "10000000",
            "b_min_employees": "20",
            "c_min_revenue": "1000000",
            "c_min_employees": "5",
        },
    )
    assert response.status_code == 302
    big.refresh_from_db()
    assert big.size_class == "A"
    assert (
        client.get("/admin/customers/sizeclassthresholds/add/").status_code == 403
    )  # one row only
    assert client_for(alice).get("/admin/customers/sizeclassthresholds/").status_code == 302


def test_the_admin_cannot_change_a_customers_status_by_hand(tenant, client_for, dave):
    lead = make_customer(status="lead", name="Admin Lead")
    html = client_for(dave).get(f"/admin/customers/customer/{lead.pk}/change/").content.decode()
    assert 'name="status"' not in html
