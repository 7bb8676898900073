"""Saved selections on the customer overview: the banner of ``?selection=ID`` and the bulk action
"add to a selection" (template tags, so that the customers app never imports the map app)."""

from __future__ import annotations

from django import template

from customers.filters import selection_id
from mapview.models import Selection

register = template.Library()

PICKER_LIMIT = 200  # the newest; older ones are reached from the selections list


@register.inclusion_tag("mapview/_overview_selection_banner.html", takes_context=True)
def overview_selection_banner(context, value):
    """Which saved selection the overview is showing, or that the id in the address is none."""
    pk = selection_id(value)
    selection = (
        Selection.objects.select_related("owner").filter(pk=pk).first() if pk is not None else None
    )
    return {"value": value, "selection": selection, "request": context.get("request")}


@register.inclusion_tag("mapview/_overview_selection_add.html", takes_context=True)
def overview_selection_add(context):
    """The controls of "add to a selection" in the overview's bulk form."""
    return {
        "selections": list(Selection.objects.order_by("-created_at", "-id")[:PICKER_LIMIT]),
        "request": context.get("request"),
    }
