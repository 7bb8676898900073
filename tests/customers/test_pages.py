"""Create (with duplicate check), edit, detail and contact pages through the tenant test client."""

from decimal import Decimal

from customers.models import ContactPerson, Customer
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_process, make_project

NEW = {
    "kind": "company",
    "status": "customer",
    "name": "Neue Firma GmbH",
    "street": "Weg 1",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "DE",
    "phone": "",
    "email": "",
    "website": "",
    "industry": "",
    "owner": "",
    "annual_revenue": "",
    "employees": "",
    "size_class": "D",
}


def test_create_customer_without_duplicates_saves_and_redirects(tenant, client_for, alice):
    response = client_for(alice).post("/customers/new/", {**NEW, "owner": alice.pk})
    customer = Customer.objects.get(name="Neue Firma GmbH")
    assert response.status_code == 302 and response["Location"] == f"/customers/{customer.pk}/"
    assert customer.owner == alice and customer.status == "customer"


def test_create_shows_duplicates_keeps_the_input_and_saves_only_when_told(
    tenant, client_for, alice
):
    existing = make_customer(name="Müller Maschinenbau GmbH", postal_code="10115", city="Berlin")
    client = client_for(alice)
    data = {**NEW, "name": "Mueller Maschinenbau AG", "street": "Typed Street 7", "owner": alice.pk}
    response = client.post("/customers/new/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f"/customers/{existing.pk}/" in html and "Open existing" in html and "Save anyway" in html
    )
    assert 'value="Typed Street 7"' in html and 'value="Mueller Maschinenbau AG"' in html
    assert not Customer.objects.filter(name="Mueller Maschinenbau AG").exists()
    response = client.post("/customers/new/", {**data, "save_anyway": "1"})
    assert response.status_code == 302
    assert Customer.objects.filter(name="Mueller Maschinenbau AG").exists()


def test_the_live_duplicate_hint_answers_while_typing(tenant, client_for, alice):
    make_customer(name="Hinweis GmbH", city="Kiel", postal_code="24103")
    response = client_for(alice).post(
        "/customers/duplicates/", {"name": "Hinweis", "city": "Kiel"}, HTTP_HX_REQUEST="true"
    )
    assert b"Hinweis GmbH" in response.content and b"<html" not in response.content


def test_a_salesperson_must_own_the_customers_they_create(tenant, client_for, alice, carol):
    response = client_for(alice).post("/customers/new/", {**NEW, "name": "Unowned"})
    assert response.status_code == 200 and not Customer.objects.filter(name="Unowned").exists()
    client_for(carol).post("/customers/new/", {**NEW, "name": "Unowned"})
    assert (
        Customer.objects.get(name="Unowned").owner is None
    )  # managers may leave it to hand out later


def test_create_form_keeps_input_and_shows_errors_next_to_fields(tenant, client_for, alice):
    response = client_for(alice).post("/customers/new/", {**NEW, "name": "", "email": "broken"})
    html = response.content.decode()
    assert response.status_code == 200 and "invalid-feedback" in html and 'value="broken"' in html


def test_without_the_lead_function_the_create_form_makes_customers_only(tenant, client_for, alice):
    from tenants.models import Tenant

    Tenant.objects.filter(schema_name="alpha").update(lead_function_enabled=False)
    client = client_for(alice)
    assert 'name="status"' not in client.get("/customers/new/").content.decode()
    client.post(
        "/customers/new/", {**NEW, "name": "Only Customer", "status": "lead", "owner": alice.pk}
    )
    assert Customer.objects.get(name="Only Customer").status == "customer"


