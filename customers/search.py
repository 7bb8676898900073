"""What the global search (crm.lib.search) finds in this app: customers, leads, contact persons."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.features import leads_enabled
from crm.lib.search import Hit, queryset_search, search_kind_register
from customers.models import ContactPerson, Customer


def _customer_hits(*, status: str, query: str, limit: int) -> list[Hit]:
    rows = queryset_search(
        Customer.objects.filter(status=status).only(
            "id", "name", "status", "postal_code", "city", "updated_at"
        ),
        expression='{t}."name"',
        query=query,
        limit=limit,
    )
    lead = status == Customer.Status.LEAD
    return [
        Hit(
            kind="lead" if lead else "customer",
            pk=c.pk,
            title=c.name,
            score=c.search_score,
            url=reverse("customers:customer_detail", args=[c.pk]),
            subtitle=" ".join(p for p in (c.postal_code, c.city) if p),
            css="crm-name-lead" if lead else "crm-name-customer",
        )
        for c in rows
    ]


def search_customers(*, request, query: str, limit: int) -> list[Hit]:
    """Customers (blue) by name."""
    return _customer_hits(status=Customer.Status.CUSTOMER, query=query, limit=limit)


def search_leads(*, request, query: str, limit: int) -> list[Hit]:
    """Leads (gray) by name; nothing while the tenant's lead function is off."""
    if not leads_enabled(request):
        return []
    return _customer_hits(status=Customer.Status.LEAD, query=query, limit=limit)


def search_contacts(*, request, query: str, limit: int) -> list[Hit]:
    """Contact persons by first and last name (not those of leads while the lead function is off)."""
    qs = ContactPerson.objects.select_related("customer").only(
        "id",
        "first_name",
        "last_name",
        "position",
        "updated_at",
        "customer__id",
        "customer__name",
        "customer__status",
    )
    if not leads_enabled(request):
        qs = qs.filter(customer__status=Customer.Status.CUSTOMER)
    rows = queryset_search(
        qs, expression="""{t}."first_name" || ' ' || {t}."last_name\"""", query=query, limit=limit
    )
    return [
        Hit(
            kind="contact",
            pk=c.pk,
            title=" ".join(p for p in (c.first_name, c.last_name) if p),
            score=c.search_score,
            url=reverse("customers:contact_detail", args=[c.pk]),
            subtitle=" · ".join(p for p in (c.customer.name, c.position) if p),
            css="crm-name-lead"
            if c.customer.status == Customer.Status.LEAD
            else "crm-name-customer",
        )
        for c in rows
    ]


def register() -> None:
    search_kind_register(key="customer", label=_("Customers"), order=10, search=search_customers)
    search_kind_register(key="lead", label=_("Leads"), order=20, search=search_leads)
    search_kind_register(
        key="contact", label=_("Contact persons"), order=30, search=search_contacts
    )
