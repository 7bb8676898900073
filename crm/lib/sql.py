"""SQL scripts sent one statement per round trip.

A script of several statements in one ``execute`` is a multi-command string, which Citus cannot
forward to a worker ("cannot insert multiple commands into a prepared statement"). Migrations and
the template clone therefore split their scripts and send each statement on its own; on a single
PostgreSQL the effect is the same.
"""

from __future__ import annotations

import re

_DOLLAR = re.compile(r"\$[A-Za-z_0-9]*\$")


def sql_statements(script: str) -> list[str]:
    """The statements of ``script``, split at top-level semicolons.

    Semicolons inside single-quoted literals, double-quoted identifiers, dollar-quoted bodies
    ($body$ ... $body$) and ``--`` comments do not split.
    """
    statements: list[str] = []
    start = i = 0
    n = len(script)
    while i < n:
        ch = script[i]
        if ch in "'\"":
            end = script.find(ch, i + 1)
            while end != -1 and script[end + 1 : end + 2] == ch:  # doubled quote inside
                end = script.find(ch, end + 2)
            i = n if end == -1 else end + 1
        elif (
            ch == "$"
            and (m := _DOLLAR.match(script, i))
            and not (i and (script[i - 1].isalnum() or script[i - 1] == "_"))
        ):
            end = script.find(m.group(0), m.end())
            i = n if end == -1 else end + len(m.group(0))
        elif script.startswith("--", i):
            end = script.find("\n", i)
            i = n if end == -1 else end + 1
        elif ch == ";":
            statements.append(script[start:i])
            i += 1
            start = i
        else:
            i += 1
    statements.append(script[start:])
    return [s.strip() for s in statements if s.strip() and not _only_comments(s)]


def _only_comments(statement: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in statement.splitlines())


def execute_script(cursor, script: str) -> None:
    """Run every statement of ``script`` in its own ``execute`` (see the module's docstring)."""
    for statement in sql_statements(script):
        cursor.execute(statement)
