"""The fields a kanban card shows: the tenant's "kanban" layout (customfields.layouts; default:
customer, volume and owner), standard ones and the custom fields the user's role may see, worked
out once per request (``card_fields_for``) and written by ``sales_tags.kanban_card_html``."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customfields.columns import CustomFieldColumn, UserNames
from customfields.layouts import layout_for
from customfields.selectors import definitions_for
from customfields.standard import area_of
from customfields.standard import off as standard_off

# the standard fields drawn in the card's own places; the others are "label: value" lines
PLACED = ("customer", "volume", "owner")


# the card's fields by default (the title is always shown)
CARD_DEFAULT = ("customer", "volume", "owner")


def card_fields() -> list[tuple[str, str]]:
    """(name, label) of the card's standard fields, the default ones first."""
    return [
        ("customer", str(_("Customer"))),
        ("volume", str(_("Volume"))),
        ("owner", str(_("Owner"))),
        ("probability", str(_("Probability"))),
        ("expected_order_date", str(_("Expected order date"))),
        ("phase_entered_at", str(_("In phase"))),
    ]


@dataclass(frozen=True)
class CardField:
    key: str
    label: str
    column: CustomFieldColumn | None = None  # a custom field's


def card_fields_for(request, *, lead: bool, currency: str | None) -> list[CardField]:
    """The card fields for ``request``'s user (memoised on the request: a board renders its
    columns one by one)."""
    memo = getattr(request, "_crm_card_fields", None)
    if memo is not None and memo[0] == lead:
        return memo[1]
    definitions = definitions_for(entity="lead" if lead else "project", user=request.user)
    gone = standard_off(area_of(lead=lead), request.user)  # switched off on this board's area
    standard = {k: label for k, label in card_fields() if k not in gone}
    by_column = {d.column: d for d in definitions}
    users = UserNames()
    fields = []
    for key in layout_for("kanban", definitions=definitions, user=request.user):
        if key in by_column:
            definition = by_column[key]
            column = CustomFieldColumn(definition, currency=currency or "EUR", users=users)
            fields.append(CardField(key, definition.label, column))
        elif key in standard:
            fields.append(CardField(key, standard[key]))
    request._crm_card_fields = (lead, fields)
    return fields


def card_value(project, field: CardField) -> str:
    """The text of a "label: value" line of the card ("—" when empty)."""
    if field.column is not None:
        return field.column.cell(project)
    if field.key == "probability":
        return f"{project.probability} %"
    if field.key == "expected_order_date":
        day = project.expected_order_date
        return date_format(day, "SHORT_DATE_FORMAT") if day else "—"
    if field.key == "phase_entered_at":
        days = project.days_in_phase
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    return "—"
