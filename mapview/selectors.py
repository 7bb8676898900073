"""Every read the map needs: the filtered customers, the viewport (points or grid clusters), drawn
shapes, popups and the customers without coordinates.

Geometry uses PostgreSQL's built-in types (point, polygon): no PostGIS needed. Every shape is
first bounded by ``longitude BETWEEN ... AND latitude BETWEEN ...``, which the covering B-tree
``mapview_customer_lonlat`` (migration mapview 0004) answers with an index-only scan and the
planner estimates from column statistics; the exact test (inside the polygon, within the radius)
then runs on the same index row. x is the longitude, y the latitude, everything in degrees.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, FloatField, Max, Min, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from crm.features import leads_enabled
from customers.filters import CustomerFilter
from customers.models import Customer
from mapview.models import Selection, SelectionItem
from mapview.paging import SelectionCustomerQuerySet

TABLE = f'"{Customer._meta.db_table}"'
POINT = f"point({TABLE}.longitude, {TABLE}.latitude)"
EARTH_RADIUS_M = 6_371_008.8
METERS_PER_DEGREE = 111_320.0

FEW_POINTS = 500  # at any zoom, fewer matching customers are sent one by one
MAX_POINTS = 2500  # at street level up to this many; beyond, clusters
POINTS_FROM_ZOOM = 12
CLUSTER_CELL_PX = 60  # the grid cell of a cluster, in screen pixels
LIST_LIMIT = 200  # the selection list beside the map shows this many rows (the count is exact)
MAX_SHAPES = 20
MAX_POLYGON_POINTS = 500
MAX_CLICKED = 5000
EXTENT_CACHE_SECONDS = 300
LEGEND_KEYS = [*Customer.SizeClass.values, *Customer.Status.values]


# --- the filtered customers --------------------------------------------------------------------


def map_filter(*, request, data=None) -> CustomerFilter:
    """The customer overview's FilterSet on a plain customer queryset (no list annotations)."""
    base = Customer.objects.all()
    if not leads_enabled(request):
        base = base.filter(status=Customer.Status.CUSTOMER)
    return CustomerFilter(request.GET if data is None else data, queryset=base, request=request)


def map_customers(*, request, data=None) -> QuerySet:
    """The customers matching the overview filters and the legend (``hide`` = classes/statuses)."""
    data = request.GET if data is None else data
    filterset = map_filter(request=request, data=data)
    qs = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    hidden = (
        [h for h in data.getlist("hide") if h in LEGEND_KEYS] if hasattr(data, "getlist") else []
    )
    sizes = [h for h in hidden if h in Customer.SizeClass.values]
    statuses = [h for h in hidden if h in Customer.Status.values]
    if sizes:
        qs = qs.exclude(size_class__in=sizes)
    if statuses:
        qs = qs.exclude(status__in=statuses)
    qs = qs.order_by()
    # The size-class filter asks for DISTINCT, but no overview filter joins to many rows; DISTINCT
    # would wrap every count, aggregate and GROUP BY of the map in a subquery over all columns.
    qs.query.distinct = False
    return qs


def _located() -> Q:
    return Q(latitude__isnull=False, longitude__isnull=False)


def _unlocated() -> Q:
    # Written as the predicate of the partial index mapview_customer_unlocated (migration 0003).
    return Q(latitude__isnull=True) | Q(longitude__isnull=True)


# --- geometry ------------------------------------------------------------------------------------


