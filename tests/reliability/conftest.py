"""Fault fixtures: a cache and a Celery broker that point at a closed port (nothing listens on
127.0.0.1:1), standing in for a Redis that is down."""

from __future__ import annotations

import pytest

DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down_cache(settings):
    """The production cache backend (crm.lib.cache.TolerantRedisCache) on a Redis that is down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "crm.lib.cache.TolerantRedisCache",
            "LOCATION": DEAD_REDIS,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    from django.core.cache import cache

    yield cache


@pytest.fixture
def broker_down():
    """Celery as in production (tasks go to the broker, not run in-process), with the broker
    down."""
    from crm.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = DEAD_REDIS, False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
        app.amqp._producer_pool = None
