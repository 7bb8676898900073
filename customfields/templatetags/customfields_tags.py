"""Custom fields in templates: a form's custom fields by section, a record's visible values."""

from __future__ import annotations

from django import template

from customfields.selectors import project_entity, visible_values
from customfields.values import display

register = template.Library()


@register.filter
def custom_sections(form) -> list[tuple[str, list]]:
    """[(section, [bound fields])] of the form's custom fields, sections in the order they first
    appear."""
    sections: dict[str, list] = {}
    for definition in getattr(form, "custom_definitions", []):
        if definition.column in form.fields:
            sections.setdefault(definition.section, []).append(form[definition.column])
    return list(sections.items())


@register.inclusion_tag("components/_custom_values.html", takes_context=True)
def custom_values_card(context, record, entity: str):
    """The custom fields of ``record`` that the current user may see, with their values."""
    user = context["request"].user
    if entity == "project":
        entity = project_entity(record)  # a lead process's project has the lead fields too
    rows = [
        (d, display(d, value))
        for d, value in visible_values(
            entity=entity, user=user, values=getattr(record, "custom", None)
        )
    ]
    return {"rows": rows}
