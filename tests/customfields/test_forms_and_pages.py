"""Custom fields on the create/edit forms and detail pages of customers and contact persons."""

from __future__ import annotations

from customers.models import ContactPerson, Customer
from tests.builders.customers import make_contact, make_customer
from tests.builders.customfields import INDUSTRY_OPTIONS, make_field

BASE = {
    "status": "customer",
    "kind": "company",
    "name": "Feldtest GmbH",
    "street": "",
    "postal_code": "28195",
    "city": "Bremen",
    "country": "DE",
    "phone": "",
    "email": "",
    "website": "",
    "industry": "",
    "annual_revenue": "",
    "employees": "",
    "size_class": "",
}


def _fields():
    return {
        "segment": make_field(
            key="segment",
            field_type="choice",
            label_en="Industry segment",
            options=INDUSTRY_OPTIONS,
            required=True,
            section="Marketing",
        ),
        "since": make_field(key="since", field_type="date", label_en="Customer since"),
        "budget": make_field(key="budget", field_type="money", label_en="Budget"),
        "margin": make_field(
            key="margin",
            field_type="number",
            label_en="Confidential margin",
            visible_roles=["admin", "manager"],
            editable_roles=["admin", "manager"],
        ),
        "rating": make_field(
            key="rating", field_type="text", label_en="Rating by admin", editable_roles=["admin"]
        ),
    }


