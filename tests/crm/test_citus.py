"""The CRM on a Citus cluster (schema-based sharding): tenants spread over the workers and move
live.

Runs only against a Citus coordinator: ``make test-citus`` (bin/citus) sets CITUS_DATABASE_URL and
points the test database at the cluster. Skipped on a single PostgreSQL.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD

pytestmark = pytest.mark.skipif(
    not os.environ.get("CITUS_DATABASE_URL"),
    reason="needs a Citus cluster (make citus; make test-citus)",
)

SPREAD = [f"spread{n:02d}" for n in range(1, 21)]


def _placements() -> dict[str, set[int]]:
    """Tenant schema -> the ports of the nodes holding its tables' shards."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, s.nodeport FROM citus_shards s JOIN pg_class c "
            "ON c.oid = s.table_name"
            " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE s.citus_table_type = 'schema'"
        )
        placements: dict[str, set[int]] = {}
        for schema, port in cursor.fetchall():
            placements.setdefault(schema, set()).add(port)
    return placements


@pytest.fixture(scope="module")
def spread_tenants(django_db_setup, django_db_blocker):
    from tenants.models import Tenant
    from tenants.services import tenant_provision

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        existing = set(
            Tenant.objects.filter(schema_name__in=SPREAD).values_list("schema_name", flat=True)
        )
        for schema in SPREAD:
            if schema not in existing:
                tenant_provision(
                    schema=schema,
                    name=f"{schema} GmbH",
                    domain=f"{schema}.localhost",
                    admin_email=f"admin@{schema}.test",
                    admin_password=PASSWORD,
                )
        connection.set_schema_to_public()
        yield SPREAD


def test_twenty_tenants_are_distributed_schemas_on_both_workers(spread_tenants, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("SELECT schema_name::text FROM citus_schemas")
            distributed = {row[0] for row in cursor.fetchall()}
            cursor.execute(
                "SELECT nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'"
            )
            workers = {row[0] for row in cursor.fetchall()}
        placements = _placements()
    assert set(spread_tenants) <= distributed
    assert len(workers) >= 2
    for schema in spread_tenants:
        # every table of a tenant lives on one worker (colocated), none on the coordinator
        assert len(placements[schema]) == 1 and placements[schema] <= workers, (
            schema,
            placements[schema],
        )
    used = set().union(*(placements[schema] for schema in spread_tenants))
    assert used == workers, f"the 20 tenants sit on {used} only"


def test_a_live_tenant_moves_to_another_worker_without_error_or_lost_write(
    spread_tenants, django_db_blocker
):
    from customers.models import Customer
    from tests.builders.customers import make_customer

    schema = spread_tenants[0]
    written: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()
    lock = threading.Lock()

    def writer(number: int) -> None:
        try:
            with schema_context(schema):
                while not stop.is_set():
                    customer = make_customer(name=f"Move load {number}-{len(written)} GmbH")
                    with lock:
                        written.append(customer.pk)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    with django_db_blocker.unblock():
        source = _placements()[schema]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nodeport FROM pg_dist_node WHERE groupid <> 0 AND noderole = 'primary'"
                " ORDER BY nodeport"
            )
            target = next(port for (port,) in cursor.fetchall() if port not in source)
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        try:
            deadline = time.monotonic() + 60
            while len(written) < 10 and not errors and time.monotonic() < deadline:
                time.sleep(0.05)  # the load is running before the move starts
            before = len(written)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT citus_schema_move(%s::regnamespace, '127.0.0.1', %s)", [schema, target]
                )
            during = len(written) - before
            deadline = time.monotonic() + 60
            while (
                len(written) < before + during + 10 and not errors and time.monotonic() < deadline
            ):
                time.sleep(0.05)  # and keeps writing on the new node
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
        assert not errors, errors
        assert _placements()[schema] == {target}
        with schema_context(schema):
            stored = set(Customer.objects.filter(pk__in=written).values_list("pk", flat=True))
        connection.set_schema_to_public()
    assert before >= 10 and len(written) >= before + 10
    assert stored == set(written), f"{len(set(written) - stored)} writes lost"


def test_the_application_reaches_the_coordinator_through_pgbouncer(
    django_db_setup, django_db_blocker
):
    # make test-citus points DATABASE_URL at PgBouncer (session mode, bin/citus) when it runs
    from pathlib import Path

    from django.conf import settings

    ini = Path(settings.BASE_DIR) / ".data" / "citus" / "pgbouncer" / "pgbouncer.ini"
    if not ini.exists():
        pytest.skip("PgBouncer is not installed here")
    assert "pool_mode = session" in ini.read_text()
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT inet_server_port(), current_setting('citus.enable_schema_based_sharding')"
            )
            server_port, sharding = cursor.fetchone()
    assert (
        int(connection.settings_dict["PORT"]) == server_port + 10
    )  # PgBouncer's port, the coordinator behind
    assert sharding == "on"
