"""Sample activity history for seed_demo (order 40): a year of calls, meetings, e-mails, notes and
tasks by the customers' and projects' owners, plus the system entries of the seeded project history,
conversions and new customers. People's entries go in with COPY, system entries with INSERT ...
SELECT, so the large tenant's million rows take about a minute."""

from __future__ import annotations

import datetime
from bisect import bisect
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from activity.seed_words import HUMAN, HUMAN_DE, TEXTS, TEXTS_DE
from crm.lib.seeding import SeedContext, report_counts, seeding_in_german

BULK_LOAD_ROWS = 50_000  # from here on, build the indexes once after loading instead of row by row
PER_CUSTOMER = 10  # the large tenant: 100,000 customers -> 1,000,000 activities
SYSTEM_SHARE = 0.35  # at most this share of them recorded by the system, the newest history first
DAYS = 365

COLUMNS = (
    "id",
    "kind",
    "subject",
    "text",
    "occurred_at",
    "duration_minutes",
    "employee_id",
    "customer_id",
    "project_id",
    "show_on_customer",
    "due_date",
    "done_at",
    "is_system",
    "payload",
    "created_at",
    "updated_at",
)


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


def _copy_lines(table: str, columns: tuple[str, ...], lines, chunk: int = 20_000) -> None:
    """COPY ready-made text-format lines (the values are ours: no tabs, newlines or backslashes)."""
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            batch: list[str] = []
            for line in lines:
                batch.append(line)
                if len(batch) >= chunk:
                    copy.write("".join(batch))
                    batch = []
            if batch:
                copy.write("".join(batch))


@contextmanager
def _indexes_rebuilt_after(table: str, *, enabled: bool):
    """Drop the table's plain indexes and foreign keys, load, create them again: one index build and
    one join per key instead of work per row. Inside the caller's transaction, so a failure brings
    them back. The primary key and unique constraints stay."""
    if not enabled:
        yield
        return
    schema, name = (part.strip('"') for part in table.split("."))
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = i.schemaname "
            "JOIN pg_index x ON x.indexrelid = c.oid "
            "WHERE i.schemaname = %s AND i.tablename = %s "
            "AND NOT x.indisunique AND NOT x.indisprimary",
            [schema, name],
        )
        indexes = cur.fetchall()
        cur.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        keys = cur.fetchall()
        for key_name, _definition in keys:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{key_name}"')
        for index_name, _definition in indexes:
            cur.execute(f'DROP INDEX "{schema}"."{index_name}"')
    yield
    with connection.cursor() as cur:
        for _index_name, definition in indexes:
            cur.execute(definition)
        for key_name, definition in keys:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{key_name}" {definition}')


def _tables() -> dict[str, str]:
    from activity.models import Activity, DailyCount
    from customers.models import ContactPerson, Customer
    from sales.models import LostReason, Phase, PhaseChange, Process, SalesProject

    schema = connection.schema_name
    models = {
        "activity": Activity,
        "counts": DailyCount,
        "customer": Customer,
        "contact": ContactPerson,
        "project": SalesProject,
        "phase": Phase,
        "change": PhaseChange,
        "process": Process,
        "reason": LostReason,
        "through": Activity.contacts.through,
    }
    return {key: f'"{schema}"."{model._meta.db_table}"' for key, model in models.items()}


def seed_activities(ctx: SeedContext) -> None:
    """A year of history spread over employees, customers, projects and types."""
    from crm.models import User
    from customers.models import Customer

    t = _tables()
    users = ctx.made.get("users") or list(User.objects.filter(is_active=True))
    user_ids = [u.pk for u in users]
    customers = list(
        Customer.objects.order_by()
        .values_list("id", "owner_id", "created_at")
        .iterator(chunk_size=20_000)
    )
    if not customers or not user_ids:
        return
    now = ctx.now
    start = now - datetime.timedelta(days=DAYS)
    total = ctx.scaled(PER_CUSTOMER, minimum=50)
    bulk = total >= BULK_LOAD_ROWS
    with (
        transaction.atomic(),
        _indexes_rebuilt_after(t["activity"], enabled=bulk),
        _indexes_rebuilt_after(t["through"], enabled=bulk),
    ):
        _seed(ctx, t, users=users, customers=customers, total=total, start=start, now=now)
    _update_last_activity(t)
    # VACUUM also sets the visibility map, which the summary's index-only scans rely on (a fresh
    # bulk load has none until autovacuum comes by); inside a transaction (tests) only ANALYZE runs.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cur:
        for table in (t["activity"], t["through"], t["counts"]):
            cur.execute(f"{command} {table}")


