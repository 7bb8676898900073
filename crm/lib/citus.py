"""What the code needs to know about running on a Citus cluster (schema-based sharding).

On a Citus coordinator with ``citus.enable_schema_based_sharding`` every tenant schema is a
distributed schema: its tables live together on one worker and the coordinator routes each query
there. The product runs unchanged; the few places that differ ask ``database_is_citus()``.
"""

from __future__ import annotations

from django.db import connections

_known: dict[str, bool] = {}


def database_is_citus(alias: str = "default") -> bool:
    """True when the database behind ``alias`` has the Citus extension (cached per database)."""
    connection = connections[alias]
    settings = connection.settings_dict
    key = f"{settings.get('HOST')}:{settings.get('PORT')}/{settings.get('NAME')}"
    if key not in _known:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
            _known[key] = bool(cursor.fetchone()[0])
    return _known[key]


# public.crm_local_table(schema, table): the name of the relation that holds the rows of
# schema.table on this node. On a single PostgreSQL (and for tables Citus does not distribute)
# that is the table itself; on a Citus worker it is the table's shard, "table_<shardid>". The
# statement triggers of the stored figures write through it: a trigger fires on the shard on the
# worker, and a query that names the distributed table together with a transition table is
# refused by Citus' planner ("unrecognized RTE kind"), whereas the colocated shard is an ordinary
# table in the same schema and the same local transaction.
LOCAL_TABLE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION public.crm_local_table(schema_name text, table_name text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $body$
DECLARE
  shard bigint;
BEGIN
  IF to_regclass('pg_catalog.pg_dist_shard') IS NULL THEN
    RETURN table_name;
  END IF;
  EXECUTE 'SELECT shardid FROM pg_catalog.pg_dist_shard WHERE logicalrelid = to_regclass($1)'
    INTO shard USING format('%I.%I', schema_name, table_name);
  IF shard IS NULL
     OR to_regclass(format('%I.%I', schema_name, table_name || '_' || shard)) IS NULL THEN
    RETURN table_name;
  END IF;
  RETURN table_name || '_' || shard;
END
$body$
"""


def local_table_function_ensure(cursor) -> None:
    """Create public.crm_local_table (idempotent); on Citus also on every worker."""
    cursor.execute(LOCAL_TABLE_FUNCTION_SQL)
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
    if cursor.fetchone()[0]:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_object"
            " WHERE objid = 'public.crm_local_table(text, text)'::regprocedure)"
        )
        if not cursor.fetchone()[0]:
            cursor.execute(
                "SELECT create_distributed_function('public.crm_local_table(text, text)')"
            )


def local_table_sql(table: str) -> str:
    """The plpgsql expression naming ``table`` of the firing trigger's schema on this node."""
    return f"public.crm_local_table(TG_TABLE_SCHEMA, '{table}')"


def local_sequence_sql(table: str) -> str:
    """The plpgsql expression naming the id sequence of ``table`` of the firing trigger's schema."""
    return f"pg_get_serial_sequence(format('%I.%I', TG_TABLE_SCHEMA, '{table}'), 'id')"


# public.crm_table_stats(schema, table): the size statistics of schema.table on the node that holds
# its rows (live rows, the planner's reltuples and relpages, the pages it has now), for the long
# lists' estimated count (customers.pagination). On a Citus coordinator a tenant's table is an empty
# shell whose statistics say nothing; a statement that names the table together with this function
# is routed to the tenant's worker as a whole, where the function reads the shard's statistics (it
# is a distributed function, so it exists on every node). On a single PostgreSQL it reads the table.
TABLE_STATS_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION public.crm_table_stats(schema_name text, table_name text,
  OUT live bigint, OUT reltuples real, OUT relpages integer, OUT pages bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $body$
  SELECT s.n_live_tup, c.reltuples, c.relpages,
         pg_relation_size(c.oid) / current_setting('block_size')::int
  FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
  WHERE c.oid = to_regclass(
    format('%I.%I', schema_name, public.crm_local_table(schema_name, table_name)))
$body$
"""


def table_stats_function_ensure(cursor) -> None:
    """Create public.crm_table_stats (idempotent); on Citus also on every worker."""
    cursor.execute(TABLE_STATS_FUNCTION_SQL)
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
    if cursor.fetchone()[0]:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_object"
            " WHERE objid = 'public.crm_table_stats(text, text)'::regprocedure)"
        )
        if not cursor.fetchone()[0]:
            cursor.execute(
                "SELECT create_distributed_function('public.crm_table_stats(text, text)')"
            )


def plan_rows(plan: dict) -> float:
    """The planner's row estimate of an ``EXPLAIN (FORMAT json)`` plan's top node. Through a Citus
    coordinator the top node is the distributed scan (its estimate is 0); the rows are the sum of
    its tasks' remote plans (a tenant's query is one task on its worker)."""
    tasks = plan.get("Distributed Query", {}).get("Job", {}).get("Tasks")
    if not tasks:
        return float(plan["Plan Rows"])
    rows = 0.0
    for task in tasks:
        for remote in task.get("Remote Plan") or []:
            for entry in remote if isinstance(remote, list) else [remote]:
                rows += float(entry["Plan"]["Plan Rows"])
    return rows


# public.crm_set_constraints(immediate): SET CONSTRAINTS ALL IMMEDIATE (or DEFERRED) where it is
# called. On a Citus coordinator a tenant's rows are written in the worker's part of the
# transaction, where the coordinator's SET CONSTRAINTS does not reach (it is not forwarded), so
# deferred foreign-key checks stay pending there and an index cannot be built in the same
# transaction ("pending trigger events"). A statement naming a tenant table together with this
# (distributed) function is routed to the tenant's worker and runs it in that part.
SET_CONSTRAINTS_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION public.crm_set_constraints(immediate boolean, OUT done boolean)
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $body$
BEGIN
  IF immediate THEN
    SET CONSTRAINTS ALL IMMEDIATE;
  ELSE
    SET CONSTRAINTS ALL DEFERRED;
  END IF;
  done := true;
END
$body$
"""


def set_constraints_function_ensure(cursor) -> None:
    """Create public.crm_set_constraints (idempotent); on Citus also on every worker."""
    cursor.execute(SET_CONSTRAINTS_FUNCTION_SQL)
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
    if cursor.fetchone()[0]:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_object"
            " WHERE objid = 'public.crm_set_constraints(boolean)'::regprocedure)"
        )
        if not cursor.fetchone()[0]:
            cursor.execute(
                "SELECT create_distributed_function('public.crm_set_constraints(boolean)')"
            )


def constraints_set(cursor, *, immediate: bool) -> None:
    """``SET CONSTRAINTS ALL IMMEDIATE|DEFERRED`` for the current transaction; on Citus also in
    the part of it on the current tenant's worker (the tenant's crm_user table routes the statement
    there; see crm_set_constraints above)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE" if immediate else "SET CONSTRAINTS ALL DEFERRED")
    if database_is_citus():
        cursor.execute(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM crm_user LIMIT 1) AS one), s.done"
            " FROM public.crm_set_constraints(%s) AS s",
            [immediate],
        )
