"""Sample activity history for seed_demo (order 40): a year of calls, meetings, e-mails, notes and
tasks by the customers' and projects' owners, plus the system entries of the seeded project history,
conversions and new customers. People's entries go in with COPY, system entries with INSERT ... SELECT,
so the large tenant's million rows take about a minute."""

from __future__ import annotations

import datetime
from bisect import bisect

from django.db import connection
from django.utils import timezone

from crm.lib.seeding import SeedContext

PER_CUSTOMER = 10  # the large tenant: 100,000 customers -> 1,000,000 activities
SYSTEM_SHARE = 0.35  # at most this share of them recorded by the system, the newest history first
DAYS = 365

# kind, weight, subjects, duration range in minutes (None: no duration)
HUMAN = [
    ("call", 34, ["Follow-up call", "Clarified requirements", "Called about the offer", "Short check-in",
                  "Discussed delivery dates", "Price negotiation by phone", "Reached voicemail"], (5, 40)),
    ("email", 24, ["Sent offer", "Sent product documentation", "Answered questions", "Sent meeting notes",
                   "Sent revised quote", "Newsletter follow-up"], None),
    ("meeting", 12, ["On-site visit", "Product demo", "Kick-off meeting", "Quarterly review", "Trade fair meeting",
                     "Workshop with the buying team"], (30, 180)),
    ("note", 13, ["Budget approved for next year", "New purchasing manager", "Competitor is active here",
                  "Prefers e-mail contact", "Decision expected next month"], None),
    ("task", 11, ["Send offer", "Call back", "Prepare demo", "Check credit limit", "Invite to event",
                  "Update contact data"], None),
    ("other", 6, ["Christmas card", "Event invitation sent", "Reference visit arranged"], None),
]
TEXTS = ["", "", "", "Customer is interested, wants numbers by Friday.", "Asked for a discount of 5 %.",
         "Technical questions answered; next step: demo.", "No decision yet, call again in two weeks.",
         "Very positive conversation.", "They compare us with two competitors."]
COLUMNS = ("id", "kind", "subject", "text", "occurred_at", "duration_minutes", "employee_id", "customer_id",
           "project_id", "show_on_customer", "due_date", "done_at", "is_system", "payload", "created_at", "updated_at")


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


def _tables() -> dict[str, str]:
    from activity.models import Activity
    from customers.models import ContactPerson, Customer
    from sales.models import LostReason, Phase, PhaseChange, Process, SalesProject

    schema = connection.schema_name
    models = {"activity": Activity, "customer": Customer, "contact": ContactPerson, "project": SalesProject,
              "phase": Phase, "change": PhaseChange, "process": Process, "reason": LostReason,
              "through": Activity.contacts.through}
    return {key: f'"{schema}"."{model._meta.db_table}"' for key, model in models.items()}


