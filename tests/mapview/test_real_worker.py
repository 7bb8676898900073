"""Geocoding through a real Celery worker and the real Redis: each task runs in the schema of the
tenant it was queued from. Skipped when Redis is not reachable."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from customers.models import Customer

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def real_worker(django_db_setup, django_db_blocker):
    """A Celery worker subprocess on the test database, consuming a queue of its own."""
    if not _redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    from crm.celery import app

    queue = f"test-mapview-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        db = connection.settings_dict
        database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        if db.get("PASSWORD"):
            database_url = database_url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "TEST_CELERY_REAL": "1",
           "DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("TEST_DATABASE_NAME", None)
    if str(db["HOST"]).startswith("/"):
        # The embedded PostgreSQL listens on a socket: the worker attaches to the same server.
        env.pop("DATABASE_URL")
        env["EMBEDDED_DB_NAME"] = db["NAME"]
    log = ROOT / "test-artifacts" / f"{queue}.log"
    log.parent.mkdir(exist_ok=True)
    out = open(log, "w+")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(  # noqa: S603 - our own venv's celery
        [str(Path(sys.executable).parent / "celery"), "-A", "crm", "worker", "-P", "solo", "-Q", queue,
         "-l", "info", "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"{queue}@%h"],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
        app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = REDIS_URL, False, queue
        app._pool = None
        app.amqp._producer_pool = None
        worker.log = log
        yield worker
    finally:
        if "saved" in locals():
            app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = saved
            app._pool = None
            app.amqp._producer_pool = None
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        out.close()
        log.unlink(missing_ok=True)


def _wait_for(schema: str, pk: int, timeout: float = 60) -> Customer:
    deadline = time.monotonic() + timeout
    while True:
        with schema_context(schema):
            customer = Customer.objects.get(pk=pk)
        if customer.geocode_status != Customer.GeocodeStatus.PENDING or time.monotonic() > deadline:
            return customer
        time.sleep(0.2)


def test_a_real_worker_geocodes_each_customer_in_its_own_tenant(real_worker, django_db_blocker):
    from customers.services import customer_create

    tag = uuid.uuid4().hex[:6]
    made: list[tuple[str, int]] = []
    with django_db_blocker.unblock():
        try:
            with schema_context("alpha"):
                vienna = customer_create(user=None, name=f"Worker Wien {tag}", postal_code="1010", city="Wien",
                                         country="AT")
                made.append(("alpha", vienna.pk))
            with schema_context("beta"):
                zurich = customer_create(user=None, name=f"Worker Zürich {tag}", postal_code="8001", city="Zürich",
                                         country="CH")
                made.append(("beta", zurich.pk))
            in_alpha = _wait_for("alpha", vienna.pk)
            in_beta = _wait_for("beta", zurich.pk)
            assert in_alpha.geocode_status == Customer.GeocodeStatus.FOUND
            assert in_beta.geocode_status == Customer.GeocodeStatus.FOUND
            assert round(in_alpha.latitude) == 48 and round(in_alpha.longitude) == 16  # Vienna, in alpha
            assert round(in_beta.latitude) == 47 and round(in_beta.longitude) == 9  # Zurich, in beta
            assert real_worker.log.read_text().count("mapview.tasks.geocode_customer") >= 2  # not eager
        finally:
            for schema, pk in made:
                with schema_context(schema):
                    Customer.objects.filter(pk=pk).delete()
            connection.set_schema_to_public()
