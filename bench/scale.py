"""Many tenants on one PostgreSQL: `.venv/bin/python bench/scale.py [--tenants 200]` (or `make bench
BENCH_ARGS=--scale`).

In a scratch database (``crm_scale`` beside the one of DATABASE_URL; created and dropped) it creates
``--tenants`` empty tenants the way provisioning does (clones of the template schema), then measures

- migrate_schemas over all of them, with the standard executor and with the parallel one
  (multiprocessing, TENANT_MULTIPROCESSING_MAX_PROCESSES = the number of cores): once applying a
  real migration (the last one of mapview, rolled back first) and once with nothing to apply;
- the catalog: pg_class and pg_attribute rows and the database size, per tenant;
- connections: opening one and its first query, and the cache memory of a backend that has served
  one tenant versus all of them (each schema's tables enter the backend's relation cache).

It writes bench/SCALING.md, the section "Growing past one machine" that bench/run.py includes in
bench/RESULTS.md, and replaces that section in RESULTS.md at once.

Pointed at a Citus coordinator (DATABASE_URL of `make citus`, the citus extension in its database),
it creates the scratch database the way `bin/citus createdb` does: on the coordinator and on every
worker of ``pg_dist_node``, each with the extension, the workers registered in the new database
(``CREATE DATABASE`` is not propagated with either). The catalog figures then count every node,
and the figures go to the section "Many tenants on the cluster" of bench/CITUS.md instead (the
single PostgreSQL's stay as they are).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECTION = "## Growing past one machine"
CITUS_SECTION = "### Many tenants on the cluster (bench/scale.py)"
ROLLBACK_APP = "mapview"  # its last migration is rolled back in every tenant and applied again


def rollback_target(app: str = ROLLBACK_APP) -> tuple[str, str]:
    """The migration before ``app``'s last one (its names are numbered): migrating back to it undoes
    exactly one migration (a fixed name undid more each time the app grew a migration)."""
    from django.db.migrations.loader import MigrationLoader

    names = sorted(name for label, name in MigrationLoader(None).disk_migrations if label == app)
    return app, names[-2]


def scratch_url(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_connect(base: str):
    import psycopg

    return psycopg.connect(scratch_url(base, "postgres"), autocommit=True)


def node_url(base: str, host: str, port: int, name: str) -> str:
    """The URL of database ``name`` on another node (a Citus worker), with base's credentials."""
    parts = urlsplit(scratch_url(base, name))
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = f"{userinfo}@{host}:{port}" if userinfo else f"{host}:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def citus_nodes(base: str) -> dict | None:
    """None on a plain PostgreSQL; on a Citus coordinator its own address (as the workers reach it,
    not PgBouncer's) and its workers', read from base's database."""
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'citus'").fetchone():
            return None
        rows = conn.execute(
            "SELECT nodename, nodeport, groupid FROM pg_dist_node "
            "WHERE noderole = 'primary' AND isactive ORDER BY groupid, nodeport"
        ).fetchall()
        coordinator = next(((h, p) for h, p, group in rows if group == 0), None)
        if coordinator is None:  # never registered: the server's own address
            host, port = conn.execute(
                "SELECT host(inet_server_addr()), inet_server_port()"
            ).fetchone()
            coordinator = (host, port)
    return {"coordinator": coordinator, "workers": [(h, p) for h, p, group in rows if group != 0]}


