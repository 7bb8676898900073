"""The viewport endpoint: points when few, server-side grid clusters when many, flat query
counts."""

import random

import pytest
from django.db import connection

from customers.models import Customer
from mapview import selectors
from tests.builders.mapview import make_located_customer

GERMANY = "5.5,47.0,15.5,55.5"


def bulk_located(n: int, *, seed: int = 1, box=(6.0, 47.5, 15.0, 55.0), **fields) -> None:
    rng = random.Random(seed)
    west, south, east, north = box
    Customer.objects.bulk_create(
        [
            Customer(
                name=f"Viewport {seed}-{i}",
                latitude=rng.uniform(south, north),
                longitude=rng.uniform(west, east),
                geocode_status=Customer.GeocodeStatus.FOUND,
                size_class="ABCD"[i % 4],
                status="lead" if i % 5 == 0 else "customer",
                **fields,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


def get_data(client, **params):
    response = client.get("/map/data/", {"bbox": GERMANY, "zoom": 6, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_few_customers_come_as_points(tenant, alice, client_for):
    munich = make_located_customer(
        48.137, 11.575, name="Münchner Maschinenbau", size_class="A", status="lead"
    )
    make_located_customer(40.7, -74.0, name="Far away")  # outside the viewport
    data = get_data(client_for(alice))
    assert data["mode"] == "points" and data["total"] == 1
    assert data["points"] == [
        {
            "id": munich.pk,
            "lat": 48.137,
            "lon": 11.575,
            "size": "A",
            "lead": True,
            "name": "Münchner Maschinenbau",
        }
    ]


def test_many_customers_come_as_clusters_that_add_up(tenant, alice, client_for):
    bulk_located(1200)
    data = get_data(client_for(alice))
    assert data["mode"] == "clusters" and data["total"] == 1200
    assert sum(c["count"] for c in data["clusters"]) + len(data["points"]) == 1200
    assert 4 <= len(data["clusters"]) < 400
    for cluster in data["clusters"]:
        west, south, east, north = cluster["bounds"]
        assert west <= cluster["lon"] <= east and south <= cluster["lat"] <= north
        assert cluster["size"] in "ABCD" and 0 <= cluster["leads"] <= cluster["count"]


def test_zooming_in_splits_clusters_into_points(tenant, alice, client_for):
    bulk_located(1200, box=(11.50, 48.10, 11.65, 48.18))  # all around Munich
    client = client_for(alice)
    far = get_data(client, zoom=6)
    near = get_data(client, bbox="11.50,48.10,11.65,48.18", zoom=14)
    assert far["mode"] == "clusters" and len(far["clusters"]) <= 2
    assert near["mode"] == "points" and len(near["points"]) == 1200


def test_the_legend_and_the_filters_apply_to_the_viewport(tenant, alice, bob, client_for):
    make_located_customer(48.1, 11.5, owner=alice, size_class="A")
    make_located_customer(48.2, 11.6, owner=alice, size_class="D")
    make_located_customer(48.3, 11.7, owner=bob, size_class="A")
    client = client_for(alice)
    assert get_data(client)["total"] == 3
    assert get_data(client, owner=alice.pk)["total"] == 2
    assert get_data(client, hide="D")["total"] == 2
    assert get_data(client, size_class="A", owner=bob.pk)["total"] == 1


def test_leads_stay_off_the_map_when_the_lead_function_is_off(leads_off, alice, client_for):
    make_located_customer(48.1, 11.5, status="lead")
    make_located_customer(48.2, 11.6, status="customer")
    data = get_data(client_for(alice))
    assert data["total"] == 1 and data["points"][0]["lead"] is False


@pytest.mark.parametrize("n", [10, 3000])
def test_the_viewport_query_count_does_not_grow(
    tenant, alice, client_for, django_assert_max_num_queries, n
):
    bulk_located(n, seed=n)
    client = client_for(alice)
    get_data(client)  # warm the session
    # 16: with the custom-field definitions and the standard fields switched off of the filters,
    # each with its SET search_path (cached in production)
    with django_assert_max_num_queries(16):
        get_data(client, owner=alice.pk, has_open_projects="false")
    with django_assert_max_num_queries(16):
        get_data(client)


@pytest.mark.parametrize("bbox", ["", "1,2,3", "a,b,c,d", "nan,0,1,1"])
def test_bad_bounds_are_a_400(tenant, alice, client_for, bbox):
    assert client_for(alice).get("/map/data/", {"bbox": bbox, "zoom": 5}).status_code == 400


def test_the_viewport_query_can_use_the_coordinate_index(tenant):
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    sql, params = selectors._box_sql(10.0, 47.0, 12.0, 49.0)
    qs = Customer.objects.filter(RawSQL(sql, params, output_field=BooleanField())).order_by()  # noqa: S611 - values are parameters
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        q_sql, q_params = qs.values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN " + q_sql, q_params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "mapview_customer_lonlat" in plan, plan


def test_clusters_obey_a_several_classes_filter(tenant, alice, client_for):
    bulk_located(1200)
    data = get_data(client_for(alice), size_class=["A", "B"])
    assert data["mode"] == "clusters" and data["total"] == 600
    assert sum(c["count"] for c in data["clusters"]) + len(data["points"]) == 600
    assert {c["size"] for c in data["clusters"]} <= {"A", "B"}
