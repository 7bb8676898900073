"""Sample processes and projects for seed_demo (seeder order 30).

Written with COPY: 250,000 projects and their phase history take well under a minute.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from crm.lib.seeding import SeedContext

PROJECTS_PER_CUSTOMER = 2.5  # the large tenant: 100,000 customers -> 250,000 projects
DAYS = 420

# (name, kind, order, share of projects, volume median, phases: (name, probability, outcome, yellow, red))
EXTRA_PROCESSES = [
    ("Service contracts", "sales", 20, 0.22, 6_000, [
        ("Request", 10, "open", 7, 21), ("Proposal", 40, "open", 10, 30), ("Negotiation", 70, "open", 7, 21),
        ("Signed", 100, "won", None, None), ("Declined", 0, "lost", None, None),
    ]),
    ("Purchasing", "other", 90, 0.08, 9_000, [
        ("Need identified", 20, "open", 14, 45), ("Supplier requests", 40, "open", 14, 30),
        ("Comparing offers", 60, "open", 10, 21), ("Ordered", 100, "won", None, None),
        ("Cancelled", 0, "lost", None, None),
    ]),
]
MAIN_SHARE, MAIN_MEDIAN = 0.70, 25_000

PRODUCTS = ["CNC milling centre", "Conveyor system", "Packaging line", "Pump set", "Control cabinet",
            "Robot cell", "Laser cutter", "Hydraulic press", "Spare parts framework", "Retrofit",
            "Maintenance contract", "Training package", "Software licences", "Measuring station",
            "Compressor", "Cooling system", "Warehouse racking", "Forklift fleet", "Energy audit",
            "Safety fencing", "Welding robots", "Test bench", "Filtration unit", "Service hotline"]
SUFFIX = ["", "", "2026", "phase 2", "extension", "replacement", "new site", "pilot", "upgrade"]

PROJECT_COLUMNS = ("id", "customer_id", "process_id", "phase_id", "owner_id", "title", "volume", "probability",
                   "probability_overridden", "expected_order_date", "description", "phase_entered_at", "closed_at",
                   "lost_reason_id", "version", "created_at", "updated_at", "created_by_id")
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
        process, created = Process.objects.get_or_create(name=name, defaults={"kind": kind, "order": order})
        if created:
            Phase.objects.bulk_create(
                Phase(process=process, name=n, probability=p, outcome=o, yellow_days=y, red_days=r, order=(i + 1) * 10)
                for i, (n, p, o, y, r) in enumerate(phases)
            )
        processes.append((process, share, median))
    return processes


def seed_projects(ctx: SeedContext, *, processes: list, customers: list[tuple[int, int | None]], total: int,
                  title_prefix: str = "") -> list[int]:
    """``total`` projects over ``processes`` [(process, share, median volume)] and ``customers``
    [(id, owner_id)], spread over phases and owners, with their phase history; returns their ids."""
    from sales.models import LostReason, PhaseChange, SalesProject

    rng = ctx.rng
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
    now = timezone.now()
    today = timezone.localdate()
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
            owner_id = customer_owner if customer_owner and rng.random() < 0.8 else rng.choice(user_ids or [None])
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
            moments = sorted(created + (now - created) * rng.random() for _ in range(len(steps) - 1))
            moments = [created, *moments]
            if outcome_phase.outcome == "open" and len(moments) > 1:
                # open projects mostly moved recently; a few sit too long (the yellow and red dots)
                recent = now - datetime.timedelta(days=rng.expovariate(1 / 12))
                moments[-1] = max(moments[-2], min(moments[-1], recent))
            elif outcome_phase.outcome == "open":
                created = moments[0] = max(created, now - datetime.timedelta(days=rng.expovariate(1 / 15)))
            entered = moments[-1]
            closed = entered if outcome_phase.outcome != "open" else None
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
            title = f"{title_prefix}{rng.choice(PRODUCTS)} {rng.choice(SUFFIX)}".strip()
            yield (pk, customer_id, process.pk, outcome_phase.pk, owner_id, title, volume, probability, False,
                   expected, "", entered, closed,
                   rng.choice(reasons) if outcome_phase.outcome == "lost" and reasons else None,
                   1, created, entered, owner_id)

    _copy(table, PROJECT_COLUMNS, rows())
    _copy(change_table, CHANGE_COLUMNS, iter(changes))
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {table}")
        cur.execute(f"ANALYZE {change_table}")
    return list(range(first_id, first_id + total))


def seed_sales(ctx: SeedContext) -> None:
    """Three processes (two sales, one purchasing) and projects spread over phases and owners."""
    from customers.models import Customer
    from sales.services import pipeline_cache_bump

    processes = seed_processes()
    customers = list(
        Customer.objects.filter(status=Customer.Status.CUSTOMER).order_by().values_list("id", "owner_id")
    )
    total = ctx.scaled(PROJECTS_PER_CUSTOMER, minimum=30) if customers else 0
    ids = seed_projects(ctx, processes=processes, customers=customers, total=total)
    pipeline_cache_bump()
    ctx.made["project_ids"] = ids
    ctx.stdout(f"projects: {len(ids)} in {len(processes)} processes")
