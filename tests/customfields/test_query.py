"""customfields.query: the typed expression of a field sorts and filters by type, and it is the
expression the field's index holds (the planner uses the index)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection

from customers.models import Customer
from customfields import indexes, query
from tests.builders.customers import make_customer
from tests.builders.customfields import make_field


def _names(qs) -> list[str]:
    return list(qs.values_list("name", flat=True))


def test_numbers_sort_as_numbers_dates_as_dates_and_empty_values_last(tenant):
    amount = make_field(key="amount", field_type="number", sortable=True)
    due = make_field(key="due", field_type="date", sortable=True)
    make_customer(name="Nine", custom={"amount": "9", "due": "2026-12-31"})
    make_customer(name="Ten", custom={"amount": "10.5", "due": "2026-02-01"})
    make_customer(name="None")
    base = Customer.objects.filter(name__in=["Nine", "Ten", "None"])
    assert _names(base.order_by(*query.order_by(amount))) == ["Nine", "Ten", "None"]
    assert _names(base.order_by(*query.order_by(amount, descending=True))) == [
        "Ten",
        "Nine",
        "None",
    ]
    assert _names(base.order_by(*query.order_by(due))) == ["Ten", "Nine", "None"]
    expression = query.value_expression(amount)
    assert _names(base.annotate(v=expression).filter(v__gte=Decimal("10"))) == ["Ten"]
    due_value = query.comparable(due, datetime.date(2026, 6, 1))
    assert _names(base.annotate(v=query.value_expression(due)).filter(v__lt=due_value)) == ["Ten"]
    assert _names(base.filter(query.has_value(amount)).order_by("name")) == ["Nine", "Ten"]


def test_only_sortable_fields_of_an_ordered_type_sort(tenant):
    assert query.is_sortable(make_field(key="a1", sortable=True))
    assert not query.is_sortable(make_field(key="a2"))
    assert not query.is_sortable(make_field(key="a3", sortable=True, active=False))
    assert not query.is_sortable(make_field(key="a4", sortable=True, field_type="multi_choice"))


def test_the_sort_uses_the_fields_expression_index(tenant):
    amount = make_field(key="amount", field_type="money", sortable=True)
    code = make_field(key="code", sortable=True)
    indexes.indexes_ensure(concurrently=False)
    for definition, index in ((amount, "cf_amount_idx"), (code, "cf_code_idx")):
        qs = Customer.objects.order_by(*query.order_by(definition)).values("pk")[:25]
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            for setting in ("enable_seqscan", "enable_sort"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
        assert index in plan, plan
