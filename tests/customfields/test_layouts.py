"""Configurable overviews: the tenant admin picks, orders and removes the columns (standard and
custom) of the customer overview, contact list, project list and lead list for everyone; unknown
or retired keys are ignored, a hidden field stays hidden, removing a column keeps the data; the
Overviews settings page (buttons, no drag), its permissions, the tenant admin and the isolation
between tenants."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import schema_context

from customers.models import Customer
from customfields import services
from customfields.models import ListLayout
from sales.models import Process
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import make_field
from tests.builders.sales import make_process, make_project
from tests.conftest import tenant_client
from tests.customfields.test_columns import _headers

URL = "/fields/layouts/"


def _columns(page: str) -> list[str]:
    return re.findall(r'data-testid="layout-column" data-key="([^"]+)"', page)


def test_a_saved_layout_orders_and_removes_columns_for_every_user(
    tenant, dave, alice, carol, client_for
):
    make_field(key="segment", label_en="Segment")
    make_field(key="rating", label_en="Rating", field_type="number")
    make_customer(name="Layout GmbH", city="Bremen", custom={"segment": "Retail", "rating": "3"})
    services.layout_save(user=dave, key="customers", columns=["cf_segment", "name", "city"])
    for user in (alice, carol, dave):
        page = client_for(user).get("/customers/", {"q": "Layout"}).content.decode()
        assert _headers(page) == ["", "Segment", "Name", "City"]  # the selection stays first
        row = re.search(r'<tr data-testid="customer-row".*?</tr>', page, re.S).group(0)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert cells[1] == "Retail" and "Layout GmbH" in cells[2] and cells[3] == "Bremen"
        assert "Rating" not in page and "Open pipeline" not in page


def test_the_other_lists_follow_their_layouts(tenant, dave, alice, client_for):
    make_field(entity="contact", key="badge", label_en="Badge")
    make_field(entity="project", key="contract_end", label_en="Contract end", field_type="date")
    make_field(entity="lead", key="source", label_en="Lead source")
    make_contact(last_name="Layoutkontakt", custom={"badge": "B-7"})
    make_project(process=make_process(), title="Layoutprojekt")
    make_project(process=make_process(kind=Process.Kind.LEAD), title="Layoutlead")
    services.layout_save(user=dave, key="contacts", columns=["cf_badge", "name"])
    services.layout_save(user=dave, key="projects", columns=["title", "cf_contract_end", "owner"])
    services.layout_save(user=dave, key="leads", columns=["cf_source", "title"])
    client = client_for(alice)
    page = client.get("/customers/contacts/", {"q": "Layoutkontakt"}).content.decode()
    assert _headers(page) == ["Badge", "Name"] and ">B-7</td>" in page
    page = client.get("/sales/projects/").content.decode()
    assert _headers(page) == ["", "Title", "Contract end", "Owner"]
    page = client.get("/sales/leads/").content.decode()
    assert _headers(page) == ["", "Lead source", "Title"]


def test_unknown_retired_and_hidden_columns_are_ignored(tenant, dave, alice, carol, client_for):
    retired = make_field(key="old_code", label_en="Old code")
    make_field(key="secret", label_en="Secret rating", visible_roles=["admin", "manager"])
    services.layout_save(user=dave, key="customers", columns=["name", "cf_old_code", "cf_secret"])
    services.definition_update(definition=retired, user=dave, data={"active": False})
    ListLayout.objects.filter(key="customers").update(
        columns=["bogus", "name", "cf_old_code", "cf_secret"]
    )
    assert _headers(client_for(alice).get("/customers/").content.decode()) == ["", "Name"]
    assert _headers(client_for(carol).get("/customers/").content.decode()) == [
        "",
        "Name",
        "Secret rating",
    ]
    # ... and a sort by a column the layout removed is simply not offered
    assert client_for(alice).get("/customers/", {"sort": "cf_secret"}).status_code == 200


def test_removing_a_column_keeps_the_data_and_reset_brings_the_default_back(
    tenant, dave, alice, client_for
):
    make_field(key="segment", label_en="Segment")
    customer = make_customer(name="Behalten GmbH", custom={"segment": "Retail"})
    services.layout_save(user=dave, key="customers", columns=["name"])
    assert "Segment" not in client_for(alice).get("/customers/").content.decode()
    customer.refresh_from_db()
    assert customer.custom == {"segment": "Retail"}
    services.layout_reset(user=dave, key="customers")
    headers = _headers(client_for(alice).get("/customers/").content.decode())
    assert headers[1:3] == ["Name", "Kind"] and headers[-1] == "Segment"


def test_the_services_refuse_non_admins_and_columns_not_offered(tenant, dave, carol):
    with pytest.raises(PermissionDenied):
        services.layout_save(user=carol, key="customers", columns=["name"])
    with pytest.raises(PermissionDenied):
        services.layout_reset(user=carol, key="customers")
    for columns in (["name", "nope"], ["name", "name"], [], ["selection"]):
        with pytest.raises(ValidationError):
            services.layout_save(user=dave, key="customers", columns=columns)
    with pytest.raises(ValidationError):
        services.layout_save(user=dave, key="unknown", columns=["name"])
    assert not ListLayout.objects.exists()


def test_the_settings_page_adds_moves_removes_and_resets_with_buttons(tenant, dave, client_for):
    make_field(key="segment", label_en="Segment")
    client = client_for(dave)
    page = client.get(URL).content.decode()
    for key in ("customers", "contacts", "projects", "leads", "kanban"):
        assert f'data-testid="layout-row-{key}"' in page
    page = client.get(URL + "customers/").content.decode()
    default = _columns(page)
    assert default[:2] == ["name", "kind"] and default[-1] == "cf_segment"
    response = client.post(URL + "customers/", {"action": "remove", "column": "kind"})
    assert response.status_code == 302
    assert ListLayout.objects.get(key="customers").columns == [c for c in default if c != "kind"]
    response = client.post(URL + "customers/", {"action": "up", "column": "cf_segment"})
    assert response["Location"].endswith("?focus=up-cf_segment")  # focus stays on the button
    page = client.get(response["Location"]).content.decode()
    assert _columns(page)[-2:] == ["cf_segment", "last_activity_at"]
    assert re.search(r'value="up"[^>]*autofocus', page)
    client.post(URL + "customers/", {"action": "down", "column": "name"})
    assert ListLayout.objects.get(key="customers").columns[:2] == ["city", "name"]
    client.post(URL + "customers/", {"action": "add", "column": "kind"})
    assert ListLayout.objects.get(key="customers").columns[-1] == "kind"
    page = client.get(URL + "customers/").content.decode()
    assert "Every column is shown." in page
    client.post(URL + "customers/", {"action": "reset"})
    assert not ListLayout.objects.filter(key="customers").exists()
    assert client.get(URL + "nope/").status_code == 404


def test_only_tenant_admins_reach_the_settings_page(tenant, alice, carol, client_for):
    for user in (alice, carol):
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.get(URL + "customers/").status_code == 403
        response = client.post(URL + "customers/", {"action": "remove", "column": "name"})
        assert response.status_code == 403
    assert not ListLayout.objects.exists()
    assert client_for(None).get(URL).status_code == 302  # to the login page


def test_the_tenant_admin_edits_a_layout_in_the_django_admin(tenant, dave, client_for):
    client = client_for(dave)
    response = client.post(
        "/admin/customfields/listlayout/add/",
        {"key": "contacts", "columns_text": "email\nname\n"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ListLayout.objects.get(key="contacts").columns == ["email", "name"]
    response = client.post(
        "/admin/customfields/listlayout/add/", {"key": "customers", "columns_text": "bogus"}
    )
    assert response.status_code == 200 and not ListLayout.objects.filter(key="customers").exists()


def test_a_tenants_layout_holds_in_that_tenant_only(tenant, other_tenant, dave, client_for):
    with schema_context("beta"):
        from crm.models import User

        beta_dave = User.objects.get(email="dave@beta.test")
        services.layout_save(user=beta_dave, key="customers", columns=["city"])
    try:
        assert _headers(client_for(dave).get("/customers/").content.decode())[1] == "Name"
        client_for(dave).post(URL + "customers/", {"action": "remove", "column": "kind"})
        with schema_context("beta"):
            assert ListLayout.objects.get(key="customers").columns == ["city"]
            beta = tenant_client(other_tenant, beta_dave)
            assert _headers(beta.get("/customers/").content.decode()) == ["", "City"]
    finally:
        with schema_context("beta"):
            ListLayout.objects.all().delete()
    assert Customer.objects.model is Customer
