"""Custom fields as columns of the list tables (django-tables2): the cell formatted by type in
the user's language, the sort by the field's typed expression (customfields.query).

Only fields the user's role may see become columns (the views pass
``selectors.definitions_for(entity=..., user=...)``), so a hidden field is never shown nor
sortable by ``?sort=`` (django-tables2 ignores a sort by a column the table does not have).
"""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables

from crm.lib.l10n import grouped, money_format
from customfields import query
from customfields.models import FieldDefinition
from customfields.values import BROKEN, display

T = FieldDefinition.Type
RIGHT = {"td": {"class": "text-end text-nowrap"}, "th": {"class": "text-end"}}
NOWRAP = {"td": {"class": "text-nowrap"}}
EMPTY = "—"


class UserNames:
    """User id -> name, read once (one query) when the first user-field cell asks for it."""

    def __init__(self):
        self._names: dict | None = None

    def get(self, pk):
        if self._names is None:
            from crm.models import User

            self._names = {u.pk: str(u) for u in User.objects.all()}
        return self._names.get(pk)


class CustomFieldColumn(tables.Column):
    """The column of one custom field; ``prefix`` reaches a related record ("customer__")."""

    def __init__(
        self,
        definition: FieldDefinition,
        *,
        prefix: str = "",
        currency: str = "EUR",
        users: UserNames | None = None,
    ):
        kind = definition.field_type
        attrs = RIGHT if kind in (T.NUMBER, T.MONEY) else NOWRAP if kind == T.DATE else {}
        super().__init__(
            verbose_name=definition.label,
            accessor=prefix.replace("__", ".") + "custom",
            orderable=query.is_sortable(definition),
            empty_values=(),
            attrs=attrs,
        )
        self.definition = definition
        self.prefix = prefix
        self.currency = currency
        self.users = users if users is not None else UserNames()

    def order(self, queryset, is_descending):
        ordering = query.order_by(self.definition, descending=is_descending, prefix=self.prefix)
        return queryset.order_by(*ordering), True

    def _custom(self, record) -> dict:
        for part in self.prefix.split("__")[:-1]:
            record = getattr(record, part)
        return record.custom or {}

    def cell(self, record) -> str:
        definition = self.definition
        stored = self._custom(record).get(definition.key)
        if stored in (None, "", []):
            return EMPTY
        if definition.field_type in (T.MONEY, T.NUMBER):
            try:
                number = Decimal(str(stored))
            except BROKEN:
                return str(stored)
            if definition.field_type == T.NUMBER:
                return grouped(number)  # 1,250 / 1.250 like the standard counts
            return money_format(number, self.currency, decimals=2)
        if definition.field_type == T.USER:
            return self.users.get(stored) or EMPTY  # a deleted user: no read per row
        return display(definition, stored) or EMPTY

    def render(self, record):
        return self.cell(record)


def column_name(definition: FieldDefinition) -> str:
    return definition.column  # cf_<key>: never a standard column's name


def custom_columns(
    definitions, *, prefix: str = "", currency: str = "EUR"
) -> list[tuple[str, CustomFieldColumn]]:
    """(name, column) of each definition, in the definitions' order; the user fields share one
    read of the users."""
    users = UserNames()
    return [
        (column_name(d), CustomFieldColumn(d, prefix=prefix, currency=currency, users=users))
        for d in definitions
    ]


def standard_columns(table_class, *, skip=()) -> list[tuple[str, str]]:
    """(name, header) of a table's own columns in its default order (for customfields.layouts)."""
    names = [n for n in table_class._meta.fields or table_class.base_columns if n not in skip]
    return [(n, str(table_class.base_columns[n].verbose_name)) for n in names]


def layout_kwargs(table_class, *, layout, definitions, fixed=()) -> dict:
    """The table's keyword arguments that show the ``layout``'s columns (after ``fixed``): the
    standard columns not in it excluded, the custom fields in it (and only those) as extra
    columns, everything in the layout's order."""
    if layout is None:
        return {"definitions": definitions}
    by_column = {d.column: d for d in definitions}
    shown = [*fixed, *layout]
    return {
        "definitions": [by_column[c] for c in layout if c in by_column],
        "sequence": [*shown, "..."],
        "exclude": [n for n in table_class.base_columns if n not in shown],
    }