def test_edit_never_offers_or_changes_the_status(tenant, client_for, alice):
    lead = make_customer(name="Edit Lead", status="lead", owner=alice)
    client = client_for(alice)
    assert 'name="status"' not in client.get(f"/customers/{lead.pk}/edit/").content.decode()
    response = client.post(
        f"/customers/{lead.pk}/edit/",
        {**NEW, "name": "Edited Lead", "status": "customer", "owner": alice.pk},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.name == "Edited Lead" and lead.status == "lead"


def test_detail_shows_header_contacts_projects_and_slots(tenant, client_for, alice):
    customer = make_customer(
        name="Detail GmbH", owner=alice, street="Hafenstraße 3", city="Kiel", postal_code="24103"
    )
    make_contact(customer=customer, first_name="Ina", last_name="Kontakt")
    process = make_process()
    make_project(
        customer=customer,
        phase=process.phases.get(name="Offer"),
        title="Open deal",
        volume=Decimal(5),
    )
    make_project(customer=customer, phase=process.phases.get(name="Lost"), title="Lost deal")
    client = client_for(alice)
    html = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "Hafenstraße 3" in html and "24103 Kiel" in html and "Alice Tester" in html
    assert "Ina Kontakt" in html and "Open deal" in html and "Lost deal" not in html
    assert (
        "Lost deal"
        in client.get(f"/customers/{customer.pk}/", {"projects": "all"}).content.decode()
    )


def test_a_customer_without_phone_email_or_website_says_so_under_contact(tenant, client_for, alice):
    """The "Contact" heading stood alone above "Owner" (seen on a phone's screenshot)."""
    bare = make_customer(name="Bare GmbH", owner=alice, phone="", email="", website="")
    client = client_for(alice)
    assert (
        'data-testid="no-contact-details"' in client.get(f"/customers/{bare.pk}/").content.decode()
    )
    reachable = make_customer(name="Reach GmbH", owner=alice, phone="+49 431 1")
    html = client.get(f"/customers/{reachable.pk}/").content.decode()
    assert 'data-testid="no-contact-details"' not in html and "+49 431 1" in html


def test_quick_contact_from_the_customer_page_returns_the_contacts_fragment(
    tenant, client_for, alice
):
    customer = make_customer(owner=alice)
    response = client_for(alice).post(
        f"/customers/{customer.pk}/contacts/new/",
        {"first_name": "Quick", "last_name": "Kontakt"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="contacts",
    )
    assert (
        response.status_code == 200
        and b"<html" not in response.content
        and b"Quick Kontakt" in response.content
    )
    assert ContactPerson.objects.filter(customer=customer, last_name="Kontakt").exists()


def test_quick_contact_without_js_redirects_and_errors_keep_input(tenant, client_for, alice):
    customer = make_customer(owner=alice)
    client = client_for(alice)
    ok = client.post(f"/customers/{customer.pk}/contacts/new/", {"last_name": "Plain"})
    assert ok.status_code == 302
    bad = client.post(
        f"/customers/{customer.pk}/contacts/new/", {"first_name": "NoLast", "last_name": ""}
    )
    assert bad.status_code == 400 and b'value="NoLast"' in bad.content


def test_contact_list_searches_and_filters(tenant, client_for, alice):
    customer = make_customer(name="Kontaktfirma", owner=alice)
    make_contact(customer=customer, first_name="Gisela", last_name="Suchbar")
    make_contact(first_name="Other", last_name="Person")
    response = client_for(alice).get("/customers/contacts/", {"q": "gisela"})
    names = [row.record.full_name for row in response.context["table"].paginated_rows]
    assert names == ["Gisela Suchbar"]
    response = client_for(alice).get("/customers/contacts/", {"q": "kontaktfirma"})
    assert [row.record.full_name for row in response.context["table"].paginated_rows] == [
        "Gisela Suchbar"
    ]
    response = client_for(alice).get("/customers/contacts/", {"owner": alice.pk})
    assert "Gisela Suchbar" in [
        row.record.full_name for row in response.context["table"].paginated_rows
    ]


def test_contact_create_finds_the_customer_by_typing_and_keeps_the_input(tenant, client_for, alice):
    customer = make_customer(name="Picker Zielfirma GmbH", owner=alice)
    client = client_for(alice)
    found = client.post(
        "/customers/contacts/new/",
        {"customer_search": "Zielfirma", "last_name": "Typed", "find": "1"},
    )
    html = found.content.decode()
    assert (
        f'value="{customer.pk}"' in html
        and 'value="Typed"' in html
        and "invalid-feedback" not in html
    )
    options = client.get("/customers/contacts/customer-picker/", {"customer_search": "zielfirma"})
    assert b"Picker Zielfirma GmbH" in options.content
    saved = client.post("/customers/contacts/new/", {"customer": customer.pk, "last_name": "Typed"})
    contact = ContactPerson.objects.get(last_name="Typed")
    assert saved.status_code == 302 and saved["Location"] == f"/customers/contacts/{contact.pk}/"


def test_contact_edit_and_delete_with_confirmation(tenant, client_for, alice):
    contact = make_contact(customer=make_customer(owner=alice), last_name="Vorher")
    client = client_for(alice)
    client.post(
        f"/customers/contacts/{contact.pk}/edit/", {"first_name": "", "last_name": "Nachher"}
    )
    contact.refresh_from_db()
    assert contact.last_name == "Nachher"
    confirm = client.get(f"/customers/contacts/{contact.pk}/delete/")
    assert confirm.status_code == 200 and b"cannot be undone" in confirm.content
    assert ContactPerson.objects.filter(pk=contact.pk).exists()
    gone = client.post(f"/customers/contacts/{contact.pk}/delete/")
    assert gone.status_code == 302 and not ContactPerson.objects.filter(pk=contact.pk).exists()


def test_contact_detail_shows_customer_and_projects(tenant, client_for, alice):
    from sales.models import ProjectContact

    contact = make_contact(last_name="Linked")
    project = make_project(customer=contact.customer, title="Linked deal")
    ProjectContact.objects.create(project=project, contact=contact, role="decision_maker")
    html = client_for(alice).get(f"/customers/contacts/{contact.pk}/").content.decode()
    assert "Linked deal" in html and "Decision maker" in html and contact.customer.name in html


def test_contact_export_is_neutralised(tenant, client_for, alice):
    make_contact(last_name="@evil", position="-danger")
    body = b"".join(
        client_for(alice).get("/customers/contacts/export/", {"q": "evil"}).streaming_content
    ).decode()
    assert "'@evil" in body and "'-danger" in body


def test_with_the_lead_function_off_contacts_of_leads_are_hidden(tenant, client_for, alice):
    from tenants.models import Tenant

    make_contact(customer=make_customer(status="lead"), last_name="Leadkontakt")
    make_contact(customer=make_customer(), last_name="Kundenkontakt")
    Tenant.objects.filter(schema_name="alpha").update(lead_function_enabled=False)
    # No search term: the embedded PostgreSQL has no pg_trgm, and its word-prefix search would not
    # find "kontakt" inside "Kundenkontakt".
    response = client_for(alice).get("/customers/contacts/")
    names = [row.record.last_name for row in response.context["table"].paginated_rows]
    assert "Kundenkontakt" in names and "Leadkontakt" not in names
