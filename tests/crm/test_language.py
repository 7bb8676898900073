"""Who sees which language: the user's own choice, else the browser's; the tenant's default for
new users; My settings; <html lang>; the public pages follow the browser."""

import pytest
from django.db import connection
from django.test import Client

from crm.models import User
from crm.services import user_create
from tenants.models import Tenant

GERMAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en;q=0.5"}
ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def reset_default(tenant):
    yield
    Tenant.objects.filter(pk=tenant.pk).update(default_language="")
    tenant.default_language = ""


def test_the_login_page_follows_the_browser(tenant):
    client = Client(HTTP_HOST="alpha.localhost")
    german = _page(client.get("/login/", **GERMAN_BROWSER))
    assert '<html lang="de">' in german and "Anmelden" in german and "Log in" not in german
    english = _page(Client(HTTP_HOST="alpha.localhost").get("/login/", **ENGLISH_BROWSER))
    assert '<html lang="en">' in english and "Log in" in english


def test_a_user_without_a_choice_gets_the_browsers_language(tenant, client_for, alice):
    assert alice.language == ""
    client = client_for(alice)
    assert "Verkaufsprojekte" in _page(client.get("/", **GERMAN_BROWSER))
    assert "Sales projects" in _page(client.get("/", **ENGLISH_BROWSER))


def test_a_users_own_language_wins_over_the_browser(tenant, client_for, alice):
    client = client_for(alice)
    response = client.post("/me/settings/", {"language": "de"}, **ENGLISH_BROWSER)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.language == "de"
    page = _page(client.get("/customers/", **ENGLISH_BROWSER))
    assert '<html lang="de">' in page and "Kundenübersicht" in page
    client.post("/me/settings/", {"language": ""}, **ENGLISH_BROWSER)
    alice.refresh_from_db()
    assert alice.language == ""
    assert '<html lang="en">' in _page(client.get("/customers/", **ENGLISH_BROWSER))


def test_the_saved_message_speaks_the_new_language(tenant, client_for, bob):
    client = client_for(bob)
    page = _page(client.post("/me/settings/", {"language": "de"}, follow=True, **ENGLISH_BROWSER))
    assert "Ihre Einstellungen sind gespeichert." in page and "Meine Einstellungen" in page


def test_an_unknown_language_is_a_form_error_not_a_500(tenant, client_for, alice):
    response = client_for(alice).post("/me/settings/", {"language": "xx"})
    assert response.status_code == 200 and response.context["form"].errors
    alice.refresh_from_db()
    assert alice.language == ""


def test_the_user_menu_links_to_my_settings(tenant, client_for, alice):
    assert 'href="/me/settings/"' in _page(client_for(alice).get("/"))


def test_only_admins_see_and_set_the_company_default(
    tenant, client_for, alice, dave, reset_default
):
    assert "company-settings" not in _page(client_for(alice).get("/me/settings/"))
    assert (
        client_for(alice).post("/me/settings/company/", {"default_language": "de"}).status_code
        == 403
    )
    assert "company-settings" in _page(client_for(dave).get("/me/settings/"))
    assert (
        client_for(dave).post("/me/settings/company/", {"default_language": "de"}).status_code
        == 302
    )
    assert Tenant.objects.get(pk=tenant.pk).default_language == "de"


def test_new_users_get_the_tenants_default_language(tenant, client_for, dave, reset_default):
    client_for(dave).post("/me/settings/company/", {"default_language": "de"})
    connection.set_tenant(Tenant.objects.get(pk=tenant.pk))
    user = user_create(
        email="neu@alpha.test", password="Ein-gutes-Passwort-2026", role="salesperson"
    )
    assert user.language == "de"
    assert (
        user_create(email="en@alpha.test", password=None, language="en", validate=False).language
        == "en"
    )


def test_the_tenant_admin_user_form_offers_the_language_with_the_default(
    tenant, client_for, dave, reset_default
):
    client_for(dave).post("/me/settings/company/", {"default_language": "de"})
    page = _page(client_for(dave).get("/admin/crm/user/add/"))
    assert 'name="language"' in page and '<option value="de" selected>' in page


def test_the_company_default_of_one_tenant_does_not_touch_another(
    tenant, other_tenant, client_for, dave, reset_default
):
    client_for(dave).post("/me/settings/company/", {"default_language": "de"})
    assert Tenant.objects.get(pk=other_tenant.pk).default_language == ""
    assert User.objects.filter(language="de").count() == 0


def test_the_german_demo_user_is_a_tenant_admin_who_reads_german(tenant):
    from crm.seed import DEMO_GERMAN_USER, DEMO_PASSWORD, demo_german_user_ensure

    assert demo_german_user_ensure() is True
    assert demo_german_user_ensure() is False  # bootstrap runs it every time: once only
    jana = User.objects.get(email=DEMO_GERMAN_USER)
    assert (jana.language, jana.role, jana.is_staff, jana.first_name) == (
        "de",
        User.Role.ADMIN,
        True,
        "Jana",
    )
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.login(email=DEMO_GERMAN_USER, password=DEMO_PASSWORD)
    page = _page(client.get("/", **ENGLISH_BROWSER))
    assert '<html lang="de">' in page and "Verkaufsprojekte" in page


def test_user_create_refuses_in_the_users_language(tenant, alice):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("de"), pytest.raises(ValidationError) as refused:
        user_create(email=alice.email, password=None, validate=False)
    assert "gibt es bereits" in str(refused.value)
