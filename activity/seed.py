"""Sample activity history for seed_demo: a year of calls, meetings, e-mails, notes and tasks, plus
the system entries of the seeded projects; written with COPY so a million rows take about a minute."""

from __future__ import annotations

import datetime
import json
from bisect import bisect

from django.db import connection
from django.utils import timezone

from crm.lib.seeding import SeedContext

PER_CUSTOMER = 10  # the large tenant: 100,000 customers -> 1,000,000 activities
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


def seed_activities(ctx: SeedContext) -> None:
    """A year of history spread over employees, customers, projects and types."""
    from activity.models import Activity
    from crm.models import User
    from customers.models import ContactPerson, Customer
    from sales.models import SalesProject

    rng = ctx.rng
    schema = connection.schema_name
    table = f'"{schema}"."{Activity._meta.db_table}"'
    through = f'"{schema}"."{Activity.contacts.through._meta.db_table}"'
    users = ctx.made.get("users") or list(User.objects.filter(is_active=True))
    user_ids = [u.pk for u in users]
    names = {u.pk: str(u) for u in users}
    if not user_ids:
        return
    customers = list(Customer.objects.order_by().values_list("id", "owner_id"))
    if not customers:
        return
    contacts_of: dict[int, list[int]] = {}
    for pk, customer_id in ContactPerson.objects.order_by().values_list("id", "customer_id").iterator(chunk_size=20_000):
        contacts_of.setdefault(customer_id, []).append(pk)
    projects = list(
        SalesProject.objects.order_by().values_list(
            "id", "customer_id", "owner_id", "title", "created_at", "closed_at", "phase__name", "phase__outcome",
            "process__name", "volume",
        ).iterator(chunk_size=20_000)
    )
    projects_of: dict[int, list[int]] = {}
    project_owner: dict[int, int | None] = {}
    for p in projects:
        projects_of.setdefault(p[1], []).append(p[0])
        project_owner[p[0]] = p[2]

    now = timezone.now()
    today = timezone.localdate()
    start = now - datetime.timedelta(days=DAYS)
    total = ctx.scaled(PER_CUSTOMER, minimum=50)
    closed = [p for p in projects if p[5] is not None and p[7] in ("won", "lost")]
    n_system = min(len(projects) + len(closed), total // 3)
    n_human = max(0, total - n_system)

    first_id = _reserve_ids(f"{schema}.{Activity._meta.db_table}", n_human + n_system)
    links: list[tuple[int, int]] = []

    def when(created: datetime.datetime | None) -> datetime.datetime:
        # business hours on weekdays, after the record existed
        low = max(start, created) if created else start
        span = max(60.0, (now - low).total_seconds())
        moment = low + datetime.timedelta(seconds=rng.random() * span)
        local = timezone.localtime(moment)
        if local.weekday() >= 5:
            local -= datetime.timedelta(days=local.weekday() - 4)
        local = local.replace(hour=rng.randint(8, 17), minute=rng.choice((0, 10, 15, 20, 30, 40, 45, 50)),
                              second=0, microsecond=0)
        return min(local, now)

    kinds = [h[0] for h in HUMAN]
    cumulative, acc = [], 0
    for h in HUMAN:
        acc += h[1]
        cumulative.append(acc)
    by_kind = {h[0]: h for h in HUMAN}

    def human_rows():
        for i in range(n_human):
            pk = first_id + i
            customer_id, owner_id = customers[rng.randrange(len(customers))]
            kind = kinds[bisect(cumulative, rng.random() * acc)]
            _k, _w, subjects, duration = by_kind[kind]
            project_id = None
            if customer_id in projects_of and rng.random() < 0.45:
                project_id = rng.choice(projects_of[customer_id])
            employee_id = owner_id if owner_id and rng.random() < 0.8 else rng.choice(user_ids)
            if project_id and project_owner.get(project_id) and rng.random() < 0.7:
                employee_id = project_owner[project_id]
            occurred = when(None)
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

    def system_rows():
        pk = first_id + n_human
        budget = n_system
        for p in projects:
            if budget <= 0:
                return
            project_id, customer_id, owner_id, title, created, closed_at, phase, outcome, process, volume = p
            at = min(created, now) if created else when(None)
            yield (pk, "project_created", "", "", at, None, owner_id, customer_id, project_id, True, None, None,
                   True, json.dumps({"project": title, "phase": phase, "process": process}), at, at)
            pk += 1
            budget -= 1
            if budget > 0 and closed_at is not None and outcome in ("won", "lost"):
                payload = {"project": title, "volume": str(volume)} if outcome == "won" else {"project": title, "reason": ""}
                yield (pk, outcome, "", "", closed_at, None, owner_id, customer_id, project_id, True, None, None,
                       True, json.dumps(payload), closed_at, closed_at)
                pk += 1
                budget -= 1
        # fewer projects than planned: fill with people's entries is not needed, ids just stay unused

    _copy(table, COLUMNS, human_rows())
    _copy(table, COLUMNS, system_rows())
    _copy(through, ("activity_id", "contactperson_id"), iter(links))
    _update_last_activity(schema=schema)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {table}")
    ctx.made["activity_count"] = n_human + n_system
    ctx.stdout(f"activities: {n_human} logged by people, up to {n_system} system entries, {len(links)} contact links "
               f"({len(names)} employees)")


def _update_last_activity(*, schema: str) -> None:
    """Customers' (and contact persons') "last activity" from people's entries, in one UPDATE each."""
    from activity.models import Activity
    from customers.models import ContactPerson, Customer

    activity = f'"{schema}"."{Activity._meta.db_table}"'
    through = f'"{schema}"."{Activity.contacts.through._meta.db_table}"'
    touching = "a.is_system = false AND (a.kind <> 'task' OR a.done_at IS NOT NULL)"
    # Only identifiers from the models' own metadata are formatted in, never input: S608 is moot.
    with connection.cursor() as cur:
        if any(f.name == "last_activity_at" for f in Customer._meta.get_fields()):
            cur.execute(
                f'UPDATE "{schema}"."{Customer._meta.db_table}" c SET last_activity_at = m.at '  # noqa: S608
                f"FROM (SELECT a.customer_id, max(coalesce(a.done_at, a.occurred_at)) AS at FROM {activity} a "
                f"WHERE a.customer_id IS NOT NULL AND {touching} GROUP BY a.customer_id) m "
                "WHERE c.id = m.customer_id AND (c.last_activity_at IS NULL OR c.last_activity_at < m.at)"
            )
        if any(f.name == "last_activity_at" for f in ContactPerson._meta.get_fields()):
            cur.execute(
                f'UPDATE "{schema}"."{ContactPerson._meta.db_table}" p SET last_activity_at = m.at '  # noqa: S608
                f"FROM (SELECT l.contactperson_id, max(coalesce(a.done_at, a.occurred_at)) AS at "
                f"FROM {through} l JOIN {activity} a ON a.id = l.activity_id WHERE {touching} "
                "GROUP BY l.contactperson_id) m "
                "WHERE p.id = m.contactperson_id AND (p.last_activity_at IS NULL OR p.last_activity_at < m.at)"
            )
