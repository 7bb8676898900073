"""Custom-field definitions: the settings page, the rules of a definition, who sees and edits a
field, the typed values and the expression indexes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.utils import translation

from customfields import indexes, selectors, services, values
from customfields.models import FieldDefinition
from tests.builders.customfields import INDUSTRY_OPTIONS, make_field


def test_an_admin_defines_a_choice_field_on_the_settings_page(tenant, dave, client_for):
    response = client_for(dave).post(
        "/fields/new/",
        {
            "entity": "customer",
            "key": "segment",
            "field_type": "choice",
            "label_en": "Industry segment",
            "label_de": "Branchensegment",
            "options_text": "retail | Retail | Einzelhandel\nManufacturing | Industrie",
            "order": "10",
            "section": "Marketing",
            "active": "on",
            "visible_roles": ["admin", "manager"],
            "editable_roles": ["admin"],
            "filterable": "on",
        },
    )
    assert response.status_code == 302
    definition = FieldDefinition.objects.get(key="segment")
    assert definition.options == [
        {"value": "retail", "en": "Retail", "de": "Einzelhandel"},
        {"value": "manufacturing", "en": "Manufacturing", "de": "Industrie"},
    ]
    assert definition.visible_roles == ["admin", "manager"] and definition.editable_roles == [
        "admin"
    ]
    page = client_for(dave).get("/fields/").content.decode()
    assert "Industry segment" in page and "segment" in page
    with translation.override("de"):
        assert definition.label == "Branchensegment"
        assert definition.option_choices()[1] == ("manufacturing", "Industrie")


def test_a_choice_field_without_options_is_refused_next_to_the_options_and_keeps_the_input(
    tenant, dave, client_for
):
    response = client_for(dave).post(
        "/fields/new/",
        {
            "entity": "customer",
            "key": "segment",
            "field_type": "choice",
            "label_en": "Segment typed here",
            "order": "10",
            "active": "on",
            "visible_roles": ["admin"],
            "editable_roles": ["admin"],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "A choice field needs at least one option." in page
    assert 'value="Segment typed here"' in page
    assert not FieldDefinition.objects.filter(key="segment").exists()


def test_a_bad_key_and_a_taken_key_are_refused_in_german_too(tenant, dave, client_for):
    make_field(key="vat_id")
    client = client_for(dave)
    for key in ("VAT id", "vat_id"):
        response = client.post(
            "/fields/new/",
            {
                "entity": "customer",
                "key": key,
                "field_type": "text",
                "label_en": "VAT",
                "order": "1",
                "active": "on",
            },
            HTTP_ACCEPT_LANGUAGE="de",
        )
        assert response.status_code == 400
    assert FieldDefinition.objects.filter(key="vat_id").count() == 1


def test_key_record_type_and_type_stay_as_created(tenant, dave, client_for):
    definition = make_field(key="since", field_type="date", label_en="Customer since")
    response = client_for(dave).post(
        f"/fields/{definition.pk}/edit/",
        {
            "entity": "contact",
            "key": "other",
            "field_type": "number",
            "label_en": "Customer since (year)",
            "order": "3",
            "active": "",
            "visible_roles": ["admin"],
            "editable_roles": ["admin"],
        },
    )
    assert response.status_code == 302
    definition.refresh_from_db()
    assert (definition.key, definition.entity, definition.field_type) == (
        "since",
        "customer",
        "date",
    )
    assert definition.label_en == "Customer since (year)" and not definition.active
    with pytest.raises(forms.ValidationError):
        services.definition_update(definition=definition, user=dave, data={"field_type": "text"})


def test_retiring_a_field_keeps_every_stored_value(tenant, dave, client_for):
    from tests.builders.customers import make_customer

    definition = make_field(key="legacy_no")
    customer = make_customer(custom={"legacy_no": "L-17"})
    services.definition_update(definition=definition, user=dave, data={"active": False})
    customer.refresh_from_db()
    assert customer.custom == {"legacy_no": "L-17"}
    assert selectors.definitions_for(entity="customer", user=dave) == []


def test_who_sees_and_who_edits_a_field_follows_its_roles(tenant, alice, carol, dave):
    secret = make_field(key="margin", visible_roles=["admin", "manager"], editable_roles=["admin"])
    public = make_field(key="hobby")
    assert selectors.definitions_for(entity="customer", user=alice) == [public]
    assert selectors.definitions_for(entity="customer", user=carol) == [secret, public]
    assert selectors.definitions_for(entity="customer", user=carol, editable=True) == [public]
    assert selectors.definitions_for(entity="customer", user=dave, editable=True) == [
        secret,
        public,
    ]


def test_a_lead_has_the_project_fields_and_the_lead_fields(tenant, alice):
    on_projects = make_field(entity="project", key="contract_end", field_type="date")
    on_leads = make_field(entity="lead", key="source")
    assert selectors.definitions_for(entity="project", user=alice) == [on_projects]
    assert selectors.definitions_for(entity="lead", user=alice) == [on_projects, on_leads]


@pytest.mark.parametrize(
    ("kind", "text", "stored"),
    [
        ("number", "1.234,5", "1234.5"),
        ("money", "1234.5", "1234.50"),
        ("date", "31.12.2026", "2026-12-31"),
        ("date", "2026-12-31", "2026-12-31"),
        ("boolean", "ja", True),
        ("choice", "Einzelhandel", "retail"),
        ("multi_choice", "Retail, public", ["retail", "public"]),
        ("url", "example.com", "https://example.com"),
        ("phone", "+49 30 123456", "+49 30 123456"),
    ],
)
def test_typed_text_becomes_the_stored_value(tenant, kind, text, stored):
    definition = FieldDefinition(
        entity="customer", key="x", field_type=kind, label_en="X", options=INDUSTRY_OPTIONS
    )
    assert values.parse_text(definition, text) == stored


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("number", "many"),
        ("date", "31.02.2026"),
        ("choice", "Mining"),
        ("email", "not-an-address"),
        ("phone", "call me"),
        ("boolean", "perhaps"),
    ],
)
def test_text_that_does_not_fit_the_type_is_refused(tenant, kind, text):
    definition = FieldDefinition(
        entity="customer", key="x", field_type=kind, label_en="X", options=INDUSTRY_OPTIONS
    )
    with pytest.raises(forms.ValidationError):
        values.parse_text(definition, text)


def test_stored_values_read_in_the_users_language(tenant):
    money = FieldDefinition(entity="customer", key="m", field_type="money", label_en="M")
    when = FieldDefinition(entity="customer", key="d", field_type="date", label_en="D")
    choice = FieldDefinition(
        entity="customer",
        key="c",
        field_type="multi_choice",
        label_en="C",
        options=INDUSTRY_OPTIONS,
    )
    with translation.override("de"):
        assert values.display(money, "1234.50") == "1.234,50"
        assert values.display(when, "2026-12-31") == "31.12.2026"
        assert values.display(choice, ["retail", "public"]) == "Einzelhandel, Öffentlicher Sektor"
    assert values.to_initial(money, "1234.50") == Decimal("1234.50")
    assert values.to_initial(when, "2026-12-31") == datetime.date(2026, 12, 31)


def test_a_default_that_does_not_fit_the_type_is_refused(tenant, dave):
    with pytest.raises(forms.ValidationError) as caught:
        services.definition_create(
            user=dave,
            entity="customer",
            key="rating",
            field_type="number",
            label_en="Rating",
            default="high",
        )
    assert "default" in caught.value.error_dict


def _cf_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
            "AND indexname LIKE 'cf\\_%%'",
            [connection.schema_name],
        )
        return dict(cursor.fetchall())


def test_filterable_and_sortable_fields_get_their_expression_indexes_and_lose_them_when_retired(
    tenant, dave
):
    amount = make_field(key="budget", field_type="money", sortable=True)
    make_field(entity="contact", key="nickname", filterable=True)
    make_field(
        entity="project",
        key="tags",
        field_type="multi_choice",
        options=INDUSTRY_OPTIONS,
        filterable=True,
    )
    make_field(key="plain")  # neither: no index
    result = indexes.indexes_ensure(concurrently=False)
    found = _cf_indexes()
    assert set(result["created"]) == {
        "cf_budget_idx",
        "cf_nickname_idx",
        "cf_nickname_search",  # the folded trigram index "contains" uses
        "cf_tags_gin",
    }
    assert "((custom ->> 'budget'::text))::numeric" in found["cf_budget_idx"]
    assert "customers_contactperson" in found["cf_nickname_idx"]
    services.definition_update(definition=amount, user=dave, data={"active": False})
    assert indexes.indexes_ensure(concurrently=False)["dropped"] == ["cf_budget_idx"]
    assert "cf_budget_idx" not in _cf_indexes()
    assert indexes.indexes_ensure(concurrently=False) == {
        "created": [],
        "dropped": [],
    }  # idempotent


def test_the_tenant_admin_lists_and_adds_fields_but_never_deletes_them(tenant, dave, client_for):
    definition = make_field(key="admin_field", label_en="Admin field")
    client = client_for(dave)
    assert "Admin field" in client.get("/admin/customfields/fielddefinition/").content.decode()
    response = client.post(
        "/admin/customfields/fielddefinition/add/",
        {
            "entity": "contact",
            "key": "birthday",
            "field_type": "date",
            "label_en": "Birthday",
            "order": "5",
            "active": "on",
            "visible_roles": ["admin", "manager", "salesperson"],
            "editable_roles": ["admin"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert FieldDefinition.objects.get(key="birthday").entity == "contact"
    assert (
        client.get(f"/admin/customfields/fielddefinition/{definition.pk}/delete/").status_code
        == 403
    )


def test_salespeople_and_managers_cannot_open_the_settings_page(tenant, alice, carol, client_for):
    for user in (alice, carol):
        assert client_for(user).get("/fields/").status_code == 403
        assert client_for(user).get("/fields/new/").status_code == 403


def test_the_settings_form_shows_every_part_of_a_definition_in_order(tenant, dave, client_for):
    page = client_for(dave).get("/fields/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    names = ["entity", "field_type", "key", "label_en", "label_de", "help_en", "help_de"]
    names += ["options_text", "default", "order", "section", "visible_roles", "editable_roles"]
    names += ["required", "active", "filterable", "sortable", "searchable", "unique", "tracked"]
    positions = [page.index(f'name="{name}"') for name in names]
    assert positions == sorted(positions)
    assert "the global search finds records by it" in page
