"""The collation the name columns sort with: German (ä with a, ß as ss) from ICU where it exists.

The migration crm 0002 creates ``public.crm_de`` once per database (public is on every tenant's
search_path, so the columns of every schema find it) and the name columns use it
(``db_collation=NAME_COLLATION``): their indexes are built in that order, so a sort by name stays
an index scan. A PostgreSQL built without ICU (the embedded pgserver) gets the libc ``de_DE``
locale if the machine has one, else the database's own collation: names then sort as that
sorts (byte order under C), a documented limit of the embedded database (README, "German").
"""

from __future__ import annotations

NAME_COLLATION = "crm_de"
ICU_LOCALE = "de-DE"


def create_name_collation(cursor) -> str:
    """Create public.crm_de if it is missing; returns how it sorts ("icu", "libc de_DE", ...)."""
    cursor.execute(
        "SELECT collprovider, collcollate FROM pg_collation c JOIN pg_namespace n "
        "ON n.oid = c.collnamespace"
        " WHERE n.nspname = 'public' AND c.collname = %s",
        [NAME_COLLATION],
    )
    row = cursor.fetchone()
    if row:
        return "icu" if row[0] == "i" else f"libc {row[1]}"
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(using=cursor.db.alias):  # a savepoint: "ICU is not supported"
            cursor.execute(
                f'CREATE COLLATION IF NOT EXISTS public."{NAME_COLLATION}"'
                f" (provider = icu, locale = {_literal(ICU_LOCALE)})"
            )
        return "icu"
    except DatabaseError:
        pass  # built without ICU
    cursor.execute(
        "SELECT collname FROM pg_collation WHERE collprovider = 'c' "
        "AND collname ~* '^de_(DE|AT|CH)[.]utf-?8$'"
        " ORDER BY collname LIMIT 1"
    )
    row = cursor.fetchone()
    if row:
        locale = row[0]
    else:
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        locale = cursor.fetchone()[0]
    cursor.execute(
        f'CREATE COLLATION IF NOT EXISTS public."{NAME_COLLATION}" (provider = libc, '
        f"locale = {_literal(locale)})"
    )
    return f"libc {locale}"


def _literal(value: str) -> str:
    # CREATE COLLATION takes no bound parameters; the values are ours or the server's own.
    return "'" + str(value).replace("'", "''") + "'"


def name_collation_is_german(cursor) -> bool:
    """True when public.crm_de sorts as German (ICU, or a libc de_* locale)."""
    cursor.execute(
        "SELECT collprovider, collcollate FROM pg_collation c JOIN pg_namespace n "
        "ON n.oid = c.collnamespace"
        " WHERE n.nspname = 'public' AND c.collname = %s",
        [NAME_COLLATION],
    )
    row = cursor.fetchone()
    return bool(row) and (row[0] == "i" or str(row[1]).lower().startswith("de_"))
