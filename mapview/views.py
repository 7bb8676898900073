"""The map page, its data endpoints, drawn selections, saved selections and manual pins."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from django_tables2 import RequestConfig

from crm.features import leads_enabled
from crm.lib.http import safe_next
from crm.lib.pagination import SafePaginator
from crm.permissions import user_can_edit_owned
from customers.filters import customer_overview_queryset
from customers.models import Customer
from customers.views.common import owner_change_reported
from mapview import near, selectors, services
from mapview.forms import LocationForm, OwnerForm, SelectionRenameForm, SelectionSaveForm
from mapview.leaflet_texts import attribution, leaflet_texts
from mapview.tables import MapCustomerTable

OSM_TILES = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
BULK_ACTIVITY_MAX = 5000  # what the activity app accepts at once


def _customer_url(pk: int) -> str:
    return reverse("customers:customer_detail", args=[pk])


def _wants_partial(request: HttpRequest, target: str) -> bool:
    return bool(getattr(request, "htmx", False)) and request.htmx.target == target


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


# --- the map
# ---------------------------------------------------------------------------------------


@login_required
@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The map with the overview's filters, the legend and the selection panel."""
    filterset = selectors.map_filter(request=request)
    qs = selectors.map_customers(request=request)
    missing = selectors.missing_coordinates(qs=qs)
    leaflet = getattr(settings, "LEAFLET_CONFIG", {})
    config = {
        "dataUrl": reverse("mapview:map_data"),
        "popupUrl": reverse("mapview:customer_popup", args=[0]),
        "previewUrl": reverse("mapview:selection_preview"),
        "nearUrl": reverse("mapview:near"),
        "nearRadius": selectors.NEAR_RADIUS_M,
        "query": _query_without(request, "hide"),
        "hidden": [h for h in request.GET.getlist("hide") if h in selectors.LEGEND_KEYS],
        "extent": selectors.map_extent(qs=qs, cache_key=request.GET.urlencode()),
        "center": list(leaflet.get("DEFAULT_CENTER", (51.0, 10.0))),
        "zoom": leaflet.get("DEFAULT_ZOOM", 6),
        "maxZoom": leaflet.get("MAX_ZOOM", 18),
        "tiles": getattr(settings, "MAP_TILES_URL", OSM_TILES),
        "attribution": attribution(),
        "leaflet": leaflet_texts(),
        "i18n": {
            "owner": _("Owner"),
            "noOwner": _("nobody"),
            "openProjects": _("Open projects"),
            "open": _("Open customer"),
            "lead": _("Lead"),
            "customer": _("Customer"),
            "size": _("Size class"),
            "cluster": _("%(count)s customers – click to zoom in"),
            "clusterSelect": _("%(count)s customers at one place – click to select them"),
            "loading": _("Loading …"),
            "failed": _("The map data could not be loaded."),
            **near.texts(),
        },
    }
    return render(
        request,
        "mapview/map.html",
        {
            "filter": filterset,
            "missing": missing,
            "missing_url": reverse("mapview:missing")
            + (f"?{request.GET.urlencode()}" if request.GET else ""),
            "map_config": config,
            "leads_on": leads_enabled(request),
            "size_classes": Customer.SizeClass.choices,
            "hidden": config["hidden"],
            "query": request.GET.urlencode(),
            "selection_count": selectors.selection_list().count(),
        },
    )


def _bad_request(exc: ValidationError) -> JsonResponse:
    return JsonResponse({"error": " ".join(exc.messages)}, status=400)


@login_required
@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """Points or clusters for a viewport: ?bbox=west,south,east,north&zoom=z plus the filters."""
    try:
        bbox = selectors.parse_bbox(request.GET.get("bbox", ""))
        zoom = int(request.GET.get("zoom", "6"))
    except (ValidationError, ValueError) as exc:
        return _bad_request(
            exc if isinstance(exc, ValidationError) else ValidationError(_("Invalid zoom."))
        )
    data = selectors.map_viewport(qs=selectors.map_customers(request=request), bbox=bbox, zoom=zoom)
    data["summary"] = ngettext(
        "%(n)d matching customer in this view",
        "%(n)d matching customers in this view",
        data["total"],
    ) % {"n": data["total"]}
    return JsonResponse(data)


@login_required
@require_GET
def customer_popup(request: HttpRequest, pk: int) -> JsonResponse:
    """The popup of one marker (JSON; the page builds it with textContent)."""
    data = selectors.customer_popup(pk=pk)
    data["url"] = _customer_url(pk)
    return JsonResponse(data)


# --- drawn selections
# ---------------------------------------------------------------------------------


def _geometry(raw: str) -> selectors.Geometry:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        raise ValidationError(_("Invalid selection.")) from None
    return selectors.parse_geometry(data)


