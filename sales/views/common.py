"""Helpers every sales page shares: its URLs, the safe return address, lead checks, errors."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.features import leads_enabled
from crm.permissions import editable_owner_ids
from sales.models import Process, SalesProject

__all__ = [
    "error_text",
    "int_or_none",
    "is_lead_project",
    "mark_editable",
    "redirect_or_hx",
    "require_leads",
    "view_urls",
]


def view_urls(lead: bool) -> dict[str, str]:
    prefix = "sales:lead_" if lead else "sales:project_"
    urls = {
        name: reverse(prefix + name)
        for name in ("list", "kanban", "create", "kanban_column", "bulk", "export")
    }
    # per-card links from one reverse() each (a board renders a hundred cards); see the for_pk
    # filter
    urls["card_detail"] = reverse("sales:project_detail", args=[0])
    urls["card_move"] = reverse("sales:project_move", args=[0])
    urls["group_detail"] = reverse("sales:group_detail", args=[0])
    return urls


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def mark_editable(projects, user) -> None:
    allowed = editable_owner_ids(user=user)
    for project in projects:
        project.can_edit = allowed is None or project.owner_id in allowed


def is_lead_project(project: SalesProject, request: HttpRequest | None = None) -> bool:
    """Whether the project is a lead; with ``request``, its page marks "Leads" in the menu."""
    lead = project.process.kind == Process.Kind.LEAD
    if lead and request is not None:
        request.crm_menu = "sales:lead_list"  # read by crm.context_processors
    return lead


def require_leads(request: HttpRequest, lead: bool) -> None:
    if lead and not leads_enabled(request):
        missing = Http404("lead function off")
        missing.crm_message = _(
            "The lead function is switched off for your company. A tenant admin can switch it "
            "on under Sales projects → Settings."
        )  # shown by crm.views.error_404
        raise missing


def int_or_none(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def redirect_or_hx(request, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
