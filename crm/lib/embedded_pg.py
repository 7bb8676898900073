"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is not set.

Its data lives under ``.data/pg`` and survives restarts; the server stops when the last
process that uses it exits.
"""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

_server = None


def embedded_database(*, data_dir: Path, name: str) -> dict:
    """Start (or attach to) the embedded server and return Django DATABASES settings for it."""
    global _server
    import os

    # pgserver keeps its lock file in the user's runtime dir; give it one where none is set.
    if not os.environ.get("XDG_RUNTIME_DIR"):
        runtime = data_dir.parent / "run"
        runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    import pgserver  # imported lazily: only machines without DATABASE_URL need it

    data_dir.mkdir(parents=True, exist_ok=True)
    if _server is None:
        _server = pgserver.get_server(data_dir, cleanup_mode="stop")
    info = _server.get_postmaster_info()
    socket_dir = str(info.socket_dir) if getattr(info, "socket_dir", None) else None
    if socket_dir is None:
        # Parse the socket directory out of the URI the server reports.
        from urllib.parse import parse_qs, urlparse

        socket_dir = parse_qs(urlparse(_server.get_uri()).query).get("host", [""])[0]
    _ensure_database(socket_dir=socket_dir, name=name)
    return {"NAME": name, "USER": "postgres", "PASSWORD": "", "HOST": socket_dir, "PORT": ""}


def _ensure_database(*, socket_dir: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=socket_dir, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            logger.info("created embedded database %s", name)
