"""Saved selections and the customer overview: "add to a selection" from the overview (the ticked
rows or all matching), and a saved selection opened in the overview as a filter (issue 14, item
5)."""

from __future__ import annotations

import csv
import io

import pytest

from customers.models import Customer
from mapview.models import Selection
from tests.builders.customers import make_customer
from tests.builders.mapview import make_selection

ADD = "/map/selections/add/"


def _names(response) -> list[str]:
    return sorted(row.record.name for row in response.context["table"].paginated_rows)


def test_the_overview_offers_add_to_a_selection_with_the_saved_selections(
    tenant, alice, client_for
):
    make_selection(owner=alice, name="Trip to Kiel", customers=[make_customer()])
    html = client_for(alice).get("/customers/").content.decode()
    assert 'formaction="/map/selections/add/"' in html
    assert "Trip to Kiel" in html and 'name="next"' in html


def test_ticked_rows_go_into_a_new_selection_and_back_to_the_overview(tenant, alice, client_for):
    a, b, _c = (make_customer(name=f"Ticked {i}", owner=alice) for i in range(3))
    response = client_for(alice).post(
        ADD,
        {
            "action": "select",
            "scope": "selected",
            "ids": [a.pk, b.pk],
            "name": "Ticked ones",
            "next": "/customers/?q=Ticked",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/customers/?q=Ticked"
    selection = Selection.objects.get(name="Ticked ones")
    assert set(selection.items.values_list("customer_id", flat=True)) == {a.pk, b.pk}


def test_all_rows_matching_the_filters_go_into_an_existing_selection(tenant, alice, client_for):
    hamburg = [make_customer(name=f"Nord {i}", city="Hamburg", owner=alice) for i in range(3)]
    make_customer(name="Süd 1", city="München", owner=alice)
    selection = make_selection(owner=alice, name="North", customers=[hamburg[0]])
    response = client_for(alice).post(
        ADD,
        {
            "action": "select",
            "scope": "all",
            "query": "q=Hamburg",
            "selection": selection.pk,
            "next": "/customers/?q=Hamburg",
        },
        follow=True,
    )
    assert "2 customers added to “North”." in response.content.decode()
    selection.refresh_from_db()
    assert selection.customer_count == 3
    assert set(selection.items.values_list("customer_id", flat=True)) == {c.pk for c in hamburg}


def test_adding_without_ticks_or_without_a_name_explains_and_saves_nothing(
    tenant, alice, client_for
):
    customer = make_customer(owner=alice)
    client = client_for(alice)
    nothing = client.post(ADD, {"scope": "selected", "name": "Empty"}, follow=True)
    assert "Select at least one row" in nothing.content.decode()
    unnamed = client.post(ADD, {"scope": "selected", "ids": [customer.pk]}, follow=True)
    assert "Give the selection a name." in unnamed.content.decode()
    assert not Selection.objects.exists()


def test_a_saved_selection_opens_in_the_overview_as_a_filter(tenant, alice, client_for):
    inside = [make_customer(name=n, owner=alice) for n in ("Kieler Werft", "Flensburger Hafen")]
    make_customer(name="Outside", owner=alice)
    selection = make_selection(owner=alice, name="Trip to Kiel", customers=inside)
    client = client_for(alice)
    response = client.get(f"/customers/?selection={selection.pk}")
    assert _names(response) == ["Flensburger Hafen", "Kieler Werft"]
    html = response.content.decode()
    assert 'data-testid="overview-selection"' in html and "Trip to Kiel" in html
    # the other filters keep the selection
    assert f'name="selection" value="{selection.pk}"' in html
    narrowed = client.get(f"/customers/?selection={selection.pk}&q=Flensburger")
    assert _names(narrowed) == ["Flensburger Hafen"]
    # the selection's page links here
    detail = client.get(f"/map/selections/{selection.pk}/").content.decode()
    assert f'href="/customers/?selection={selection.pk}"' in detail


def test_export_and_bulk_owner_work_on_the_selection_in_the_overview(
    tenant, alice, bob, dave, client_for
):
    inside = [make_customer(name=f"Inside {i}", owner=alice) for i in range(2)]
    outside = make_customer(name="Outside", owner=alice)
    selection = make_selection(owner=alice, name="Trip", customers=inside)
    client = client_for(dave)
    export = client.get(f"/customers/export/?selection={selection.pk}")
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    names = sorted(row["name"] for row in csv.DictReader(io.StringIO(body)))
    assert names == ["Inside 0", "Inside 1"]
    client.post(
        "/customers/bulk/",
        {
            "action": "assign",
            "scope": "all",
            "owner": bob.pk,
            "query": f"selection={selection.pk}",
        },
    )
    owners = dict(Customer.objects.values_list("name", "owner_id"))
    assert owners["Inside 0"] == owners["Inside 1"] == bob.pk
    assert owners[outside.name] == alice.pk


@pytest.mark.parametrize(
    "value", ["999999", "abc", "-1", "0", "1.5", "99999999999999999999999", "%00", "١"]
)
def test_an_unknown_or_malformed_selection_id_is_explained_and_lists_nobody(
    tenant, alice, client_for, value
):
    make_customer(name="Anybody", owner=alice)
    client = client_for(alice)
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "table"}):
        response = client.get("/customers/", {"selection": value}, **headers)
        assert response.status_code == 200
        assert "Anybody" not in response.content.decode()
    page = client.get("/customers/", {"selection": value}).content.decode()
    assert 'data-testid="overview-selection-unknown"' in page
    export = client.get("/customers/export/", {"selection": value})
    assert export.status_code == 200
    assert b"Anybody" not in b"".join(export.streaming_content)


def test_all_rows_matching_custom_field_filters_go_into_a_new_selection_with_the_filters(
    tenant, alice, client_for
):
    from tests.builders.customfields import INDUSTRY_OPTIONS, make_field

    make_field(key="segment", field_type="choice", options=INDUSTRY_OPTIONS, filterable=True)
    make_field(key="code", label_en="Code", filterable=True)
    retail = make_customer(name="Laden A", owner=alice, custom={"segment": "retail", "code": "N1"})
    make_customer(name="Laden B", owner=alice, custom={"segment": "retail", "code": "S2"})
    make_customer(name="Werk C", owner=alice, custom={"segment": "industry", "code": "N3"})
    client = client_for(alice)
    query = "cf_segment=retail&cf_code=n"
    page = client.get(f"/customers/?{query}").content.decode()
    assert f'name="query" value="{query.replace("&", "&amp;")}"' in page  # what the form posts
    response = client.post(
        ADD, {"action": "select", "scope": "all", "query": query, "name": "Retail north"}
    )
    assert response.status_code == 302
    selection = Selection.objects.get(name="Retail north")
    assert list(selection.items.values_list("customer_id", flat=True)) == [retail.pk]
    assert selection.definition == {"ids": [retail.pk], "filters": query}
    # ticked rows keep no filters: they were picked by hand
    client.post(ADD, {"action": "select", "scope": "selected", "ids": [retail.pk], "name": "Hand"})
    assert Selection.objects.get(name="Hand").definition == {"ids": [retail.pk]}
