"""Standard fields a tenant switches off (issue 19, "Data structure"): an optional field that is
off disappears from the forms (also "+ New" and the quick-create forms), the detail pages, the list
columns and the Overviews page's choices, the filters (lists, customer overview, map), the CSV
exports, the import mapping (a column of it is ignored with a note) and the kanban card; saving a
form keeps its value, switching it on again shows the old value; only tenant admins switch, and
per tenant."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import schema_context

from customers import imports
from customers.models import ContactPerson, Customer, ImportJob
from customfields import services, standard
from customfields.models import StandardFields
from sales.models import Process, SalesProject
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_process, make_project
from tests.conftest import tenant_client
from tests.customfields.test_columns import _headers

URL = "/fields/standard/"


def _off(user, area: str, *names: str) -> None:
    services.standard_fields_save(user=user, area=area, off=list(names))


def _csv(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def _input(page: str, name: str) -> bool:
    return re.search(rf'<(input|select|textarea)[^>]*name="{name}"', page) is not None


# --- the switches ------------------------------------------------------------------------------


def test_only_optional_fields_can_be_switched_off_and_only_by_tenant_admins(tenant, dave, alice):
    with pytest.raises(ValidationError):
        _off(dave, "customer", "name")  # required
    with pytest.raises(ValidationError):
        _off(dave, "project", "volume")  # structural
    with pytest.raises(ValidationError):
        _off(dave, "nowhere", "phone")
    with pytest.raises(PermissionDenied):
        _off(alice, "customer", "phone")
    assert not StandardFields.objects.exists()
    _off(dave, "customer", "phone", "industry")
    assert standard.off("customer") == {"phone", "industry"}
    assert standard.off("contact") == frozenset()


def test_the_page_switches_fields_off_and_on_in_both_languages(tenant, dave, client_for):
    client = client_for(dave)
    page = client.get(URL).content.decode()
    assert 'value="customer.phone"' in page and 'value="lead.description"' in page
    assert 'value="customer.name"' not in page and 'value="project.volume"' not in page
    assert page.count("checked") == sum(len(v) for v in standard.SWITCHABLE.values())
    on = [f"{a}.{n}" for a in standard.SWITCHABLE for n in standard.switchable(a)]
    on.remove("customer.phone")
    on.remove("contact.mobile")
    response = client.post(URL, {"on": on})
    assert response.status_code == 302 and response["Location"] == URL
    assert standard.off("customer") == {"phone"} and standard.off("contact") == {"mobile"}
    page = client.get(URL).content.decode()
    assert re.search(r'value="customer\.phone" id="[^"]+" >', page)  # not checked
    client.post(URL, {"on": [*on, "customer.phone"]})
    assert standard.off("customer") == frozenset()
    german = client.get(URL, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Standardfelder" in german and "Telefon" in german
    assert client_for(dave).get("/fields/").content.decode().count(URL) == 1  # linked


def test_only_tenant_admins_reach_the_page(tenant, alice, carol, client_for):
    for user in (alice, carol):  # a salesperson, a manager
        client = client_for(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"on": []}).status_code == 403
    assert not StandardFields.objects.exists()
    assert client_for(None).get(URL).status_code == 302  # to the login page


def test_the_tenant_admin_switches_in_the_django_admin(tenant, dave, client_for):
    client = client_for(dave)
    response = client.post(
        "/admin/customfields/standardfields/add/", {"area": "contact", "off": ["notes"]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert standard.off("contact") == {"notes"}
    response = client.post(
        "/admin/customfields/standardfields/add/", {"area": "project", "off": ["phone"]}
    )
    assert response.status_code == 200 and not StandardFields.objects.filter(area="project")


def test_the_tenant_admins_record_pages_leave_out_fields_that_are_off(
    tenant, dave, alice, client_for
):
    customer = make_customer(owner=alice, phone="0302222", country="AT")
    make_contact(customer=customer, last_name="Adminkontakt", position="COO")
    project = make_project(
        customer=customer, owner=alice, expected_order_date=date(2027, 9, 9), title="Adminprojekt"
    )
    _off(dave, "customer", "phone", "country")
    _off(dave, "contact", "position")
    _off(dave, "project", "expected_order_date")
    client = client_for(dave)
    page = client.get(f"/admin/customers/customer/{customer.pk}/change/").content.decode()
    assert not _input(page, "phone") and not _input(page, "country") and _input(page, "city")
    assert "COO" not in page  # the contacts inline
    listing = client.get("/admin/customers/customer/").content.decode()
    assert "column-country" not in listing and "column-city" in listing
    page = client.get(f"/admin/sales/salesproject/{project.pk}/change/").content.decode()
    assert not _input(page, "expected_order_date") and _input(page, "title")
    assert "column-expected_order_date" in client.get("/admin/sales/salesproject/").content.decode()
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": "Linz",
        "owner": alice.pk,
        "size_class": customer.size_class,
        "geocode_status": customer.geocode_status,
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "1",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "0",
        "contacts-0-id": customer.contacts.get().pk,
        "contacts-0-customer": customer.pk,
    }
    response = client.post(f"/admin/customers/customer/{customer.pk}/change/", data)
    assert response.status_code == 302, (response.context or {}).get("errors")
    customer.refresh_from_db()
    assert (customer.city, customer.phone, customer.country) == ("Linz", "0302222", "AT")


# --- forms, detail pages -----------------------------------------------------------------------


def test_a_field_off_leaves_no_empty_column_in_the_forms(tenant, dave, alice, client_for):
    """The fields beside a switched-off one share its row (they had kept their widths with a
    gap where it stood)."""
    client = client_for(alice)

    def columns(url: str, css: str) -> list[str]:
        page = client.get(url).content.decode()
        return re.findall(
            rf'<div class="{css}">\s*(?:<div[^>]*>\s*)*<label[^>]*for="id_(\w+)"', page
        )

    assert columns("/customers/contacts/new/", "col-md") == ["email", "phone", "mobile"]
    assert columns("/customers/new/", "col") == ["annual_revenue", "employees"]
    _off(dave, "contact", "phone")
    _off(dave, "customer", "employees")
    assert columns("/customers/contacts/new/", "col-md") == ["email", "mobile"]
    assert columns("/customers/new/", "col") == ["annual_revenue"]
    contact_form = client.get("/customers/contacts/new/").content.decode()
    assert not re.search(r'<div class="col[^"]*">\s*</div>', contact_form)


def test_a_field_off_leaves_the_forms_and_a_save_keeps_its_value(tenant, dave, alice, client_for):
    customer = make_customer(
        owner=alice, phone="+49 30 1234", industry="Maschinenbau", employees=42
    )
    _off(dave, "customer", "phone", "industry", "employees")
    client = client_for(alice)
    edit = client.get(f"/customers/{customer.pk}/edit/").content.decode()
    assert not _input(edit, "phone") and not _input(edit, "industry")
    assert not _input(edit, "employees") and _input(edit, "email") and _input(edit, "city")
    for page in (
        client.get("/customers/new/").content.decode(),
        client.get("/customers/new/?dialog=1", HTTP_HX_REQUEST="true").content.decode(),
        client.get("/sales/projects/new/").content.decode(),  # its new customer (prefix new-)
    ):
        assert not _input(page, "phone") and not _input(page, "new-phone")
        assert not _input(page, "industry") and not _input(page, "new-industry")
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": "Potsdam",
        "country": "DE",
        "owner": alice.pk,
        "phone": "999",  # not in the form: ignored
    }
    response = client.post(f"/customers/{customer.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    customer.refresh_from_db()
    assert customer.city == "Potsdam" and customer.phone == "+49 30 1234"
    assert customer.industry == "Maschinenbau" and customer.employees == 42
    response = client.post(
        "/customers/new/", {**data, "name": "Ohne Telefon GmbH", "status": "customer"}
    )
    assert response.status_code == 302
    assert Customer.objects.get(name="Ohne Telefon GmbH").phone == ""


def test_a_detail_page_hides_the_field_and_shows_the_old_value_when_on_again(
    tenant, dave, alice, client_for
):
    customer = make_customer(owner=alice, phone="+49 30 5555", website="www.alt.example")
    contact = make_contact(customer=customer, position="Einkaufsleiterin", mobile="0171 999")
    _off(dave, "customer", "phone", "website")
    _off(dave, "contact", "position", "mobile")
    client = client_for(alice)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "+49 30 5555" not in page and "www.alt.example" not in page
    assert "Einkaufsleiterin" not in page
    assert not _input(page, "position") and not _input(page, "mobile")  # quick contact
    assert _input(page, "last_name")
    page = client.get(f"/customers/contacts/{contact.pk}/").content.decode()
    assert "Einkaufsleiterin" not in page and "0171 999" not in page and "Mobile" not in page
    edit = client.get(f"/customers/contacts/{contact.pk}/edit/").content.decode()
    assert not _input(edit, "position") and _input(edit, "email")
    response = client.post(
        f"/customers/contacts/{contact.pk}/edit/",
        {"first_name": "Eva", "last_name": contact.last_name},
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.first_name == "Eva" and contact.position == "Einkaufsleiterin"
    _off(dave, "customer")
    _off(dave, "contact")
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "+49 30 5555" in page and "www.alt.example" in page and "Einkaufsleiterin" in page
    page = client.get(f"/customers/contacts/{contact.pk}/").content.decode()
    assert "0171 999" in page


def test_project_and_lead_fields_are_switched_per_area(tenant, dave, alice, client_for):
    project = make_project(
        process=make_process(),
        owner=alice,
        expected_order_date=date(2027, 5, 17),
        description="Rahmenvertrag",
    )
    lead = make_project(
        process=make_process(kind=Process.Kind.LEAD),
        owner=alice,
        expected_order_date=date(2027, 6, 18),
        description="Messekontakt",
    )
    _off(dave, "project", "expected_order_date", "description")
    client = client_for(alice)
    page = client.get(f"/customers/{project.customer_id}/").content.decode()
    assert "Expected" in page and "05/17/2027" not in page  # the leads' column is still on
    _off(dave, "lead", "expected_order_date")
    assert "Expected" not in client.get(f"/customers/{project.customer_id}/").content.decode()
    _off(dave, "lead")
    page = client.get(f"/sales/projects/{project.pk}/").content.decode()
    assert "Expected order date" not in page and "Rahmenvertrag" not in page
    page = client.get(f"/sales/projects/{lead.pk}/").content.decode()
    assert "Expected order date" in page and "Messekontakt" in page  # leads: still on
    edit = client.get(f"/sales/projects/{project.pk}/edit/").content.decode()
    assert not _input(edit, "expected_order_date") and not _input(edit, "description")
    assert _input(client.get(f"/sales/projects/{lead.pk}/edit/").content.decode(), "description")
    create = client.get("/sales/projects/new/").content.decode()
    assert not _input(create, "expected_order_date") and _input(create, "title")
    assert _input(client.get("/sales/leads/new/").content.decode(), "expected_order_date")
    response = client.post(
        f"/sales/projects/{project.pk}/edit/",
        {"title": "Neuer Titel", "volume": "5000", "version": project.version},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.title == "Neuer Titel" and project.description == "Rahmenvertrag"
    assert project.expected_order_date == date(2027, 5, 17)
    process = Process.objects.filter(kind=Process.Kind.SALES).order_by("order", "id").first()
    response = client.post(
        "/sales/projects/new/",
        {
            "customer_mode": "existing",
            "customer": project.customer_id,
            "title": "Ohne Datum",
            "process": process.pk,
            "owner": alice.pk,
            "volume": "100",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert SalesProject.objects.get(title="Ohne Datum").expected_order_date is None


# --- lists, overviews, filters -----------------------------------------------------------------


def test_list_columns_and_the_overviews_choices_leave_out_fields_that_are_off(
    tenant, dave, alice, client_for
):
    make_contact(last_name="Spaltentest", position="CEO")
    make_project(process=make_process(), owner=alice, expected_order_date=date(2027, 1, 2))
    client = client_for(alice)
    assert "Country" in _headers(client.get("/customers/").content.decode())
    assert "Position" in _headers(client.get("/customers/contacts/").content.decode())
    assert "Expected" in _headers(client.get("/sales/projects/").content.decode())
    _off(dave, "customer", "country")
    _off(dave, "contact", "position")
    _off(dave, "project", "expected_order_date")
    assert "Country" not in _headers(client.get("/customers/").content.decode())
    page = client.get("/customers/contacts/", {"q": "Spaltentest"}).content.decode()
    assert "Position" not in _headers(page) and "CEO" not in page
    assert "Expected" not in _headers(client.get("/sales/projects/").content.decode())
    assert "Expected" in _headers(client.get("/sales/leads/").content.decode())
    admin = client_for(dave)
    layout = admin.get("/fields/layouts/customers/").content.decode()
    assert 'value="country"' not in layout and 'value="city"' in layout
    assert "Country" not in admin.get("/fields/layouts/").content.decode()
    assert 'value="position"' not in admin.get("/fields/layouts/contacts/").content.decode()
    # a saved layout that names the column shows it again once the field is back on
    services.layout_save(user=dave, key="customers", columns=["name", "city"])
    with pytest.raises(ValidationError):
        services.layout_save(user=dave, key="customers", columns=["name", "country"])
    _off(dave, "customer")
    services.layout_save(user=dave, key="customers", columns=["name", "country"])
    _off(dave, "customer", "country")
    assert _headers(client.get("/customers/").content.decode()) == ["", "Name"]
    _off(dave, "customer")
    assert _headers(client.get("/customers/").content.decode()) == ["", "Name", "Country"]


def test_filters_of_the_lists_the_overview_and_the_map_leave_out_fields_that_are_off(
    tenant, dave, alice, client_for
):
    make_customer(name="Wiener Filter GmbH", country="AT", owner=alice)
    client = client_for(alice)
    assert _input(client.get("/customers/").content.decode(), "country")
    # (a query of its own: the map caches its extent per query string across tests)
    assert _input(client.get("/map/", {"q": "Wiener"}).content.decode(), "country")
    assert _input(client.get("/sales/projects/").content.decode(), "expected_from")
    _off(dave, "customer", "country")
    _off(dave, "project", "expected_order_date")
    assert not _input(client.get("/customers/").content.decode(), "country")
    assert not _input(client.get("/map/", {"q": "Wiener"}).content.decode(), "country")
    page = client.get("/sales/projects/").content.decode()
    assert not _input(page, "expected_from") and not _input(page, "expected_to")
    assert _input(client.get("/sales/leads/").content.decode(), "expected_from")
    # a parameter of a switched-off filter narrows nothing
    page = client.get("/customers/", {"country": "FR", "q": "Wiener"}).content.decode()
    assert "Wiener Filter GmbH" in page
    process = make_process()
    make_project(process=process, owner=alice, title="Ohne Datum", expected_order_date=None)
    board = client.get(f"/sales/projects/board/?process={process.pk}").content.decode()
    assert 'value="expected"' not in board  # nor the board's sort by it


# --- exports, import, kanban -------------------------------------------------------------------


def test_the_csv_exports_leave_out_fields_that_are_off(tenant, dave, alice, client_for):
    customer = make_customer(owner=alice, name="Export GmbH", phone="0301111")
    make_contact(customer=customer, last_name="Exportkontakt", position="CTO")
    make_project(customer=customer, owner=alice, expected_order_date=date(2027, 4, 4))
    client = client_for(alice)
    assert "phone" in _csv(client.get("/customers/export/"))[0].split(",")
    _off(dave, "customer", "phone", "annual_revenue")
    _off(dave, "contact", "position")
    _off(dave, "project", "expected_order_date")
    lines = _csv(client.get("/customers/export/"))
    header = lines[0].split(",")
    assert "phone" not in header and "annual_revenue" not in header and "city" in header
    row = next(line for line in lines if "Export GmbH" in line)
    assert "0301111" not in row and len(row.split(",")) == len(header)
    lines = _csv(client.get("/customers/contacts/export/"))
    assert "position" not in lines[0] and "CTO" not in "\n".join(lines)
    assert lines[0].startswith("id,first_name,last_name,email,phone,mobile,customer_id,customer")
    lines = _csv(client.get("/sales/projects/export/"))
    assert "expected_order_date" not in lines[0] and "2027-04-04" not in "\n".join(lines)
    assert "expected_order_date" in _csv(client.get("/sales/leads/export/"))[0]


def test_an_import_column_of_a_field_that_is_off_is_ignored_with_a_note(
    tenant, dave, django_capture_on_commit_callbacks
):
    _off(dave, "customer", "phone")
    _off(dave, "contact", "position")
    fields = imports.import_fields(user=dave)
    assert "phone" not in fields and "contact_position" not in fields and "email" in fields
    text = "Firma;PLZ;Ort;Telefon;Nachname;Position\nAus Datei AG;28195;Bremen;0421 1;Huber;CFO\n"
    upload = SimpleUploadedFile("kunden.csv", text.encode(), content_type="text/csv")
    job = imports.import_job_create(user=dave, upload=upload)
    assert "phone" not in job.mapping.values() and "contact_position" not in job.mapping.values()
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_map(job=job, mapping=job.mapping, default_owner=dave)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKED, job.errors
    notes = [(e["column"], e["level"]) for e in job.errors]
    assert notes == [("Telefon", "warning"), ("Position", "warning")]
    assert all("switched off" in e["reason"] for e in job.errors)
    # a mapping stored before the field was switched off is ignored too
    job.mapping = {**job.mapping, "3": "phone"}
    job.save(update_fields=["mapping"])
    plan = imports.import_plan_build(job=job)
    assert plan.error_count == 0 and plan.customers[0]["phone"] == ""
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_start(job=job, user=dave)
    customer = Customer.objects.get(name="Aus Datei AG")
    assert customer.phone == "" and customer.city == "Bremen"
    assert ContactPerson.objects.get(customer=customer).position == ""


def test_the_import_mapping_page_does_not_offer_a_field_that_is_off(tenant, dave, client_for):
    _off(dave, "customer", "industry")
    upload = SimpleUploadedFile("k.csv", b"Name;Branche\nA;B\n", content_type="text/csv")
    job = imports.import_job_create(user=dave, upload=upload)
    page = client_for(dave).get(f"/customers/import/{job.pk}/mapping/").content.decode()
    assert 'value="industry"' not in page and 'value="email"' in page


def test_the_kanban_card_leaves_out_a_field_that_is_off(tenant, dave, alice, client_for):
    process = make_process()
    lead_process = make_process(kind=Process.Kind.LEAD)
    make_project(process=process, owner=alice, expected_order_date=date(2027, 3, 7))
    make_project(process=lead_process, owner=alice, expected_order_date=date(2027, 3, 8))
    services.layout_save(user=dave, key="kanban", columns=["volume", "expected_order_date"])
    client = client_for(alice)

    def board(name, p):
        return client.get(reverse(name) + f"?process={p.pk}").content.decode()

    assert 'data-key="expected_order_date"' in board("sales:project_kanban", process)
    _off(dave, "project", "expected_order_date")
    assert 'data-key="expected_order_date"' not in board("sales:project_kanban", process)
    assert 'data-key="expected_order_date"' in board("sales:lead_kanban", lead_process)
    kanban = client_for(dave).get("/fields/layouts/kanban/").content.decode()
    assert "Expected order date" in kanban  # still on for the lead boards
    _off(dave, "lead", "expected_order_date")
    kanban = client_for(dave).get("/fields/layouts/kanban/").content.decode()
    assert "Expected order date" not in kanban
    _off(dave, "project")
    assert 'data-key="expected_order_date"' in board("sales:project_kanban", process)


# --- cost and isolation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, make",
    [
        ("/customers/", lambda n, alice: make_customer(owner=alice, name=f"Flach {n} GmbH")),
        ("/customers/contacts/", lambda n, alice: make_contact(last_name=f"Flach{n}")),
        ("/sales/projects/", lambda n, alice: make_project(owner=alice, title=f"Flach {n}")),
    ],
)
def test_the_lists_queries_stay_flat_with_fields_off(
    tenant, dave, alice, client_for, django_assert_max_num_queries, path, make
):
    _off(dave, "customer", "country", "phone")
    _off(dave, "contact", "position", "mobile")
    _off(dave, "project", "expected_order_date")
    make(0, alice)
    client = client_for(alice)
    client.get(path)  # warm-up
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for n in range(1, 21):
        make(n, alice)
    with django_assert_max_num_queries(len(few)):
        client.get(path)
    switches = [q for q in few.captured_queries if "customfields_standardfields" in q["sql"]]
    assert len(switches) <= 1  # read once per request


def test_switching_off_in_one_tenant_leaves_the_other_unchanged(
    tenant, other_tenant, dave, client_for
):
    from crm.models import User

    make_customer(name="Alpha Telefon GmbH", phone="0301234")
    _off(dave, "customer", "phone", "country")
    try:
        with schema_context("beta"):
            beta_dave = User.objects.get(email="dave@beta.test")
            assert standard.off("customer") == frozenset()
            beta = tenant_client(other_tenant, beta_dave)
            assert "Country" in _headers(beta.get("/customers/").content.decode())
            page = beta.get(URL).content.decode()
            assert re.search(r'value="customer\.phone" id="[^"]+" checked', page)
            _off(beta_dave, "contact", "notes")
        connection.set_tenant(tenant)
        assert standard.off("contact") == frozenset()
        assert standard.off("customer") == {"phone", "country"}
        # beta's admin's session opens nothing on alpha's host
        cookie = beta.cookies["sessionid"].value
        alpha = client_for(None)
        alpha.cookies["sessionid"] = cookie
        response = alpha.get(URL)
        assert response.status_code == 302 and "/login/" in response["Location"]
        response = alpha.post(URL, {"on": []})
        assert response.status_code in (302, 403)
        assert standard.off("customer") == {"phone", "country"}
    finally:
        with schema_context("beta"):
            StandardFields.objects.all().delete()
