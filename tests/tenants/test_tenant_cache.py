"""The host name -> tenant lookup cached per process (tenants/middleware.py): tenants stay apart,
a change of a tenant or a domain is seen by the next request, an unknown host stays 404."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenants.middleware import tenant_cache_clear
from tenants.models import Domain, Tenant
from tests.conftest import tenant_client


@pytest.fixture
def cached(settings):
    settings.TENANT_CACHE_SECONDS = 60
    tenant_cache_clear()
    yield
    tenant_cache_clear()


def _domain_lookups(client, path="/") -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return sum("tenants_domain" in q["sql"] for q in captured.captured_queries), response


def test_each_host_gets_its_own_tenant_from_the_cache(cached, tenant, other_tenant, alice):
    alpha = tenant_client(tenant, alice)
    with schema_context(other_tenant.schema_name):
        from crm.models import User

        beta_alice = User.objects.get(email="alice@beta.test")
    beta = tenant_client(other_tenant, beta_alice)
    for _ in range(2):  # the second round comes from the cache
        assert alpha.get("/").context["crm_tenant"].schema_name == "alpha"
        assert beta.get("/").context["crm_tenant"].schema_name == "beta"
    lookups, response = _domain_lookups(alpha)
    assert lookups == 0 and response.wsgi_request.tenant.schema_name == "alpha"
    # alpha's session cookie on beta's host is still nobody there
    stranger = tenant_client(other_tenant)
    stranger.cookies["sessionid"] = alpha.cookies["sessionid"].value
    response = stranger.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_tenant(tenant)


def test_each_request_gets_its_own_copy_of_the_tenant(cached, tenant, alice):
    client = tenant_client(tenant, alice)
    first = client.get("/").wsgi_request.tenant
    first.name = "changed by a view, not saved"
    second = client.get("/").wsgi_request.tenant
    assert second is not first and second.name == tenant.name
    connection.set_tenant(tenant)


def test_a_saved_change_of_the_tenant_is_seen_by_the_next_request(cached, tenant, dave):
    client = tenant_client(tenant, dave)
    assert client.get("/").wsgi_request.tenant.lead_function_enabled
    response = client.post("/sales/settings/", {})  # the admin switches the lead function off
    assert response.status_code == 302
    lookups, response = _domain_lookups(client, "/sales/settings/")
    assert lookups == 1 and not response.wsgi_request.tenant.lead_function_enabled
    connection.set_tenant(tenant)


def test_a_removed_domain_answers_404_at_once(cached, tenant, alice):
    with schema_context("public"):
        Domain.objects.create(domain="alias.localhost", tenant=tenant, is_primary=False)
    client = tenant_client(tenant, alice)
    client.defaults["HTTP_HOST"] = "alias.localhost"
    assert client.get("/login/").status_code == 200
    with schema_context("public"):
        Domain.objects.filter(domain="alias.localhost").delete()
    assert client.get("/login/").status_code == 404
    connection.set_tenant(tenant)


def test_an_unknown_host_is_not_cached(cached, db):
    from django.test import Client

    client = Client(HTTP_HOST="later.localhost")
    assert client.get("/login/").status_code == 404
    with schema_context("public"):
        alpha = Tenant.objects.get(schema_name="alpha")
        Domain.objects.create(domain="later.localhost", tenant=alpha, is_primary=False)
    assert client.get("/login/").status_code == 200
