"""The tenant's sales settings (admins): the lead function switch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sales import services
from sales.forms import (
    TenantSettingsForm,
)

__all__ = ["tenant_settings"]


@login_required
def tenant_settings(request: HttpRequest) -> HttpResponse:
    """The lead function switch (tenant admins only)."""
    if not request.user.is_tenant_admin:
        raise PermissionDenied(_("Only tenant admins change the sales settings."))
    request.crm_menu = "sales:project_list"  # the settings are reached from Sales projects
    tenant = request.tenant
    form = TenantSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"lead_function_enabled": tenant.lead_function_enabled},
    )
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["lead_function_enabled"]
        services.tenant_lead_function_set(tenant=tenant, enabled=enabled, user=request.user)
        messages.success(
            request,
            _("The lead function is on.")
            if enabled
            else _("The lead function is off. Leads are hidden, not deleted."),
        )
        return redirect("sales:tenant_settings")
    return render(request, "sales/tenant_settings.html", {"form": form})