def seed_activities(ctx: SeedContext) -> None:
    """A year of history spread over employees, customers, projects and types."""
    from activity.models import Activity
    from crm.models import User
    from customers.models import ContactPerson, Customer
    from sales.models import SalesProject

    t = _tables()
    users = ctx.made.get("users") or list(User.objects.filter(is_active=True))
    user_ids = [u.pk for u in users]
    customers = list(Customer.objects.order_by().values_list("id", "owner_id", "created_at").iterator(chunk_size=20_000))
    if not customers or not user_ids:
        return
    now = timezone.now()
    start = now - datetime.timedelta(days=DAYS)
    total = ctx.scaled(PER_CUSTOMER, minimum=50)

    n_system = _insert_system_entries(t, budget=int(total * SYSTEM_SHARE), since=start)
    n_human = total - n_system

    contacts_of: dict[int, list[int]] = ctx.made.get("contacts_by_customer") or {}
    if not contacts_of:
        for pk, customer_id in ContactPerson.objects.order_by().values_list("id", "customer_id").iterator(chunk_size=20_000):
            contacts_of.setdefault(customer_id, []).append(pk)
    projects_of: dict[int, list[tuple[int, int | None, datetime.datetime]]] = {}
    for pk, customer_id, owner_id, created in (
        SalesProject.objects.order_by().values_list("id", "customer_id", "owner_id", "created_at").iterator(chunk_size=20_000)
    ):
        projects_of.setdefault(customer_id, []).append((pk, owner_id, created))

    rng = ctx.rng
    today = timezone.localdate()
    first_id = _reserve_ids(f"{connection.schema_name}.{Activity._meta.db_table}", n_human)
    links: list[tuple[int, int]] = []
    kinds = [h[0] for h in HUMAN]
    cumulative, acc = [], 0
    for h in HUMAN:
        acc += h[1]
        cumulative.append(acc)
    by_kind = {h[0]: h for h in HUMAN}

    def when(created: datetime.datetime | None) -> datetime.datetime:
        # business hours on weekdays, after the record existed
        low = max(start, created) if created else start
        moment = low + datetime.timedelta(seconds=rng.random() * max(3600.0, (now - low).total_seconds()))
        local = timezone.localtime(moment)
        if local.weekday() >= 5:
            local -= datetime.timedelta(days=local.weekday() - 4)
        local = local.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 10, 15, 20, 30, 40, 45, 50)),
                              second=0, microsecond=0)
        return min(local, now)

    def human_rows():
        for i in range(n_human):
            pk = first_id + i
            customer_id, owner_id, created = customers[rng.randrange(len(customers))]
            kind = kinds[bisect(cumulative, rng.random() * acc)]
            _k, _w, subjects, duration = by_kind[kind]
            employee_id = owner_id if owner_id and rng.random() < 0.8 else rng.choice(user_ids)
            occurred = when(created)
            project_id = None
            if customer_id in projects_of and rng.random() < 0.45:
                # only a project that existed then; the time stays spread evenly over the year
                project_id, project_owner, project_created = rng.choice(projects_of[customer_id])
                if project_created and project_created > occurred:
                    project_id = None
                elif project_owner and rng.random() < 0.7:
                    employee_id = project_owner
            due = done = None
            if kind == "task":
                due = timezone.localtime(occurred).date() + datetime.timedelta(days=rng.randint(1, 21))
                if due < today and rng.random() < 0.88:
                    done = min(now, occurred + datetime.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 6)))
            contact_ids = contacts_of.get(customer_id)
            if contact_ids and kind != "note" and rng.random() < 0.55:
                links.append((pk, rng.choice(contact_ids)))
            yield (
                pk, kind, rng.choice(subjects), rng.choice(TEXTS), occurred,
                rng.randint(*duration) if duration else None, employee_id, customer_id, project_id,
                project_id is None or rng.random() < 0.8, due, done, False, "{}", occurred, occurred,
            )

    _copy(t["activity"], COLUMNS, human_rows())
    _copy(t["through"], ("activity_id", "contactperson_id"), iter(links))
    _update_last_activity(t)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {t['activity']}")
        cur.execute(f"ANALYZE {t['through']}")
    ctx.made["activity_count"] = n_human + n_system
    ctx.stdout(f"activities: {n_human} logged by people, {n_system} recorded by the system, "
               f"{len(links)} contact links")


