"""The tenant admins' settings page for custom fields."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.lib.forms import form_errors_add
from crm.permissions import require_tenant_admin
from customfields import selectors, services
from customfields.forms import FieldDefinitionForm
from customfields.models import FieldDefinition, ListLayout, StandardFields


@login_required
def field_list(request: HttpRequest) -> HttpResponse:
    """Every field of the tenant per record type, retired ones greyed."""
    require_tenant_admin(request.user)
    definitions = list(FieldDefinition.objects.order_by("entity", "order", "id"))
    groups = [
        (label, [d for d in definitions if d.entity == value])
        for value, label in FieldDefinition.Entity.choices
    ]
    return render(request, "customfields/field_list.html", {"groups": groups})


def _save(request: HttpRequest, form: FieldDefinitionForm, definition: FieldDefinition | None):
    try:
        if definition is None:
            saved = services.definition_create(user=request.user, **form.service_values())
        else:
            saved = services.definition_update(
                definition=definition, user=request.user, data=form.service_values()
            )
    except ValidationError as exc:
        form_errors_add(form, exc, fields={"options": "options_text"})
        return None
    return saved


@login_required
def field_create(request: HttpRequest) -> HttpResponse:
    require_tenant_admin(request.user)
    form = FieldDefinitionForm(
        request.POST or None, initial={"entity": request.GET.get("entity", "customer")}
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(
                request, _("The field %(label)s was created.") % {"label": saved.label}
            )
            return redirect("customfields:field_list")
    return render(
        request,
        "customfields/field_form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@login_required
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_tenant_admin(request.user)
    definition = selectors.definition_get(pk=pk)
    form = FieldDefinitionForm(
        request.POST or None, instance=FieldDefinition.objects.get(pk=definition.pk)
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, definition)
        if saved is not None:
            messages.success(request, _("Saved."))
            return redirect("customfields:field_list")
    return render(
        request,
        "customfields/field_form.html",
        {"form": form, "definition": definition, "creating": False},
        status=400 if form.errors else 200,
    )


def _layout_spec(key: str):
    from customfields.layouts import REGISTRY

    if key not in ListLayout.Key.values or key not in REGISTRY:
        raise Http404
    return REGISTRY[key]


@login_required
def layout_list(request: HttpRequest) -> HttpResponse:
    """The configurable overviews of the tenant: each list's columns, and the kanban card's."""
    from customfields.layouts import REGISTRY, admin_definitions, layout_for, offered

    require_tenant_admin(request.user)
    rows = []
    for key, label in ListLayout.Key.choices:
        spec = REGISTRY.get(key)
        if spec is None:
            continue
        definitions = admin_definitions(spec)
        headers = offered(spec, definitions)
        columns = layout_for(key, definitions=definitions)
        rows.append({"key": key, "label": label, "columns": [headers[c] for c in columns]})
    return render(request, "customfields/layout_list.html", {"rows": rows})


def _moved(columns: list[str], action: str, column: str) -> list[str]:
    columns = list(columns)
    if action == "add" and column not in columns:
        return [*columns, column]
    if column not in columns:
        return columns
    i = columns.index(column)
    if action == "remove":
        columns.pop(i)
    elif action == "up" and i > 0:
        columns[i - 1], columns[i] = columns[i], columns[i - 1]
    elif action == "down" and i < len(columns) - 1:
        columns[i + 1], columns[i] = columns[i], columns[i + 1]
    return columns


@login_required
def layout_edit(request: HttpRequest, key: str) -> HttpResponse:
    """Pick, order and remove the columns of one list (each button saves at once; no drag)."""
    from customfields.layouts import admin_definitions, layout_for, offered

    require_tenant_admin(request.user)
    spec = _layout_spec(key)
    definitions = admin_definitions(spec)
    headers = offered(spec, definitions)
    columns = layout_for(key, definitions=definitions)
    if request.method == "POST":
        action, column = request.POST.get("action", ""), request.POST.get("column", "")
        try:
            if action == "reset":
                services.layout_reset(user=request.user, key=key)
                messages.success(request, _("The default columns are back."))
            elif action in ("add", "up", "down", "remove"):
                services.layout_save(
                    user=request.user, key=key, columns=_moved(columns, action, column)
                )
                messages.success(request, _("Saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        url = reverse("customfields:layout_edit", args=[key])
        if action in ("up", "down") and column in headers:
            url += "?" + urlencode({"focus": f"{action}-{column}"})
        elif action == "add":
            url += "?" + urlencode({"focus": "add"})
        return redirect(url)
    custom = {d.column for d in definitions}
    action, _sep, moved = request.GET.get("focus", "").partition("-")
    shown = []
    for i, c in enumerate(columns):
        focus = action if c == moved and action in ("up", "down") else ""
        if (focus == "up" and i == 0) or (focus == "down" and i == len(columns) - 1):
            focus = "down" if focus == "up" else "up"  # that way is disabled now: the other
        shown.append({"key": c, "label": headers[c], "custom": c in custom, "focus": focus})
    addable = [(c, label) for c, label in headers.items() if c not in columns]
    return render(
        request,
        "customfields/layout_form.html",
        {
            "key": key,
            "label": ListLayout.Key(key).label,
            "shown": shown,
            "addable": addable,
            "custom": custom,
            "focus": request.GET.get("focus", ""),
            "kanban": key == ListLayout.Key.KANBAN,
        },
    )


@login_required
def standard_fields(request: HttpRequest) -> HttpResponse:
    """Data structure: switch the optional standard fields of each area on or off (a switch per
    field; switching off hides the field everywhere and keeps its values)."""
    from customfields.standard import SWITCHABLE, off_all

    require_tenant_admin(request.user)
    if request.method == "POST":
        on = set(request.POST.getlist("on"))
        try:
            for area in SWITCHABLE:
                names = [n for n, _label in SWITCHABLE[area] if f"{area}.{n}" not in on]
                services.standard_fields_save(user=request.user, area=area, off=names)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("customfields:standard_fields")
    current = off_all(request.user)
    areas = [
        {
            "key": area,
            "label": StandardFields.Area(area).label,
            "fields": [
                {"name": n, "label": label, "on": n not in current[area], "id": f"std-{area}-{n}"}
                for n, label in SWITCHABLE[area]
            ],
        }
        for area in SWITCHABLE
    ]
    return render(request, "customfields/standard_fields.html", {"areas": areas})
