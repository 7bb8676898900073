"""Custom fields as columns of the customer overview, contact list, project list and lead list:
formatted by type in the user's language, sorted by the typed value (empty values last) when the
field is marked sortable, never shown nor sortable for a role that may not see the field, and
the page's queries do not grow with its rows."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sales.models import Process
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import INDUSTRY_OPTIONS, make_field
from tests.builders.sales import make_process, make_project

NBSP = "\xa0"


def _headers(page: str) -> list[str]:
    thead = re.search(r"<thead.*?</thead>", page, re.S).group(0)
    return [re.sub(r"<[^>]+>|[▲▼]", "", h).strip() for h in re.findall(r"<th.*?</th>", thead, re.S)]


def _rows(page: str, testid: str = "customer-row") -> list[str]:
    return re.findall(rf'<tr data-testid="{testid}".*?</tr>', page, re.S)


def _customer_fields():
    make_field(
        key="segment", label_en="Segment", label_de="Branche", field_type="choice",
        options=INDUSTRY_OPTIONS, sortable=True,
    )  # fmt: skip
    make_field(key="limit", label_en="Credit limit", label_de="Kreditlimit", field_type="money",
               sortable=True)  # fmt: skip
    make_field(key="since", label_en="Customer since", label_de="Kunde seit", field_type="date",
               sortable=True)  # fmt: skip
    make_field(key="export_ok", label_en="Export allowed", label_de="Export erlaubt",
               field_type="boolean")  # fmt: skip
    make_field(key="staff", label_en="Staff", label_de="Belegschaft", field_type="number")


def test_the_overview_shows_the_fields_formatted_in_english_and_german(tenant, client_for, alice):
    _customer_fields()
    make_customer(
        name="Spaltenfirma GmbH",
        custom={"segment": "retail", "limit": "12345.50", "since": "2024-03-07",
                "export_ok": True, "staff": "1250"},
    )  # fmt: skip
    client = client_for(alice)
    page = client.get("/customers/", {"q": "Spaltenfirma"}).content.decode()
    assert _headers(page)[-5:] == [
        "Segment", "Credit limit", "Customer since", "Export allowed", "Staff",
    ]  # fmt: skip
    row = _rows(page)[0]
    for text in ("Retail", "12,345.50 EUR", "03/07/2024", "yes", "1,250"):
        assert f">{text}</td>" in row, (text, row)
    page = client.get(
        "/customers/", {"q": "Spaltenfirma"}, HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert _headers(page)[-5:] == [
        "Branche", "Kreditlimit", "Kunde seit", "Export erlaubt", "Belegschaft",
    ]  # fmt: skip
    row = _rows(page)[0]
    for text in ("Einzelhandel", f"12.345,50{NBSP}€", "07.03.2024", "ja", "1.250"):
        assert f">{text}</td>" in row, (text, row)


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode()


def _names(page: str, testid: str = "customer-row") -> list[str]:
    return [re.search(r'fw-semibold">([^<]+)</a>', r).group(1) for r in _rows(page, testid)]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("cf_limit", ["Sort B", "Sort A", "Sort C"]),
        ("-cf_limit", ["Sort A", "Sort B", "Sort C"]),  # empty values last both ways
        ("cf_since", ["Sort A", "Sort B", "Sort C"]),
        ("cf_segment", ["Sort C", "Sort A", "Sort B"]),
    ],
)
def test_a_sortable_field_sorts_by_its_typed_value_with_empty_values_last(
    tenant, client_for, alice, sort, expected
):
    _customer_fields()
    make_customer(
        name="Sort A", custom={"limit": "900", "since": "2020-01-31", "segment": "public"}
    )
    make_customer(
        name="Sort B", custom={"limit": "80.5", "since": "2023-12-01", "segment": "retail"}
    )
    make_customer(name="Sort C", custom={"segment": "industry"})
    page = client_for(alice).get("/customers/", {"q": "Sort", "sort": sort}).content.decode()
    assert _names(page) == expected
    assert 'href="?q=Sort&amp;sort=' in page  # the header links sort


def test_a_field_not_marked_sortable_is_a_column_but_does_not_sort(tenant, client_for, alice):
    _customer_fields()
    make_customer(name="Staff A", custom={"staff": "5"})
    make_customer(name="Staff B", custom={"staff": "1"})
    page = client_for(alice).get("/customers/", {"q": "Staff", "sort": "cf_staff"}).content.decode()
    assert "Staff" in _headers(page)
    header = re.search(r"<th[^>]*>\s*Staff\s*</th>", page)
    assert header is not None  # plain text, no sort link
    assert _names(page) == ["Staff A", "Staff B"]  # the default order


def test_a_field_the_role_may_not_see_is_no_column_and_does_not_sort(
    tenant, client_for, alice, carol
):
    make_field(key="secret", label_en="Confidential rating", field_type="number", sortable=True,
               visible_roles=["admin", "manager"])  # fmt: skip
    make_customer(name="Hidden A", custom={"secret": "9"})
    make_customer(name="Hidden B", custom={"secret": "1"})
    query = {"q": "Hidden", "sort": "cf_secret"}
    page = client_for(alice).get("/customers/", query).content.decode()
    assert "Confidential rating" not in page and ">9</td>" not in page
    assert _names(page) == ["Hidden A", "Hidden B"]  # ?sort= by it is ignored
    export = _csv(client_for(alice).get("/customers/export/", query))
    assert "secret" not in export and export.index("Hidden A") < export.index("Hidden B")
    page = client_for(carol).get("/customers/", query).content.decode()
    assert "Confidential rating" in _headers(page)
    assert _names(page) == ["Hidden B", "Hidden A"]
    export = _csv(client_for(carol).get("/customers/export/", query))
    assert export.index("Hidden B") < export.index("Hidden A")  # the export keeps the sort


def test_the_contact_list_shows_and_sorts_contact_fields(tenant, client_for, alice):
    make_field(entity="contact", key="badge", label_en="Badge number", sortable=True)
    make_field(key="cust_only", label_en="Customer only field")
    make_contact(last_name="Kontaktzwei", custom={"badge": "B-2"})
    make_contact(last_name="Kontakteins", custom={"badge": "B-1"})
    page = (
        client_for(alice)
        .get("/customers/contacts/", {"q": "Kontakt", "sort": "cf_badge"})
        .content.decode()
    )
    assert "Badge number" in _headers(page) and "Customer only field" not in page
    rows = _rows(page, "contact-row")
    assert ">B-1</td>" in rows[0] and ">B-2</td>" in rows[1]


def test_the_project_and_lead_lists_show_their_fields(tenant, client_for, alice):
    make_field(entity="project", key="contract_end", label_en="Contract end",
               field_type="date", sortable=True)  # fmt: skip
    make_field(entity="lead", key="source", label_en="Lead source")
    make_field(entity="project", key="owner2", label_en="Second owner", field_type="user")
    process = make_process()
    lead_process = make_process(kind=Process.Kind.LEAD)
    make_project(process=process, title="Spaltenprojekt", volume=Decimal(10),
                 custom={"contract_end": "2027-06-30", "owner2": alice.pk})  # fmt: skip
    make_project(process=lead_process, title="Spaltenlead", custom={"source": "Messe"})
    client = client_for(alice)
    page = client.get("/sales/projects/", {"process": process.pk}).content.decode()
    headers = _headers(page)
    assert "Contract end" in headers and "Second owner" in headers
    assert "Lead source" not in headers
    assert ">06/30/2027</td>" in page and f">{alice}</td>" in page
    page = client.get("/sales/leads/", {"sort": "-cf_contract_end"}).content.decode()
    headers = _headers(page)
    assert "Lead source" in headers and "Contract end" in headers  # a lead is a project too
    assert ">Messe</td>" in page


def test_the_overview_queries_do_not_grow_with_custom_columns_and_rows(
    tenant, client_for, alice, django_assert_max_num_queries
):
    _customer_fields()
    make_field(key="key_account", label_en="Key account manager", field_type="user")
    for n in range(3):
        make_customer(name=f"Menge {n}", custom={"limit": "1", "key_account": alice.pk})
    client = client_for(alice)
    query = {"q": "Menge", "sort": "cf_limit"}
    client.get("/customers/", query)  # warm-up
    with CaptureQueriesContext(connection) as few:
        client.get("/customers/", query)
    for n in range(3, 25):
        make_customer(name=f"Menge {n}", custom={"limit": str(n), "key_account": alice.pk})
    with django_assert_max_num_queries(len(few)):
        page = client.get("/customers/", query).content.decode()
    assert len(_rows(page)) == 25 and page.count(f">{alice}</td>") == 25
