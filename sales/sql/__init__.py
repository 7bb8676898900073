"""The SQL of the customers' roll-up of open projects (``open_projects_count``, ``pipeline_value``),
which sales owns: the migration that installs it and ``sales.services.customer_rollups_rebuild``
read the same files (runtime code never imports a migration)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def sql_text(name: str) -> str:
    """The text of ``sales/sql/<name>.sql``."""
    return (HERE / f"{name}.sql").read_text(encoding="utf-8")
