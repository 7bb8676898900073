"""The filters of customfields.query: what each matches, and that it uses the field's index
(EXPLAIN)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection

from customers.models import Customer
from customfields import indexes, query
from tests.builders.customers import make_customer
from tests.builders.customfields import INDUSTRY_OPTIONS, make_field


def _names(q) -> set[str]:
    return set(Customer.objects.filter(q).values_list("name", flat=True))


def test_each_type_filters_by_its_stored_value(tenant):
    code = make_field(key="code", filterable=True)
    rating = make_field(key="rating", field_type="number", filterable=True)
    ends = make_field(key="ends", field_type="date", filterable=True)
    vip = make_field(key="vip", field_type="boolean", filterable=True)
    segment = make_field(
        key="segment", field_type="choice", options=INDUSTRY_OPTIONS, filterable=True
    )
    tags = make_field(
        key="tags", field_type="multi_choice", options=INDUSTRY_OPTIONS, filterable=True
    )
    make_customer(
        name="Q-Müller",
        custom={
            "code": "Straße-ÄBC",
            "rating": "1234.56",
            "ends": "2026-12-02",
            "vip": True,
            "segment": "retail",
            "tags": ["retail", "public"],
        },
    )
    make_customer(
        name="Q-Zwei",
        custom={
            "code": "xyz",
            "rating": "9",
            "ends": "2027-01-15",
            "vip": False,
            "segment": "public",
        },
    )
    make_customer(name="Q-Leer", custom={})
    assert _names(query.contains_q(code, "strasse-abc")) == {"Q-Müller"}
    assert _names(query.contains_q(code, "ÄB")) == {"Q-Müller"}
    assert _names(query.contains_q(code, "100%")) == set()  # LIKE characters are literal
    assert _names(query.range_q(rating, low=Decimal("10"))) == {"Q-Müller"}  # numeric, not text
    assert _names(query.range_q(rating, high=Decimal("1234.56"))) == {"Q-Müller", "Q-Zwei"}
    assert _names(
        query.range_q(ends, low=datetime.date(2026, 12, 2), high=datetime.date(2026, 12, 31))
    ) == {"Q-Müller"}
    assert _names(query.boolean_q(vip, True)) == {"Q-Müller"}
    assert _names(query.boolean_q(vip, False)) >= {"Q-Zwei", "Q-Leer"}  # never set counts as no
    assert "Q-Müller" not in _names(query.boolean_q(vip, False))
    assert _names(query.choices_q(segment, ["retail", "industry"])) == {"Q-Müller"}
    assert _names(query.choices_q(segment, ["retail", "public"])) == {"Q-Müller", "Q-Zwei"}
    assert _names(query.choices_q(tags, ["public"])) == {"Q-Müller"}
    assert _names(query.choices_q(tags, ["industry"])) == set()


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Neither a table scan nor a full walk of an unrelated B-tree (e.g. the name index, with
        # the filter applied row by row) may stand in for the field's own index on this small
        # table: whether the planner prefers those depends on its statistics, not on the query.
        for setting in ("enable_seqscan", "enable_indexscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        return " ".join(row[0] for row in cursor.fetchall())


def test_the_filters_use_the_fields_expression_indexes(tenant):
    rating = make_field(key="rating", field_type="money", filterable=True)
    code = make_field(key="code", filterable=True)
    tags = make_field(
        key="tags", field_type="multi_choice", options=INDUSTRY_OPTIONS, filterable=True
    )
    ends = make_field(key="ends", field_type="date", filterable=True)
    created = indexes.indexes_ensure(concurrently=False)["created"]
    assert {"cf_rating_idx", "cf_code_idx", "cf_tags_gin", "cf_ends_idx"} <= set(created)
    qs = Customer.objects.only("pk")
    assert "cf_rating_idx" in _plan(qs.filter(query.range_q(rating, low=Decimal("5000"))))
    assert "cf_ends_idx" in _plan(qs.filter(query.range_q(ends, low=datetime.date(2026, 1, 1))))
    assert "cf_tags_gin" in _plan(qs.filter(query.choices_q(tags, ["retail"])))
    assert "cf_code_idx" in _plan(qs.filter(query.choices_q(code, ["A-1"])))
    if "cf_code_search" in created:  # pg_trgm installed (not in the embedded PostgreSQL)
        assert "cf_code_search" in _plan(qs.filter(query.contains_q(code, "abc")))