def _number(value, *, low: float, high: float, clamp: bool = False) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(_("Invalid coordinates.")) from None
    if math.isnan(number) or math.isinf(number):
        raise ValidationError(_("Invalid coordinates."))
    if clamp:
        return min(max(number, low), high)
    if not low <= number <= high:
        raise ValidationError(_("Invalid coordinates."))
    return number


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``west,south,east,north`` in degrees, clamped to the world (Leaflet may go beyond ±180)."""
    parts = (text or "").split(",")
    if len(parts) != 4:
        raise ValidationError(_("Invalid map bounds."))
    west, east = (_number(v, low=-180, high=180, clamp=True) for v in (parts[0], parts[2]))
    south, north = (_number(v, low=-90, high=90, clamp=True) for v in (parts[1], parts[3]))
    if float(parts[2]) - float(parts[0]) >= 360:
        west, east = -180.0, 180.0
    return min(west, east), min(south, north), max(west, east), max(south, north)


def _box_sql(west: float, south: float, east: float, north: float) -> tuple[str, list]:
    # Not ``point <@ box``: PostgreSQL guesses 0.1 % of the rows for geometric operators and then
    # reads the whole table through a bitmap for a country-wide box; ranges it estimates.
    return (
        f"({TABLE}.longitude BETWEEN %s AND %s AND {TABLE}.latitude BETWEEN %s AND %s)",
        [west, east, south, north],
    )


def _circle_sql(lat: float, lon: float, radius_m: float) -> tuple[str, list]:
    # A circle in degrees is an ellipse on the ground: prefilter with its bounding box (index),
    # then keep what lies within the radius on the sphere (haversine).
    dlat = radius_m / METERS_PER_DEGREE
    cos_lat = math.cos(math.radians(lat))
    dlon = 180.0 if cos_lat < 1e-6 else min(180.0, radius_m / (METERS_PER_DEGREE * cos_lat))
    box, box_params = _box_sql(
        max(-180.0, lon - dlon),
        max(-90.0, lat - dlat),
        min(180.0, lon + dlon),
        min(90.0, lat + dlat),
    )
    haversine = (
        f"2 * {EARTH_RADIUS_M} * asin(sqrt(least(1.0, "
        f"power(sin(radians({TABLE}.latitude - %s) / 2), 2) + "
        f"cos(radians(%s)) * cos(radians({TABLE}.latitude)) * "
        f"power(sin(radians({TABLE}.longitude - %s) / 2), 2)))) <= %s"
    )
    return f"({box} AND {haversine})", [*box_params, lat, lat, lon, radius_m]


def _polygon_sql(points: list[tuple[float, float]]) -> tuple[str, list]:
    text = "(" + ",".join(f"({lon!r},{lat!r})" for lat, lon in points) + ")"
    lats, lons = [lat for lat, _lon in points], [lon for _lat, lon in points]
    box, box_params = _box_sql(min(lons), min(lats), max(lons), max(lats))
    return f"({box} AND {POINT} <@ %s::polygon)", [*box_params, text]


@dataclass
class Geometry:
    """What the user drew or clicked: shapes (rectangle, circle, polygon) and marker ids."""

    shapes: list[dict] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.shapes and not self.ids

    def as_json(self) -> dict:
        return {"shapes": self.shapes, "ids": self.ids}


def parse_geometry(data) -> Geometry:
    """Validate the JSON the map sends: {"shapes": [...], "ids": [...]}; ValidationError if bad."""
    if not isinstance(data, dict):
        raise ValidationError(_("Invalid selection."))
    shapes, ids = data.get("shapes") or [], data.get("ids") or []
    if not isinstance(shapes, list) or not isinstance(ids, list) or len(shapes) > MAX_SHAPES:
        raise ValidationError(_("Invalid selection."))
    clean: list[dict] = []
    for shape in shapes:
        kind = shape.get("type") if isinstance(shape, dict) else None
        if kind == "rectangle":
            bounds = shape.get("bounds")
            if not isinstance(bounds, list) or len(bounds) != 4:
                raise ValidationError(_("Invalid rectangle."))
            west, south, east, north = parse_bbox(",".join(str(v) for v in bounds))
            clean.append({"type": "rectangle", "bounds": [west, south, east, north]})
        elif kind == "circle":
            center = shape.get("center")
            if not isinstance(center, list) or len(center) != 2:
                raise ValidationError(_("Invalid circle."))
            lat = _number(center[0], low=-90, high=90)
            lon = _number(center[1], low=-180, high=180)
            radius = _number(shape.get("radius"), low=0, high=5_000_000)
            clean.append({"type": "circle", "center": [lat, lon], "radius": radius})
        elif kind == "polygon":
            points = shape.get("points")
            if not isinstance(points, list) or not 3 <= len(points) <= MAX_POLYGON_POINTS:
                raise ValidationError(_("A polygon needs at least three corners."))
            pts = []
            for point in points:
                if not isinstance(point, list | tuple) or len(point) != 2:
                    raise ValidationError(_("Invalid polygon."))
                pts.append(
                    [_number(point[0], low=-90, high=90), _number(point[1], low=-180, high=180)]
                )
            clean.append({"type": "polygon", "points": pts})
        else:
            raise ValidationError(_("Unknown shape."))
    try:
        clean_ids = sorted({int(pk) for pk in ids})[:MAX_CLICKED]
    except (TypeError, ValueError):
        raise ValidationError(_("Invalid selection.")) from None
    return Geometry(shapes=clean, ids=clean_ids)


def geometry_condition(geometry: Geometry) -> RawSQL:
    """One SQL condition: inside any of the shapes, or one of the clicked customers."""
    parts, params = [], []
    for shape in geometry.shapes:
        if shape["type"] == "rectangle":
            sql, p = _box_sql(*shape["bounds"])
        elif shape["type"] == "circle":
            sql, p = _circle_sql(shape["center"][0], shape["center"][1], shape["radius"])
        else:
            sql, p = _polygon_sql([tuple(pt) for pt in shape["points"]])
        parts.append(sql)
        params.extend(p)
    if geometry.ids:
        parts.append(f"{TABLE}.id = ANY(%s)")
        params.append(list(geometry.ids))
    if not parts:
        return RawSQL("false", [], output_field=BooleanField())
    return RawSQL("(" + " OR ".join(parts) + ")", params, output_field=BooleanField())  # noqa: S611 - constant SQL, values are parameters


def selection_preview(
    *, qs: QuerySet, geometry: Geometry, limit: int = LIST_LIMIT
) -> tuple[int, list[Customer]]:
    """All matching customers inside the drawn shapes: the exact count and up to ``limit`` rows.

    A small result is listed by name; of a large one (a whole country) the first rows the index
    finds are shown, sorted by name: sorting 100,000 names for a preview would cost more than the
    whole map answer may take. The saved selection lists everything, sorted.
    """
    inside = qs.filter(geometry_condition(geometry))
    total = inside.count()
    if total <= limit:
        return total, list(inside.select_related("owner").order_by("name", "id"))
    rows = list(inside.select_related("owner")[:limit])
    rows.sort(key=lambda c: (c.name.casefold(), c.pk))
    return total, rows


def selection_customer_ids(*, qs: QuerySet, geometry: Geometry) -> list[int]:
    """The ids of every matching customer inside the drawn shapes (for saving)."""
    return list(qs.filter(geometry_condition(geometry)).values_list("pk", flat=True))


NEAR_RADIUS_M = 25_000  # "customers near me": within 25 km of the phone's position
NEAR_LIMIT = 20


def parse_near(text: str) -> tuple[float, float] | None:
    """``lat,lon`` in degrees, or None for anything else (hostile values are ignored)."""
    parts = (text or "").split(",")
    if len(parts) != 2:
        return None
    try:
        return _number(parts[0], low=-90, high=90), _number(parts[1], low=-180, high=180)
    except ValidationError:
        return None


def nearest(
    *,
    qs: QuerySet,
    lat: float,
    lon: float,
    radius_m: float = NEAR_RADIUS_M,
    limit: int = NEAR_LIMIT,
) -> tuple[int, list[tuple[Customer, float]]]:
    """The matching customers within ``radius_m`` of a position: how many, and the ``limit``
    nearest with their distance in metres, nearest first (the circle's box answers from the
    coordinate index, one count and one read)."""
    sql, params = _circle_sql(lat, lon, radius_m)
    inside = qs.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - values are parameters
    total = inside.count()
    if not total:
        return 0, []
    distance = RawSQL(  # noqa: S611 - constant SQL, the position is a parameter
        f"2 * {EARTH_RADIUS_M} * asin(sqrt(least(1.0, "
        f"power(sin(radians({TABLE}.latitude - %s) / 2), 2) + "
        f"cos(radians(%s)) * cos(radians({TABLE}.latitude)) * "
        f"power(sin(radians({TABLE}.longitude - %s) / 2), 2))))",
        [lat, lat, lon],
        output_field=FloatField(),
    )
    rows = inside.annotate(distance_m=distance).select_related("owner").order_by("distance_m", "pk")
    return total, [(c, c.distance_m) for c in rows[:limit]]


# --- the viewport
# ----------------------------------------------------------------------------------


def _mercator_y(lat_sql: str) -> str:
    # Web Mercator y in degrees, so grid cells are square on screen and stable while panning.
    return f"degrees(ln(tan(pi() / 4 + radians(least(85.0, greatest(-85.0, {lat_sql}))) / 2)))"


def _points(inside: QuerySet) -> list[dict]:
    rows = inside.values_list("pk", "latitude", "longitude", "size_class", "status", "name")[
        :MAX_POINTS
    ]
    return [
        {
            "id": pk,
            "lat": lat,
            "lon": lon,
            "size": size,
            "lead": status == Customer.Status.LEAD,
            "name": name,
        }
        for pk, lat, lon, size, status, name in rows
    ]


def _clusters(inside: QuerySet, *, zoom: int) -> list[dict]:
    cell = CLUSTER_CELL_PX * 360.0 / (256 * 2 ** max(0, min(zoom, 22)))
    # sum, not avg (cheaper in PostgreSQL), and no text columns: the GROUP BY stays in memory.
    return list(
        inside.annotate(
            gx=RawSQL(f"floor({TABLE}.longitude / %s)", [cell]),  # noqa: S611 - values are parameters
            gy=RawSQL(f"floor({_mercator_y(f'{TABLE}.latitude')} / %s)", [cell]),  # noqa: S611 - values are parameters
        )
        .values("gx", "gy")
        .annotate(
            n=Count("*"),
            lat_sum=Sum("latitude"),
            lon_sum=Sum("longitude"),
            south=Min("latitude"),
            north=Max("latitude"),
            west=Min("longitude"),
            east=Max("longitude"),
            leads=Count("pk", filter=Q(status=Customer.Status.LEAD)),
            size=Min("size_class"),  # "A" sorts first: the biggest class in the cell
            any_id=Min("pk"),
        )
        .order_by()
    )


def map_viewport(*, qs: QuerySet, bbox: tuple[float, float, float, float], zoom: int) -> dict:
    """What the map needs for a viewport: every point when few, otherwise grid clusters.

    Zoomed out, the clusters come first (GROUP BY on coordinates snapped to a grid of about 60
    pixels) and their sum is the total; zoomed in, a count decides. Two or three queries whatever
    the number of customers, all answered from the coordinate index.
    """
    sql, params = _box_sql(*bbox)
    inside = qs.filter(RawSQL(sql, params, output_field=BooleanField()))  # noqa: S611 - values are parameters
    cells = None
    if zoom < POINTS_FROM_ZOOM:
        cells = _clusters(inside, zoom=zoom)
        total = sum(c["n"] for c in cells)
    else:
        total = inside.count()
    if total <= FEW_POINTS or (zoom >= POINTS_FROM_ZOOM and total <= MAX_POINTS):
        return {"mode": "points", "total": total, "points": _points(inside), "clusters": []}
    if cells is None:
        cells = _clusters(inside, zoom=zoom)
    singles = [c["any_id"] for c in cells if c["n"] == 1]
    names = (
        dict(Customer.objects.filter(pk__in=singles).values_list("pk", "name")) if singles else {}
    )
    out_points, out_clusters = [], []
    for c in cells:
        lat, lon = c["lat_sum"] / c["n"], c["lon_sum"] / c["n"]
        if c["n"] == 1:
            out_points.append(
                {
                    "id": c["any_id"],
                    "lat": lat,
                    "lon": lon,
                    "size": c["size"],
                    "lead": c["leads"] == 1,
                    "name": names.get(c["any_id"], ""),
                }
            )
        else:
            out_clusters.append(
                {
                    "lat": lat,
                    "lon": lon,
                    "count": c["n"],
                    "leads": c["leads"],
                    "size": c["size"],
                    "bounds": [c["west"], c["south"], c["east"], c["north"]],
                }
            )
    return {"mode": "clusters", "total": total, "points": out_points, "clusters": out_clusters}


# --- popups, missing coordinates
# -------------------------------------------------------------------


def customer_popup(*, pk: int) -> dict:
    """Name, owner, open projects and status of one customer, or 404."""
    customer = get_object_or_404(Customer.objects.select_related("owner"), pk=pk)
    owner = customer.owner
    return {
        "id": customer.pk,
        "name": customer.name,
        "owner": (owner.get_full_name() or owner.email) if owner else "",
        "open_projects": customer.open_projects_count,  # stored, kept by triggers (customers 0006)
        "city": " ".join(p for p in (customer.postal_code, customer.city) if p),
        "size": customer.size_class,
        "lead": customer.is_lead,
        "status": customer.get_status_display(),
    }


def missing_coordinates(*, qs: QuerySet) -> dict:
    """How many matching customers are not on the map, by geocoding status (one query)."""
    rows = qs.filter(_unlocated()).values("geocode_status").annotate(n=Count("pk")).order_by()
    by_status = {r["geocode_status"]: r["n"] for r in rows}
    return {"total": sum(by_status.values()), "by_status": by_status}


def customers_without_coordinates(*, qs: QuerySet) -> QuerySet:
    return qs.filter(_unlocated()).select_related("owner").order_by("name", "id")


# --- saved selections
# ------------------------------------------------------------------------------


def selection_list() -> QuerySet:
    """Every saved selection of the tenant (everyone sees all), newest first."""
    return Selection.objects.select_related("owner")


def selection_get(*, pk: int) -> Selection:
    """One saved selection, or 404 (also for ids of other tenants)."""
    return get_object_or_404(Selection.objects.select_related("owner"), pk=pk)


def selection_customers(*, selection: Selection) -> QuerySet:
    """The customers of a saved selection (a subquery, so any size stays one query; a page is
    picked from the members alone, see SelectionCustomerQuerySet)."""
    ids = SelectionItem.objects.filter(selection=selection).values("customer_id")
    return (
        SelectionCustomerQuerySet(model=Customer)
        .filter(pk__in=ids)
        .select_related("owner")
        .order_by("name", "id")
    )


def map_extent(*, qs: QuerySet, cache_key: str = "") -> list[float] | None:
    """[west, south, east, north] of the matching customers on the map, or None.

    It scans every matching customer, and changes slowly: kept for a few minutes per filter set
    (cache keys carry the tenant's schema).
    """
    from django.core.cache import cache

    key = "mapview:extent:" + hashlib.sha256(cache_key.encode()).hexdigest()[:32]
    found = cache.get(key)
    if found is not None:
        return found or None
    box = qs.filter(_located()).aggregate(
        west=Min("longitude"), south=Min("latitude"), east=Max("longitude"), north=Max("latitude")
    )
    extent = [] if box["west"] is None else [box["west"], box["south"], box["east"], box["north"]]
    cache.set(key, extent, EXTENT_CACHE_SECONDS)
    return extent or None
