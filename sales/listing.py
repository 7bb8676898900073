"""The project list's rows when sorted by owner, phase or process (see crm/lib/dimension_sort.py).

``ProjectTable`` sorts those columns by the joined table's order and then the project's id; a
page of such a sort is read per owner, phase or process from the ``(fk, id)`` indexes of
migration 0012 instead of sorting every project of the tenant by a joined column.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable

from crm.lib.dimension_sort import dimension_page_ids, grouped
from crm.models import User
from sales.models import Phase, Process

# the order_by of ProjectTable's columns -> (foreign key column, its values in order)
DIMENSIONS = {
    ("owner__first_name", "owner__last_name", "id"): (
        "owner_id",
        lambda: grouped(
            User.objects.order_by("first_name", "last_name", "id").values_list(
                "pk", "first_name", "last_name"
            )
        ),
    ),
    ("phase__order", "phase_id", "id"): (
        "phase_id",
        lambda: [[pk] for pk in Phase.objects.order_by("order", "id").values_list("pk", flat=True)],
    ),
    ("process__order", "process__name", "id"): (
        "process_id",
        lambda: grouped(
            Process.objects.order_by("order", "name", "id").values_list("pk", "order", "name")
        ),
    ),
}


class ProjectListQuerySet(QuerySet):
    """Slicing a dimension sort reads the page's ids per dimension value, then those rows."""

    def _dimension(self):
        ordering = tuple(self.query.order_by)
        for key, (field, groups) in DIMENSIONS.items():
            if ordering == key:
                return field, groups, False
            if ordering == tuple(f"-{name}" for name in key):
                return field, groups, True
        return None

    def __getitem__(self, k):
        flat_ids = self._iterable_class is FlatValuesListIterable and self._fields in (
            ("pk",),
            ("id",),
        )
        if (
            not isinstance(k, slice)
            or k.step is not None
            or k.stop is None
            or not (self._iterable_class is ModelIterable or flat_ids)
        ):
            return super().__getitem__(k)
        dimension = self._dimension()
        if dimension is None:
            return super().__getitem__(k)
        field, groups, descending = dimension
        base = QuerySet(model=self.model, query=self.query.chain(), using=self.db)
        base.query.clear_select_fields()
        base.query.select_related = False
        base._iterable_class, base._fields = ModelIterable, None
        ids = dimension_page_ids(
            base,
            field=field,
            groups=groups(),
            start=k.start or 0,
            stop=k.stop,
            descending=descending,
        )
        if flat_ids:
            return ids
        rows = (
            QuerySet(model=self.model, query=self.query.chain(), using=self.db)
            .order_by()
            .in_bulk(ids)
        )
        return [rows[pk] for pk in ids if pk in rows]


def as_project_list(queryset: QuerySet) -> QuerySet:
    """``queryset`` (projects) as a ProjectListQuerySet, keeping its filters and annotations."""
    clone = queryset._chain()
    clone.__class__ = ProjectListQuerySet
    return clone
