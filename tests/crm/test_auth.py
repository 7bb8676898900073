"""Logging in and out, rate limiting, roles."""

from django.core.cache import cache
from django.test import override_settings

from tests.conftest import PASSWORD, tenant_client


def test_anonymous_users_are_sent_to_login(tenant):
    response = tenant_client(tenant).get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/")


def test_login_with_email_and_password_then_logout(tenant):
    client = tenant_client(tenant)
    response = client.post("/login/", {"email": "Alice@Alpha.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/logout/").status_code == 405  # logging out needs a POST (CSRF-safe)
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_login_redirects_only_to_local_next_urls(tenant):
    client = tenant_client(tenant)
    response = client.post(
        "/login/?next=https://evil.example/", {"email": "alice@alpha.test", "password": PASSWORD}
    )
    assert response["Location"] == "/"


@override_settings(LOGIN_RATE_LIMIT=3)
def test_login_attempts_are_rate_limited(tenant):
    cache.clear()
    client = tenant_client(tenant)
    for _ in range(3):
        assert (
            client.post("/login/", {"email": "bob@alpha.test", "password": "wrong"}).status_code
            == 200
        )
    blocked = client.post("/login/", {"email": "bob@alpha.test", "password": PASSWORD})
    assert blocked.status_code == 429 and b"Too many failed attempts" in blocked.content
    # another user from the same address is not locked out by bob's failures
    assert (
        client.post("/login/", {"email": "alice@alpha.test", "password": PASSWORD}).status_code
        == 302
    )
    cache.clear()


def test_user_roles_decide_admin_access(tenant, alice, carol, dave):
    assert dave.is_staff and dave.is_superuser and dave.is_tenant_admin
    assert not carol.is_staff and carol.is_manager
    assert not alice.is_staff and not alice.is_tenant_admin


def test_manager_edits_own_team_salesperson_edits_own(tenant, alice, bob, carol, dave):
    from crm.permissions import user_can_edit_owned

    assert user_can_edit_owned(user=alice, owner_id=alice.pk)
    assert not user_can_edit_owned(user=alice, owner_id=bob.pk)
    assert user_can_edit_owned(user=carol, owner_id=alice.pk)  # alice is in carol's team
    assert not user_can_edit_owned(user=carol, owner_id=bob.pk)  # bob is in another team
    assert user_can_edit_owned(user=dave, owner_id=bob.pk)


def test_dashboard_shows_the_users_team_from_the_database(tenant, alice, carol):
    response = tenant_client(tenant, alice).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "North" in html and "Carol Tester" in html  # team and supervisor (carol manages North)


def test_submenu_lists_the_customers_area_in_order_and_marks_one_item(tenant, dave):
    html = tenant_client(tenant, dave).get("/customers/contacts/").content.decode()
    menu = html[html.index('data-testid="submenu"') :]
    menu = menu[: menu.index("</nav>")]
    labels = [
        "Sales projects",
        "Leads",
        "Project groups",
        "Customer overview",
        "Contact persons",
        "Activity log",
        "Map",
    ]
    positions = [menu.find(label) for label in labels if label in menu]
    assert positions == sorted(positions) and len(positions) >= 6
    assert menu.count("active") == 1 and 'active" href="/customers/contacts/"' in menu
