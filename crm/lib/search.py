"""The global search: a registry of searchable kinds and the folded, typo-tolerant match.

Feature apps register what they make searchable in their ``AppConfig.ready()`` (customers,
leads and contact persons in ``customers.search``, projects and groups in ``sales.search``,
selections in ``mapview.search``), so the core imports none of them. A kind is a function
``search(*, request, query, limit) -> list[Hit]``; most use ``queryset_search``, which matches a
text expression of a table through ``public.crm_fold`` (crm migration 0004):

* with pg_trgm (installed into ``public`` by customers 0003) a GIN trigram index on
  ``public.crm_fold(<expression>)`` serves both ``LIKE '%part%'`` and ``word_similarity``
  (``<%``: a missing or wrong letter still matches); the rows containing the query come first
  (the exact name, then where the query starts a word, then the shorter text), the rows that
  only resemble it after them, each with a small bonus for recently changed records; each step
  ranks at most ``CAP_CONTAINS`` / ``CAP_SIMILAR`` candidates the index found, so a common name
  costs the same as a rare one (see ``queryset_search``);
* without it (the embedded PostgreSQL has no contrib modules) every word must occur in the folded
  text (``LIKE``, no index), ranked by where it occurs: no typo tolerance, but umlaut folding.

``crm_fold`` and ``fold`` fold the same way (``crm.lib.textfold``), so "Mueller", "Müller" and
"Muller" are one word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import BooleanField, F, FloatField, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from crm.lib.citus import database_is_citus
from crm.lib.textfold import fold

MIN_LENGTH = 2
MAX_LENGTH = 100

# --- pg_trgm or not ---------------------------------------------------------------------------

_TRGM: dict[str, bool] = {}


def trgm_available() -> bool:
    """Whether pg_trgm is installed in this database (asked once per process and database)."""
    key = connection.settings_dict.get("NAME") or ""
    if key not in _TRGM:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _TRGM[key] = cursor.fetchone() is not None
    return _TRGM[key]


# The planner settings the search's statements run with (see ``index_plans``).
_PLAN_SETTINGS = ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")


@contextmanager
def index_plans() -> Iterator[None]:
    """Run the search's statements with the trigram indexes as their only way in: sequential,
    plain index and index-only scans off (``SET LOCAL``, in a transaction, the previous values
    back afterwards; a no-op when already active or without pg_trgm).

    The planner reads a trigram index where it should for most words, but at 100,000 customers
    it went wrong in two ways (issue 18): it costs the inlined ``crm_fold`` as a few cheap
    operators, so it read small tables (2,600 project groups) sequentially and folded every
    name (17-40 ms for a long name, 1-5 ms through the index); and it overestimates how many
    rows resemble a typo (``<%``), so under the step's LIMIT it walked the contacts' name btree
    and filtered 137,000 rows (470 ms for "schmitd", 10 ms through the index). Bitmap scans
    stay allowed: the trigram index's, and the primary keys' for the rows found. The settings
    only weigh plans; a table without a usable index is still read, just last in line."""
    if getattr(connection, "_crm_index_plans", False) or not trgm_available():
        yield
        return
    nested = connection.in_atomic_block  # then the settings must go back by hand
    names = _PLAN_SETTINGS
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT "
                + ", ".join(f"current_setting('{n}')" for n in names)
                + ", "
                + ", ".join(f"set_config('{n}', 'off', true)" for n in names)
            )
            before = list(cursor.fetchone()[: len(names)])
            citus = database_is_citus()
            if citus:
                _set_local_on_workers(cursor, dict.fromkeys(names, "off"))
        connection._crm_index_plans = True
        try:
            yield
        finally:
            connection._crm_index_plans = False
        # on an error the savepoint's or transaction's rollback takes the settings back
        if nested:
            with connection.cursor() as cursor:
                sets = ", ".join(f"set_config('{n}', %s, true)" for n in names)
                cursor.execute(f"SELECT {sets}", before)
                if citus:
                    _set_local_on_workers(cursor, dict(zip(names, before, strict=True)))


def _set_local_on_workers(cursor, values: dict[str, str]) -> None:
    """On Citus the tenant's statements are planned again on its worker, where a coordinator's
    setting does not reach by default: ``SET LOCAL`` with ``citus.propagate_set_commands`` =
    'local' goes to the transaction's worker connections too (one statement each: a worker
    takes no multi-statement string). The values are on/off settings read from the server."""
    cursor.execute("SET LOCAL citus.propagate_set_commands = 'local'")
    for name, value in values.items():
        if name not in _PLAN_SETTINGS or value not in ("on", "off"):
            raise ValueError(f"{name} = {value}")
        cursor.execute(f"SET LOCAL {name} = {value}")


def fold_index_sql(*, table: str, name: str, expression: str) -> list[str]:
    """The statements creating the search index on ``public.crm_fold(expression)`` of ``table``
    (trigram GIN with pg_trgm; nothing without: the fallback reads the table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
        row = cursor.fetchone()
    if not row:
        return []
    opclass = connection.ops.quote_name(row[0]) + ".gin_trgm_ops"
    return [
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
        f"USING gin ((public.crm_fold({expression})) {opclass})"
    ]


# --- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str
    pk: int
    title: str
    url: str
    score: float = 0.0
    subtitle: str = ""
    css: str = ""  # e.g. "crm-lead" (gray) or "crm-customer" (blue)
    badge: str = ""


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: object  # a (lazy) translated heading
    order: int
    search: Callable  # (*, request, query: str, limit: int) -> list[Hit]


@dataclass
class Group:
    kind: SearchKind
    hits: list[Hit] = field(default_factory=list)


_kinds: dict[str, SearchKind] = {}


def search_kind_register(*, key: str, label, order: int, search: Callable) -> None:
    """Make a kind of record searchable (idempotent per key; the latest registration wins)."""
    _kinds[key] = SearchKind(key=key, label=label, order=order, search=search)


def search_kinds() -> list[SearchKind]:
    return sorted(_kinds.values(), key=lambda k: (k.order, k.key))


def query_clean(value: str | None) -> str:
    """The query as searched: trimmed, inner whitespace collapsed, at most MAX_LENGTH characters."""
    return " ".join(str(value or "").replace("\x00", "").split())[:MAX_LENGTH]


def query_is_searchable(query: str) -> bool:
    return len(fold(query).replace(" ", "")) >= MIN_LENGTH


def search_run(*, request, query: str, limit: int) -> list[Group]:
    """Every kind's best ``limit`` hits for ``query``, grouped, groups in registry order; empty
    groups left out."""
    query = query_clean(query)
    if not query_is_searchable(query):
        return []
    groups = []
    with index_plans():
        for kind in search_kinds():
            hits = kind.search(request=request, query=query, limit=limit)
            if hits:
                groups.append(Group(kind=kind, hits=list(hits)[:limit]))
    return groups


def best_hit(groups: list[Group]) -> Hit | None:
    """The closest hit over all groups (ties: the earlier group)."""
    best = None
    for group in groups:
        for hit in group.hits:
            if best is None or hit.score > best.score:
                best = hit
    return best


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def folded_like(text: str) -> str:
    """The LIKE pattern for the rows whose folded text contains ``text`` (folded, its ``%``,
    ``_`` and ``\\`` as letters): "Müller" -> "%muller%"; "" for a text without letters."""
    folded = fold(query_clean(text))
    return f"%{_like_escape(folded)}%" if folded.strip() else ""


def table_match(sql: str, params: list, *, table: str) -> RawSQL:
    """A filter over the columns of ``table``, which ``sql`` names ``{t}`` (written out as the
    table's alias wherever Django compiles it; see ``_OnTable``). For the lists' text filters,
    which match ``public.crm_fold(...) LIKE folded_like(text)`` over the search's trigram
    indexes."""
    return _OnTable(sql, params, table=table, output_field=BooleanField())  # noqa: S611


RECENCY_WEIGHT = 0.1  # at most a tenth of a perfect match: closeness first, then recency
RECENCY_DAYS = 30  # a record changed this many days ago gets half the bonus

# How many matching rows each step reads at most before ranking them (issue 18: under 50 ms at
# 100,000 customers). Ranking every match of a common name ("Müller": 900 customers, thousands of
# contacts and projects) or of a typo ("Schmitd": 3,600 rows share its first trigrams) computed a
# trigram similarity per row and was the whole cost; now the index picks at most this many
# candidates and only those are ranked.
CAP_CONTAINS = 300
CAP_SIMILAR = 100

# Closeness (at most 1.0): a row containing the query scores 0.7, +0.1 when the query starts a
# word, + up to 0.2 by how much of the text the query covers (the exact name scores 1.0, so
# "Kranbau" comes before "Kranbau Süd GmbH"); a row that only resembles the query (a typo, a
# missing letter) scores 0.6 × its word similarity: with the recency bonus (at most
# RECENCY_WEIGHT = 0.1) never more than a row that contains it, so one ordering by score puts
# the rows containing the query first (both steps are ranked in one statement).
_CONTAINS_SCORE = (
    "0.7 + CASE WHEN strpos(' ' || {f}, %s) > 0 THEN 0.1 ELSE 0 END"
    " + 0.2 * length(%s)::float / GREATEST(length({f}), 1)"
)
_SIMILAR_SCORE = "0.6 * word_similarity(%s, {f})"

# Words half of all company names have (folded, without dots): the lookalike step leaves them
# out of a query that has other words. Their trigrams ("gmb", "mbh") are in half the index, so
# "Müller Maschinenbau GmbH" read 733 index pages for its lookalikes instead of 314, and every
# name with GmbH in it resembled the query a little more; the rows containing the whole query,
# GmbH included, are found by the contains step as before.
LEGAL_FORMS = frozenset(
    {"gmbh", "mbh", "ag", "kg", "kgaa", "co", "ohg", "gbr", "ug", "ev", "se", "&", "+"}
)


def lookalike_query(folded: str) -> str:
    """The folded query the lookalike step compares: without the legal forms of ``LEGAL_FORMS``
    unless they are all it has ("muller maschinenbau gmbh" -> "muller maschinenbau")."""
    words = folded.split()
    kept = [w for w in words if w.replace(".", "").strip("()") not in LEGAL_FORMS]
    return " ".join(kept) if kept else folded


class _OnTable(RawSQL):
    """RawSQL over the columns of the queryset's own table, which it names ``{t}``: written out
    as that table's alias in whichever query it is compiled in. A plain RawSQL naming the table
    inside the candidates' subquery (``pk IN (SELECT U0.id ... LIMIT cap)``, where Django renames
    the table U0) pointed at the outer query's row instead: a correlated subquery run once per
    row of the table (8-11 s per kind at 100,000 customers) that, with its LIMIT, also lost every
    match outside the table's first ``cap`` rows.

    Safe as the RawSQL it was: the SQL is the module's constant templates with the registering
    app's constant expression, the alias comes from Django's own alias map, the query travels
    as parameters."""

    def __init__(self, sql: str, params, *, table: str, output_field):
        super().__init__(sql, params, output_field=output_field)
        self.table = table

    def as_sql(self, compiler, connection):
        alias = self.table
        for name, join in compiler.query.alias_map.items():
            if join.table_name == self.table and join.join_type is None:  # the base table
                alias = name
                break
        sql = self.sql.format(t=compiler.quote_name_unless_alias(alias))
        return f"({sql})", self.params


def _recency_sql(recency: str | None) -> str:
    if not recency:
        return "0"
    column = "{t}." + connection.ops.quote_name(recency)
    return (
        f"{RECENCY_WEIGHT} / (1 + GREATEST(0, EXTRACT(EPOCH FROM (now() - "
        f"COALESCE({column}, now() - interval '10 years'))) / 86400.0) / {RECENCY_DAYS})"
    )


def _ranked(
    queryset,
    match: RawSQL,
    score_sql: str,
    params: list,
    cap: int,
    limit: int,
    recency,
    partition: str | None = None,
):
    """The ``limit`` best of at most ``cap`` rows of ``queryset`` that ``match`` (the index finds
    them; only they are scored), best first, each with ``search_score``; with ``partition`` (a
    field) the ``limit`` best of each of its values."""
    table = queryset.model._meta.db_table
    candidates = queryset.filter(match).order_by().values("pk")[:cap]
    score = _OnTable(  # noqa: S611 - fixed SQL over our table; the query is a parameter
        f"({score_sql}) + {_recency_sql(recency)}", params, table=table, output_field=FloatField()
    )
    ranked = queryset.filter(pk__in=candidates).annotate(search_score=score)
    best_first = [F("search_score").desc(), F("pk").desc()]
    if partition is None:
        return list(ranked.order_by(*best_first)[:limit])
    place = Window(RowNumber(), partition_by=[F(partition)], order_by=best_first)
    return list(
        ranked.annotate(search_place=place).filter(search_place__lte=limit).order_by(*best_first)
    )


def queryset_search(
    queryset: QuerySet,
    *,
    expression: str,
    query: str,
    limit: int,
    recency: str | None = "updated_at",
    partition: tuple[str, tuple] | None = None,
) -> list:
    """The rows of ``queryset`` whose ``expression`` (SQL over its table's columns) matches the
    query, best first, each with ``search_score``. ``recency`` names a date-time column.
    ``partition`` = (field, values): the ``limit`` best rows of each value (two kinds from one
    table, e.g. customers and leads, found by one index scan instead of one each).

    With pg_trgm, two steps over the trigram GIN index, each reading a bounded number of rows:
    first the rows whose folded text contains the query (``LIKE '%query%'``; skipped for a query
    without three letters in a row, which no trigram serves); only when they are fewer than
    ``limit``, the rows that resemble it (``<%``, word similarity over pg_trgm's threshold 0.6:
    a wrong or missing letter, or the first letters of a word: "ma" finds "Mannheim"), compared
    without the legal forms (``lookalike_query``). Both steps are one statement
    (``_both_steps``), run under ``index_plans`` (inside ``search_run`` once for all kinds;
    called alone, each call sets them up itself).
    """
    with index_plans():
        return _queryset_search(
            queryset,
            expression=expression,
            query=query,
            limit=limit,
            recency=recency,
            partition=partition,
        )


def _queryset_search(queryset, *, expression, query, limit, recency, partition) -> list:
    folded = fold(query_clean(query))
    table = queryset.model._meta.db_table
    expr = f"public.crm_fold({expression})"  # {t}: the table's alias where it is compiled
    if not trgm_available():
        words = folded.split()
        match = _OnTable(  # noqa: S611 - fixed SQL over our table; the query is a parameter
            " AND ".join([f"{expr} LIKE %s"] * len(words)),
            [f"%{_like_escape(w)}%" for w in words],
            table=table,
            output_field=BooleanField(),
        )
        closeness = (
            f"CASE WHEN {expr} = %s THEN 1.0 WHEN {expr} LIKE %s THEN 0.9"
            f" WHEN {expr} LIKE %s THEN 0.8 ELSE 0.6 END"
        )
        params = [folded, f"{_like_escape(folded)}%", f"% {_like_escape(folded)}%"]
        field = partition[0] if partition else None
        return _ranked(queryset, match, closeness, params, CAP_CONTAINS, limit, recency, field)
    field, values = partition or (None, (None,))
    contains_ran = max(len(w) for w in folded.split()) >= 3
    resembles = lookalike_query(folded)
    if not contains_ran:  # ("ma") the lookalikes are all there is, those containing it among them
        similar = _OnTable(  # noqa: S611 - as above
            f"%s <%% {expr}", [resembles], table=table, output_field=BooleanField()
        )
        score = _SIMILAR_SCORE.format(f=expr)
        return _ranked(queryset, similar, score, [resembles], CAP_SIMILAR, limit, recency, field)
    return _both_steps(
        queryset,
        expr=expr,
        folded=folded,
        resembles=resembles,
        limit=limit,
        recency=recency,
        partition=partition,
    )


def _both_steps(queryset, *, expr, folded, resembles, limit, recency, partition) -> list:
    """Both steps in one statement (issue 18: a statement fewer per kind; each cost its ORM
    compilation and two round trips): the candidates containing the query (``crm_c``, at most
    ``CAP_CONTAINS``) and, only while they are fewer than ``limit`` (for some value of
    ``partition``), those that resemble it (``crm_s``, at most ``CAP_SIMILAR``; PostgreSQL skips
    that scan when the condition is false), ranked together by closeness and recency: the rows
    containing the query first (see ``_SIMILAR_SCORE``), as the two statements did."""
    table = queryset.model._meta.db_table
    like = f"%{_like_escape(folded)}%"
    contains = _OnTable(  # noqa: S611 - fixed SQL over our table; the query is a parameter
        f"{expr} LIKE %s", [like], table=table, output_field=BooleanField()
    )
    field, values = partition or (None, ())
    wanted = ["pk", field] if field else ["pk"]
    c_sql, c_params = (
        queryset.filter(contains).order_by().values(*wanted)[:CAP_CONTAINS].query.sql_with_params()
    )
    if field:  # some value has fewer than ``limit`` rows containing the query
        short = RawSQL(
            "EXISTS (SELECT 1 FROM unnest(%s::text[]) AS v(value) WHERE (SELECT count(*) FROM"
            " crm_c WHERE crm_c.crm_part = v.value) < %s)",
            [[str(getattr(v, "value", v)) for v in values], limit],
            output_field=BooleanField(),
        )
    else:
        short = RawSQL("(SELECT count(*) FROM crm_c) < %s", [limit], output_field=BooleanField())
    similar = _OnTable(  # noqa: S611 - as above
        f"%s <%% {expr} AND NOT {expr} LIKE %s",
        [resembles, like],
        table=table,
        output_field=BooleanField(),
    )
    s_sql, s_params = (
        queryset.filter(short, similar).order_by().values("pk")[:CAP_SIMILAR].query
    ).sql_with_params()
    c_columns = "crm_pk, crm_part" if field else "crm_pk"
    ids = RawSQL(  # noqa: S611 - Django's own SQL of the two candidate sets; parameters apart
        f"WITH crm_c({c_columns}) AS ({c_sql}), crm_s(crm_pk) AS ({s_sql}) "  # noqa: S608
        "SELECT crm_pk FROM crm_c UNION ALL SELECT crm_pk FROM crm_s",
        (*c_params, *s_params),
    )
    score = _OnTable(  # noqa: S611 - as above
        f"CASE WHEN {expr} LIKE %s THEN ({_CONTAINS_SCORE.format(f=expr)})"
        f" ELSE ({_SIMILAR_SCORE.format(f=expr)}) END + {_recency_sql(recency)}",
        [like, " " + folded, folded, resembles],
        table=table,
        output_field=FloatField(),
    )
    ranked = queryset.filter(pk__in=ids).annotate(search_score=score)
    best_first = [F("search_score").desc(), F("pk").desc()]
    if field is None:
        return list(ranked.order_by(*best_first)[:limit])
    place = Window(RowNumber(), partition_by=[F(field)], order_by=best_first)
    return list(
        ranked.annotate(search_place=place).filter(search_place__lte=limit).order_by(*best_first)
    )
