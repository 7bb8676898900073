"""Reading what a page costs the database, for tests that keep a page's plan bounded: buffers
do not depend on the machine's load, milliseconds would."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext


def page_buffers(client, url: str, *, analyze: tuple[str, ...], reading: str) -> int:
    """Shared buffers (hit + read) of every statement of the page at ``url`` that reads the table
    ``reading``, each run again under EXPLAIN (ANALYZE, BUFFERS); the tables of ``analyze`` get
    fresh statistics first."""
    with connection.cursor() as cursor:
        for table in analyze:
            cursor.execute(f"ANALYZE {table}")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    total = 0
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if sql.lstrip()[:5].upper() not in ("SELEC", "WITH ") or reading not in sql:
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
            raw = cursor.fetchone()[0]
            top = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
            total += top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return total
