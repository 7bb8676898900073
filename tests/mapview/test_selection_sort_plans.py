"""A saved selection's page is picked from its members, whatever the sort (issue 17).

A selection drawn on the map is one region: its members sit together in the country or city
order. Sorted by such a column, the planner walked the customer index in that order and probed
each customer's selection item, so a page read every customer before the region (240,000 buffers
for an 8,000-member selection at 100,000 customers). The page now reads the members once
(mapview.paging.SelectionCustomerQuerySet): its buffers follow the selection's size, not the
tenant's. Buffers, not times: they do not depend on the machine's load.
"""

from __future__ import annotations

import pytest
from django.db import connection

from crm.models import User
from customers.models import Customer
from mapview.models import Selection, SelectionItem
from tests.plans import page_buffers

pytestmark = pytest.mark.django_db

OTHERS = 6000  # customers outside the selection, ahead of it in the sorts below
MEMBERS = 300


def _customers(n: int, *, offset: int = 0, **values) -> list[Customer]:
    return Customer.objects.bulk_create(
        Customer(
            name=f"Kunde {offset + i:05d}",
            kind=Customer.Kind.COMPANY,
            status=Customer.Status.CUSTOMER,
            **values,
        )
        for i in range(n)
    )


def _selection(members: list[Customer], name: str = "Region") -> Selection:
    selection = Selection.objects.create(name=name, customer_count=len(members))
    SelectionItem.objects.bulk_create(
        SelectionItem(selection=selection, customer=c) for c in members
    )
    return selection


def _pages(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        return cursor.fetchone()[0]


def _buffers(client, url: str) -> int:
    return page_buffers(
        client,
        url,
        analyze=("customers_customer", "mapview_selectionitem"),
        reading="customers_customer",
    )


@pytest.mark.parametrize(
    "sort", ["-country", "city", "-size_class", "geocode_status", "name", "owner"]
)
def test_a_page_of_a_regional_selection_reads_its_members_not_the_tenant(
    tenant, client_for, dave, sort
):
    # the other customers come first in every one of these sorts, the members last
    others = dict(country="DE", city="Aachen", size_class="A", geocode_status="failed")
    _customers(OTHERS, owner=dave, **others)
    members = _customers(
        MEMBERS,
        offset=OTHERS,
        country="AT",
        city="Zwickau",
        size_class="B",
        geocode_status="pending",
    )
    selection = _selection(members)
    read = _buffers(client_for(dave), f"/map/selections/{selection.pk}/?sort={sort}")
    # a few buffers per member (its index entry, its row) and at most a scan or two of the
    # table, never a probe per customer of the tenant (the rolled-back rows of the cases before
    # stay in the table's pages until a vacuum, hence its size measured now)
    assert read < 5 * MEMBERS + 3 * _pages("customers_customer"), read


def _page_ids(client, url: str) -> list[int]:
    table = client.get(url).context["table"]
    return [row.record.pk for row in table.page.object_list]


@pytest.mark.parametrize(
    "column, order",
    [
        ("name", ("name", "id")),
        ("city", ("city", "name", "id")),
        ("country", ("country", "name", "id")),
        ("size_class", ("size_class", "name", "id")),
        ("owner", ("owner__first_name", "owner__last_name", "id")),
        ("geocode_status", ("geocode_status", "name", "id")),
    ],
)
def test_every_sort_of_a_selection_pages_as_the_plain_ordering(
    tenant, client_for, dave, column, order
):
    """Both directions, the first and the second page, with equal keys and customers without an
    owner: the same rows in the same order as the ORM's ordering of the members."""
    owners = list(User.objects.order_by("id")[:3])
    customers = _customers(130, country="DE")
    for i, customer in enumerate(customers):
        customer.city = ("Köln", "Aachen", "Zell", "")[i % 4]
        customer.country = ("DE", "AT", "CH")[i % 3]
        customer.size_class = ("A", "C", "D")[i % 3]
        customer.geocode_status = ("pending", "found", "failed")[i % 3]
        customer.owner = None if i % 5 == 0 else owners[i % len(owners)]
        customer.name = f"Kunde {i % 40:02d}"  # equal names: the id decides
    Customer.objects.bulk_update(
        customers, ["city", "country", "size_class", "geocode_status", "owner", "name"]
    )
    members = customers[5:125]
    selection = _selection(members)
    _selection(customers[:20], name="Another")  # its items must not leak in
    client = client_for(dave)
    expected = Customer.objects.filter(pk__in=[c.pk for c in members])
    for descending in (False, True):
        ordering = [f"-{o}" if descending else o for o in order]
        ids = list(expected.order_by(*ordering).values_list("pk", flat=True))
        sort = f"-{column}" if descending else column
        url = f"/map/selections/{selection.pk}/?sort={sort}"
        assert _page_ids(client, url) == ids[:50], sort
        assert _page_ids(client, url + "&page=3") == ids[100:150], sort
