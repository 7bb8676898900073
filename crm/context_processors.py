"""The app shell's menu: the "Customers" submenu of PRODUCT.md."""

from __future__ import annotations

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.features import leads_enabled

SUBMENU = [
    # (label, url name, needs the lead function)
    (_("Sales projects"), "sales:project_list", False),
    (_("Leads"), "sales:lead_list", True),
    (_("Project groups"), "sales:group_list", False),
    (_("Customer overview"), "customers:customer_list", False),
    (_("Contact persons"), "customers:contact_list", False),
    (_("Activity log"), "activity:activity_list", False),
    (_("Map"), "mapview:map", False),
]


NEW_MENU = [
    # (label, url name, query): the "+ New" menu of the top bar
    (_("Project"), "sales:project_create", ""),
    (_("Customer"), "customers:customer_create", ""),
    (_("Contact person"), "customers:contact_create", ""),
    (_("Task"), "activity:activity_create", "?kind=task"),
    (_("Activity"), "activity:activity_create", ""),
]


def _new_menu(*, in_leads: bool = False) -> list[dict]:
    """The "+ New" items; in the Leads area a new customer starts as a lead."""
    items = []
    for label, name, query in NEW_MENU:
        if in_leads and name == "customers:customer_create":
            query = "?status=lead"
        items.append({"label": label, "url": reverse(name) + query})
    return items


def _submenu(request) -> list[dict]:
    leads_on = leads_enabled(request)
    items = []
    for label, name, needs_leads in SUBMENU:
        if needs_leads and not leads_on:
            continue
        items.append({"label": label, "url": reverse(name), "active": False})
    # A view may name its menu item (a lead's page lives under /sales/projects/ but belongs to
    # Leads); otherwise only the longest matching prefix is active (/customers/contacts/ is not
    # the overview).
    named = getattr(request, "crm_menu", None)
    active = reverse(named) if named else None
    if active not in {i["url"] for i in items}:
        active = max(
            (i["url"] for i in items if request.path.startswith(i["url"])), key=len, default=None
        )
    for item in items:
        item["active"] = item["url"] == active
    return items


def shell(request) -> dict:
    tenant = getattr(request, "tenant", None)
    is_public = tenant is None or connection.schema_name == "public"
    if is_public or not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"crm_tenant": tenant, "crm_submenu": [], "crm_new_menu": []}
    submenu = _submenu(request)
    leads_url = reverse("sales:lead_list")
    in_leads = any(item["active"] and item["url"] == leads_url for item in submenu)
    return {
        "crm_tenant": tenant,
        "crm_submenu": submenu,
        "crm_new_menu": _new_menu(in_leads=in_leads),
    }
