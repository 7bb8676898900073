"""The tenant isolation matrix, generated from the tenant URL conf so that a new page is covered
automatically.

Tenant beta gets one object of every kind, named with a marker. Then, on alpha's host:

* every URL whose path takes an object id is requested with the id of beta's object (an id that
  does not exist in alpha), by alpha's admin, as a full page, as an htmx fragment and as a POST:
  the answer is 404 (or 403/405), never data and never a change in beta;
* every URL without an id (lists, exports, fragments, map data) never contains the beta marker;
* beta's session cookie on alpha's host gets a redirect to the login page or a 404, never a page.

A URL with an id argument that the table below does not know fails the test: extend the table.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_tenants.utils import schema_context

from tests.conftest import tenant_client

MARKER = "BETAONLYMARKER"
SKIP_PREFIXES = ("admin/", "__bench/", "healthz", "favicon.ico", "login/", "logout/")


def _walk(resolver, prefix="", namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield namespace, prefix + str(entry.pattern), entry.name


def tenant_routes() -> list[tuple[str, str, str | None]]:
    routes = [
        (ns, route, name)
        for ns, route, name in _walk(get_resolver("crm.urls"))
        if not route.startswith(SKIP_PREFIXES) and not route.startswith("^")
    ]
    assert len(routes) > 20
    return routes


# (namespace, regex on the route) -> kind of beta object whose id fills <int:pk>
ID_KINDS = [
    ("customers", r"^customers/contacts/<int:pk>", "contact"),
    ("customers", r"^customers/import/<int:pk>", "import_job"),
    ("customers", r"^customers/<int:pk>", "customer"),
    ("sales", r"^sales/groups/<int:pk>", "group"),
    ("sales", r"^sales/(projects|leads)/<int:pk>", "project"),
    ("activity", r"^activity/<int:pk>", "activity"),
    ("mapview", r"^map/customers/<int:pk>", "customer"),
    ("mapview", r"^map/selections/<int:pk>", "selection"),
    ("customfields", r"^fields/<int:pk>", "field_definition"),
]


def _kind_for(namespace: str, route: str) -> str:
    for ns, pattern, kind in ID_KINDS:
        if ns == namespace and re.search(pattern, route):
            return kind
    raise AssertionError(
        f"the isolation matrix does not know which object fills {route!r}; extend ID_KINDS"
    )


def _beta_objects() -> dict:
    """One object of every kind in tenant beta, all carrying the marker."""
    from django.core.files.base import ContentFile

    from customers.models import ImportJob
    from tests.builders.activity import make_activity
    from tests.builders.customers import make_contact, make_customer
    from tests.builders.mapview import make_selection
    from tests.builders.sales import make_group, make_project

    with schema_context("beta"):
        customer = make_customer(
            name=f"{MARKER} GmbH",
            city=f"{MARKER}stadt",
            latitude=52.5,
            longitude=13.4,
            geocode_status="found",
        )
        contact = make_contact(customer=customer, last_name=MARKER)
        project = make_project(customer=customer, title=f"{MARKER} project")
        other = make_project(customer=customer, title=f"{MARKER} alternative")
        group = make_group(projects=[project, other], name=f"{MARKER} group")
        activity = make_activity(customer=customer, project=project, subject=f"{MARKER} call")
        selection = make_selection(customers=[customer], name=f"{MARKER} selection")
        job = ImportJob(original_name=f"{MARKER}.csv")
        job.file.save(f"{MARKER}.csv", ContentFile(b"name;city\nx;y\n"), save=False)
        job.save()
        from customfields.models import FieldDefinition

        definition = FieldDefinition.objects.create(
            entity="customer", key="betaonly", label_en=f"{MARKER} field"
        )
        return {
            "field_definition": definition.pk,
            "customer": customer.pk,
            "contact": contact.pk,
            "project": project.pk,
            "group": group.pk,
            "activity": activity.pk,
            "selection": selection.pk,
            "import_job": job.pk,
        }


def _beta_fingerprint() -> tuple:
    with schema_context("beta"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM customers_customer), (SELECT count(*) "
            "FROM customers_contactperson),"
            " (SELECT count(*) FROM sales_salesproject), (SELECT count(*) FROM activity_activity),"
            " (SELECT md5(string_agg(c::text, ',' ORDER BY c.id)) FROM customers_customer c),"
            " (SELECT md5(string_agg(p::text, ',' ORDER BY p.id)) FROM sales_salesproject p)"
        )
        return cursor.fetchone()


def _path(route: str, ids: dict, kind: str | None) -> str:
    def fill(match):
        if match.group(1) == "int":
            assert kind is not None
            return str(ids[kind])
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", fill, route)


@pytest.fixture
def beta_ids(tenant, other_tenant):
    ids = _beta_objects()
    connection.set_tenant(tenant)
    from customers.models import Customer
    from sales.models import SalesProject

    # The ids must not exist in alpha, or a 404 would prove nothing.
    assert not Customer.objects.filter(pk=ids["customer"]).exists()
    assert not SalesProject.objects.filter(pk=ids["project"]).exists()
    return ids


def test_ids_of_another_tenant_give_404_everywhere(tenant, beta_ids, dave):
    client = tenant_client(tenant, dave)
    before = _beta_fingerprint()
    checked = 0
    for namespace, route, name in tenant_routes():
        if "<" not in route:
            continue
        kind = _kind_for(namespace, route) if "<int:" in route else None
        path = _path(route, beta_ids, kind)
        for method, headers in (
            ("get", {}),
            ("get", {"HTTP_HX_REQUEST": "true"}),
            ("post", {}),
            ("post", {"HTTP_HX_REQUEST": "true"}),
        ):
            response = getattr(client, method)(path, **headers)
            assert response.status_code in (403, 404, 405), (
                f"{method.upper()} {path} ({name}) -> {response.status_code}"
            )
            assert MARKER.encode() not in response.content, f"{path} leaked beta data"
            checked += 1
    assert checked > 40
    assert _beta_fingerprint() == before, "a request on alpha's host changed tenant beta"


def test_lists_exports_and_fragments_never_show_another_tenants_data(
    tenant, other_tenant, beta_ids, dave
):
    from crm.models import User

    # Control: on beta's own host the same requests do find the marker rows.
    with schema_context("beta"):
        beta_client = tenant_client(other_tenant, User.objects.get(email="dave@beta.test"))
    for path in (
        "/customers/?q=betaonly",
        "/customers/contacts/?q=betaonly",
        "/sales/projects/?q=betaonly",
    ):
        assert MARKER.encode() in beta_client.get(path).content, path
    connection.set_tenant(tenant)
    client = tenant_client(tenant, dave)
    for _namespace, route, name in tenant_routes():
        if "<" in route:
            continue
        path = "/" + route
        for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
            # The search term finds the marker rows if they leaked, but is not the marker itself.
            response = client.get(
                path + "?q=betaonly&bbox=-180,-90,180,90&zoom=3&near=52.5,13.4", **headers
            )
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert response.status_code < 500, f"GET {path} ({name}) -> {response.status_code}"
            assert MARKER.encode() not in body, f"GET {path} ({name}) leaked beta data"


def test_another_tenants_session_cookie_opens_nothing(tenant, other_tenant, beta_ids):
    from crm.models import User

    with schema_context("beta"):
        beta_dave = User.objects.get(email="dave@beta.test")
        beta_client = tenant_client(other_tenant, beta_dave)
    connection.set_tenant(tenant)
    cookie = beta_client.cookies["sessionid"].value
    for namespace, route, name in tenant_routes():
        kind = _kind_for(namespace, route) if "<int:" in route else None
        path = _path(route, beta_ids, kind) if "<" in route else "/" + route
        client = Client(HTTP_HOST="alpha.localhost")
        client.cookies["sessionid"] = cookie
        response = client.get(path)
        assert response.status_code in (302, 403, 404, 405), (
            f"GET {path} ({name}) -> {response.status_code}"
        )
        if response.status_code == 302:
            assert "/login/" in response["Location"], (
                f"{path} redirected elsewhere: {response['Location']}"
            )
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in body


def test_a_selection_id_of_another_tenant_shows_no_customer_in_the_overview(tenant, beta_ids, dave):
    """``?selection=`` with beta's selection id on alpha's host: explained, nobody listed,
    exported or changed (each tenant's selections live in its own schema)."""
    from mapview.models import Selection
    from tests.builders.customers import make_customer

    assert not Selection.objects.filter(pk=beta_ids["selection"]).exists()
    alpha_customer = make_customer(name="Alpha only GmbH", owner=dave)
    client = tenant_client(tenant, dave)
    before = _beta_fingerprint()
    query = f"selection={beta_ids['selection']}"
    page = client.get(f"/customers/?{query}")
    assert page.status_code == 200
    assert b'data-testid="overview-selection-unknown"' in page.content
    assert MARKER.encode() not in page.content and b"Alpha only GmbH" not in page.content
    export = client.get(f"/customers/export/?{query}")
    body = b"".join(export.streaming_content) if export.streaming else export.content
    assert MARKER.encode() not in body and b"Alpha only GmbH" not in body
    client.post(
        "/customers/bulk/",
        {"action": "assign", "scope": "all", "owner": dave.pk, "query": query},
    )
    added = client.post(
        "/map/selections/add/", {"scope": "all", "query": query, "name": "Should stay empty"}
    )
    assert added.status_code == 302
    assert not Selection.objects.filter(name="Should stay empty").exists()
    alpha_customer.refresh_from_db()
    assert alpha_customer.owner == dave
    assert _beta_fingerprint() == before
