"""403, 404 and 500 are the product's own pages inside the layout, in the user's language; a refusal
says who may do it; htmx requests get a short fragment that crm.js shows in place."""

from __future__ import annotations

import pytest
from django.urls import path

from tests.builders.customers import make_customer

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*__import__("crm.urls", fromlist=["urlpatterns"]).urlpatterns, path("boom/", _boom)]
handler500 = "crm.views.error_500"


def test_a_salesperson_opening_a_colleagues_edit_page_reads_who_may_edit_it(client_for, alice, bob):
    customer = make_customer(owner=alice)
    response = client_for(bob).get(f"/customers/{customer.pk}/edit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert (
        'data-testid="submenu"' in html and 'data-testid="error-page"' in html
    )  # inside the layout
    assert (
        "Only Alice Tester, the managers of team North and the tenant admins may edit it." in html
    )
    assert "Back to the dashboard" in html


def test_the_refusal_in_german(client_for, alice, bob):
    customer = make_customer(owner=alice)
    bob.language = "de"
    bob.save(update_fields=["language"])
    html = client_for(bob).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert (
        "Bearbeiten dürfen nur Alice Tester, die Teamleiter des Teams North und die "
        "Administratoren." in html
    )
    assert "Nicht erlaubt" in html


def test_an_unowned_record_says_managers_and_admins_edit_it(client_for, bob):
    customer = make_customer(owner=None)
    html = client_for(bob).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert "Records without an owner are edited by managers and tenant admins." in html


def test_a_missing_record_is_a_404_inside_the_layout_in_both_languages(client_for, alice):
    response = client_for(alice).get("/customers/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert (
        'data-testid="submenu"' in html
        and "Page not found" in html
        and "No Customer matches" not in html
    )
    german = (
        client_for(alice).get("/customers/999999999/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    )
    assert "Seite nicht gefunden" in german


def test_an_htmx_refusal_is_a_fragment_with_the_sentence(client_for, alice, bob):
    customer = make_customer(owner=alice)
    response = client_for(bob).get(f"/customers/{customer.pk}/edit/", HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="htmx-error"' in html and "<nav" not in html
    assert "Only Alice Tester" in html


@pytest.mark.urls("tests.crm.test_error_pages")
def test_a_server_error_is_our_own_page(client_for, alice):
    client = client_for(alice)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and 'data-testid="submenu"' in html
    german = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Etwas ist schiefgegangen" in german


def test_the_lead_list_says_the_lead_function_is_off_and_who_switches_it_on(
    client_for, alice, tenant
):
    tenant.lead_function_enabled = False
    tenant.save(update_fields=["lead_function_enabled"])
    response = client_for(alice).get("/sales/leads/")
    assert response.status_code == 404
    html = response.content.decode()
    assert (
        "The lead function is switched off for your company. A tenant admin can switch it on"
        in html
    )
    assert 'data-testid="error-page"' in html
