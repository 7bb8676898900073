"""Expression indexes on the ``custom`` JSONB columns, one per filterable or sortable field.

They are built with CREATE INDEX CONCURRENTLY, outside any request's transaction (a Celery task
queued when a definition is saved, or ``manage.py customfields_indexes``), so marking a field
filterable over 100,000 rows never locks the table nor rewrites a row. Each expression is exactly
the one ``customfields.query`` filters and sorts by, so the planner can use it.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from customfields.models import FieldDefinition

log = logging.getLogger(__name__)

T = FieldDefinition.Type
TABLES = {
    "customer": "customers_customer",
    "contact": "customers_contactperson",
    "project": "sales_salesproject",
    "lead": "sales_salesproject",
}
NUMERIC = (T.NUMBER, T.MONEY)
SEARCH_TYPES = (T.TEXT, T.LONG_TEXT, T.URL, T.EMAIL, T.PHONE)  # what "searchable" applies to


def _quote(key: str) -> str:
    if not (key[:1].isalpha() and key.replace("_", "").isalnum() and key.isascii()):
        raise ValueError(key)  # keys are validated [a-z][a-z0-9_]*: never quoted SQL from users
    return "'" + key + "'"


def quote_key(key: str) -> str:
    """A definition's key as an SQL string literal (keys are [a-z][a-z0-9_]*; anything else
    raises)."""
    return _quote(key)


def index_specs(definition: FieldDefinition) -> list[tuple[str, str]]:
    """(index name, what to index) for one definition; empty when it needs none."""
    if not definition.active or not (definition.filterable or definition.sortable):
        return []
    key = _quote(definition.key)
    kind = definition.field_type
    if kind == T.MULTI_CHOICE:
        return (
            [(f"cf_{definition.key}_gin", f"USING gin ((custom -> {key}) jsonb_path_ops)")]
            if definition.filterable
            else []
        )
    if kind in NUMERIC:
        specs = [(f"cf_{definition.key}_idx", f"(((custom ->> {key})::numeric), id)")]
    else:
        specs = [(f"cf_{definition.key}_idx", f"((custom ->> {key}), id)")]
    if definition.filterable and kind in SEARCH_TYPES:
        specs += _fold_trigram_spec(definition)  # "contains" (customfields.query.contains_q)
    return specs


def search_index_specs(definition: FieldDefinition) -> list[tuple[str, str]]:
    """The trigram index of a "searchable" text field on exactly the expression the global search
    matches (``customfields.search``); none without pg_trgm (the search then reads the table)."""
    if not (definition.active and definition.searchable and definition.field_type in SEARCH_TYPES):
        return []
    return _fold_trigram_spec(definition)


def _fold_trigram_spec(definition: FieldDefinition) -> list[tuple[str, str]]:
    """The trigram index on ``public.crm_fold(custom ->> 'key')``: the global search's match and
    a filter's "contains" (one index when a field is both searchable and filterable)."""
    ops = _trgm_ops()
    if ops == "jsonb_ops":
        return []
    what = f"USING gin ((public.crm_fold(custom ->> {_quote(definition.key)})) {ops})"
    return [(f"cf_{definition.key}_search", what)]


def unique_index_specs(definition: FieldDefinition) -> list[tuple[str, str]]:
    """The partial unique index of a "unique" field: the database, not a form's check, decides
    when two saves race. Records without a value are not in it."""
    if not (definition.active and definition.unique):
        return []
    key = _quote(definition.key)
    return [
        (f"cf_{definition.key}_uniq", f"((custom ->> {key})) WHERE (custom ->> {key}) IS NOT NULL")
    ]


def unique_duplicates(definition: FieldDefinition, *, limit: int = 3) -> list[tuple[str, int]]:
    """(value, number of records) of values that more than one record of the field's table has."""
    key, table = _quote(definition.key), TABLES[definition.entity]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT custom ->> {key}, count(*) FROM {table} "  # noqa: S608 - key checked by _quote, table fixed
            f"WHERE (custom ->> {key}) IS NOT NULL"
            f" GROUP BY 1 HAVING count(*) > 1 ORDER BY 2 DESC, 1 LIMIT %s",
            [limit],
        )
        return cursor.fetchall()


def _trgm_ops() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
        row = cursor.fetchone()
    return f"{row[0]}.gin_trgm_ops" if row else "jsonb_ops"  # without pg_trgm: no trigram index


def _existing(schema: str) -> dict[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c "
            "ON c.oid = i.indexrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s "
            "AND c.relname LIKE 'cf\\_%%'",
            [schema],
        )
        return dict(cursor.fetchall())


def indexes_ensure(*, concurrently: bool = True) -> dict[str, list[str]]:
    """Create the indexes the tenant's definitions need and drop those no definition needs.

    Safe to run twice; an index left invalid by an interrupted concurrent build is built again.
    With ``concurrently`` it must run outside a transaction.
    """
    schema = connection.schema_name
    mode = " CONCURRENTLY" if concurrently else ""
    wanted: dict[str, tuple[str, str]] = {}
    for definition in FieldDefinition.objects.all():
        specs = index_specs(definition) + search_index_specs(definition)
        for name, what in specs + unique_index_specs(definition):
            wanted[name] = (TABLES[definition.entity], what)
    existing = _existing(schema)
    created, dropped, failed = [], [], []
    with connection.cursor() as cursor:
        for name, valid in existing.items():
            if name not in wanted or not valid:
                cursor.execute(f'DROP INDEX{mode} IF EXISTS "{schema}"."{name}"')
                if name not in wanted:
                    dropped.append(name)
        for name, (table, what) in wanted.items():
            if existing.get(name):
                continue
            kind = "UNIQUE INDEX" if name.endswith("_uniq") else "INDEX"
            sql = f'CREATE {kind}{mode} IF NOT EXISTS "{name}" ON "{schema}"."{table}" {what}'
            try:
                with transaction.atomic() if connection.in_atomic_block else nullcontext():
                    cursor.execute(sql)
            except IntegrityError:
                # duplicates written after the definition was saved: the field stays checked by
                # the forms only; the next run (after the data is cleaned) builds it
                cursor.execute(f'DROP INDEX{mode} IF EXISTS "{schema}"."{name}"')
                # in the active language: seed_demo runs in the tenant's, so a German admin reads
                # German
                log.warning(
                    "%s",
                    _("custom-field index %(index)s in %(schema)s: duplicate values")
                    % {"index": name, "schema": schema},
                )
                failed.append(name)
                continue
            created.append(name)
    if created or dropped:
        log.info(
            "%s",
            _("custom-field indexes in %(schema)s: created %(created)s; dropped %(dropped)s")
            % {
                "schema": schema,
                "created": ", ".join(created) or "–",
                "dropped": ", ".join(dropped) or "–",
            },
        )
    result = {"created": created, "dropped": dropped}
    if failed:
        result["failed"] = failed
    return result