def _insert_system_entries(t: dict[str, str], *, budget: int, since: datetime.datetime) -> int:
    """System entries of the seeded history of the last year, at most about ``budget``: project created
    and phase changes (from the projects' phase history), won and lost, leads converted, customers
    created. When the history is larger, a share of the projects (and customers) is taken whole, so
    the entries stay spread over the year and a project's timeline stays complete."""
    if budget <= 0:
        return 0
    # Only identifiers from the models' own metadata are formatted in; values go as parameters.
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT count(*) FROM {t['change']} c WHERE c.changed_at >= %(since)s), "  # noqa: S608
            f"(SELECT count(*) FROM {t['change']} c JOIN {t['phase']} f ON f.id = c.to_phase_id "
            f"WHERE c.changed_at >= %(since)s AND f.outcome IN ('won', 'lost')), "
            f"(SELECT count(*) FROM {t['customer']} c WHERE c.created_at >= %(since)s), "
            f"(SELECT count(*) FROM {t['customer']} c WHERE c.converted_at >= %(since)s)",
            {"since": since},
        )
        changes, closings, created, converted = cur.fetchone()
    history = changes + closings
    per_mille = min(1000, int(1000 * budget * 0.8 / history)) if history else 0
    changes_sql = f"""
        WITH pc AS (
            SELECT c.project_id, c.from_phase_id, c.to_phase_id, c.user_id, c.changed_at
            FROM {t['change']} c WHERE c.changed_at >= %(since)s AND c.project_id %% 1000 < %(per_mille)s
        )
        INSERT INTO {t['activity']} (kind, subject, text, occurred_at, employee_id, customer_id, project_id,
                                     show_on_customer, is_system, payload, created_at, updated_at)
        SELECT CASE WHEN pc.from_phase_id IS NULL THEN 'project_created' ELSE 'phase_changed' END, '', '',
               pc.changed_at, pc.user_id, p.customer_id, p.id, pc.from_phase_id IS NULL, true,
               CASE WHEN pc.from_phase_id IS NULL
                    THEN jsonb_build_object('project', p.title, 'phase', tp.name, 'process', pr.name)
                    ELSE jsonb_build_object('project', p.title, 'from_phase', fp.name, 'to_phase', tp.name,
                                            'from_phase_id', fp.id, 'to_phase_id', tp.id) END,
               pc.changed_at, pc.changed_at
        FROM pc JOIN {t['project']} p ON p.id = pc.project_id JOIN {t['phase']} tp ON tp.id = pc.to_phase_id
             JOIN {t['process']} pr ON pr.id = p.process_id LEFT JOIN {t['phase']} fp ON fp.id = pc.from_phase_id
        UNION ALL
        SELECT tp.outcome, '', '', pc.changed_at, pc.user_id, p.customer_id, p.id, true, true,
               CASE WHEN tp.outcome = 'won' THEN jsonb_build_object('project', p.title, 'volume', p.volume::text)
                    ELSE jsonb_build_object('project', p.title, 'reason', coalesce(lr.name, '')) END,
               pc.changed_at, pc.changed_at
        FROM pc JOIN {t['project']} p ON p.id = pc.project_id JOIN {t['phase']} tp ON tp.id = pc.to_phase_id
             LEFT JOIN {t['reason']} lr ON lr.id = p.lost_reason_id
        WHERE tp.outcome IN ('won', 'lost')
    """  # noqa: S608
    customers_sql = f"""
        INSERT INTO {t['activity']} (kind, subject, text, occurred_at, employee_id, customer_id, show_on_customer,
                                     is_system, payload, created_at, updated_at)
        SELECT e.kind, '', '', e.at, e.user_id, e.id, true, true, jsonb_build_object('customer', e.name), e.at, e.at
        FROM (
            SELECT 'customer_created' AS kind, c.created_at AS at, c.created_by_id AS user_id, c.id, c.name
            FROM {t['customer']} c WHERE c.created_at >= %(since)s
            UNION ALL
            SELECT 'lead_converted', c.converted_at, c.converted_by_id, c.id, c.name
            FROM {t['customer']} c WHERE c.converted_at >= %(since)s
        ) e WHERE e.id %% 1000 < %(per_mille)s
    """  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(changes_sql, {"since": since, "per_mille": per_mille})
        written = cur.rowcount
        rest = budget - written
        if rest > 0 and created + converted:
            cur.execute(customers_sql, {"since": since,
                                        "per_mille": min(1000, int(1000 * rest / (created + converted)))})
            written += cur.rowcount
    return written


def _update_last_activity(t: dict[str, str]) -> None:
    """Customers' and contact persons' "last activity" from people's entries, in one UPDATE each."""
    touching = "a.is_system = false AND (a.kind <> 'task' OR a.done_at IS NOT NULL)"
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {t['customer']} c SET last_activity_at = m.at "  # noqa: S608
            f"FROM (SELECT a.customer_id, max(coalesce(a.done_at, a.occurred_at)) AS at FROM {t['activity']} a "
            f"WHERE a.customer_id IS NOT NULL AND {touching} GROUP BY a.customer_id) m "
            "WHERE c.id = m.customer_id AND (c.last_activity_at IS NULL OR c.last_activity_at < m.at)"
        )
        cur.execute(
            f"UPDATE {t['contact']} p SET last_activity_at = m.at "  # noqa: S608
            f"FROM (SELECT l.contactperson_id, max(coalesce(a.done_at, a.occurred_at)) AS at "
            f"FROM {t['through']} l JOIN {t['activity']} a ON a.id = l.activity_id WHERE {touching} "
            "GROUP BY l.contactperson_id) m "
            "WHERE p.id = m.contactperson_id AND (p.last_activity_at IS NULL OR p.last_activity_at < m.at)"
        )