def test_a_customer_is_created_with_typed_custom_values(tenant, alice, client_for):
    _fields()
    response = client_for(alice).post(
        "/customers/new/",
        {
            **BASE,
            "owner": alice.pk,
            "cf_segment": "retail",
            "cf_since": "31.12.2020",
            "cf_budget": "12.500,50",
            "save_anyway": "1",
        },
    )
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context.get("duplicates"),
    )
    customer = Customer.objects.get(name="Feldtest GmbH")
    assert customer.custom == {"segment": "retail", "since": "2020-12-31", "budget": "12500.50"}
    page = (
        client_for(alice)
        .get(f"/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "Industry segment" in page and "Retail" in page and "12,500.50" in page


def test_bad_custom_input_is_shown_next_to_its_field_and_everything_typed_is_kept(
    tenant, alice, client_for
):
    _fields()
    response = client_for(alice).post(
        "/customers/new/",
        {
            **BASE,
            "owner": alice.pk,
            "cf_segment": "",
            "cf_since": "31.02.2020",
            "cf_budget": "a lot",
            "save_anyway": "1",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("invalid-feedback d-block") >= 3
    assert (
        'value="31.02.2020"' in page and 'value="a lot"' in page and 'value="Feldtest GmbH"' in page
    )
    assert "Dieses Feld ist zwingend erforderlich." in page
    assert not Customer.objects.filter(name="Feldtest GmbH").exists()


def test_a_field_the_role_may_not_see_is_not_on_the_form_nor_the_page_and_keeps_its_value(
    tenant, alice, client_for
):
    _fields()
    customer = make_customer(
        owner=alice,
        name="Geheim AG",
        custom={"segment": "public", "margin": "17.5", "rating": "A+"},
    )
    client = client_for(alice)
    form = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert "Confidential margin" not in form and "cf_margin" not in form
    assert "Rating by admin" in form  # seen, not edited: shown disabled
    detail = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Confidential margin" not in detail and "17.5" not in detail and "A+" in detail
    data = {
        **BASE,
        "name": "Geheim AG",
        "owner": alice.pk,
        "cf_segment": "retail",
        "cf_margin": "99",
        "cf_rating": "F",
    }
    assert client.post(f"/customers/{customer.pk}/edit/", data).status_code == 302
    customer.refresh_from_db()
    assert customer.custom == {"segment": "retail", "margin": "17.5", "rating": "A+"}


def test_a_manager_sees_and_edits_the_confidential_field(tenant, carol, alice, client_for):
    _fields()
    customer = make_customer(
        owner=alice, name="Geheim AG", custom={"segment": "public", "margin": "17.5"}
    )
    client = client_for(carol)
    assert "Confidential margin" in client.get(f"/customers/{customer.pk}/").content.decode()
    data = {
        **BASE,
        "name": "Geheim AG",
        "owner": alice.pk,
        "cf_segment": "public",
        "cf_margin": "20",
    }
    assert client.post(f"/customers/{customer.pk}/edit/", data).status_code == 302
    customer.refresh_from_db()
    assert customer.custom == {"segment": "public", "margin": "20"}


def test_a_unique_field_refuses_a_value_another_customer_has(tenant, alice, client_for):
    make_field(key="vat_id", label_en="VAT id", unique=True)
    make_customer(name="Erste GmbH", custom={"vat_id": "DE123456789"})
    response = client_for(alice).post(
        "/customers/new/",
        {**BASE, "owner": alice.pk, "cf_vat_id": "DE123456789", "save_anyway": "1"},
    )
    assert response.status_code == 200
    assert "Another record already has this VAT id." in response.content.decode()
    assert not Customer.objects.filter(name="Feldtest GmbH").exists()


def test_defaults_fill_the_create_form(tenant, alice, client_for):
    make_field(key="segment", field_type="choice", options=INDUSTRY_OPTIONS, default="industry")
    page = client_for(alice).get("/customers/new/").content.decode()
    assert '<option value="industry" selected>' in page


def test_a_contact_person_gets_its_custom_fields_on_edit_and_detail(tenant, alice, client_for):
    make_field(entity="contact", key="birthday", field_type="date", label_en="Birthday")
    make_field(entity="contact", key="newsletter", field_type="boolean", label_en="Newsletter")
    make_field(
        entity="contact",
        key="topics",
        field_type="multi_choice",
        label_en="Topics",
        options=INDUSTRY_OPTIONS,
    )
    contact = make_contact(customer=make_customer(owner=alice), last_name="Feldmann")
    client = client_for(alice)
    response = client.post(
        f"/customers/contacts/{contact.pk}/edit/",
        {
            "first_name": "Fritz",
            "last_name": "Feldmann",
            "position": "",
            "email": "",
            "phone": "",
            "mobile": "",
            "notes": "",
            "cf_birthday": "1980-05-01",
            "cf_newsletter": "on",
            "cf_topics": ["public", "retail"],
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.custom == {
        "birthday": "1980-05-01",
        "newsletter": True,
        "topics": ["retail", "public"],
    }
    page = client.get(
        f"/customers/contacts/{contact.pk}/", HTTP_ACCEPT_LANGUAGE="de"
    ).content.decode()
    assert "01.05.1980" in page and "Einzelhandel, Öffentlicher Sektor" in page


def test_a_new_contact_person_takes_its_custom_values(tenant, alice, client_for):
    make_field(
        entity="contact", key="shoe_size", field_type="number", label_en="Shoe size", required=True
    )
    customer = make_customer(owner=alice)
    client = client_for(alice)
    base = {
        "customer": customer.pk,
        "first_name": "",
        "last_name": "Neu",
        "position": "",
        "email": "",
        "phone": "",
        "mobile": "",
        "notes": "",
    }
    refused = client.post("/customers/contacts/new/", base)
    assert refused.status_code == 200 and not ContactPerson.objects.filter(last_name="Neu").exists()
    assert (
        client.post("/customers/contacts/new/", {**base, "cf_shoe_size": "44"}).status_code == 302
    )
    assert ContactPerson.objects.get(last_name="Neu").custom == {"shoe_size": "44"}


def test_a_sales_project_and_a_lead_carry_their_custom_fields(tenant, alice, carol, client_for):
    from sales.models import SalesProject
    from tests.builders.sales import make_process, make_project

    make_field(entity="project", key="contract_end", field_type="date", label_en="Contract end")
    make_field(entity="lead", key="source", field_type="text", label_en="Lead source")
    make_field(
        entity="project",
        key="discount",
        field_type="number",
        label_en="Secret discount",
        visible_roles=["admin"],
        editable_roles=["admin"],
    )
    project = make_project(owner=alice, title="Feldprojekt", custom={"discount": "5"})
    client = client_for(alice)
    form = client.get(f"/sales/projects/{project.pk}/edit/").content.decode()
    assert "Contract end" in form and "Lead source" not in form and "Secret discount" not in form
    response = client.post(
        f"/sales/projects/{project.pk}/edit/",
        {
            "title": "Feldprojekt",
            "volume": "1000",
            "probability": "",
            "expected_order_date": "",
            "description": "",
            "version": project.version,
            "cf_contract_end": "2027-06-30",
            "cf_discount": "50",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.custom == {"contract_end": "2027-06-30", "discount": "5"}
    assert (
        "30.06.2027"
        in client.get(f"/sales/projects/{project.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    )
    lead = make_project(
        owner=alice, process=make_process(kind="lead", name="Leads"), custom={"source": "Messe"}
    )
    page = client.get(f"/sales/projects/{lead.pk}/").content.decode()
    assert "Lead source" in page and "Messe" in page
    assert SalesProject.objects.get(pk=lead.pk).custom == {"source": "Messe"}


def test_the_customer_export_has_the_custom_columns_the_role_may_see(
    tenant, alice, carol, client_for
):
    _fields()
    make_customer(
        name="Export AG",
        custom={"segment": "retail", "margin": "17.5", "since": "2020-12-31", "budget": "1000.00"},
    )

    def export(user):
        response = client_for(user).get("/customers/export/?format=csv", HTTP_ACCEPT_LANGUAGE="en")
        return b"".join(response.streaming_content).decode("utf-8-sig")

    salesperson = export(alice)
    header, row = (
        salesperson.splitlines()[0],
        next(line for line in salesperson.splitlines() if "Export AG" in line),
    )
    assert header.endswith("segment,since,budget,rating")
    assert "Retail" in row and "2020-12-31" in row and "17.5" not in row and "margin" not in header
    manager = export(carol)
    assert "margin" in manager.splitlines()[0] and "17.5" in manager


def test_the_contact_export_has_the_custom_columns_the_role_may_see(
    tenant, alice, dave, client_for
):
    make_field(entity="contact", key="hobby", label_en="Hobby")
    make_field(
        entity="contact",
        key="salary",
        field_type="money",
        label_en="Salary",
        visible_roles=["admin"],
    )
    make_contact(last_name="Exportmann", custom={"hobby": "Segeln", "salary": "90000.00"})

    def export(user):
        response = client_for(user).get("/customers/contacts/export/?format=csv")
        return b"".join(response.streaming_content).decode("utf-8-sig")

    salesperson = export(alice)
    assert salesperson.splitlines()[0].endswith("last_activity,hobby") and "Segeln" in salesperson
    assert "90000" not in salesperson
    assert "salary" in export(dave).splitlines()[0] and "90000" in export(dave)
