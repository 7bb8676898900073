"""Instrumentation for the benchmark (bench/), switched on only with BENCH_INSTRUMENT=1.

Adds ``X-Server-ms`` (time in Django), ``X-Queries`` and ``X-SQL-ms`` to every response. With the
request header ``X-Bench-Capture: 1`` it also writes the request's SQL (statements and params) to a
file under BENCH_CAPTURE_DIR and names it in ``X-Bench-Capture``; the bench replays those
statements directly (the SQL floor) and through ``bench_bare_view`` (the bare-Django floor).

A streaming response (CSV export) is measured until its last chunk: its headers leave before the
rows are read, so the figures go to ``stream-<key>.json`` under BENCH_CAPTURE_DIR instead, named
in ``X-Bench-Stream``, and the bench reads them after the download.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from pathlib import Path

from django.db import connection, transaction
from django.http import Http404, HttpResponse
from django.template import engines

CAPTURE_DIR = Path(os.environ.get("BENCH_CAPTURE_DIR", "/tmp/crm-bench-capture"))  # noqa: S108


class _Recorder:
    def __init__(self, capture: bool):
        self.count, self.seconds, self.capture, self.statements = 0, 0.0, capture, []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            # django-tenants' own "SET search_path" is bookkeeping, not the page's SQL.
            if not sql.lstrip().upper().startswith("SET SEARCH_PATH"):
                self.count += 1
                if self.capture and not many:
                    self.statements.append([sql, list(params) if params else []])


class BenchInstrumentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        capture = request.headers.get("X-Bench-Capture") == "1"
        recorder = _Recorder(capture)
        started = time.perf_counter()
        with connection.execute_wrapper(recorder):
            response = self.get_response(request)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        response["X-Server-ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        response["X-Queries"] = str(recorder.count)
        response["X-SQL-ms"] = f"{recorder.seconds * 1000:.2f}"
        key = secrets.token_hex(8)
        schema = connection.schema_name
        if getattr(response, "streaming", False):
            response["X-Bench-Stream"] = key
            if capture:
                response["X-Bench-Capture"] = key
            response.streaming_content = _measured_stream(
                response.streaming_content,
                recorder=recorder,
                started=started,
                key=key,
                schema=schema,
            )
        elif capture:
            _write_capture(key, schema, recorder)
            response["X-Bench-Capture"] = key
        return response


def _param(value):
    """A parameter as JSON: psycopg's Json/Jsonb wrappers as their JSON text (the replay passes it
    as a literal that PostgreSQL casts to json), dates and decimals as their text."""
    if hasattr(value, "obj") and type(value).__module__.startswith("psycopg"):
        return json.dumps(value.obj)
    return str(value)


def _write_capture(key: str, schema: str, recorder: _Recorder) -> None:
    CAPTURE_DIR.mkdir(parents=True, exist_ok=True)
    (CAPTURE_DIR / f"{key}.json").write_text(
        json.dumps({"schema": schema, "statements": recorder.statements}, default=_param)
    )


def _measured_stream(content, *, recorder: _Recorder, started: float, key: str, schema: str):
    with connection.execute_wrapper(recorder):
        yield from content
    CAPTURE_DIR.mkdir(parents=True, exist_ok=True)
    (CAPTURE_DIR / f"stream-{key}.json").write_text(
        json.dumps(
            {
                "ms": (time.perf_counter() - started) * 1000,
                "queries": recorder.count,
                "sql_ms": recorder.seconds * 1000,
            }
        )
    )
    if recorder.capture:
        _write_capture(key, schema, recorder)


_BARE = engines["django"].from_string(
    "<!doctype html><table>{% for rows in results %}{% for row in rows %}<tr>{% for cell in row %}"
    "<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}{% endfor %}</table>"
)


def bench_bare_view(request, key: str):
    """The bare-Django floor: run a captured page's SQL and render its rows with no layout."""
    path = CAPTURE_DIR / f"{key}.json"
    if not key.isalnum() or not path.exists():
        raise Http404
    data = json.loads(path.read_text())
    if data["schema"] != connection.schema_name:
        raise Http404
    results = []
    # in one transaction, as the page ran them: the global search's planner settings (SET LOCAL)
    # hold for its later statements
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in data["statements"]:
            cursor.execute(sql, params or None)
            results.append(cursor.fetchall() if cursor.description else [])
    return HttpResponse(_BARE.render({"results": results}))
