"""The paginators of long lists. ``EstimatedCountPaginator`` (customer overview, contact list)
counts itself; ``CountedPaginator`` (sales project and lead lists) is told its count by the running
totals. Both read one row ahead or skip over bare ids, so deep pages stay cheap.

A paginator for long lists (100,000 customers): exact counts when they are cheap, "about N" beyond.

``COUNT(*)`` over a whole tenant costs tens of milliseconds on every page view, although nobody
needs to know whether there are 99,874 or 99,875 matches. The paginator counts exactly up to
``exact_limit`` rows (a ``LIMIT``ed count stops early; 10,001 rows behind the "open projects" filter
cost 200 ms, 1,001 rows 13 ms), and past that shows the planner's estimate,
corrected for table statistics that are older than the table. Page links stay plain ``?page=N`` (so
bookmarks keep working); whether there is a next page is known exactly, by reading one row more.
"""

from __future__ import annotations

import json
import math

from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from crm.lib.citus import database_is_citus, plan_rows
from crm.lib.pagination import SafePaginator

MAX_PAGE = (
    1_000_000  # beyond the estimate pages stay empty; this keeps OFFSET within PostgreSQL's bigint
)
EXACT_LIMIT = (
    1_000  # 40 pages of 25; a capped count of 1,001 rows stays cheap even behind EXISTS filters
)


def _plain(qs: QuerySet) -> QuerySet:
    """The queryset's rows as a plain QuerySet (no custom slicing or counting), without ordering."""
    return QuerySet(model=qs.model, query=qs.query.chain(), using=qs.db).order_by()


def count_capped(qs: QuerySet, *, limit: int) -> tuple[int, dict]:
    """``min(count, limit + 1)`` of ``qs`` and the table's size statistics, in one statement."""
    plain = _plain(qs).values("pk")[: limit + 1]
    try:
        sql, params = plain.query.get_compiler(using=plain.db).as_sql()
    except (
        EmptyResultSet
    ):  # ``qs.none()`` (an invalid filter) or a filter that matches nothing by itself
        return 0, {}
    table = qs.model._meta.db_table
    connection = connections[plain.db]
    with connection.cursor() as cursor:
        if database_is_citus(plain.db):
            # The coordinator's table is an empty shell: the statement goes to the tenant's worker
            # as a whole, where crm_table_stats reads the shard's statistics (crm.lib.citus).
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({sql}) AS capped), st.live, "  # noqa: S608
                "st.reltuples,"
                " st.relpages, st.pages FROM public.crm_table_stats(%s, %s) AS st",
                (*params, connection.schema_name, table),
            )
        else:
            # The table name is the model's own; the search_path picks the tenant's schema.
            cursor.execute(
                f"SELECT (SELECT COUNT(*) FROM ({sql}) AS capped), s.n_live_tup, c.reltuples, "  # noqa: S608
                "c.relpages,"
                " pg_relation_size(c.oid) / current_setting('block_size')::int"
                " FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
                " WHERE c.oid = to_regclass(%s)",
                (*params, table),
            )
        row = cursor.fetchone()
    if row is None:  # the table is not where the search_path says; count the plain way
        return plain.count(), {}
    count, live, reltuples, relpages, pages = row
    return count, {"live": live, "reltuples": reltuples, "relpages": relpages, "pages": pages}


def count_estimate(qs: QuerySet, *, stats: dict) -> int:
    """The planner's row estimate for ``qs``, scaled to the table's live row count.

    The planner assumes the rows per page of the last ANALYZE; after many updates without a
    VACUUM the table has more pages and the raw estimate is too high. The fraction of the table the
    filters select is kept and applied to the statistics collector's live row count instead."""
    plain = _plain(qs)
    if plain.query.is_empty():
        return 0
    if not plain.query.where and stats.get("live"):
        return int(stats["live"])  # the whole table: the statistics collector's count is enough
    plan = json.loads(plain.explain(format="json"))
    rows = plan_rows(plan[0]["Plan"])
    reltuples, relpages, pages, live = (
        stats.get(k) for k in ("reltuples", "relpages", "pages", "live")
    )
    if reltuples and reltuples > 0 and relpages and pages and live:
        whole_table = reltuples / relpages * pages  # what the planner believes the table holds
        rows = rows / whole_table * live
    return int(rows)


def about(n: int) -> int:
    """``n`` rounded to two significant digits (123,456 -> 120,000)."""
    if n < 100:
        return n
    step = 10 ** (int(math.log10(n)) - 1)
    return int(round(n / step) * step)


class CountedPage(Page):
    """A page that knows exactly whether another one follows (it read one row ahead)."""

    def __init__(self, object_list, number, paginator, *, more: bool | None = None):
        super().__init__(object_list, number, paginator)
        self._more = more

    def has_next(self) -> bool:
        if self._more is not None:
            return self._more
        return super().has_next()


class EstimatedCountPaginator(SafePaginator):
    """Exact count up to ``exact_limit`` rows, else an estimate (``count_is_estimate``)."""

    exact_limit = EXACT_LIMIT

    def __init__(
        self, object_list, per_page, orphans=0, allow_empty_first_page=True, exact_limit=None
    ):
        super().__init__(
            object_list, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page
        )
        if exact_limit is not None:
            self.exact_limit = exact_limit
        self.count_is_estimate = False

    def _queryset(self) -> QuerySet | None:
        # django-tables2 hands over its rows; the (sorted) queryset sits two levels down.
        data = getattr(getattr(self.object_list, "data", None), "data", self.object_list)
        return data if isinstance(data, QuerySet) else None

    @cached_property
    def count(self) -> int:
        qs = self._queryset()
        if qs is None:
            return super().count
        n, stats = count_capped(qs, limit=self.exact_limit)
        if n <= self.exact_limit:
            return n
        self.count_is_estimate = True
        return max(self.exact_limit + 1, about(count_estimate(qs, stats=stats)))

    def validate_number(self, number):
        """A page number that can be shown: never an error, whatever the URL says (``?page=-1``,
        ``?page=abc``, ``?page=99999999999``): the first page, the last one, or past the estimated
        end an empty page with a way back."""
        try:
            return Paginator.validate_number(self, number)
        except PageNotAnInteger:
            return 1
        except EmptyPage:
            number = int(number)
            if number < 1:
                return 1
            if not self.count_is_estimate:
                return self.num_pages
            return min(number, MAX_PAGE)

    def page(self, number):
        number = self.validate_number(number)
        if not self.count_is_estimate:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return CountedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class CountedPaginator(SafePaginator):
    """A paginator told its count (already known from the totals) instead of counting again, that
    reads a page in two steps: the ids of the page's rows (the sort and the filters, without the
    joins of the rows), then those rows with their relations. A deep page then skips its offset
    over bare ids, not over fully joined rows."""

    TWO_STEP_FROM = 500  # rows to skip from which a page is read in two steps

    def __init__(self, object_list, per_page, *args, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count if self._known_count is not None else len(self.object_list)

    def page(self, number):
        from django_tables2.rows import BoundRows

        rows = self.object_list
        queryset = getattr(getattr(rows, "data", None), "data", None)
        if not isinstance(rows, BoundRows) or not hasattr(queryset, "values_list"):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom < self.TWO_STEP_FROM:  # near the top, one query with LIMIT is as fast
            return super().page(number)
        ids = list(queryset.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        found = queryset.order_by().in_bulk(ids) if ids else {}
        records = [found[pk] for pk in ids if pk in found]
        return self._get_page(BoundRows(data=records, table=rows.table), number, self)
