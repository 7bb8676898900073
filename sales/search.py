"""What the global search (crm.lib.search) finds in this app: sales projects and project groups."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.features import leads_enabled
from crm.lib.search import Hit, queryset_search, search_kind_register
from sales.models import Process, ProjectGroup, SalesProject


def search_projects(*, request, query: str, limit: int) -> list[Hit]:
    """Projects by title, with customer and phase; lead projects only while the lead function is on."""
    qs = SalesProject.objects.select_related("customer", "phase", "process").only(
        "id",
        "title",
        "updated_at",
        "customer__id",
        "customer__name",
        "customer__status",
        "phase__id",
        "phase__name",
        "process__id",
        "process__kind",
    )
    if not leads_enabled(request):
        qs = qs.exclude(process__kind=Process.Kind.LEAD)
    rows = queryset_search(qs, expression='{t}."title"', query=query, limit=limit)
    return [
        Hit(
            kind="project",
            pk=p.pk,
            title=p.title,
            score=p.search_score,
            url=reverse("sales:project_detail", args=[p.pk]),
            subtitle=" · ".join(x for x in (p.customer.name, p.phase.name) if x),
            css="crm-name-lead" if p.customer.status == "lead" else "crm-name-customer",
            badge=str(_("Lead")) if p.process.kind == Process.Kind.LEAD else "",
        )
        for p in rows
    ]


def search_groups(*, request, query: str, limit: int) -> list[Hit]:
    """Project groups by name, with their type."""
    qs = ProjectGroup.objects.select_related("type").only(
        "id", "name", "updated_at", "type__id", "type__name"
    )
    rows = queryset_search(qs, expression='{t}."name"', query=query, limit=limit)
    return [
        Hit(
            kind="group",
            pk=g.pk,
            title=g.name,
            score=g.search_score,
            url=reverse("sales:group_detail", args=[g.pk]),
            subtitle=g.type.name,
        )
        for g in rows
    ]


def register() -> None:
    search_kind_register(key="project", label=_("Sales projects"), order=40, search=search_projects)
    search_kind_register(key="group", label=_("Project groups"), order=50, search=search_groups)
