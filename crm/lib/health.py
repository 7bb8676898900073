"""The /healthz report: database and Redis state."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok"}
    except Exception as exc:  # noqa: BLE001 - any failure is a failed check
        return {"status": "error", "error": exc.__class__.__name__}


def _redis() -> dict:
    if not settings.REDIS_URL:
        return {"status": "not configured", "note": "background tasks run in-process"}
    try:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return {"status": "ok"}
    except Exception as exc:  # noqa: BLE001
        return {"status": "error", "error": exc.__class__.__name__}


def health_report() -> dict:
    db, rd = _database(), _redis()
    ok = db["status"] == "ok" and rd["status"] in {"ok", "not configured"}
    return {"status": "ok" if ok else "degraded", "database": db, "redis": rd}
