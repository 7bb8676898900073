"""Tenancy: provisioning, unknown hosts, isolation of data, users and sessions."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from crm.models import User
from sales.models import Phase, Process
from tenants.models import Domain, Tenant
from tenants.services import tenant_provision
from tests.conftest import PASSWORD, tenant_client


def test_unknown_host_answers_404(db):
    assert Client(HTTP_HOST="nobody.localhost").get("/login/").status_code == 404


def test_each_tenant_has_its_default_sales_process(tenant):
    process = Process.objects.get(kind=Process.Kind.SALES)
    outcomes = list(process.phases.values_list("outcome", flat=True))
    assert outcomes.count(Phase.Outcome.WON) == 1 and outcomes.count(Phase.Outcome.LOST) == 1


def test_users_belong_to_one_tenant_even_with_the_same_ids(tenant, other_tenant):
    alpha_alice = User.objects.get(email="alice@alpha.test")
    with schema_context(other_tenant.schema_name):
        beta_alice = User.objects.get(email="alice@beta.test")
        assert not User.objects.filter(email="alice@alpha.test").exists()
    assert alpha_alice.pk == beta_alice.pk  # same ids on purpose: isolation must not rely on ids


def test_login_works_only_on_the_users_own_tenant_host(tenant, other_tenant):
    alpha = Client(HTTP_HOST="alpha.localhost")
    response = alpha.post("/login/", {"email": "alice@alpha.test", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    beta = Client(HTTP_HOST="beta.localhost")
    response = beta.post("/login/", {"email": "alice@alpha.test", "password": PASSWORD})
    assert response.status_code == 200 and b"not correct" in response.content


def test_session_cookie_of_tenant_a_is_worthless_on_tenant_b(tenant, other_tenant, alice):
    alpha = tenant_client(tenant, alice)
    assert alpha.get("/").status_code == 200
    cookie = alpha.cookies["sessionid"].value
    beta = Client(HTTP_HOST="beta.localhost")
    beta.cookies["sessionid"] = cookie
    response = beta.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_tenant(tenant)


def test_cache_keys_carry_the_schema(tenant, other_tenant):
    from django.core.cache import cache

    cache.set("same-key", "alpha-value")
    with schema_context(other_tenant.schema_name):
        assert cache.get("same-key") is None
        cache.set("same-key", "beta-value")
    assert cache.get("same-key") == "alpha-value"


def test_tenant_admin_sees_the_tenant_admin_but_not_tenants(tenant, dave):
    client = tenant_client(tenant, dave)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert b"/admin/crm/user/" in index.content
    assert b"/admin/tenants/tenant/" not in index.content
    assert client.get("/admin/tenants/tenant/").status_code in (403, 404)


def test_salesperson_cannot_open_the_admin(tenant, alice):
    response = tenant_client(tenant, alice).get("/admin/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"schema": "Bad-Name"}, "Invalid schema name"),
        ({"schema": "public"}, "Invalid schema name"),
        ({"schema": "alpha"}, "already taken"),
        ({"domain": "alpha.localhost"}, "already taken"),
        ({"domain": "not a host"}, "Invalid domain"),
        ({"admin_email": "nope"}, "Invalid admin e-mail"),
        ({"admin_password": "123"}, "Admin password rejected"),
    ],
)
def test_bad_provisioning_arguments_give_a_clear_error_and_create_nothing(db, overrides, message):
    args = {
        "schema": "gamma",
        "name": "Gamma AG",
        "domain": "gamma.localhost",
        "admin_email": "admin@gamma.test",
        "admin_password": PASSWORD,
    }
    args.update(overrides)
    before = (Tenant.objects.count(), Domain.objects.count())
    with pytest.raises(ValidationError, match=message):
        tenant_provision(**args)
    assert (Tenant.objects.count(), Domain.objects.count()) == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = 'gamma'")
        assert cursor.fetchone() is None


def test_provision_command_prints_one_clear_line_on_error(db):
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "provision_tenant",
            schema="alpha",
            name="X",
            domain="x.localhost",
            admin_email="a@x.test",
            admin_password=PASSWORD,
        )
    assert str(excinfo.value) == "The schema “alpha” is already taken."


def test_provision_command_creates_a_working_tenant_that_sees_nothing_of_others(db):
    call_command(
        "provision_tenant",
        schema="gamma",
        name="Gamma AG",
        domain="gamma.localhost",
        admin_email="admin@gamma.test",
        admin_password=PASSWORD,
    )
    client = Client(HTTP_HOST="gamma.localhost")
    response = client.post("/login/", {"email": "admin@gamma.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with schema_context("gamma"):
        assert list(User.objects.values_list("email", flat=True)) == ["admin@gamma.test"]
        assert Process.objects.filter(kind="sales").count() == 1
    connection.set_schema_to_public()


def _current_schema() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]


def test_the_search_path_is_set_again_after_a_savepoint_rollback_reverted_it(tenant, other_tenant):
    """A savepoint rollback reverts a SET issued after the savepoint; the next query must still run
    in the tenant the connection is set to (why TENANT_LIMIT_SET_CALLS stays off)."""
    from django.db import transaction

    assert _current_schema() == "alpha"
    savepoint = transaction.savepoint()
    connection.set_tenant(other_tenant)
    assert _current_schema() == "beta"  # SET search_path to beta, inside the savepoint
    transaction.savepoint_rollback(savepoint)  # the database is back on alpha's path
    assert connection.schema_name == "beta"
    assert _current_schema() == "beta"  # set again, not assumed
    assert not User.objects.filter(email__endswith="@alpha.test").exists()
    connection.set_tenant(tenant)
    assert _current_schema() == "alpha"


def test_a_cached_host_name_skips_the_domain_lookup(tenant, alice, settings):
    from django.test.utils import CaptureQueriesContext

    client = tenant_client(tenant, alice)
    client.get("/customers/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/customers/").status_code == 200
    assert any("tenants_domain" in q["sql"] for q in captured.captured_queries)
    settings.TENANT_CACHE_SECONDS = 60  # with the host name cached, no lookup
    client.get("/customers/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/customers/").status_code == 200
    assert not any("tenants_domain" in q["sql"] for q in captured.captured_queries)


def test_cached_sessions_are_read_from_the_cache_and_stay_per_tenant(
    tenant, other_tenant, alice, settings
):
    """Production with Redis keeps sessions in cached_db: a signed-in request reads no
    django_session row, and the cache key carries the schema, so alpha's cookie is nobody on
    beta."""
    from django.test.utils import CaptureQueriesContext

    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    alpha = tenant_client(tenant, alice)
    assert alpha.get("/").status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert alpha.get("/").status_code == 200
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)
    beta = Client(HTTP_HOST="beta.localhost")
    beta.cookies["sessionid"] = alpha.cookies["sessionid"].value
    response = beta.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_tenant(tenant)
