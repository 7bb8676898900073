"""The customers' roll-up of open projects, which sales owns: ``Customer.open_projects_count`` and
``Customer.pipeline_value`` are derived from sales projects and written only by the trigger in
``sales/sql/`` (installed by sales 0017); likewise the project groups' stored figures (sales 0020).
Python never writes them; these rebuilds repair them after data was written with the triggers off
(restores, ``session_replication_role = replica``)."""

from __future__ import annotations

from django.db import connection, transaction

from crm.lib.sql import execute_script
from sales.sql import sql_text

__all__ = ["customer_rollups_rebuild", "group_figures_rebuild"]


def customer_rollups_rebuild() -> int:
    """Reinstall the roll-up trigger function and set every customer's figures from a fresh
    aggregate of its projects; returns how many customers were corrected."""
    with transaction.atomic(), connection.cursor() as cursor:
        # No project or phase writes between the fill and the triggers taking over.
        cursor.execute("LOCK TABLE sales_salesproject, sales_phase IN SHARE MODE")
        execute_script(cursor, sql_text("customer_rollups_function"))
        cursor.execute(sql_text("customer_rollups_fill"))
        return cursor.rowcount


def group_figures_rebuild() -> int:
    """Reinstall the group figures' trigger function (sales 0020) and set every project group's
    members, value, weighted value and outcome counts from a fresh aggregate of its members;
    returns how many groups were corrected."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE sales_salesproject, sales_phase IN SHARE MODE")
        execute_script(cursor, sql_text("group_figures_function"))
        cursor.execute(sql_text("group_figures_fill"))
        return cursor.rowcount
