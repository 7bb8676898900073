"""Sample processes and projects for seed_demo (seeder order 30); project groups and competing
offers in sales.seed_groups.

Written with COPY and set-based UPDATEs: 250,000 projects, their phase history and a few thousand
groups take well under a minute.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from crm.lib.seeding import SeedContext, report_counts, seeding_in_german
from sales.seed_groups import seed_groups
from sales.seed_words import (  # noqa: F401 - PRODUCTS_DE is also read by tests
    PRODUCTS,
    PRODUCTS_DE,
    SUFFIX,
    SUFFIX_DE,
)

PROJECTS_PER_CUSTOMER = 2.5  # the large tenant: 100,000 customers -> 250,000 projects
DAYS = 420

# (name, kind, order, share of projects, volume median, phases: (name, probability, outcome, yellow,
# red))
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
        % report_counts(
            {
                "projects": len(ids),
                "processes": len(processes),
                "leads": len(lead_ids),
                "groups": n_groups,
                "conflicts": n_conflicts,
            }
        )
    )
