"""Searchable custom fields in the global search: found by value (folded, typo-tolerant), served
by a trigram index on the search expression, never for a role that may not see the field."""

from __future__ import annotations

import re

from django.db import connection

from customfields import indexes, services
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import make_field
from tests.builders.sales import make_project


def _titles(response) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", t)
        for t in re.findall(r'data-testid="search-hit">(.*?)</a>', response.content.decode())
    ]


def test_a_searchable_field_finds_customers_contacts_and_projects_by_its_value(
    tenant, alice, client_for
):
    make_field(key="vat_id", label_en="VAT id", searchable=True)
    make_field(key="internal_code", label_en="Internal code")  # not searchable
    make_field(entity="contact", key="badge_no", label_en="Badge", searchable=True)
    make_field(entity="project", key="order_ref", label_en="Order reference", searchable=True)
    make_customer(
        name="Steuerfirma GmbH", custom={"vat_id": "DE811907980", "internal_code": "QZX77"}
    )
    make_contact(last_name="Ausweis", custom={"badge_no": "BADGE-4711"})
    make_project(title="Bestellprojekt", custom={"order_ref": "PO-2026-0815"})
    client = client_for(alice)
    response = client.get("/search/", {"q": "DE811907980"})
    assert "Steuerfirma GmbH" in _titles(response)
    assert "VAT id: DE811907980" in response.content.decode()  # why it was found
    assert "Steuerfirma GmbH" in _titles(client.get("/search/", {"q": "de81190798"}))
    assert "Steuerfirma GmbH" not in _titles(client.get("/search/", {"q": "QZX77"}))
    assert any("Ausweis" in t for t in _titles(client.get("/search/", {"q": "badge-4711"})))
    assert "Bestellprojekt" in _titles(client.get("/search/", {"q": "PO-2026-0815"}))


def test_a_field_the_role_may_not_see_is_never_searched(tenant, alice, carol, client_for):
    make_field(
        key="secret_no",
        label_en="Confidential number",
        searchable=True,
        visible_roles=["admin", "manager"],
    )
    make_customer(name="Verborgen AG", custom={"secret_no": "GEHEIM-90210"})
    assert _titles(client_for(alice).get("/search/", {"q": "GEHEIM-90210"})) == []
    dropdown = client_for(alice).get("/search/", {"q": "GEHEIM-90210"}, HTTP_HX_REQUEST="true")
    assert "Verborgen" not in dropdown.content.decode()
    assert "Verborgen AG" in _titles(client_for(carol).get("/search/", {"q": "GEHEIM-90210"}))


def test_a_searchable_field_gets_its_trigram_index_and_the_search_can_use_it(tenant, dave):
    definition = make_field(key="vat_id", label_en="VAT id", searchable=True)
    make_field(key="amount", field_type="number", searchable=True)  # not text: no index
    assert "cf_vat_id_search" in indexes.indexes_ensure(concurrently=False)["created"]
    with connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM customers_customer WHERE 'de811' <% "
            'public.crm_fold(("customers_customer"."custom" ->> \'vat_id\'))'
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "cf_vat_id_search" in plan, plan
    assert not any(
        "amount" in name for name in indexes.indexes_ensure(concurrently=False)["created"]
    )
    services.definition_update(definition=definition, user=dave, data={"searchable": False})
    assert indexes.indexes_ensure(concurrently=False)["dropped"] == ["cf_vat_id_search"]
