"""Seeding of project groups (alternatives, sub-projects) and competing offers over the projects
that ``sales.seed`` wrote, in a handful of statements."""

from __future__ import annotations

from django.db import connection

from crm.lib.seeding import SeedContext, seeding_in_german
from sales.seed_words import GROUP_LABELS, GROUP_LABELS_DE

# per customer: groups of alternatives (open, and decided ones: one won, the others lost), groups of
# sub-projects, and competing offers (open offers of two salespeople for one customer)
OPEN_ALTERNATIVES_PER_CUSTOMER = 0.012
DECIDED_ALTERNATIVES_PER_CUSTOMER = 0.004
SUBPROJECT_GROUPS_PER_CUSTOMER = 0.01
CONFLICTS_PER_CUSTOMER = 0.004


def _sales_projects_by_customer(
    first_id: int, last_id: int
) -> list[tuple[int, list[int], list[str]]]:
    """(customer, project ids, outcomes) of the seeded sales-process projects of every customer
    with at least two of them, in one query."""
    from sales.models import Phase, Process, SalesProject

    with connection.cursor() as cur:
        cur.execute(
            f"""SELECT p.customer_id, array_agg(p.id ORDER BY p.id),
                       array_agg(ph.outcome ORDER BY p.id)
                  FROM {SalesProject._meta.db_table} p
                  JOIN {Phase._meta.db_table} ph ON ph.id = p.phase_id
                  JOIN {Process._meta.db_table} pr ON pr.id = p.process_id
                 WHERE p.id BETWEEN %s AND %s AND pr.kind = 'sales'
                 GROUP BY p.customer_id HAVING count(*) >= 2 ORDER BY p.customer_id""",  # noqa: S608
            [first_id, last_id],
        )
        return cur.fetchall()


def _update_from_arrays(column: str, ids: list[int], values: list, cast: str) -> None:
    from sales.models import SalesProject

    if ids:
        with connection.cursor() as cur:
            cur.execute(
                f"""UPDATE {SalesProject._meta.db_table} p SET {column} = v.value
                      FROM unnest(%s::bigint[], %s::{cast}[]) AS v(id, value) WHERE p.id = v.id""",  # noqa: S608
                [ids, values],
            )


def seed_groups(ctx: SeedContext, *, project_ids: list[int]) -> tuple[int, int]:
    """Groups of both built-in types over the seeded projects of single customers, and a few
    competing offers; returns (groups, conflicts). Everything in a handful of statements."""
    from sales.models import GroupType, ProjectGroup, SalesProject
    from sales.services import (
        competition_refresh,
        group_rollup_refresh,
        group_types_ensure,
        lost_reason_alternative_won,
    )

    if not project_ids:
        return 0, 0
    rng = ctx.rng
    types = group_types_ensure()
    candidates = _sales_projects_by_customer(min(project_ids), max(project_ids))
    rng.shuffle(candidates)
    open_alts, decided_alts, subprojects, conflicts = [], [], [], []
    wanted = {
        "open": ctx.scaled(OPEN_ALTERNATIVES_PER_CUSTOMER, minimum=3),
        "decided": ctx.scaled(DECIDED_ALTERNATIVES_PER_CUSTOMER, minimum=1),
        "sub": ctx.scaled(SUBPROJECT_GROUPS_PER_CUSTOMER, minimum=2),
        "conflict": ctx.scaled(CONFLICTS_PER_CUSTOMER, minimum=3),
    }
    for customer_id, ids, outcomes in candidates:
        opens = [pk for pk, outcome in zip(ids, outcomes, strict=True) if outcome == "open"]
        won = [pk for pk, outcome in zip(ids, outcomes, strict=True) if outcome == "won"]
        lost = [pk for pk, outcome in zip(ids, outcomes, strict=True) if outcome == "lost"]
        if len(opens) >= 2 and len(open_alts) < wanted["open"]:
            open_alts.append((customer_id, opens[: rng.randint(2, 3)]))
        elif won and lost and len(decided_alts) < wanted["decided"]:
            decided_alts.append((customer_id, [won[0], *lost[:2]]))
        elif len(opens) >= 2 and len(conflicts) < wanted["conflict"]:
            conflicts.append(opens[-1])
        elif len(subprojects) < wanted["sub"]:
            subprojects.append((customer_id, ids[: rng.randint(2, 4)]))
        if all(
            len(found) >= wanted[key]
            for key, found in (
                ("open", open_alts),
                ("decided", decided_alts),
                ("sub", subprojects),
                ("conflict", conflicts),
            )
        ):
            break

    from customers.models import Customer

    names = dict(
        Customer.objects.filter(
            pk__in=[c for c, _ids in open_alts + decided_alts + subprojects]
        ).values_list("pk", "name")
    )
    labels = GROUP_LABELS_DE if seeding_in_german() else GROUP_LABELS
    plans = [
        (types[GroupType.ALTERNATIVES_KEY], labels["alternatives"], c, ids)
        for c, ids in open_alts + decided_alts
    ] + [
        (types[GroupType.SUBPROJECTS_KEY], labels["subprojects"], c, ids) for c, ids in subprojects
    ]
    groups = ProjectGroup.objects.bulk_create(
        ProjectGroup(name=f"{label}: {names.get(c, c)}"[:200], type=group_type, created_by=None)
        for group_type, label, c, _ids in plans
    )
    member_ids, member_groups = [], []
    for group, (_type, _label, _c, ids) in zip(groups, plans, strict=True):
        member_ids += ids
        member_groups += [group.pk] * len(ids)
    _update_from_arrays("group_id", member_ids, member_groups, "bigint")
    # decided alternatives: the others were closed when one was won
    reason = lost_reason_alternative_won()
    closed = [pk for _c, ids in decided_alts for pk in ids[1:]]
    _update_from_arrays("lost_reason_id", closed, [reason.pk] * len(closed), "bigint")
    # a few grouped alternatives are offers of two salespeople (that is why they are alternatives),
    # and the competing offers: another salesperson's open offer for the same customer
    user_ids = [u.pk for u in ctx.made.get("users", [])] or [None]
    rivals = [ids[-1] for _c, ids in open_alts if rng.random() < 0.3] + conflicts
    if len(user_ids) > 1:
        owner_of = dict(_owners(rivals))
        new_owners = [rng.choice([u for u in user_ids if u != owner_of.get(pk)]) for pk in rivals]
        _update_from_arrays("owner_id", rivals, new_owners, "bigint")
    group_rollup_refresh(group_ids=None)
    competition_refresh(customer_ids=None)
    with connection.cursor() as cur:  # the planner must know how few projects have a competitor
        cur.execute(f"ANALYZE {SalesProject._meta.db_table}")  # noqa: S608
        cur.execute(f"ANALYZE {ProjectGroup._meta.db_table}")  # noqa: S608
    return len(groups), len(conflicts)


def _owners(project_ids: list[int]):
    from sales.models import SalesProject

    return SalesProject.objects.filter(pk__in=project_ids).values_list("pk", "owner_id")
