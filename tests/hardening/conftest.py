"""Shared fixtures of the hardening tests: a real Celery worker on Redis (also used by
tests/mapview/test_real_worker.py), and the cache as configured in tests and in production."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
ROOT = Path(__file__).resolve().parents[2]


def redis_reachable(url: str = REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Extra environment of the worker subprocess (override in a test module, e.g. MEDIA_ROOT)."""
    return {}


@pytest.fixture
def real_worker(django_db_setup, django_db_blocker, worker_env):
    """A Celery worker subprocess on the test database, consuming a queue of its own; tasks sent
    while the fixture is active go to it through Redis (not run in-process)."""
    if not redis_reachable():
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    from crm.celery import app

    queue = f"test-worker-{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        db = connection.settings_dict
        database_url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        if db.get("PASSWORD"):
            database_url = database_url.replace(f"{db['USER']}@", f"{db['USER']}:{db['PASSWORD']}@")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "TEST_CELERY_REAL": "1",
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
        **worker_env,
    }
    env.pop("TEST_DATABASE_NAME", None)
    if str(db["HOST"]).startswith("/"):
        # The embedded PostgreSQL listens on a socket: the worker attaches to the same server.
        env.pop("DATABASE_URL")
        env["EMBEDDED_DB_NAME"] = db["NAME"]
    log = ROOT / "test-artifacts" / f"{queue}.log"
    log.parent.mkdir(exist_ok=True)
    out = open(log, "w+")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(  # noqa: S603 - our own venv's celery
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "crm",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "-l",
            "info",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log.read_text():
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.2)
        saved = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
        app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = (
            REDIS_URL,
            False,
            queue,
        )
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


CACHE_BACKENDS = {
    # what the tests run with
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # what production runs with (REDIS_URL set)
    "redis": {
        "BACKEND": "crm.lib.cache.TolerantRedisCache",
        "LOCATION": os.environ.get("TEST_REDIS_CACHE_URL", "redis://127.0.0.1:6379/14"),
    },
}


@pytest.fixture(params=list(CACHE_BACKENDS))
def tenant_cache(request, settings):
    """The default cache with the tenant-aware key function, on each backend; a key prefix of its
    own keeps the test's keys apart from everything else on the same Redis."""
    spec = dict(CACHE_BACKENDS[request.param])
    if request.param == "redis" and not redis_reachable(spec["LOCATION"]):
        pytest.skip("Redis is not reachable")
    spec.update(
        KEY_FUNCTION="django_tenants.cache.make_key",
        REVERSE_KEY_FUNCTION="django_tenants.cache.reverse_key",
        KEY_PREFIX=f"hardening-{uuid.uuid4().hex[:8]}",
    )
    settings.CACHES = {"default": spec}
    from django.core.cache import cache

    yield cache
    if request.param == "redis":  # some keys never expire (generations): remove the test's own
        import redis

        client = redis.Redis.from_url(spec["LOCATION"])
        for key in client.scan_iter(f"*:{spec['KEY_PREFIX']}:*"):
            client.delete(key)
    else:
        cache.clear()
