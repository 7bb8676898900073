"""Competing offers: the condition of a competing pair (shared with the stored flag), the list, one
project's rivals."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from sales.models import (
    ConflictDismissal,
    Phase,
    Process,
    ProjectGroup,
    SalesProject,
)
from sales.selectors.projects import project_queryset

__all__ = [
    "COMPETING_PAIR_SQL",
    "Conflict",
    "ConflictPage",
    "competing_sql_tables",
    "conflict_get",
    "conflict_page",
    "project_conflicts",
]


# Two open projects a (lower id) and b of the same customer compete when both are in sales
# processes, have different owners, are not in one group and the pair was not dismissed. The
# same condition decides SalesProject.has_competitor (sales.services.flags.competition_refresh).
COMPETING_PAIR_SQL = """
    pa.outcome = 'open' AND ra.kind = 'sales' AND pb.outcome = 'open' AND rb.kind = 'sales'
    AND a.owner_id <> b.owner_id
    AND (a.group_id IS NULL OR b.group_id IS NULL OR a.group_id <> b.group_id)
    AND NOT EXISTS (SELECT 1 FROM {dismissal} d
                    WHERE d.project_low_id = LEAST(a.id, b.id)
                      AND d.project_high_id = GREATEST(a.id, b.id))
"""


def competing_sql_tables() -> dict[str, str]:
    """The table names the conflict SQL uses (the tenant's schema comes from the search path)."""
    return {
        "project": SalesProject._meta.db_table,
        "phase": Phase._meta.db_table,
        "process": Process._meta.db_table,
        "dismissal": ConflictDismissal._meta.db_table,
    }


@dataclass
class Conflict:
    a: SalesProject  # the older project
    b: SalesProject

    @property
    def customer(self):
        return self.a.customer

    @property
    def sides(self) -> tuple[SalesProject, SalesProject]:
        return self.a, self.b

    @property
    def grouped(self) -> ProjectGroup | None:
        """The existing group that "group as alternatives" would add the other project to."""
        if self.a.group_id and self.b.group_id:
            return None
        return self.a.group or self.b.group

    @property
    def can_group(self) -> bool:
        return not (self.a.group_id and self.b.group_id)


@dataclass
class ConflictPage:
    conflicts: list[Conflict]
    count: int
    number: int
    per_page: int

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _conflict_pairs(
    *,
    a_where: str,
    a_params: list,
    b_where: str = "TRUE",
    b_params: list = (),
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list, int]:
    """(a id, b id) pairs of competing projects, newest first, and how many there are in all: ONE
    query, a self-join on the customer. ``a_where`` narrows the older project (and may refer to b),
    ``b_where`` the newer one."""
    tables = competing_sql_tables()
    # The rivals of each project are found by one index lookup on its customer: LATERAL with
    # OFFSET 0 keeps the planner from turning that into a scan of every candidate, which a stale
    # estimate of the few flagged projects would otherwise make it do.
    sql = f"""
        SELECT a.id, b.id, COUNT(*) OVER () AS total
          FROM {tables["project"]} a
          JOIN {tables["phase"]} pa ON pa.id = a.phase_id
          JOIN {tables["process"]} ra ON ra.id = a.process_id
         CROSS JOIN LATERAL (
               SELECT b.id, b.owner_id FROM {tables["project"]} b
                 JOIN {tables["phase"]} pb ON pb.id = b.phase_id
                 JOIN {tables["process"]} rb ON rb.id = b.process_id
                WHERE b.customer_id = a.customer_id AND b.id > a.id AND {b_where}
                  AND {COMPETING_PAIR_SQL.format(**tables)}
               OFFSET 0) b
         WHERE {a_where}
         ORDER BY b.id DESC, a.id
    """  # noqa: S608 (table names are our own; values are parameters)
    params = [*b_params, *a_params]
    if limit is not None:
        sql += " LIMIT %s OFFSET %s"
        params += [limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(a, b) for a, b, _total in rows], (rows[0][2] if rows else 0)


def _conflicts_from_pairs(pairs: list) -> list[Conflict]:
    ids = {pk for pair in pairs for pk in pair}
    projects = project_queryset().in_bulk(ids) if ids else {}
    return [
        Conflict(a=projects[a], b=projects[b]) for a, b in pairs if a in projects and b in projects
    ]


def conflict_page(*, number: int = 1, per_page: int = 20, owner_ids=None) -> ConflictPage:
    """One page of the possible conflicts of the tenant (optionally those touching ``owner_ids``),
    in two queries however many projects exist: the pairs, then their projects."""
    # Only projects flagged has_competitor take part (a partial index holds just those); the
    # query still checks every condition, so a stale flag can never invent a conflict.
    where, params = "a.has_competitor", []
    if owner_ids is not None:
        where += " AND (a.owner_id = ANY(%s) OR b.owner_id = ANY(%s))"
        params += [list(owner_ids), list(owner_ids)]
    number = max(1, number)
    pairs, count = _conflict_pairs(
        a_where=where,
        a_params=params,
        b_where="b.has_competitor",
        limit=per_page,
        offset=(number - 1) * per_page,
    )
    if not pairs and number > 1 and count == 0:
        # past the last page (e.g. after grouping the last conflict of it): show the first
        return conflict_page(number=1, per_page=per_page, owner_ids=owner_ids)
    return ConflictPage(
        conflicts=_conflicts_from_pairs(pairs), count=count, number=number, per_page=per_page
    )


def project_conflicts(*, project: SalesProject) -> list[Conflict]:
    """The projects competing with this one, checked from scratch (not from the flags)."""
    pairs, _count = _conflict_pairs(
        a_where="a.customer_id = %s AND (a.id = %s OR b.id = %s)",
        a_params=[project.customer_id, project.pk, project.pk],
    )
    return _conflicts_from_pairs(pairs)


def conflict_get(*, a_id: int, b_id: int) -> Conflict | None:
    """The pair of projects ``a_id``, ``b_id`` if they compete, else None (404 when either is
    missing)."""
    from django.http import Http404

    low, high = sorted((int(a_id), int(b_id)))
    projects = project_queryset().in_bulk([low, high])
    if low == high or len(projects) != 2:
        raise Http404
    pairs, _count = _conflict_pairs(
        a_where="a.id = %s", a_params=[low], b_where="b.id = %s", b_params=[high]
    )
    return Conflict(a=projects[low], b=projects[high]) if pairs else None
