"""The typed SQL expression of a custom field's stored value, for filters and sorts.

Each expression is exactly the one ``customfields.indexes.index_specs`` indexes, so the planner can
use the field's expression index: text, long text, URL, e-mail, phone, choice, date and yes/no as
the stored text (``custom ->> 'key'``; ISO dates sort and compare as text; yes/no reads "true" or
"false"), number and money as ``(custom ->> 'key')::numeric``, several choices as the JSON list
(``custom -> 'key'``, for ``@>`` containment served by the GIN index). Built from Django's own JSON
key transforms (no raw SQL): the key is a bound parameter, never text from a user.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, F, Func, Q, TextField
from django.db.models.expressions import Expression, OrderBy
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.db.models.lookups import (
    Contains,
    Exact,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThanOrEqual,
)

from crm.lib.textfold import fold
from customfields.models import FieldDefinition

T = FieldDefinition.Type
NUMERIC = (T.NUMBER, T.MONEY)
TEXTS = (T.TEXT, T.LONG_TEXT, T.URL, T.EMAIL, T.PHONE)  # "contains"
# types whose values order meaningfully (a list of several choices does not)
SORTABLE_TYPES = tuple(t for t in T.values if t != T.MULTI_CHOICE)


class NumericField(DecimalField):
    """``numeric`` without precision (the index's cast), as Cast's target type."""

    def cast_db_type(self, connection):
        return "numeric"


def value_expression(definition: FieldDefinition, *, prefix: str = "") -> Expression:
    """The typed expression of ``definition``'s value; ``prefix`` reaches a related record's
    ``custom`` (e.g. ``"customer__"`` from a project)."""
    column = f"{prefix}custom"
    if definition.field_type == T.MULTI_CHOICE:
        return KeyTransform(definition.key, column)
    text = KeyTextTransform(definition.key, column)
    if definition.field_type in NUMERIC:
        return Cast(text, NumericField())  # ::numeric, as the index casts it
    return text


def is_sortable(definition: FieldDefinition) -> bool:
    """A list may sort by the field: marked sortable (it then has its expression index) and of a
    type with an order."""
    return bool(
        definition.active and definition.sortable and definition.field_type in SORTABLE_TYPES
    )


def order_by(
    definition: FieldDefinition, *, descending: bool = False, prefix: str = ""
) -> list[OrderBy]:
    """ORDER BY the field's value, empty values last, then the id (the index is (value, id))."""
    expression = value_expression(definition, prefix=prefix)
    pk = F(f"{prefix}id")
    if descending:
        return [expression.desc(nulls_last=True), pk.desc()]
    return [expression.asc(nulls_last=True), pk.asc()]


def comparable(definition: FieldDefinition, value):
    """A Python value as the expression compares it: numbers as Decimal, dates as ISO text,
    yes/no as "true"/"false", anything else as text."""
    kind = definition.field_type
    if kind in NUMERIC:
        return Decimal(str(value))
    if kind == T.DATE:
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    if kind == T.BOOLEAN:
        return "true" if value else "false"
    return str(value)


def has_value(definition: FieldDefinition, *, prefix: str = "") -> Q:
    """Records that have a value for the field."""
    return Q(**{f"{prefix}custom__has_key": definition.key})


# --- filters -----------------------------------------------------------------------------------


class _Fold(Func):
    function = "public.crm_fold"
    output_field = TextField()


def text_expression(definition: FieldDefinition, *, prefix: str = "") -> Expression:
    """``custom ->> 'key'``: the stored text of any type (numbers as their decimal string)."""
    return KeyTextTransform(definition.key, f"{prefix}custom")


def contains_q(definition: FieldDefinition, text: str, *, prefix: str = "") -> Q:
    """Records whose value contains ``text``, ignoring case and accents (ä = a = ae), through
    ``public.crm_fold(custom ->> 'key')``: the trigram index ``cf_<key>_search``."""
    folded = _Fold(text_expression(definition, prefix=prefix))
    return Q(Contains(folded, fold(text)))


def range_q(definition: FieldDefinition, *, low=None, high=None, prefix: str = "") -> Q:
    """Numbers, amounts or dates between ``low`` and ``high`` (each optional, both inclusive)."""
    expression = value_expression(definition, prefix=prefix)
    q = Q()
    for bound, lookup in ((low, GreaterThanOrEqual), (high, LessThanOrEqual)):
        if bound is not None:
            q &= Q(lookup(expression, comparable(definition, bound)))
    return q


def boolean_q(definition: FieldDefinition, value: bool, *, prefix: str = "") -> Q:
    """Yes: the stored value is true. No: anything else (false, or never set)."""
    text = text_expression(definition, prefix=prefix)
    if value:
        return Q(Exact(text, "true"))
    return Q(Exact(text, "false")) | Q(IsNull(text, True))


def choices_q(definition: FieldDefinition, values: list[str], *, prefix: str = "") -> Q:
    """Records with any of ``values``: the one choice is among them, or the several choices
    include one of them (``@>``, served by ``cf_<key>_gin``); also a user field by ids."""
    if not values:
        return Q()
    if definition.field_type == T.MULTI_CHOICE:
        q = Q()
        for value in values:  # (custom -> 'key') @> '["value"]'
            q |= Q(**{f"{prefix}custom__{definition.key}__contains": [str(value)]})
        return q
    return Q(In(text_expression(definition, prefix=prefix), [str(v) for v in values]))