def _seed(
    ctx: SeedContext,
    t: dict[str, str],
    *,
    users: list,
    customers: list,
    total: int,
    start: datetime.datetime,
    now: datetime.datetime,
) -> None:
    from activity.models import Activity
    from customers.models import ContactPerson
    from sales.models import SalesProject

    user_ids = [u.pk for u in users]
    n_system = _insert_system_entries(t, budget=int(total * SYSTEM_SHARE), since=start)
    n_human = total - n_system

    contacts_of: dict[int, list[int]] = ctx.made.get("contacts_by_customer") or {}
    if not contacts_of:
        for pk, customer_id in (
            ContactPerson.objects.order_by()
            .values_list("id", "customer_id")
            .iterator(chunk_size=20_000)
        ):
            contacts_of.setdefault(customer_id, []).append(pk)
    projects_of: dict[int, list[tuple[int, int | None, datetime.datetime]]] = {}
    for pk, customer_id, owner_id, created in (
        SalesProject.objects.order_by()
        .values_list("id", "customer_id", "owner_id", "created_at")
        .iterator(chunk_size=20_000)
    ):
        projects_of.setdefault(customer_id, []).append((pk, owner_id, created))

    rng = ctx.rng
    today = ctx.today
    first_id = _reserve_ids(f"{connection.schema_name}.{Activity._meta.db_table}", n_human)
    links: list[str] = []
    human, texts = (HUMAN_DE, TEXTS_DE) if seeding_in_german() else (HUMAN, TEXTS)
    kinds = [h[0] for h in human]
    cumulative, acc = [], 0
    for h in human:
        acc += h[1]
        cumulative.append(acc)
    by_kind = {h[0]: h for h in human}

    # Weekdays of the year as local midnights: an entry picks one of them (after its customer
    # existed) and a business hour; formatting COPY's text lines by hand keeps a million rows quick.
    day = datetime.timedelta(days=1)
    first_day = timezone.localtime(start).date()
    days = [
        timezone.make_aware(datetime.datetime.combine(first_day + i * day, datetime.time.min))
        for i in range((today - first_day).days + 1)
        if (first_day + i * day).weekday() < 5
    ]
    minutes = (0, 10, 15, 20, 30, 40, 45, 50)

    def when(created: datetime.datetime | None) -> datetime.datetime:
        low = bisect(days, created) if created else 0
        moment = days[rng.randrange(low, len(days)) if low < len(days) else -1]
        moment += datetime.timedelta(hours=rng.randint(8, 17), minutes=rng.choice(minutes))
        return moment if moment <= now else now

    def text(value) -> str:
        return "\\N" if value is None else str(value)

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
                due = occurred.date() + datetime.timedelta(days=rng.randint(1, 21))
                if due < today and rng.random() < 0.88:
                    done = min(
                        now,
                        occurred
                        + datetime.timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 6)),
                    )
            contact_ids = contacts_of.get(customer_id)
            if contact_ids and kind != "note" and rng.random() < 0.55:
                links.append(f"{pk}\t{rng.choice(contact_ids)}\n")
            at = occurred.isoformat()
            show = "t" if project_id is None or rng.random() < 0.8 else "f"
            minutes_spent = rng.randint(*duration) if duration else None
            yield (
                f"{pk}\t{kind}\t{rng.choice(subjects)}\t{rng.choice(texts)}\t{at}\t{text(minutes_spent)}\t"
                f"{employee_id}\t{customer_id}\t{text(project_id)}\t{show}\t{text(due)}\t"
                f"{text(done.isoformat() if done else None)}\tf\t{{}}\t{at}\t{at}\n"
            )

    _copy_lines(t["activity"], COLUMNS, human_rows())
    _copy_lines(t["through"], ("activity_id", "contactperson_id"), iter(links))
    ctx.made["activity_count"] = n_human + n_system
    ctx.stdout(
        gettext(
            "activities: %(human)s logged by people, %(system)s recorded by the system, "
            "%(links)s contact links"
        )
        % report_counts({"human": n_human, "system": n_system, "links": len(links)})
    )


