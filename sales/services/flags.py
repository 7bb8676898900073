"""The two facts stored on each project, recomputed here inside the transaction of every change
they depend on, by one UPDATE each, and the cache generation of pipeline figures:

- ``counts_in_pipeline`` (``group_rollup_refresh``): in an alternatives group only one member
  counts in pipeline totals; ``sales.selectors.pipeline_rollup`` sums only counting projects.
- ``has_competitor`` (``competition_refresh``): an open project of another owner for the same
  customer exists, not in the same group and not dismissed; the conflicts list reads only
  flagged projects (and re-checks every pair).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from crm.lib.generations import generation_bump
from sales.models import GroupType, ProjectGroup, SalesProject
from sales.selectors import COMPETING_PAIR_SQL, ROLLUP_TOPIC, competing_sql_tables

__all__ = [
    "competition_refresh",
    "flags_refresh_all",
    "group_rollup_refresh",
    "pipeline_cache_bump",
    "project_flags_refresh",
]


def pipeline_cache_bump() -> None:
    """Make every cached pipeline figure of this tenant stale (after a project write commits)."""
    generation_bump(topic=ROLLUP_TOPIC)


def _tables() -> dict[str, str]:
    return {
        **competing_sql_tables(),
        "group": ProjectGroup._meta.db_table,
        "type": GroupType._meta.db_table,
    }


def group_rollup_refresh(*, group_ids: Iterable[int] | None, left_ids: Iterable[int] = ()) -> int:
    """Recompute ``counts_in_pipeline`` of the members of ``group_ids`` (None: of every group) and
    of projects that just left a group (``left_ids``); returns how many projects changed.

    In an alternatives group exactly one member counts: a won one, else the one with the highest
    weighted value (then open before lost, the bigger volume, the older project). All others count.
    """
    t = _tables()
    if group_ids is None:
        members, params, left, left_params = "m.group_id IS NOT NULL", [], "TRUE", []
    else:
        members, params = "m.group_id = ANY(%s)", [sorted({int(pk) for pk in group_ids})]
        left, left_params = "id = ANY(%s)", [sorted({int(pk) for pk in left_ids})]
        if not params[0] and not left_params[0]:
            return 0
    sql = f"""
        UPDATE {t["project"]} p SET counts_in_pipeline = r.counts
          FROM (SELECT m.id,
                       (t.rule <> %s OR ROW_NUMBER() OVER (
                            PARTITION BY m.group_id
                            ORDER BY (ph.outcome = 'won') DESC, m.volume * m.probability DESC,
                                     (ph.outcome = 'open') DESC, m.volume DESC, m.id) = 1) AS counts
                  FROM {t["project"]} m
                  JOIN {t["group"]} g ON g.id = m.group_id
                  JOIN {t["type"]} t ON t.id = g.type_id
                  JOIN {t["phase"]} ph ON ph.id = m.phase_id
                 WHERE {members}) r
         WHERE p.id = r.id AND p.counts_in_pipeline <> r.counts
    """  # noqa: S608 (our own table names; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [GroupType.Rule.ALTERNATIVES, *params])
        changed = cursor.rowcount
        cursor.execute(
            f"UPDATE {t['project']} SET counts_in_pipeline = TRUE "  # noqa: S608
            f"WHERE NOT counts_in_pipeline AND group_id IS NULL AND {left}",
            left_params,
        )
        changed += cursor.rowcount
    return changed


def competition_refresh(*, customer_ids: Iterable[int] | None) -> int:
    """Recompute ``has_competitor`` of the projects of ``customer_ids`` (None: of every customer);
    returns how many projects changed."""
    t = _tables()
    if customer_ids is None:
        where, params = "TRUE", []
    else:
        ids = sorted({int(pk) for pk in customer_ids if pk is not None})
        if not ids:
            return 0
        where, params = "a.customer_id = ANY(%s)", [ids]
    sql = f"""
        UPDATE {t["project"]} p SET has_competitor = c.competing
          FROM (SELECT a.id,
                       (pa.outcome = 'open' AND ra.kind = 'sales' AND a.owner_id IS NOT NULL
                        AND EXISTS (
                            SELECT 1 FROM {t["project"]} b
                              JOIN {t["phase"]} pb ON pb.id = b.phase_id
                              JOIN {t["process"]} rb ON rb.id = b.process_id
                             WHERE b.customer_id = a.customer_id AND b.id <> a.id
                               AND {COMPETING_PAIR_SQL.format(**t)})) AS competing
                  FROM {t["project"]} a
                  JOIN {t["phase"]} pa ON pa.id = a.phase_id
                  JOIN {t["process"]} ra ON ra.id = a.process_id
                 WHERE {where}) c
         WHERE p.id = c.id AND p.has_competitor <> c.competing
    """  # noqa: S608 (our own table names; values are parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def project_flags_refresh(
    *, project: SalesProject, rollup: bool = True, customer_ids: Iterable[int] = ()
) -> None:
    """After a change of one project: its group's roll-up (``rollup``) and its customer's (and
    ``customer_ids``') competition."""
    if rollup and project.group_id:
        group_rollup_refresh(group_ids=[project.group_id])
    competition_refresh(customer_ids=[project.customer_id, *customer_ids])


@transaction.atomic
def flags_refresh_all() -> tuple[int, int]:
    """Recompute both flags of every project (after a process's kind or a phase's outcome changed,
    or data was written around the services); returns how many (roll-up, competition) changed."""
    changed = group_rollup_refresh(group_ids=None), competition_refresh(customer_ids=None)
    if sum(changed) > 1000:  # keep the planner's idea of how many projects are flagged true
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {SalesProject._meta.db_table}")  # noqa: S608
    pipeline_cache_bump()
    return changed
