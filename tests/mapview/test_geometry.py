"""Drawn selections in PostgreSQL geometry: rectangle, circle and polygon, at their edges."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory

from customers.models import Customer
from mapview import selectors
from mapview.selectors import Geometry, parse_geometry, selection_customer_ids
from tests.builders.mapview import make_located_customer


def ids_inside(shapes=(), ids=()) -> set[int]:
    geometry = parse_geometry({"shapes": list(shapes), "ids": list(ids)})
    return set(selection_customer_ids(qs=Customer.objects.all(), geometry=geometry))


def test_a_rectangle_includes_its_edges_and_corners(tenant):
    inside = make_located_customer(48.0, 11.0)
    on_edge = make_located_customer(48.5, 11.5)  # on the east edge
    corner = make_located_customer(49.0, 10.0)  # the north-west corner
    outside = make_located_customer(48.5, 11.5001)
    below = make_located_customer(47.9999, 10.5)
    found = ids_inside([{"type": "rectangle", "bounds": [10.0, 48.0, 11.5, 49.0]}])
    assert {inside.pk, on_edge.pk, corner.pk} <= found
    assert outside.pk not in found and below.pk not in found


def _offset(lat, lon, meters, bearing_deg):
    """The point ``meters`` away on the sphere (for circle edge tests)."""
    r = 6_371_008.8
    b, phi1, lam1 = math.radians(bearing_deg), math.radians(lat), math.radians(lon)
    d = meters / r
    phi2 = math.asin(math.sin(phi1) * math.cos(d) + math.cos(phi1) * math.sin(d) * math.cos(b))
    lam2 = lam1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(phi1), math.cos(d) - math.sin(phi1) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lam2)


@pytest.mark.parametrize("center_lat", [0.0, 48.14, 64.0])
def test_a_circle_is_a_circle_on_the_ground_not_in_degrees(tenant, center_lat):
    center_lon, radius = 11.58, 10_000
    inside = [
        make_located_customer(*_offset(center_lat, center_lon, radius * 0.995, b))
        for b in (0, 90, 180, 270)
    ]
    outside = [
        make_located_customer(*_offset(center_lat, center_lon, radius * 1.005, b))
        for b in (0, 90, 180, 270)
    ]
    # the corner of the bounding box is outside the circle although inside the degree box
    corner = make_located_customer(*_offset(center_lat, center_lon, radius * 1.3, 45))
    found = ids_inside([{"type": "circle", "center": [center_lat, center_lon], "radius": radius}])
    assert {c.pk for c in inside} <= found
    assert not ({c.pk for c in outside} | {corner.pk}) & found


def test_a_concave_polygon_excludes_its_notch_and_includes_its_border(tenant):
    # an L shape: the square 10..12 x 48..50 without its north-east quarter
    l_shape = [[48, 10], [48, 12], [49, 12], [49, 11], [50, 11], [50, 10]]
    in_foot = make_located_customer(48.5, 11.5)
    in_leg = make_located_customer(49.5, 10.5)
    in_notch = make_located_customer(49.5, 11.5)
    on_border = make_located_customer(48.0, 11.0)
    on_vertex = make_located_customer(49.0, 11.0)  # the inner corner
    outside = make_located_customer(47.99, 11.0)
    found = ids_inside([{"type": "polygon", "points": l_shape}])
    assert {in_foot.pk, in_leg.pk, on_border.pk, on_vertex.pk} <= found
    assert in_notch.pk not in found and outside.pk not in found


def test_shapes_and_clicked_markers_add_up(tenant):
    a = make_located_customer(48.0, 11.0)
    b = make_located_customer(52.5, 13.4)
    c = make_located_customer(53.5, 10.0)
    found = ids_inside(
        [
            {"type": "rectangle", "bounds": [10.5, 47.5, 11.5, 48.5]},
            {"type": "circle", "center": [52.5, 13.4], "radius": 1000},
        ],
        ids=[c.pk],
    )
    assert {a.pk, b.pk, c.pk} <= found


def test_customers_without_coordinates_are_never_inside(tenant):
    from tests.builders.customers import make_customer

    nowhere = make_customer(latitude=None, longitude=None)
    assert nowhere.pk not in ids_inside([{"type": "rectangle", "bounds": [-180, -90, 180, 90]}])


def test_the_selection_obeys_the_overview_filters(tenant, alice, bob):
    mine = make_located_customer(48.0, 11.0, owner=alice)
    theirs = make_located_customer(48.0, 11.0, owner=bob)
    request = RequestFactory().get("/map/", {"owner": alice.pk})
    request.tenant = tenant
    request.user = alice
    geometry = parse_geometry({"shapes": [{"type": "rectangle", "bounds": [10, 47, 12, 49]}]})
    found = selection_customer_ids(qs=selectors.map_customers(request=request), geometry=geometry)
    assert mine.pk in found and theirs.pk not in found


@pytest.mark.parametrize(
    "data",
    [
        {"shapes": [{"type": "rectangle", "bounds": [1, 2, 3]}]},
        {"shapes": [{"type": "circle", "center": [100, 0], "radius": 5}]},
        {"shapes": [{"type": "circle", "center": [10, 0], "radius": "nan"}]},
        {"shapes": [{"type": "polygon", "points": [[1, 1], [2, 2]]}]},
        {"shapes": [{"type": "polygon", "points": [[1, 1], [2, 2], ["x", 3]]}]},
        {"shapes": [{"type": "triangle"}]},
        {"shapes": "rectangle"},
        {"ids": ["1; DROP TABLE customers_customer"]},
        [],
    ],
)
def test_bad_shapes_are_refused(data):
    with pytest.raises(ValidationError):
        parse_geometry(data)


def test_shape_queries_can_use_the_coordinate_index(tenant):
    qs = Customer.objects.all().order_by()
    for shape in (
        {"type": "rectangle", "bounds": [10, 47, 12, 49]},
        {"type": "polygon", "points": [[48, 10], [48, 12], [50, 11]]},
        {"type": "circle", "center": [48, 11], "radius": 5000},
    ):
        inside = qs.filter(
            selectors.geometry_condition(
                Geometry(shapes=[parse_geometry({"shapes": [shape]}).shapes[0]])
            )
        )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            sql, params = inside.values("pk").query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan = on")
        assert "mapview_customer_lonlat" in plan, plan
