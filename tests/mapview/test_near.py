""" "Customers near me" (/map/near/?near=lat,lon): the matching customers within 25 km, nearest
first, with their distance; hostile positions are ignored, another tenant's customers never show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from customers.models import Customer
from mapview import selectors
from tests.builders.mapview import make_located_customer
from tests.conftest import tenant_client

MARIENPLATZ = (48.1374, 11.5755)


def near(client, position=MARIENPLATZ, **params):
    value = position if isinstance(position, str) else f"{position[0]},{position[1]}"
    response = client.get("/map/near/", {"near": value, **params})
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_the_nearest_customers_come_first_with_their_distance(tenant, alice, client_for):
    far = make_located_customer(48.1374, 11.95, name="Ebersberg Holz")  # ~28 km east: outside
    second = make_located_customer(48.18, 11.5755, name="Schwabing Stahl")  # ~4.7 km north
    first = make_located_customer(48.14, 11.58, name="Altstadt Apotheke")  # ~0.4 km
    lead = make_located_customer(48.25, 11.65, name="Garching Labor", status="lead")  # ~13.6 km
    html = near(client_for(alice))
    assert "3 matching customers within 25 km, nearest first:" in html
    positions = [html.index(c.name) for c in (first, second, lead)]
    assert positions == sorted(positions)
    assert far.name not in html
    assert "0.4 km" in html and "4.7 km" in html
    assert f'href="/customers/{first.pk}/"' in html
    assert 'class="crm-name-lead' in html  # leads stay gray, with their chip


def test_the_distances_are_german_for_a_german_user(tenant, alice, client_for):
    make_located_customer(48.18, 11.5755, name="Schwabing Stahl")
    alice.language = "de"
    alice.save(update_fields=["language"])
    html = near(client_for(alice))
    assert "1 passender Kunde im Umkreis von 25 km, der nächste zuerst:" in html
    assert "4,7 km" in html


def test_the_map_filters_and_the_legend_apply(tenant, alice, client_for):
    make_located_customer(48.14, 11.58, name="Altstadt Apotheke", size_class="A")
    make_located_customer(48.15, 11.58, name="Maxvorstadt Möbel", size_class="D")
    client = client_for(alice)
    html = near(client, q="Möbel")
    assert "Maxvorstadt" in html and "Altstadt" not in html
    html = near(client, hide="D")
    assert "Altstadt" in html and "Maxvorstadt" not in html


def test_nothing_near_says_so(tenant, alice, client_for):
    make_located_customer(52.52, 13.40, name="Berlin Mitte")
    html = near(client_for(alice))
    assert 'data-testid="near-count"' in html and "No matching customer within 25 km" in html


@pytest.mark.parametrize(
    "value",
    [
        "",
        "48.1",
        "48.1,11.5,3",
        "abc,def",
        "nan,nan",
        "inf,11",
        "1e400,1",
        "91,0",
        "0,-181",
        "48.1\x00,11.5",
        "9" * 5000 + ",1",
        "-0,-0",
    ],
)
def test_hostile_positions_are_ignored_never_a_500(tenant, alice, client_for, value):
    make_located_customer(0.0, 0.0, name="Null Island")
    html = near(client_for(alice), value)
    if value == "-0,-0":
        assert "Null Island" in html  # a real (if odd) position
    else:
        assert 'data-testid="near-none"' in html and "Null Island" not in html


def test_parse_near_accepts_only_a_position():
    assert selectors.parse_near("48.5, 11.25") == (48.5, 11.25)
    assert selectors.parse_near("-90,180") == (-90.0, 180.0)
    for bad in ("", ",", "48.5", "48.5;11", "100,0", "0,200", "nan,0", None):
        assert selectors.parse_near(bad) is None


def test_the_query_count_is_flat(tenant, alice, client_for, django_assert_max_num_queries):
    """Session, user, one count and one read (each after django-tenants' search_path), however
    many customers are near: the count does not grow with them."""
    client = client_for(alice)
    make_located_customer(48.14, 11.58, name="One")
    near(client)
    with CaptureQueriesContext(connection) as few:
        near(client)
    Customer.objects.bulk_create(
        [
            Customer(
                name=f"Near {i}",
                latitude=48.1 + i / 1000,
                longitude=11.5 + i / 1000,
                geocode_status=Customer.GeocodeStatus.FOUND,
            )
            for i in range(60)
        ]
    )
    with django_assert_max_num_queries(len(few)):
        html = near(client)
    # + the tenant's domain (and its search_path) when that lookup is not cached yet, and the
    # standard fields switched off (the filters; with its search_path, cached in production)
    assert len(few) <= 14, [q["sql"][:120] for q in few.captured_queries]
    assert html.count('data-testid="near-row"') == selectors.NEAR_LIMIT
    assert "and 41 more further away" in html


def test_another_tenants_customers_are_never_near(tenant, other_tenant, alice):
    with schema_context(other_tenant.schema_name):
        make_located_customer(*MARIENPLATZ, name="Beta Marienplatz")
    connection.set_tenant(tenant)
    make_located_customer(48.14, 11.58, name="Alpha Altstadt")
    html = near(tenant_client(tenant, alice))
    assert "Alpha Altstadt" in html and "Beta Marienplatz" not in html
    with schema_context(other_tenant.schema_name):
        from crm.models import User

        beta_alice = User.objects.get(email="alice@beta.test")
    beta = tenant_client(other_tenant, beta_alice)
    assert "Beta Marienplatz" in near(beta)
    # beta's session on alpha's host: the login page, no list
    alpha = Client(HTTP_HOST="alpha.localhost")
    alpha.cookies["sessionid"] = beta.cookies["sessionid"].value
    response = alpha.get("/map/near/", {"near": "48.1374,11.5755"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    connection.set_tenant(tenant)


def test_anonymous_users_are_sent_to_the_login(tenant):
    response = tenant_client(tenant).get("/map/near/", {"near": "48.1,11.5"})
    assert response.status_code == 302 and "/login/" in response["Location"]
