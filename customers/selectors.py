"""Every read the customer pages need: annotated lists, search, duplicates, choices."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Q,
    QuerySet,
)
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from crm.lib.dimension_sort import dimension_page_ids, grouped
from crm.models import User
from crm.permissions import editable_owner_q
from crm.selectors import user_ids_in_team
from customers import normalize
from customers.models import ContactPerson, Customer, ImportJob

OPEN = "open"

# --- helpers -----------------------------------------------------------------------------------

_trgm_available: bool | None = None


def search_uses_trigrams() -> bool:
    """True when pg_trgm is installed (then search is "contains"), else word-prefix full-text
    search."""
    global _trgm_available
    if _trgm_available is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trgm_available = cursor.fetchone() is not None
    return _trgm_available


def _search(qs: QuerySet, *, text: str, table: str) -> QuerySet:
    tokens = normalize.text_fold(text).split()[:8]
    if not tokens:
        return qs
    if search_uses_trigrams():
        for token in tokens:
            qs = qs.filter(search_text__contains=token)
        return qs
    tsquery = " & ".join(f"{token}:*" for token in tokens)
    # The table name is ours and the words travel as a parameter; the expression matches the GIN
    # index.
    return qs.filter(
        RawSQL(  # noqa: S611
            f"to_tsvector('simple'::regconfig, {table}.search_text) @@ "
            "to_tsquery('simple'::regconfig, %s)",
            [tsquery],
            output_field=BooleanField(),
        )
    )


# --- customers ---------------------------------------------------------------------------------


OWNER_SORT = ("owner__first_name", "owner__last_name", "id")  # CustomerTable's owner column


class CustomerOverviewQuerySet(QuerySet):
    """The overview's rows, built to stay cheap at 100,000 customers.

    Slicing (one page) first picks the page's ids in the requested order, using the indexes, and
    then loads only those rows with their owner; so deep pages never read the rows they skip. The
    open project count and pipeline value are columns of the customer (kept by triggers, migration
    0006), so sorting and filtering by them use indexes like any other column. The owner sort walks
    the owners in name order instead of sorting every customer by its owner's name (see
    _owner_page_ids)."""

    def __getitem__(self, k):
        if not isinstance(k, slice):
            return super().__getitem__(k)
        descending = self._owner_sort()
        if descending is not None and k.step is None and k.stop is not None:
            ids = self._owner_page_ids(start=k.start or 0, stop=k.stop, descending=descending)
        else:
            ids = list(super().__getitem__(k).values_list("pk", flat=True))
        rows = Customer.objects.select_related("owner").in_bulk(ids) if ids else {}
        return [rows[pk] for pk in ids if pk in rows]

    def _owner_sort(self) -> bool | None:
        """False for the owner sort, True for it descending, None for any other order."""
        ordering = tuple(self.query.order_by)
        if ordering == OWNER_SORT:
            return False
        if ordering == tuple(f"-{name}" for name in OWNER_SORT):
            return True
        return None

    def _owner_page_ids(self, *, start: int, stop: int, descending: bool) -> list[int]:
        """Rows ``start:stop`` in the owner sort (owner's first name, last name, then id; no owner
        last, or first descending), read per owner from the (owner, id) index.

        Sorting 100,000 customers by a joined name costs 80-120 ms on every page; counting them
        per owner (an index-only scan) and reading the page from one or two owners' index ranges
        costs a few milliseconds. Owners with the same name form one range, as in the SQL order."""
        base = QuerySet(model=self.model, query=self.query.chain(), using=self.db)  # plain slicing
        # every user (a few dozen): owners without rows here drop out by their count
        groups = grouped(
            User.objects.order_by("first_name", "last_name", "id").values_list(
                "pk", "first_name", "last_name"
            )
        )
        return dimension_page_ids(
            base, field="owner_id", groups=groups, start=start, stop=stop, descending=descending
        )


def customer_list(*, leads_visible: bool) -> QuerySet:
    """Customers (and leads, when visible) for the overview; a page of it carries the owner (see
    CustomerOverviewQuerySet)."""
    qs = CustomerOverviewQuerySet(model=Customer).order_by("name", "id")
    if not leads_visible:
        qs = qs.filter(status=Customer.Status.CUSTOMER)
    return qs


EXPORT_FIELDS = (
    "pk",
    "name",
    "kind",
    "status",
    *Customer.PROFILE_FIELDS,
    "owner__email",
    "size_class",
    "annual_revenue",
    "employees",
    "open_projects_count",
    "pipeline_value",
    "last_activity_at",
    "created_at",
)
EXPORT_CHUNK = 2000


def customer_export_rows(
    qs: QuerySet, *, definitions=(), fields: tuple[str, ...] = EXPORT_FIELDS
) -> Iterator[tuple]:
    """The overview's filtered and sorted customers as tuples of ``fields`` (EXPORT_FIELDS
    without the switched-off ones), for a CSV export, followed by the values of the custom
    fields ``definitions`` (the ones the user may see)."""
    if not definitions:
        yield from qs.values_list(*fields).iterator(chunk_size=EXPORT_CHUNK)
        return
    from customfields.values import export_cells, export_users

    users = export_users(definitions)
    for *row, custom in qs.values_list(*fields, "custom").iterator(chunk_size=EXPORT_CHUNK):
        yield (*row, *export_cells(definitions, custom, users=users))


def customer_rollups_stale(
    *, customer_ids: list[int] | None = None
) -> list[tuple[int, int, Decimal, int, Decimal]]:
    """Customers whose stored open project count or pipeline value differs from a fresh aggregate of
    their projects: (id, stored count, stored value, true count, true value). Empty when exact."""
    only = "" if customer_ids is None else " AND c.id = ANY(%s)"
    with connection.cursor() as cursor:
        # Unqualified tables: the search_path picks the tenant's schema.
        cursor.execute(
            "SELECT c.id, c.open_projects_count, c.pipeline_value,"  # noqa: S608
            " coalesce(a.n, 0), coalesce(a.v, 0)"
            " FROM customers_customer c LEFT JOIN ("
            "   SELECT p.customer_id, count(*) AS n,"
            "          coalesce(sum(p.volume) FILTER (WHERE p.counts_in_pipeline), 0) AS v"
            "     FROM sales_salesproject p JOIN sales_phase ph ON ph.id = p.phase_id"
            "    WHERE ph.outcome = %s GROUP BY p.customer_id) a ON a.customer_id = c.id"
            " WHERE (c.open_projects_count, c.pipeline_value) IS DISTINCT "
            "FROM (coalesce(a.n, 0), coalesce(a.v, 0))"
            f"{only} ORDER BY c.id",
            [OPEN] if customer_ids is None else [OPEN, customer_ids],
        )
        return cursor.fetchall()


def customer_search(qs: QuerySet, *, text: str) -> QuerySet:
    """Customers whose name, city, postal code or contact names contain the words of ``text``."""
    return _search(qs, text=text, table=Customer._meta.db_table)


def customer_has_open_projects(qs: QuerySet, *, value: bool) -> QuerySet:
    """Customers with (or without) an open project, by the stored count."""
    return qs.filter(open_projects_count__gt=0) if value else qs.filter(open_projects_count=0)


def customer_get(*, pk: int) -> Customer:
    """One customer with owner, or 404 (also for ids of other tenants: each has its own schema)."""
    return get_object_or_404(
        Customer.objects.select_related("owner", "converted_by", "created_by"), pk=pk
    )


def customer_projects(
    *, customer: Customer, show_all: bool, limit: int = 100
) -> tuple[list, int, int]:
    """The customer's projects (open ones, or all) newest first, with the open and total counts."""
    projects = customer.projects.all()
    counts = projects.aggregate(total=Count("pk"), open=Count("pk", filter=Q(phase__outcome=OPEN)))
    if not show_all:
        projects = projects.filter(phase__outcome=OPEN)
    rows = list(
        projects.select_related("phase", "process", "owner").order_by("-created_at", "-id")[:limit]
    )
    return rows, counts["open"], counts["total"]


