"""Sample processes, projects and project groups for seed_demo (seeder order 30).

Written with COPY and set-based UPDATEs: 250,000 projects, their phase history and a few thousand
groups take well under a minute.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from crm.lib.seeding import SeedContext, seeding_in_german
from sales.seed_words import (  # noqa: F401 - PRODUCTS_DE is also read by tests
    GROUP_LABELS,
    GROUP_LABELS_DE,
    PRODUCTS,
    PRODUCTS_DE,
    SUFFIX,
    SUFFIX_DE,
)

PROJECTS_PER_CUSTOMER = 2.5  # the large tenant: 100,000 customers -> 250,000 projects
DAYS = 420

# (name, kind, order, share of projects, volume median, phases: (name, probability, outcome, yellow, red))
EXTRA_PROCESSES = [
    (
        gettext_lazy("Service contracts"),
        "sales",
        20,
        0.22,
        6_000,
        [
            (gettext_lazy("Request"), 10, "open", 7, 21),
            (gettext_lazy("Proposal"), 40, "open", 10, 30),
            (gettext_lazy("Negotiation"), 70, "open", 7, 21),
            (gettext_lazy("Signed"), 100, "won", None, None),
            (gettext_lazy("Declined"), 0, "lost", None, None),
        ],
    ),
    (
        gettext_lazy("Purchasing"),
        "other",
        90,
        0.08,
        9_000,
        [
            (gettext_lazy("Need identified"), 20, "open", 14, 45),
            (gettext_lazy("Supplier requests"), 40, "open", 14, 30),
            (gettext_lazy("Comparing offers"), 60, "open", 10, 21),
            (gettext_lazy("Ordered"), 100, "won", None, None),
            (gettext_lazy("Cancelled"), 0, "lost", None, None),
        ],
    ),
]
MAIN_SHARE, MAIN_MEDIAN = 0.70, 25_000


def _titles() -> tuple[list[str], list[str]]:
    return (PRODUCTS_DE, SUFFIX_DE) if seeding_in_german() else (PRODUCTS, SUFFIX)


PROJECT_COLUMNS = (
    "id",
    "customer_id",
    "process_id",
    "phase_id",
    "owner_id",
    "title",
    "volume",
    "probability",
    "probability_overridden",
    "expected_order_date",
    "description",
    "phase_entered_at",
    "closed_at",
    "lost_reason_id",
    "version",
    "created_at",
    "updated_at",
    "created_by_id",
)
CHANGE_COLUMNS = ("project_id", "from_phase_id", "to_phase_id", "user_id", "changed_at")


def _reserve_ids(table: str, n: int) -> int:
    """Take ``n`` ids from the table's sequence at once; returns the first."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        seq = cur.fetchone()[0]
        cur.execute("SELECT nextval(%s)", [seq])
        first = cur.fetchone()[0]
        if n > 1:
            cur.execute("SELECT setval(%s, %s)", [seq, first + n - 1])
    return first


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def seed_processes() -> list:
    """The default sales process plus a service process and a purchasing ("other") process."""
    from sales.models import Phase, Process
    from sales.services import process_create_default

    processes = [(process_create_default(), MAIN_SHARE, MAIN_MEDIAN)]
    for name, kind, order, share, median, phases in EXTRA_PROCESSES:
        process, created = Process.objects.get_or_create(
            name=str(name), defaults={"kind": kind, "order": order}
        )
        if created:
            Phase.objects.bulk_create(
                Phase(
                    process=process,
                    name=str(n),
                    probability=p,
                    outcome=o,
                    yellow_days=y,
                    red_days=r,
                    order=(i + 1) * 10,
                )
                for i, (n, p, o, y, r) in enumerate(phases)
            )
        processes.append((process, share, median))
    return processes