def citus_createdb(base: str, name: str, nodes: dict) -> None:
    """Database ``name`` on every worker and the coordinator, each with Citus, the workers
    registered (what `bin/citus createdb` does); the coordinator's was created by the caller."""
    import psycopg

    for host, port in nodes["workers"]:
        with psycopg.connect(node_url(base, host, port, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(node_url(base, host, port, name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
    with psycopg.connect(scratch_url(base, name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS citus")
        conn.execute("SELECT citus_set_coordinator_host(%s, %s)", nodes["coordinator"])
        for host, port in nodes["workers"]:
            conn.execute("SELECT citus_add_node(%s, %s)", (host, port))


def citus_dropdb(base: str, name: str, nodes: dict) -> None:
    import psycopg

    for host, port in nodes["workers"]:
        with psycopg.connect(node_url(base, host, port, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--database", default="crm_scale")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        raise SystemExit(
            "bench/scale.py needs DATABASE_URL (a PostgreSQL server it may create a database on)"
        )
    nodes = citus_nodes(base)
    with admin_connect(base) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    if nodes:
        citus_createdb(base, args.database, nodes)
        print(f"Citus: {args.database} on the coordinator and {len(nodes['workers'])} workers")
    os.environ["DATABASE_URL"] = scratch_url(base, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ.setdefault("DEBUG", "1")
    try:
        results = measure(args.tenants, nodes)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with admin_connect(base) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            if nodes:
                citus_dropdb(base, args.database, nodes)
    write(results)


def _timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def measure(count: int, nodes: dict | None = None) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from tenants.models import Tenant
    from tenants.services import tenant_ensure_public
    from tenants.template import template_migrate

    cores = os.cpu_count() or 2
    out: dict = {"tenants": count, "cores": cores, "citus": bool(nodes)}
    if nodes:
        out["workers"] = len(nodes["workers"])
    call_command("migrate_schemas", shared=True, executor="standard", verbosity=0)
    tenant_ensure_public(domain="localhost")
    out["template_s"] = _timed(template_migrate)

    catalog_sql = (
        "SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute), "
        "pg_database_size(current_database())"
    )

    def catalog() -> tuple[int, int, int]:
        """pg_class rows, pg_attribute rows and the database's bytes; on Citus summed over the
        coordinator (the tables' shells) and the workers (the shards, where the rows live)."""
        with connection.cursor() as cursor:
            cursor.execute(catalog_sql)
            total = list(cursor.fetchone())
        if nodes:
            import psycopg

            name = settings.DATABASES["default"]["NAME"]
            for host, port in nodes["workers"]:
                with psycopg.connect(node_url(os.environ["DATABASE_URL"], host, port, name)) as c:
                    total = [
                        a + b for a, b in zip(total, c.execute(catalog_sql).fetchone(), strict=True)
                    ]
        return tuple(total)

    before = catalog()
    create = []
    for i in range(count):
        connection.set_schema_to_public()
        create.append(
            _timed(
                lambda i=i: Tenant(schema_name=f"t{i:04d}", name=f"Tenant {i}").save(verbosity=0)
            )
        )
    after = catalog()
    if nodes:  # where the tenants' distributed schemas landed: tenants per worker
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT s.nodeport, count(DISTINCT c.schema_name) FROM citus_schemas c"
                " JOIN citus_shards s ON s.citus_table_type = 'schema'"
                " AND s.table_name::text LIKE c.schema_name::text || '.%'"
                " WHERE c.schema_name::text LIKE 't%' GROUP BY 1 ORDER BY 1"
            )
            out["spread"] = cursor.fetchall()
    out["clone_s_p50"], out["clone_s_max"] = statistics.median(create), max(create)
    out["pg_class"], out["pg_attribute"], out["db_bytes"] = after
    out["pg_class_per_tenant"] = (after[0] - before[0]) / count
    out["pg_attribute_per_tenant"] = (after[1] - before[1]) / count
    out["bytes_per_tenant"] = (after[2] - before[2]) / count
    print(f"created {count} tenants: {out['clone_s_p50'] * 1000:.0f} ms each (p50)", flush=True)

    def migrate(executor: str) -> float:
        connection.set_schema_to_public()
        return _timed(
            lambda: call_command(
                "migrate_schemas", tenant=True, executor=executor, interactive=False, verbosity=0
            )
        )

    def roll_back() -> None:
        connection.set_schema_to_public()
        call_command(
            "migrate_schemas",
            *rollback_target(),
            tenant=True,
            executor="multiprocessing",
            interactive=False,
            verbosity=0,
        )

    settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = cores
    for executor in ("standard", "multiprocessing"):
        roll_back()
        out[f"{executor}_apply_s"] = migrate(executor)
        out[f"{executor}_noop_s"] = migrate(executor)
        print(
            f"migrate_schemas --executor={executor}: one migration "
            f"{out[f'{executor}_apply_s']:.1f} s, "
            f"nothing to apply {out[f'{executor}_noop_s']:.1f} s",
            flush=True,
        )

    out.update(connection_cost(count))
    out["load"] = os.getloadavg()[1]
    connection.set_schema_to_public()
    return out


def connection_cost(count: int) -> dict:
    import psycopg

    url = os.environ["DATABASE_URL"]
    opens = []
    for i in range(30):
        started = time.perf_counter()
        with psycopg.connect(url) as conn:
            conn.execute(f'SET search_path = "t{i % count:04d}", public')
            conn.execute("SELECT count(*) FROM customers_customer").fetchone()
        opens.append((time.perf_counter() - started) * 1000)

    def cache_bytes(schemas: int) -> int:
        with psycopg.connect(url) as conn:
            for i in range(schemas):
                conn.execute(f'SET search_path = "t{i:04d}", public')
                # what a page touches: customers, projects, phases, users, sessions
                for table in (
                    "customers_customer",
                    "sales_salesproject",
                    "sales_phase",
                    "crm_user",
                    "django_session",
                ):
                    conn.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - fixed table names
            row = conn.execute(
                "SELECT sum(total_bytes) FROM pg_backend_memory_contexts "
                "WHERE name IN ('CacheMemoryContext', 'index info') "
                "OR parent = 'CacheMemoryContext'"
            ).fetchone()
            return int(row[0] or 0)

    return {
        "connect_ms_p50": statistics.median(opens),
        "cache_one": cache_bytes(1),
        "cache_all": cache_bytes(count),
    }


def write(r: dict) -> None:
    mib = 1024 * 1024
    std, par = r["standard_apply_s"], r["multiprocessing_apply_s"]
    n = r["tenants"]
    figures = [
        (
            "create one tenant schema (clone of `_template`), p50 / max",
            f"{r['clone_s_p50'] * 1000:.0f} ms / {r['clone_s_max'] * 1000:.0f} ms",
        ),
        (
            "migrate_schemas, one migration in every tenant, standard executor",
            f"{std:.1f} s ({std / n * 1000:.0f} ms per tenant)",
        ),
        (
            f"the same, parallel executor (multiprocessing, {r['cores']} processes)",
            f"{par:.1f} s ({par / n * 1000:.0f} ms per tenant)",
        ),
        (
            "migrate_schemas with nothing to apply, standard / parallel",
            f"{r['standard_noop_s']:.1f} s / {r['multiprocessing_noop_s']:.1f} s",
        ),
        (
            "catalog rows per tenant (pg_class / pg_attribute)",
            f"{r['pg_class_per_tenant']:.0f} / {r['pg_attribute_per_tenant']:.0f}",
        ),
        (
            f"catalog at {n} tenants (pg_class / pg_attribute rows)",
            f"{r['pg_class']:,} / {r['pg_attribute']:,}",
        ),
        (
            f"database size at {n} empty tenants",
            f"{r['db_bytes'] / mib:.0f} MiB ({r['bytes_per_tenant'] / 1024:.0f} KiB per tenant)",
        ),
        (
            "open a connection and run a first query in a tenant schema (p50)",
            f"{r['connect_ms_p50']:.1f} ms",
        ),
        (
            f"cache memory of one backend after touching one tenant / all {n}",
            f"{r['cache_one'] / mib:.1f} MiB / {r['cache_all'] / mib:.1f} MiB",
        ),
    ]
    if r["citus"]:  # the catalog counts every node; connections go through DATABASE_URL
        relabel = {
            4: "catalog rows per tenant, all nodes (pg_class / pg_attribute)",
            5: f"catalog at {n} tenants, all nodes (pg_class / pg_attribute rows)",
            6: f"the database on all nodes at {n} empty tenants",
            7: "open a connection (DATABASE_URL) and run a first query in a tenant (p50)",
            8: f"{figures[8][0]} (a coordinator backend)",
        }
        figures = [(relabel.get(i, what), figure) for i, (what, figure) in enumerate(figures)]
        spread = ", ".join(f"{tenants} on :{port}" for port, tenants in r.get("spread", []))
        figures.insert(1, ("tenants per worker (citus_schemas, citus_shards)", spread))
    table = "\n".join(f"| {what} | {figure} |" for what, figure in figures)
    if r["citus"]:
        write_citus(r, table)
        return
    text = f"""{SECTION}

Measured by `bench/scale.py` on {time.strftime("%Y-%m-%d %H:%M")} ({r["cores"]} cores, load average
{r["load"]:.1f} at the end): {n} empty tenants in a scratch database, each created the way
provisioning does it (a clone of the template schema).

| what | figure |
|---|---|
{table}

Most of the time per tenant is the migrate command's fixed work per schema (the migration graph, the
content types and permissions checked after every run), which is why a run with nothing to apply
costs about as much as one that applies a migration to empty tables.

What this means for one machine: migrations grow linearly with the number of tenants (the parallel
executor divides by the cores, not by the tenants: at 2,000 tenants a release with one migration
takes about {par * 2000 / n / 60:.1f} minutes with it, {std * 2000 / n / 60:.1f} without); the
catalog grows by about {r["pg_class_per_tenant"]:.0f} relations per tenant, and a backend that
serves many tenants caches each schema's relations, so long-lived connections that wander across
all tenants cost memory per connection (the last row). Provisioning stays constant (a clone,
about {r["clone_s_p50"] * 1000:.0f} ms of it).

The plan, in the order we would take it:

1. **Connections: PgBouncer in session mode only.** django-tenants sets `search_path` per request
   on the connection; transaction pooling would hand that connection to another tenant's request
   between two statements. Session pooling still caps the server's backends (one per gunicorn
   thread and Celery process) and keeps each backend's relation cache warm.
2. **More Celery workers per queue.** Imports and geocoding already run per tenant
   (tenant-schemas-celery); separate queues (imports, geocoding, periodic) with their own workers
   keep a 100,000-row import of one tenant from delaying another tenant's geocoding.
3. **Many tenants across machines: Citus schema-based sharding.** With
   `citus.enable_schema_based_sharding = on` every `CREATE SCHEMA` (that is, every tenant clone)
   becomes a *distributed schema*: all its tables live together on one worker node, so a tenant's
   joins stay local and unchanged, and the coordinator routes each query by `search_path`. The
   public schema (tenants, domains) stays on the coordinator; `citus_schema_move()` moves a large
   tenant to its own node without downtime; `migrate_schemas` runs DDL through the coordinator,
   with the parallel executor. Nothing in the application changes: one schema per tenant is what
   Citus shards by.
"""
    (ROOT / "bench" / "SCALING.md").write_text(text)
    results = ROOT / "bench" / "RESULTS.md"
    if results.exists():  # only this section: what follows it (the cluster's figures) stays
        results.write_text(section_replaced(results.read_text(), SECTION, text))
    print(f"wrote {ROOT / 'bench' / 'SCALING.md'}")


def section_replaced(current: str, heading: str, text: str) -> str:
    """``current`` with the section under ``heading`` (up to the next heading of the same or a
    higher level) replaced by ``text``, or ``text`` added at the end."""
    if heading not in current:
        return (current.rstrip() + "\n\n" + text).lstrip()
    head, _, rest = current.partition(heading)
    level = heading.split(" ")[0]
    marks = ["\n" + "#" * depth + " " for depth in range(1, len(level) + 1)]
    following = [i for i in (rest.find(mark) for mark in marks) if i >= 0]
    tail = rest[min(following) :] if following else ""
    return (head.rstrip() + "\n\n" + text.rstrip() + "\n" + tail).lstrip()


def write_citus(r: dict, table: str) -> None:
    """The cluster's figures as the section CITUS_SECTION of bench/CITUS.md (replaced, or added at
    its end), up to the next heading of the same or a higher level."""
    n = r["tenants"]
    text = f"""{CITUS_SECTION}

Measured by `bench/scale.py` on {time.strftime("%Y-%m-%d %H:%M")} against the cluster of
`make citus` (a coordinator and {r["workers"]} workers on this machine, through PgBouncer;
{r["cores"]} cores, load average {r["load"]:.1f} at the end): {n} empty tenants in a scratch
database made on every node with the extension and the workers registered, each tenant created the
way provisioning does it (a clone of the template schema, statement by statement on Citus; each
becomes a distributed schema on one worker).

| what | figure |
|---|---|
{table}
"""
    path = ROOT / "bench" / "CITUS.md"
    current = path.read_text() if path.exists() else ""
    path.write_text(section_replaced(current, CITUS_SECTION, text))
    print(f"wrote {path} (section {CITUS_SECTION!r})")


if __name__ == "__main__":
    main()
