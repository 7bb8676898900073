"""A page of a big list sorted by a small joined table (owner, phase, process), read from indexes.

Sorting 100,000-250,000 rows by their owner's name costs a join and a sort of every row on every
page (100-250 ms at the reference tenant). The few values of the dimension (50 owners, 20 phases)
are put in order in Python instead; the rows are counted per value (an index-only scan of a
``(fk, id)`` index) and the page is read from the one or two values' index ranges it falls in.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, QuerySet


def dimension_page_ids(
    base: QuerySet,
    *,
    field: str,
    groups: Sequence[Sequence],
    start: int,
    stop: int,
    descending: bool,
) -> list[int]:
    """Ids of rows ``start:stop`` of ``base`` in the order of ``groups`` (lists of ``field`` values
    in ascending display order: values that sort alike form one group), then by id; rows whose
    ``field`` is NULL come last ascending and first descending, as PostgreSQL sorts them. Needs an
    index on ``(field, id)``."""
    base = base.order_by()
    counts = dict(base.values_list(field).annotate(n=Count("*")))
    ordered = [list(group) for group in groups if any(value in counts for value in group)]
    if None in counts:
        ordered.append([None])
    if descending:
        ordered.reverse()
    rank = {value: i for i, group in enumerate(ordered) for value in group}
    parts, passed = [], 0
    for group in ordered:
        n = sum(counts.get(value, 0) for value in group)
        if passed + n > start and passed < stop:
            rows = (
                base.filter(**{f"{field}__isnull": True})
                if group == [None]
                else base.filter(**{f"{field}__in": group})
            )
            rows = rows.order_by("-id" if descending else "id").values_list(field, "pk")
            parts.append(rows[max(0, start - passed) : stop - passed])
        passed += n
    if not parts:
        return []
    # The page's ranges in one statement; UNION ALL keeps no order, so it is put back here.
    found = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sign = -1 if descending else 1
    return [pk for value, pk in sorted(found, key=lambda row: (rank[row[0]], sign * row[1]))]


def grouped(rows: Sequence[tuple]) -> list[list]:
    """``(value, *sort key)`` rows in order -> groups of the values whose sort keys are equal."""
    groups: list[list] = []
    last = object()
    for value, *key in rows:
        if key == last:
            groups[-1].append(value)
        else:
            groups.append([value])
            last = key
    return groups