def seed_projects(
    ctx: SeedContext,
    *,
    processes: list,
    customers: list[tuple[int, int | None]],
    total: int,
    title_prefix: str = "",
) -> list[int]:
    """``total`` projects over ``processes`` [(process, share, median volume)] and ``customers``
    [(id, owner_id)], spread over phases and owners, with their phase history; returns their ids."""
    from sales.models import LostReason, PhaseChange, SalesProject

    rng = ctx.rng
    products, suffixes = _titles()
    if not customers or total <= 0:
        return []
    schema = connection.schema_name
    table = f'"{schema}"."{SalesProject._meta.db_table}"'
    change_table = f'"{schema}"."{PhaseChange._meta.db_table}"'
    user_ids = [u.pk for u in ctx.made.get("users", [])]
    if not user_ids:
        from crm.models import User

        user_ids = list(User.objects.filter(is_active=True).values_list("pk", flat=True))
    reasons = list(LostReason.objects.values_list("pk", flat=True))
    now, today = ctx.now, ctx.today
    first_id = _reserve_ids(f"{schema}.{SalesProject._meta.db_table}", total)
    changes: list[tuple] = []

    plan = []
    for process, share, median in processes:
        phases = list(process.phases.order_by("order", "id"))
        opens = [p for p in phases if p.outcome == "open"]
        won = [p for p in phases if p.outcome == "won"]
        lost = [p for p in phases if p.outcome == "lost"]
        plan.append((process, share, median, opens, won, lost))
    weights = [p[1] for p in plan]

    def rows():
        for i in range(total):
            pk = first_id + i
            process, _share, median, opens, won, lost = rng.choices(plan, weights)[0]
            customer_id, customer_owner = customers[rng.randrange(len(customers))]
            owner_id = (
                customer_owner
                if customer_owner and rng.random() < 0.8
                else rng.choice(user_ids or [None])
            )
            created = now - datetime.timedelta(days=rng.random() * DAYS, hours=rng.random() * 8)
            roll = rng.random()
            if roll < 0.22 and won:
                outcome_phase, path = won[0], opens[: rng.randint(1, len(opens))] if opens else []
            elif roll < 0.42 and lost:
                outcome_phase, path = lost[0], opens[: rng.randint(1, len(opens))] if opens else []
            else:
                # open projects thin out towards the later phases
                depth = min(len(opens) - 1, int(rng.expovariate(0.9))) if opens else 0
                outcome_phase, path = (opens[depth], opens[:depth]) if opens else (won[0], [])
            steps = [*path, outcome_phase]
            moments = sorted(
                created + (now - created) * rng.random() for _ in range(len(steps) - 1)
            )
            moments = [created, *moments]
            if outcome_phase.outcome == "open" and len(moments) > 1:
                # open projects mostly moved recently; a few sit too long (the yellow and red dots)
                recent = now - datetime.timedelta(days=rng.expovariate(1 / 12))
                moments[-1] = max(moments[-2], min(moments[-1], recent))
            elif outcome_phase.outcome == "open":
                created = moments[0] = max(
                    created, now - datetime.timedelta(days=rng.expovariate(1 / 15))
                )
            entered = moments[-1]
            closed = entered if outcome_phase.outcome != "open" else None
            if outcome_phase.outcome == "open" and process.kind == "sales":
                # One salesperson per customer for open offers: competing offers are made on purpose
                # (and only a few) by seed_groups.
                owner_id = customer_owner or (
                    user_ids[customer_id % len(user_ids)] if user_ids else None
                )
            for step, (phase, at) in enumerate(zip(steps, moments, strict=True)):
                changes.append((pk, steps[step - 1].pk if step else None, phase.pk, owner_id, at))
            if outcome_phase.outcome == "won":
                probability = 100
            elif outcome_phase.outcome == "lost":
                probability = 0
            else:
                probability = outcome_phase.probability
            volume = Decimal(max(100, round(rng.lognormvariate(0, 0.9) * median, -2)))
            if closed:
                expected = timezone.localtime(closed).date()
            else:
                expected = today + datetime.timedelta(days=rng.randint(-25, 200))
            title = f"{title_prefix}{rng.choice(products)} {rng.choice(suffixes)}".strip()
            yield (
                pk,
                customer_id,
                process.pk,
                outcome_phase.pk,
                owner_id,
                title,
                volume,
                probability,
                False,
                expected,
                "",
                entered,
                closed,
                rng.choice(reasons) if outcome_phase.outcome == "lost" and reasons else None,
                1,
                created,
                entered,
                owner_id,
            )

    _copy(table, PROJECT_COLUMNS, rows())
    _copy(change_table, CHANGE_COLUMNS, iter(changes))
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {table}")
        cur.execute(f"ANALYZE {change_table}")
    return list(range(first_id, first_id + total))


# weight of each phase of the default lead process, in its order (New lead, Contacted, Follow-up
# later, Qualified, Converted, Disqualified: names differ by language); further phases get 5
LEAD_WEIGHTS = [28, 27, 10, 10, 10, 15]
LEADS_PER_CUSTOMER = 0.2


