"""The environment every benchmark script runs Django in: production settings (DEBUG off, no HTTPS
redirect on plain-HTTP loopback), a throw-away secret key and the loopback host names. Each script
puts the repository on sys.path, then calls ``production_like()`` before it imports Django."""

from __future__ import annotations

import os

SECRET = "bench-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105


def production_like(
    *, hosts: str | None = ".localhost,localhost,127.0.0.1,testserver", **extra
) -> None:
    """``hosts``: ALLOWED_HOSTS unless set (None: the settings' own); ``extra``: further variables
    set as given (e.g. BENCH_INSTRUMENT="1")."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    if hosts is not None:
        os.environ.setdefault("ALLOWED_HOSTS", hosts)
    os.environ.update(extra)