def customer_editable_q(*, user) -> Q:
    """The customers ``user`` may edit (crm.permissions' rule as a filter)."""
    return editable_owner_q(user=user)


def owner_choices(*, user, include_id: int | None = None) -> QuerySet:
    """Users ``user`` may make owner of a customer: admins anyone, managers their team, others
    themselves.

    ``include_id`` keeps a record's current owner selectable even when outside that set."""
    users = User.objects.filter(is_active=True).order_by("first_name", "last_name", "email")
    if user.is_tenant_admin:
        return users
    allowed = Q(pk=user.pk)
    if user.is_manager and user.team_id:
        allowed |= Q(pk__in=user_ids_in_team(team_id=user.team_id))
    if include_id:
        allowed |= Q(pk=include_id)
    return users.filter(allowed)


# The dashboard's counts read every customer of the tenant (a pass over 100,000 rows): cached until
# a customer is created, imported, converted or handed to another owner (customers.receivers).
COUNTS_TOPIC = "customer-counts"


def customer_counts(*, user) -> dict[str, int]:
    """Counts for the dashboard: customers, leads, the user's own customers and leads."""
    # Grouped by status (an index-only scan) rather than FILTERed counts over a full table scan.
    everyone = dict(Customer.objects.order_by().values_list("status").annotate(n=Count("*")))
    own = dict(
        Customer.objects.filter(owner_id=user.pk)
        .order_by()
        .values_list("status")
        .annotate(n=Count("*"))
    )
    return {
        "customers": everyone.get(Customer.Status.CUSTOMER, 0),
        "leads": everyone.get(Customer.Status.LEAD, 0),
        "mine": own.get(Customer.Status.CUSTOMER, 0),
        "my_leads": own.get(Customer.Status.LEAD, 0),
    }