@login_required
@require_POST
def selection_preview(request: HttpRequest) -> HttpResponse:
    """The customers inside the drawn shapes (all of them, not only those on screen) as a list."""
    try:
        geometry = _geometry(request.POST.get("geometry", ""))
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    qs = selectors.map_customers(request=request)
    total, rows = (
        selectors.selection_preview(qs=qs, geometry=geometry) if not geometry.is_empty else (0, [])
    )
    form = SelectionSaveForm(initial={"geometry": json.dumps(geometry.as_json())})
    return render(
        request,
        "mapview/_selection.html",
        {
            "total": total,
            "rows": rows,
            "more": max(0, total - len(rows)),
            "geometry": geometry,
            "form": form,
            "query": request.GET.urlencode(),
            "leads_on": leads_enabled(request),
        },
    )


@login_required
@require_POST
def selection_save(request: HttpRequest) -> HttpResponse:
    """Save every customer inside the drawn shapes (with the current filters) under a name."""
    form = SelectionSaveForm(request.POST)
    error = None
    if form.is_valid():
        try:
            geometry = _geometry(form.cleaned_data["geometry"])
            ids = selectors.selection_customer_ids(
                qs=selectors.map_customers(request=request), geometry=geometry
            )
            selection = services.selection_create(
                name=form.cleaned_data["name"],
                owner=request.user,
                customer_ids=ids,
                definition={**geometry.as_json(), "filters": request.GET.urlencode()},
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            url = reverse("mapview:selection_detail", args=[selection.pk])
            messages.success(
                request,
                _("Selection “%(name)s” saved with %(n)d customers.")
                % {"name": selection.name, "n": selection.customer_count},
            )
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
    else:
        error = " ".join(" ".join(errors) for errors in form.errors.values())
    if getattr(request, "htmx", False):
        return HttpResponse(escape(error))  # shown next to the name field
    messages.error(request, error)
    return redirect(reverse("mapview:map") + (f"?{request.GET.urlencode()}" if request.GET else ""))


# --- saved selections
# ---------------------------------------------------------------------------------


@login_required
@require_POST
def selection_add(request: HttpRequest) -> HttpResponse:
    """Add customers to a saved selection (``selection``) or to a new one (``name``): the ticked
    ``ids``, or with ``scope=all`` every customer matching the customer overview's ``query``.

    The customer overview's bulk action "add to a selection" posts here.
    """
    back = safe_next(request, reverse("mapview:selection_list"))
    definition: dict = {}
    if request.POST.get("scope") == "all":
        query = QueryDict(request.POST.get("query", ""))
        ids = list(
            customer_overview_queryset(request=request, query=query)
            .order_by()
            .values_list("pk", flat=True)
        )
        # the overview's filters it was made with, custom-field ones (cf_...) included, as a
        # drawn selection keeps the map's
        definition["filters"] = query.urlencode()
    else:
        try:
            ids = [int(pk) for pk in request.POST.getlist("ids")]
        except ValueError:
            return HttpResponseBadRequest(_("Invalid customers."))
        if not ids:
            messages.error(
                request, _("Select at least one row, or choose all rows matching the filters.")
            )
            return redirect(back)
    try:
        if request.POST.get("selection"):
            selection = selectors.selection_get(pk=int(request.POST["selection"]))
            added = services.selection_add_customers(
                selection=selection, user=request.user, customer_ids=ids
            )
        else:
            selection = services.selection_create(
                name=request.POST.get("name", ""),
                owner=request.user,
                customer_ids=ids,
                definition={"ids": sorted(set(ids)), **definition},
            )
            added = selection.customer_count
    except (ValueError, OverflowError):
        return HttpResponseBadRequest(_("Invalid selection."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(
        request,
        ngettext(
            "%(n)d customer added to “%(name)s”.",
            "%(n)d customers added to “%(name)s”.",
            added,
        )
        % {"n": added, "name": selection.name},
    )
    return redirect(back)


@login_required
@require_GET
def selection_list(request: HttpRequest) -> HttpResponse:
    """Every saved selection of the tenant."""
    page = Paginator(selectors.selection_list(), 25).get_page(request.GET.get("page"))
    return render(request, "mapview/selection_list.html", {"page": page})


@login_required
@require_GET
def selection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved selection as a customer list, with export, owner change and delete."""
    selection = selectors.selection_get(pk=pk)
    table = MapCustomerTable(selectors.selection_customers(selection=selection))
    RequestConfig(request, paginate={"per_page": 50, "paginator_class": SafePaginator}).configure(
        table
    )
    context = {
        "selection": selection,
        "table": table,
        "can_edit": user_can_edit_owned(user=request.user, owner_id=selection.owner_id),
        "owner_form": OwnerForm(user=request.user),
        "rename_form": SelectionRenameForm(initial={"name": selection.name}),
        # The activity app logs one activity for many customers; the map links to its page (a
        # URL, not an import: nothing imports activity).
        "bulk_activity_url": reverse("activity:activity_bulk_create"),
        "bulk_activity_max": BULK_ACTIVITY_MAX,
        "customer_ids": ",".join(
            str(pk) for pk in selection.items.values_list("customer_id", flat=True)
        )
        if selection.customer_count <= BULK_ACTIVITY_MAX
        else "",
    }
    template = (
        "mapview/selection_detail.html#table"
        if _wants_partial(request, "table")
        else "mapview/selection_detail.html"
    )
    return render(request, template, context)


@login_required
@require_GET
def selection_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The selection's customers as CSV (cells a spreadsheet would evaluate are neutralised)."""
    from customers.selectors import customer_list
    from customers.views.common import customer_export_response

    selection = selectors.selection_get(pk=pk)
    ids = selection.items.values("customer_id")
    qs = customer_list(leads_visible=True).filter(pk__in=ids).order_by("name", "id")
    slug = (
        "".join(ch if ch.isalnum() else "-" for ch in selection.name.lower()).strip("-")[:40]
        or "selection"
    )
    return customer_export_response(
        qs, request=request, filename=f"selection-{selection.pk}-{slug}.csv"
    )


@login_required
@require_POST
def selection_owner(request: HttpRequest, pk: int) -> HttpResponse:
    """Give every customer of the selection (that the user may edit) a new owner."""
    selection = selectors.selection_get(pk=pk)
    form = OwnerForm(request.POST, user=request.user)
    back = reverse("mapview:selection_detail", args=[selection.pk])
    if not form.is_valid():
        messages.error(request, _("Choose the new owner."))
        return redirect(back)
    try:
        changed, skipped = services.selection_change_owner(
            selection=selection, user=request.user, owner=form.cleaned_data["owner"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    owner = form.cleaned_data["owner"]
    owner_change_reported(request, changed=changed, skipped=skipped, owner=owner)
    return redirect(back)


@login_required
@require_POST
def selection_rename(request: HttpRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(pk=pk)
    form = SelectionRenameForm(request.POST)
    back = reverse("mapview:selection_detail", args=[selection.pk])
    if not form.is_valid():
        messages.error(request, _("Give the selection a name."))
        return redirect(back)
    try:
        services.selection_rename(
            selection=selection, user=request.user, name=form.cleaned_data["name"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


@login_required
@require_POST
def selection_delete(request: HttpRequest, pk: int) -> HttpResponse:
    selection = selectors.selection_get(pk=pk)
    services.selection_delete(selection=selection, user=request.user)
    messages.success(request, _("Selection “%(name)s” deleted.") % {"name": selection.name})
    return redirect("mapview:selection_list")


# --- customers without coordinates, manual pins
# -----------------------------------------------------------


@login_required
@require_GET
def missing_list(request: HttpRequest) -> HttpResponse:
    """The matching customers that are not on the map, with their geocoding status."""
    qs = selectors.map_customers(request=request)
    status = request.GET.get("geocode_status", "")
    rows = selectors.customers_without_coordinates(qs=qs)
    if status in Customer.GeocodeStatus.values:
        rows = rows.filter(geocode_status=status)
    table = MapCustomerTable(rows)
    RequestConfig(request, paginate={"per_page": 50, "paginator_class": SafePaginator}).configure(
        table
    )
    missing = selectors.missing_coordinates(qs=qs)
    context = {
        "table": table,
        "missing": missing,
        "status": status,
        "statuses": [
            (value, label, missing["by_status"].get(value, 0))
            for value, label in Customer.GeocodeStatus.choices
            if value not in (Customer.GeocodeStatus.FOUND, Customer.GeocodeStatus.MANUAL)
        ],
        "query": _query_without(request, "geocode_status", "page", "sort"),
        "map_query": _query_without(request, "geocode_status", "page", "sort"),
    }
    template = (
        "mapview/missing_list.html#table"
        if _wants_partial(request, "table")
        else "mapview/missing_list.html"
    )
    return render(request, template, context)


def _customer(pk: int) -> Customer:
    return get_object_or_404(Customer.objects.select_related("owner"), pk=pk)


@login_required
@require_POST
def customer_location(request: HttpRequest, pk: int) -> HttpResponse:
    """Set a customer's coordinates by hand (the pin on its small map)."""
    customer = _customer(pk)
    form = LocationForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Enter a latitude between -90 and 90 and a longitude between -180 and 180.")
        )
        return redirect(_customer_url(pk))
    try:
        services.customer_set_location(
            customer=customer,
            user=request.user,
            latitude=form.cleaned_data["latitude"],
            longitude=form.cleaned_data["longitude"],
        )
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The pin of %(name)s was set by hand.") % {"name": customer.name}
        )
    return redirect(_customer_url(pk))


@login_required
@require_POST
def customer_geocode(request: HttpRequest, pk: int) -> HttpResponse:
    """Geocode a customer's address again (forgets a manual pin)."""
    customer = _customer(pk)
    services.customer_geocode_again(customer=customer, user=request.user)
    messages.info(
        request, _("The address of %(name)s will be geocoded again.") % {"name": customer.name}
    )
    return redirect(_customer_url(pk))
