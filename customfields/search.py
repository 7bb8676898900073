"""Custom fields in the global search: records whose "searchable" text fields match the query.

Only fields the searching user's role may see are searched, so a hit never reveals a hidden value.
Each field is matched like a name (``crm.lib.search.queryset_search``: folded, typo-tolerant) over
the expression ``public.crm_fold(custom ->> 'key')``, which the trigram index of
``customfields.indexes.search_index_specs`` serves.
"""

from __future__ import annotations

from django.db.models import QuerySet

from crm.lib.search import queryset_search
from customfields.indexes import SEARCH_TYPES, quote_key
from customfields.models import FieldDefinition
from customfields.selectors import definitions_for


def searchable_definitions(*, entity: str, user) -> list[FieldDefinition]:
    """The active "searchable" text fields of ``entity`` that ``user``'s role may see."""
    return [
        d
        for d in definitions_for(entity=entity, user=user)
        if d.searchable and d.field_type in SEARCH_TYPES
    ]


def search_expression(definition: FieldDefinition) -> str:
    """The text a search matches, as ``queryset_search`` wants it ({t}: the quoted table)."""
    return '({t}."custom" ->> ' + quote_key(definition.key) + ")"


def custom_search(
    queryset: QuerySet, *, entity: str, user, query: str, limit: int, partition=None
) -> list[tuple[object, FieldDefinition]]:
    """(record with ``search_score``, the field that matched) for the best ``limit`` records of
    ``queryset`` whose searchable custom fields match ``query``; one query per field.
    ``partition`` as for ``queryset_search``: the best ``limit`` of each value."""
    best: dict[int, tuple[object, FieldDefinition]] = {}
    for definition in searchable_definitions(entity=entity, user=user):
        rows = queryset_search(
            queryset,
            expression=search_expression(definition),
            query=query,
            limit=limit,
            partition=partition,
        )
        for row in rows:
            if row.pk not in best or row.search_score > best[row.pk][0].search_score:
                best[row.pk] = (row, definition)
    ranked = sorted(best.values(), key=lambda pair: (-pair[0].search_score, -pair[0].pk))
    if partition is None:
        return ranked[:limit]
    field, values = partition
    return [
        pair
        for value in values
        for pair in [p for p in ranked if getattr(p[0], field) == value][:limit]
    ]


def matched_text(record, definition: FieldDefinition | None) -> str:
    """ "VAT id: DE123" for a hit found by ``definition`` ("" without one), for its subtitle."""
    if definition is None:
        return ""
    return f"{definition.label}: {(record.custom or {}).get(definition.key, '')}"


def merge_hits(hits: list, extra: list, *, limit: int) -> list:
    """``hits`` and ``extra`` (crm.lib.search.Hit) by score, one hit per record (the better)."""
    best = {}
    for hit in [*hits, *extra]:
        if hit.pk not in best or hit.score > best[hit.pk].score:
            best[hit.pk] = hit
    return sorted(best.values(), key=lambda h: (-h.score, -h.pk))[:limit]
