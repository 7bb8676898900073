"""The health check and settings read from the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import tenant_client

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_database_and_redis(tenant):
    response = tenant_client(tenant).get("/healthz")
    report = json.loads(response.content)
    assert response.status_code == 200
    assert report["database"]["status"] == "ok"
    assert report["redis"]["status"] in {"ok", "not configured"}


def _manage(*args, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "CRM_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    base.update(env)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up_with_a_clear_message():
    result = _manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "production-grade-secret-key-0123456789",
        ALLOWED_HOSTS=".example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
