"""What the global search (crm.lib.search) finds in this app: sales projects and project groups."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.features import leads_enabled
from crm.lib.search import Hit, queryset_search, search_kind_register
from customfields.search import custom_search, matched_text, merge_hits
from sales.models import Process, ProjectGroup, SalesProject

PROJECT_FIELDS = (
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


def search_projects(*, request, query: str, limit: int) -> list[Hit]:
    """Projects by title, with customer and phase; lead projects only while the lead function is
    on."""
    qs = SalesProject.objects.select_related("customer", "phase", "process")
    if not leads_enabled(request):
        qs = qs.exclude(process__kind=Process.Kind.LEAD)
    rows = queryset_search(
        qs.only(*PROJECT_FIELDS), expression='{t}."title"', query=query, limit=limit
    )
    found = custom_search(
        qs.only(*PROJECT_FIELDS, "custom"),
        entity="lead" if leads_enabled(request) else "project",  # "lead": project and lead fields
        user=request.user,
        query=query,
        limit=limit,
    )
    return merge_hits(
        [_project_hit(p) for p in rows], [_project_hit(p, field=d) for p, d in found], limit=limit
    )


def _project_hit(p: SalesProject, *, field=None) -> Hit:
    matched = matched_text(p, field)
    return Hit(
        kind="project",
        pk=p.pk,
        title=p.title,
        score=p.search_score,
        url=reverse("sales:project_detail", args=[p.pk]),
        subtitle=" · ".join(x for x in (p.customer.name, matched or p.phase.name) if x),
        css="crm-name-lead" if p.customer.status == "lead" else "crm-name-customer",
        badge=str(_("Lead")) if p.process.kind == Process.Kind.LEAD else "",
    )


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