def _insert_system_entries(t: dict[str, str], *, budget: int, since: datetime.datetime) -> int:
    """System entries of the seeded history of the last year, at most about ``budget``: project
    created and phase changes (from the projects' phase history), won and lost, leads converted,
    customers created. When the history is larger, a share of the projects (and customers) is taken
    whole, so the entries stay spread over the year and a project's timeline stays complete."""
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
            FROM {t["change"]} c
            WHERE c.changed_at >= %(since)s AND c.project_id %% 1000 < %(per_mille)s
        )
        INSERT INTO {t["activity"]} (kind, subject, text, occurred_at, employee_id, customer_id,
                                     project_id, show_on_customer, is_system, payload,
                                     created_at, updated_at)
        SELECT CASE WHEN pc.from_phase_id IS NULL THEN 'project_created' ELSE 'phase_changed' END,
               '', '', pc.changed_at, pc.user_id, p.customer_id, p.id,
               pc.from_phase_id IS NULL, true,
               CASE WHEN pc.from_phase_id IS NULL
                    THEN jsonb_build_object('project', p.title, 'phase', tp.name,
                                            'process', pr.name)
                    ELSE jsonb_build_object('project', p.title, 'from_phase', fp.name,
                                            'to_phase', tp.name, 'from_phase_id', fp.id,
                                            'to_phase_id', tp.id) END,
               pc.changed_at, pc.changed_at
        FROM pc JOIN {t["project"]} p ON p.id = pc.project_id
             JOIN {t["phase"]} tp ON tp.id = pc.to_phase_id
             JOIN {t["process"]} pr ON pr.id = p.process_id
             LEFT JOIN {t["phase"]} fp ON fp.id = pc.from_phase_id
        UNION ALL
        SELECT tp.outcome, '', '', pc.changed_at, pc.user_id, p.customer_id, p.id, true, true,
               CASE WHEN tp.outcome = 'won'
                    THEN jsonb_build_object('project', p.title, 'volume', p.volume::text)
                    ELSE jsonb_build_object('project', p.title, 'reason', coalesce(lr.name, ''))
               END,
               pc.changed_at, pc.changed_at
        FROM pc JOIN {t["project"]} p ON p.id = pc.project_id
             JOIN {t["phase"]} tp ON tp.id = pc.to_phase_id
             LEFT JOIN {t["reason"]} lr ON lr.id = p.lost_reason_id
        WHERE tp.outcome IN ('won', 'lost')
    """  # noqa: S608
    customers_sql = f"""
        INSERT INTO {t["activity"]} (kind, subject, text, occurred_at, employee_id, customer_id,
                                     show_on_customer, is_system, payload, created_at, updated_at)
        SELECT e.kind, '', '', e.at, e.user_id, e.id, true, true,
               jsonb_build_object('customer', e.name), e.at, e.at
        FROM (
            SELECT 'customer_created' AS kind, c.created_at AS at, c.created_by_id AS user_id,
                   c.id, c.name
            FROM {t["customer"]} c WHERE c.created_at >= %(since)s
            UNION ALL
            SELECT 'lead_converted', c.converted_at, c.converted_by_id, c.id, c.name
            FROM {t["customer"]} c WHERE c.converted_at >= %(since)s
        ) e WHERE e.id %% 1000 < %(per_mille)s
    """  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(changes_sql, {"since": since, "per_mille": per_mille})
        written = cur.rowcount
        rest = budget - written
        if rest > 0 and created + converted:
            cur.execute(
                customers_sql,
                {"since": since, "per_mille": min(1000, int(1000 * rest / (created + converted)))},
            )
            written += cur.rowcount
    return written


def _update_last_activity(t: dict[str, str]) -> None:
    """Customers' and contact persons' "last activity" from people's entries, in one UPDATE each."""
    touching = "a.is_system = false AND (a.kind <> 'task' OR a.done_at IS NOT NULL)"
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {t['customer']} c SET last_activity_at = m.at "  # noqa: S608
            "FROM (SELECT a.customer_id, max(coalesce(a.done_at, a.occurred_at)) AS at "
            f"FROM {t['activity']} a "
            f"WHERE a.customer_id IS NOT NULL AND {touching} GROUP BY a.customer_id) m "
            "WHERE c.id = m.customer_id "
            "AND (c.last_activity_at IS NULL OR c.last_activity_at < m.at)"
        )
        cur.execute(
            f"UPDATE {t['contact']} p SET last_activity_at = m.at "  # noqa: S608
            "FROM (SELECT l.contactperson_id, max(coalesce(a.done_at, a.occurred_at)) AS at "
            f"FROM {t['through']} l JOIN {t['activity']} a ON a.id = l.activity_id "
            f"WHERE {touching} GROUP BY l.contactperson_id) m "
            "WHERE p.id = m.contactperson_id "
            "AND (p.last_activity_at IS NULL OR p.last_activity_at < m.at)"
        )
