"""What the global search (crm.lib.search) finds in this app: customers, leads, contact persons."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.features import leads_enabled
from crm.lib.search import Hit, queryset_search, search_kind_register
from customers.models import ContactPerson, Customer
from customfields.search import custom_search, matched_text, merge_hits
from customfields.standard import Area, is_on

CUSTOMER_FIELDS = ("id", "name", "status", "postal_code", "city", "updated_at")


def _customer_hit(c: Customer, *, field=None) -> Hit:
    lead = c.status == Customer.Status.LEAD
    place = " ".join(p for p in (c.postal_code, c.city) if p)
    return Hit(
        kind="lead" if lead else "customer",
        pk=c.pk,
        title=c.name,
        score=c.search_score,
        url=reverse("customers:customer_detail", args=[c.pk]),
        subtitle=matched_text(c, field) or place,
        css="crm-name-lead" if lead else "crm-name-customer",
    )


def _customer_hits(*, request, status: str, query: str, limit: int) -> list[Hit]:
    """The customer or the lead hits. Customers and leads share one table and its trigram index:
    the first kind asked searches both (one index scan per step, the best ``limit`` of each
    status) and keeps the other's hits on the request for the second."""
    statuses = (Customer.Status.CUSTOMER, Customer.Status.LEAD)
    if not leads_enabled(request):
        statuses = (Customer.Status.CUSTOMER,)
    memo = request.__dict__.setdefault("_crm_customer_search", {})
    key = (query, limit, statuses)
    if key not in memo:
        qs = Customer.objects.filter(status__in=statuses)
        partition = ("status", statuses)
        rows = queryset_search(
            qs.only(*CUSTOMER_FIELDS),
            expression='{t}."name"',
            query=query,
            limit=limit,
            partition=partition,
        )
        found = custom_search(
            qs.only(*CUSTOMER_FIELDS, "custom"),
            entity="customer",
            user=request.user,
            query=query,
            limit=limit,
            partition=partition,
        )
        memo[key] = {
            value: merge_hits(
                [_customer_hit(c) for c in rows if c.status == value],
                [_customer_hit(c, field=d) for c, d in found if c.status == value],
                limit=limit,
            )
            for value in statuses
        }
    return memo[key].get(status, [])


def search_customers(*, request, query: str, limit: int) -> list[Hit]:
    """Customers (blue) by name."""
    return _customer_hits(
        request=request, status=Customer.Status.CUSTOMER, query=query, limit=limit
    )


def search_leads(*, request, query: str, limit: int) -> list[Hit]:
    """Leads (gray) by name; nothing while the tenant's lead function is off."""
    if not leads_enabled(request):
        return []
    return _customer_hits(request=request, status=Customer.Status.LEAD, query=query, limit=limit)


CONTACT_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "position",
    "updated_at",
    "customer__id",
    "customer__name",
    "customer__status",
)


def search_contacts(*, request, query: str, limit: int) -> list[Hit]:
    """Contact persons by first and last name (not those of leads while the lead function is
    off)."""
    qs = ContactPerson.objects.select_related("customer").only(*CONTACT_FIELDS)
    if not leads_enabled(request):
        qs = qs.filter(customer__status=Customer.Status.CUSTOMER)
    rows = queryset_search(
        qs, expression="""{t}."first_name" || ' ' || {t}."last_name\"""", query=query, limit=limit
    )
    found = custom_search(
        qs.only(*CONTACT_FIELDS, "custom"),
        entity="contact",
        user=request.user,
        query=query,
        limit=limit,
    )
    shown = is_on(Area.CONTACT, "position", request.user)  # the subtitle's position
    return merge_hits(
        [_contact_hit(c, position=shown) for c in rows],
        [_contact_hit(c, field=d, position=shown) for c, d in found],
        limit=limit,
    )


def _contact_hit(c: ContactPerson, *, field=None, position: bool = True) -> Hit:
    return Hit(
        kind="contact",
        pk=c.pk,
        title=" ".join(p for p in (c.first_name, c.last_name) if p),
        score=c.search_score,
        url=reverse("customers:contact_detail", args=[c.pk]),
        subtitle=" · ".join(
            p
            for p in (c.customer.name, matched_text(c, field) or (c.position if position else ""))
            if p
        ),
        css="crm-name-lead" if c.customer.status == Customer.Status.LEAD else "crm-name-customer",
    )


def register() -> None:
    search_kind_register(key="customer", label=_("Customers"), order=10, search=search_customers)
    search_kind_register(key="lead", label=_("Leads"), order=20, search=search_leads)
    search_kind_register(
        key="contact", label=_("Contact persons"), order=30, search=search_contacts
    )
