"""The tenant admins' settings page for custom fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.lib.forms import form_errors_add
from customfields import selectors, services
from customfields.forms import FieldDefinitionForm
from customfields.models import FieldDefinition


def _require_admin(request: HttpRequest) -> None:
    if not request.user.is_tenant_admin:
        raise PermissionDenied


@login_required
def field_list(request: HttpRequest) -> HttpResponse:
    """Every field of the tenant per record type, retired ones greyed."""
    _require_admin(request)
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
    _require_admin(request)
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
    _require_admin(request)
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
