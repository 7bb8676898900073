"""The customer overview: columns from one query, filters, sort, htmx fragment, leads, bulk
actions."""

from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer
from customers.tables import CustomerTable
from sales.models import Phase, SalesProject
from tenants.models import Tenant
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_process, make_project

URL = "/customers/"


def _bulk_customers(n: int, *, process, owner=None, prefix="Bulk") -> None:
    open_phase = process.phases.get(outcome=Phase.Outcome.OPEN, name="Offer")
    won_phase = process.phases.get(outcome=Phase.Outcome.WON)
    customers = Customer.objects.bulk_create(
        [
            Customer(
                name=f"{prefix} {i:05d} GmbH",
                city="Berlin",
                owner=owner,
                name_key=f"{prefix.lower()} {i:05d}",
                status="lead" if i % 5 == 0 else "customer",
                search_text=f"{prefix.lower()} {i:05d} berlin",
            )
            for i in range(n)
        ]
    )
    now = timezone.now()
    SalesProject.objects.bulk_create(
        [
            SalesProject(
                customer=c,
                process=process,
                phase=phase,
                title="P",
                volume=Decimal(100),
                phase_entered_at=now,
            )
            for c in customers
            for phase in (open_phase, open_phase, won_phase)
        ]
    )


def _rows(response) -> list[str]:
    return [row.record.name for row in response.context["table"].paginated_rows]


def test_overview_shows_open_project_count_and_open_pipeline_value(tenant, client_for, alice):
    process = make_process()
    customer = make_customer(name="Pipeline GmbH", owner=alice)
    offer = process.phases.get(name="Offer")
    make_project(customer=customer, phase=offer, volume=Decimal("1000"))
    make_project(customer=customer, phase=offer, volume=Decimal("2500"))
    make_project(customer=customer, phase=process.phases.get(name="Won"), volume=Decimal("9999"))
    response = client_for(alice).get(URL, {"q": "Pipeline"})
    row = response.context["table"].paginated_rows[0].record
    assert row.open_projects_count == 2 and row.pipeline_value == Decimal("3500")
    assert b"3,500 EUR" in response.content


def test_overview_query_count_does_not_grow_from_10_to_1000_customers(
    tenant, client_for, dave, django_assert_max_num_queries
):
    process = make_process()
    client = client_for(dave)
    _bulk_customers(10, process=process, owner=dave)
    client.get(URL)  # warm-up: session, caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, {"sort": "-open_projects"}).status_code == 200
    _bulk_customers(990, process=process, owner=dave, prefix="More")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL, {"sort": "-open_projects"})
    assert len(_rows(response)) == 25
    real = [q for q in small.captured_queries if not q["sql"].startswith("SET search_path")]
    # tenant, session, user, count, rows, the filter choices, the custom-field definitions and the
    # tenant's overview layouts and its standard fields switched off (each read once; cached across
    # requests outside the tests)
    assert len(real) <= 13


def test_names_are_blue_for_customers_and_gray_for_leads(tenant, client_for, alice):
    make_customer(name="Blue Customer GmbH")
    make_customer(name="Gray Lead GmbH", status="lead")
    html = client_for(alice).get(URL, {"q": "GmbH"}).content.decode()
    assert 'class="crm-name-customer"><a href="/customers/' in html
    assert 'class="crm-name-lead"><a href="/customers/' in html


def test_with_the_lead_function_off_leads_disappear_but_are_kept(tenant, client_for, alice):
    make_customer(name="Visible Customer")
    lead = make_customer(name="Hidden Lead", status="lead")
    Tenant.objects.filter(schema_name="alpha").update(lead_function_enabled=False)
    response = client_for(alice).get(URL)
    names = _rows(response)
    assert "Visible Customer" in names and "Hidden Lead" not in names
    assert b"crm-name-lead" not in response.content
    assert 'name="status"' not in response.content.decode()  # no status filter without leads
    assert Customer.objects.filter(pk=lead.pk).exists()
    assert client_for(alice).get(f"/customers/{lead.pk}/").status_code == 200


def test_free_text_search_finds_name_city_and_contact_names(tenant, client_for, alice):
    by_name = make_customer(name="Zugspitz Seilbahn AG", city="Garmisch")
    by_city = make_customer(name="Other GmbH", city="Quedlinburg")
    by_contact = make_customer(name="Third GmbH")
    make_contact(customer=by_contact, first_name="Hildegard", last_name="Özdemir")
    client = client_for(alice)
    assert _rows(client.get(URL, {"q": "zugspitz"})) == [by_name.name]
    assert _rows(client.get(URL, {"q": "Quedlin"})) == [by_city.name]
    assert _rows(client.get(URL, {"q": "Oezdemir"})) == [by_contact.name]  # umlauts fold both ways
    assert _rows(client.get(URL, {"q": "Özdemir Hildegard"})) == [by_contact.name]


