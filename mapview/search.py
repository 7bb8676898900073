"""What the global search (crm.lib.search) finds in this app: saved map selections."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from crm.lib.search import Hit, queryset_search, search_kind_register
from mapview.models import Selection


def search_selections(*, request, query: str, limit: int) -> list[Hit]:
    """Saved selections (every one of the tenant is visible to everyone) by name."""
    rows = queryset_search(
        Selection.objects.only("id", "name", "customer_count", "updated_at"),
        expression='{t}."name"',
        query=query,
        limit=limit,
    )
    return [
        Hit(
            kind="selection",
            pk=s.pk,
            title=s.name,
            score=s.search_score,
            url=reverse("mapview:selection_detail", args=[s.pk]),
            subtitle=ngettext("%(count)s customer", "%(count)s customers", s.customer_count)
            % {"count": s.customer_count},
        )
        for s in rows
    ]


def register() -> None:
    search_kind_register(
        key="selection", label=_("Saved selections"), order=60, search=search_selections
    )