def customer_recent_for_owner(*, user, limit: int = 5) -> list[Customer]:
    """The user's customers with the most recent activity first."""
    return list(
        Customer.objects.filter(owner_id=user.pk)
        .order_by("-last_activity_at", "-updated_at")
        .only("pk", "name", "status", "city", "last_activity_at")[:limit]
    )


def customer_choices_search(*, text: str, limit: int = 20) -> list[Customer]:
    """Customers for a picker (quick create of a contact): the first matches by name."""
    qs = Customer.objects.only("pk", "name", "city", "status")
    if text.strip():
        qs = customer_search(qs, text=text)
    return list(qs.order_by("name", "id")[:limit])


# --- duplicate check ---------------------------------------------------------------------------


@dataclass
class DuplicateCandidate:
    customer: Customer
    reasons: list[str] = field(default_factory=list)


def customer_duplicates(
    *,
    name: str,
    postal_code: str = "",
    city: str = "",
    email: str = "",
    website: str = "",
    phone: str = "",
    country: str = "DE",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[DuplicateCandidate]:
    """Likely duplicates: similar name in the same postal code or city, the same name anywhere,
    same e-mail domain, same phone."""
    found: dict[int, list[str]] = {}

    def add(pk: int, reason) -> None:
        reasons = found.setdefault(pk, [])
        if reason not in reasons:
            reasons.append(reason)

    base = Customer.objects.exclude(pk=exclude_pk) if exclude_pk else Customer.objects.all()
    key = normalize.name_key(name)
    postal_code, city = (postal_code or "").strip(), (city or "").strip()
    if key and (postal_code or city):
        place = Q()
        if postal_code:
            place |= Q(postal_code=postal_code)
        if city:
            place |= Q(city__iexact=city)
        # At most a few thousand rows per place, compared in Python with a fuzzy ratio.
        for pk, other_key, other_pc in base.filter(place).values_list(
            "pk", "name_key", "postal_code"
        )[:5000]:
            if normalize.names_similar(key, other_key):
                same_pc = postal_code and other_pc == postal_code
                add(
                    pk,
                    _("similar name, same postal code")
                    if same_pc
                    else _("similar name, same city"),
                )
    if key:
        # The very same name is a likely duplicate wherever it is, and when either has no address
        # (customer_name_key_idx).
        for pk in base.filter(name_key=key).values_list("pk", flat=True)[:limit]:
            if pk not in found:
                add(pk, _("same name"))
    domain = normalize.email_domain(email, website)
    if domain and not normalize.is_freemail(domain):
        for pk in base.filter(email_domain=domain).values_list("pk", flat=True)[:limit]:
            add(pk, _("same e-mail domain (%(domain)s)") % {"domain": domain})
    digits = normalize.phone_digits(phone, country)
    if len(digits) >= 6:
        for pk in base.filter(phone_digits=digits).values_list("pk", flat=True)[:limit]:
            add(pk, _("same phone number"))
    if not found:
        return []
    ranked = sorted(found.items(), key=lambda item: (-len(item[1]), item[0]))[:limit]
    customers = Customer.objects.select_related("owner").in_bulk([pk for pk, _r in ranked])
    return [
        DuplicateCandidate(customer=customers[pk], reasons=reasons)
        for pk, reasons in ranked
        if pk in customers
    ]


# --- contact persons ---------------------------------------------------------------------------


class ContactListQuerySet(QuerySet):
    """Contacts whose deep pages skip over bare ids: slicing far down picks the page's ids in the
    requested order (without the customer and owner joins of the rows), then loads those rows.
    At 200,000 contacts page 400 took 100-200 ms joining every skipped row."""

    TWO_STEP_FROM = 500  # rows to skip from which a page is read in two steps

    def __getitem__(self, k):
        if (
            not isinstance(k, slice)
            or k.step is not None
            or (k.start or 0) < self.TWO_STEP_FROM
            or self._iterable_class is not ModelIterable
        ):
            return super().__getitem__(k)
        ids = list(super().__getitem__(k).values_list("pk", flat=True))
        rows = (
            QuerySet(model=self.model, query=self.query.chain(), using=self.db)
            .order_by()
            .in_bulk(ids)
        )
        return [rows[pk] for pk in ids if pk in rows]


def contact_list() -> QuerySet:
    """All contact persons with their customer."""
    return ContactListQuerySet(model=ContactPerson).select_related("customer", "customer__owner")


def contact_search(qs: QuerySet, *, text: str) -> QuerySet:
    """Contacts whose name, e-mail, position or customer name contain the words of ``text``."""
    return _search(qs, text=text, table=ContactPerson._meta.db_table)


def contact_get(*, pk: int) -> ContactPerson:
    """One contact person with customer and owner, or 404."""
    return get_object_or_404(
        ContactPerson.objects.select_related("customer", "customer__owner"), pk=pk
    )


def contact_projects(*, contact: ContactPerson, limit: int = 50) -> list:
    """The projects the contact person is linked to, with the buying-center role."""
    return list(
        contact.project_links.select_related(
            "project", "project__phase", "project__owner"
        ).order_by("-project__created_at")[:limit]
    )


# --- import jobs -------------------------------------------------------------------------------


def import_job_get(*, pk: int, user) -> ImportJob:
    """An import job of the user (admins see every job), or 404."""
    qs = (
        ImportJob.objects.all()
        if user.is_tenant_admin
        else ImportJob.objects.filter(created_by=user)
    )
    return get_object_or_404(qs.select_related("created_by"), pk=pk)


def import_job_list(*, user, limit: int = 10) -> list[ImportJob]:
    """The import history: the latest jobs with who started them (admins see everyone's)."""
    qs = (
        ImportJob.objects.all()
        if user.is_tenant_admin
        else ImportJob.objects.filter(created_by=user)
    )
    return list(qs.select_related("created_by").defer("errors", "header", "mapping")[:limit])


def import_job_url(*, job: ImportJob, user) -> str | None:
    """The import's page if ``user`` may open it (importers: admins any, managers their own)."""
    from django.urls import reverse

    if user.is_tenant_admin or (user.is_manager and job.created_by_id == user.pk):
        return reverse("customers:import_detail", args=[job.pk])
    return None