def test_filters_status_size_owner_team_country_and_open_projects(
    tenant, client_for, alice, bob, carol
):
    process = make_process()
    a = make_customer(name="F-A", owner=alice, size_class="A", country="AT")
    b = make_customer(name="F-B", owner=bob, size_class="B", status="lead")
    make_project(customer=b, phase=process.phases.get(name="Offer"))
    client = client_for(carol)
    assert _rows(client.get(URL, {"q": "F", "status": "lead"})) == ["F-B"]
    assert _rows(client.get(URL, {"q": "F", "size_class": ["A", "C"]})) == ["F-A"]
    assert _rows(client.get(URL, {"q": "F", "owner": alice.pk})) == ["F-A"]
    assert _rows(client.get(URL, {"q": "F", "team": bob.team_id})) == ["F-B"]
    assert _rows(client.get(URL, {"q": "F", "country": "AT"})) == ["F-A"]
    assert _rows(client.get(URL, {"q": "F", "has_open_projects": "true"})) == ["F-B"]
    assert _rows(client.get(URL, {"q": "F", "has_open_projects": "false"})) == ["F-A"]
    assert a.pk


# every column of the overview but the tick box
@pytest.mark.parametrize("column", [c for c in CustomerTable.Meta.fields if c != "selection"])
def test_every_column_sorts_both_ways(tenant, client_for, alice, column):
    make_customer(name="Sort A", city="Aachen")
    make_customer(name="Sort B", city="Bonn")
    client = client_for(alice)
    for sort in (column, f"-{column}"):
        response = client.get(URL, {"sort": sort, "q": "Sort"})
        assert response.status_code == 200 and len(_rows(response)) == 2
    assert _rows(client.get(URL, {"sort": "-city", "q": "Sort"})) == ["Sort B", "Sort A"]


def test_htmx_requests_get_only_the_table_fragment_with_links_that_keep_the_filters(
    tenant, client_for, alice
):
    for i in range(30):
        make_customer(name=f"Page {i:02d}")
    client = client_for(alice)
    full = client.get(URL, {"q": "Page", "sort": "-name"})
    part = client.get(
        URL, {"q": "Page", "sort": "-name"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="table"
    )
    assert b"<html" in full.content and b"<html" not in part.content
    assert b'id="table"' in part.content
    html = part.content.decode()
    assert "q=Page" in html and "sort=-name" in html and "page=2" in html
    assert _rows(client.get(URL, {"q": "Page", "sort": "-name", "page": 2}))[0] == "Page 04"


def test_export_of_the_filtered_list_is_csv_with_neutralised_cells(tenant, client_for, alice):
    make_customer(name='=HYPERLINK("http://evil")', city="Export")
    make_customer(name="Plain Export GmbH", city="Export")
    make_customer(name="Skipped one", city="Elsewhere")
    response = client_for(alice).get("/customers/export/", {"q": "export"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeffid,name,")
    assert "'=HYPERLINK" in body and "Plain Export GmbH" in body and "Skipped one" not in body


def test_bulk_assign_owner_to_the_selection(tenant, client_for, carol, alice, bob):
    mine = make_customer(name="Bulk 1", owner=alice)
    other = make_customer(name="Bulk 2", owner=bob)
    response = client_for(carol).post(
        "/customers/bulk/",
        {
            "action": "assign",
            "scope": "selected",
            "ids": [mine.pk, other.pk],
            "owner": carol.pk,
            "query": "q=Bulk",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/customers/?q=Bulk"
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.owner == carol and other.owner == bob  # bob is not in carol's team


def test_bulk_assign_owner_to_everything_matching_the_filters(tenant, client_for, dave, alice):
    a = make_customer(name="Filtered X1", city="Xanten")
    b = make_customer(name="Filtered X2", city="Xanten")
    c = make_customer(name="Unfiltered", city="Yburg")
    client_for(dave).post(
        "/customers/bulk/",
        {"action": "assign", "scope": "all", "owner": alice.pk, "query": "q=xanten"},
    )
    assert {x.owner_id for x in Customer.objects.filter(pk__in=[a.pk, b.pk])} == {alice.pk}
    c.refresh_from_db()
    assert c.owner_id is None


def test_bulk_export_of_the_selection(tenant, client_for, alice):
    a = make_customer(name="Sel 1")
    make_customer(name="Sel 2")
    response = client_for(alice).post(
        "/customers/bulk/", {"action": "export", "scope": "selected", "ids": [a.pk]}
    )
    body = b"".join(response.streaming_content).decode()
    assert "Sel 1" in body and "Sel 2" not in body


def test_bulk_without_a_selection_explains_what_to_do(tenant, client_for, alice):
    response = client_for(alice).post(
        "/customers/bulk/", {"action": "export", "scope": "selected"}, follow=True
    )
    assert "Select at least one row" in response.content.decode()


def test_dashboard_widget_counts_customers_leads_and_mine(tenant, client_for, alice):
    make_customer(owner=alice)
    make_customer(owner=alice, status="lead")
    html = client_for(alice).get("/").content.decode()
    assert 'data-testid="widget-customers"' in html and "my customers" in html