def seed_leads(
    ctx: SeedContext,
    *,
    leads: list[tuple[int, int | None]],
    customers: list[tuple[int, int | None]],
    total: int,
) -> list[int]:
    """Lead projects in every phase of the default lead process: open, parked and lost ones on
    leads, qualified and converted ones on customers (converted on the day they got there)."""
    from customers.models import Customer
    from sales.models import LostReason, PhaseChange, SalesProject
    from sales.services import process_create_default_lead

    rng = ctx.rng
    products, _suffixes = _titles()
    lead_word = "Interessent" if products is PRODUCTS_DE else "lead"
    process = process_create_default_lead()
    phases = list(process.phases.order_by("order", "id"))
    if not phases or not leads or total <= 0:
        return []
    schema = connection.schema_name
    table = f'"{schema}"."{SalesProject._meta.db_table}"'
    change_table = f'"{schema}"."{PhaseChange._meta.db_table}"'
    reasons = list(LostReason.objects.values_list("pk", flat=True))
    user_ids = [u.pk for u in ctx.made.get("users", [])] or [None]
    weights = [LEAD_WEIGHTS[i] if i < len(LEAD_WEIGHTS) else 5 for i in range(len(phases))]
    plan = list(phases) + rng.choices(phases, weights, k=max(0, total - len(phases)))
    first_open = next(p for p in phases if p.outcome == "open" and not p.parks)
    now, today = ctx.now, ctx.today
    first_id = _reserve_ids(f"{schema}.{SalesProject._meta.db_table}", len(plan))
    lead_pool = leads[:]
    rng.shuffle(lead_pool)
    converting = [p.pk for p in phases if p.qualifies_lead or p.outcome == "won"]
    changes, rows = [], []
    for i, phase in enumerate(plan):
        pk = first_id + i
        converts = phase.pk in converting
        if converts and customers:
            customer_id, owner = customers[rng.randrange(len(customers))]
        else:
            customer_id, owner = lead_pool[i % len(lead_pool)]
        owner = owner or rng.choice(user_ids)
        created = now - datetime.timedelta(days=rng.expovariate(1 / 60))
        entered = created if phase.pk == first_open.pk else created + (now - created) * rng.random()
        parked_until = return_phase = followup_due = None
        if phase.parks:
            parked_until = today + datetime.timedelta(days=rng.randint(1, 45))
            return_phase = next(
                (
                    p.pk
                    for p in phases
                    if p.outcome == "open" and not p.parks and p.pk != first_open.pk
                ),
                first_open.pk,
            )  # the second open phase (Contacted)
        elif phase.outcome == "open" and not converts and rng.random() < 0.03:
            followup_due = today  # came back from a follow-up today: its owner sees a reminder
        closed = entered if phase.outcome != "open" else None
        probability = {"won": 100, "lost": 0}.get(phase.outcome, phase.probability)
        volume = Decimal(max(0, round(rng.lognormvariate(0, 0.8) * 8000, -2)))
        rows.append(
            (
                pk,
                customer_id,
                process.pk,
                phase.pk,
                owner,
                f"{rng.choice(products)} ({lead_word})",
                volume,
                probability,
                False,
                None,
                "",
                entered,
                closed,
                rng.choice(reasons) if phase.outcome == "lost" and reasons else None,
                1,
                created,
                entered,
                owner,
                parked_until,
                return_phase,
                followup_due,
            )
        )
        changes.append((pk, None, first_open.pk, owner, created))
        if phase.pk != first_open.pk:
            changes.append((pk, first_open.pk, phase.pk, owner, entered))
    _copy(
        table,
        (*PROJECT_COLUMNS, "parked_until", "park_return_phase_id", "followup_due"),
        iter(rows),
    )
    _copy(change_table, CHANGE_COLUMNS, iter(changes))
    with connection.cursor() as cur:
        # the customers of qualified and converted lead projects were converted when they got there
        # (only our own schema and table names are formatted in; values are parameters)
        cur.execute(
            f"""UPDATE "{schema}"."{Customer._meta.db_table}" c
                   SET converted_at = p.phase_entered_at, converted_by_id = p.owner_id
                  FROM {table} p
                 WHERE p.customer_id = c.id AND p.id BETWEEN %s AND %s AND p.phase_id = ANY(%s)
                   AND c.status = 'customer'""",  # noqa: S608
            [first_id, first_id + len(plan) - 1, converting],
        )
    return list(range(first_id, first_id + len(plan)))


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
            f"""SELECT p.customer_id, array_agg(p.id ORDER BY p.id), array_agg(ph.outcome ORDER BY p.id)
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


def seed_sales(ctx: SeedContext) -> None:
    """Three processes (two sales, one purchasing), a lead process, and projects spread over
    phases and owners (about 2.5 per customer, leads included), with project groups of both types
    and a few competing offers."""
    from customers.models import Customer
    from sales.services import pipeline_cache_bump

    processes = seed_processes()
    customers = list(
        Customer.objects.filter(status=Customer.Status.CUSTOMER)
        .order_by()
        .values_list("id", "owner_id")
    )
    leads = list(
        Customer.objects.filter(status=Customer.Status.LEAD)
        .order_by()
        .values_list("id", "owner_id")
    )
    lead_total = min(len(leads), ctx.scaled(LEADS_PER_CUSTOMER, minimum=12)) if leads else 0
    total = max(0, ctx.scaled(PROJECTS_PER_CUSTOMER, minimum=30) - lead_total) if customers else 0
    ids = seed_projects(ctx, processes=processes, customers=customers, total=total)
    lead_ids = (
        seed_leads(ctx, leads=leads, customers=customers, total=max(lead_total, 12))
        if leads
        else []
    )
    n_groups, n_conflicts = seed_groups(ctx, project_ids=ids)
    pipeline_cache_bump()
    ctx.made["project_ids"] = ids + lead_ids
    ctx.stdout(
        gettext(
            "projects: %(projects)s in %(processes)s processes, %(leads)s leads; "
            "%(groups)s project groups, %(conflicts)s competing offers"
        )
        % {
            "projects": len(ids),
            "processes": len(processes),
            "leads": len(lead_ids),
            "groups": n_groups,
            "conflicts": n_conflicts,
        }
    )
