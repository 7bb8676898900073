"""The layout's polite live region (#crm-live) says what a swap did: the row count after filtering
a list (customers, contact persons, projects, leads, the activity log; in the user's language and
number format), where a dragged card went, and how an import is getting on."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import desktop_page, login

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["en-US", "de-DE"])
def page(browser, request):
    """A page whose browser asks for English or German (the e2e users follow the browser)."""
    with desktop_page(browser, request, locale=request.param) as pg:
        pg.german = request.param.startswith("de")
        yield pg


@pytest.fixture
def world(e2e_db):
    from activity.models import Activity
    from crm.models import User
    from customers.models import Customer
    from tests.builders.activity import make_activity
    from tests.builders.customers import make_contact, make_customer
    from tests.builders.sales import make_process, make_project

    tag = uuid.uuid4().hex[:6]
    dave = User.objects.get(email="dave@e2e.test")
    customers = [make_customer(name=f"Ansage {tag} {n}", owner=dave) for n in range(3)]
    lead = make_customer(name=f"Ansage {tag} lead", owner=dave, status=Customer.Status.LEAD)
    make_contact(customer=customers[0], first_name="Uta", last_name=f"Ansage{tag}")
    make_contact(customer=customers[1], first_name="Udo", last_name=f"Ansage{tag}")
    process = make_process(name=f"Ansage {tag}", order=0)
    first, second = process.phases.order_by("order")[:2]
    for n in range(2):
        make_project(
            process=process,
            phase=first,
            owner=dave,
            customer=customers[0],
            title=f"Ansage {tag} project {n}",
        )
    for kind in (Activity.Kind.CALL, Activity.Kind.CALL, Activity.Kind.MEETING):
        make_activity(customer=customers[2], employee=dave, kind=kind, subject=f"Ansage {tag}")
    return {
        "tag": tag,
        "customer": customers[2],
        "lead": lead,
        "process": process,
        "first": first,
        "second": second,
    }


def live(page):
    return page.get_by_test_id("live-region")


def test_filtering_a_list_announces_its_row_count(page, live_server_url, world):
    tag, de = world["tag"], page.german
    login(page, live_server_url, "dave")

    page.goto(f"{live_server_url}/customers/")
    page.locator("#main input[name=q]").first.fill(f"Ansage {tag}")
    # three customers and the lead: the overview lists both
    expect(live(page)).to_have_text("4 Kunden" if de else "4 customers")

    page.goto(f"{live_server_url}/customers/contacts/")
    page.locator("#main input[name=q]").first.fill(f"Ansage{tag}")
    expect(live(page)).to_have_text("2 Ansprechpartner" if de else "2 contact persons")

    page.goto(f"{live_server_url}/sales/projects/?process={world['process'].pk}")
    page.locator("#id_phase").select_option([str(world["first"].pk)])
    expect(live(page)).to_have_text("2 Verkaufsprojekte" if de else "2 sales projects")
    page.locator("#id_phase").select_option([str(world["second"].pk)])
    expect(live(page)).to_have_text("0 Verkaufsprojekte" if de else "0 sales projects")

    page.goto(f"{live_server_url}/activity/?customer={world['customer'].pk}")
    page.locator("select[name=kind]").select_option("call")
    expect(live(page)).to_have_text("2 Aktivitäten" if de else "2 activities")
    page.locator("select[name=kind]").select_option("meeting")
    expect(live(page)).to_have_text("1 Aktivität" if de else "1 activity")


def test_a_dragged_card_is_announced_where_it_went(page, live_server_url, world):
    tag = world["tag"]
    login(page, live_server_url, "dave")
    page.goto(f"{live_server_url}/sales/projects/board/?process={world['process'].pk}")
    card = page.locator(
        f"#col-{world['first'].pk} .sales-card[data-title='Ansage {tag} project 0']"
    )
    card.drag_to(page.locator(f"#col-{world['second'].pk} .sales-column-body"))
    name = world["second"].name
    expect(live(page)).to_have_text(
        f"Projekt nach „{name}“ verschoben." if page.german else f"Project moved to “{name}”."
    )


def test_the_import_page_announces_progress_and_completion(page, live_server_url, e2e_db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crm.models import User
    from customers import imports
    from customers.models import ImportJob

    dave = User.objects.get(email="dave@e2e.test")
    upload = SimpleUploadedFile("ansage.csv", b"Name;Ort\nA;Berlin\n", content_type="text/csv")
    job = imports.import_job_create(user=dave, upload=upload)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING, total_rows=1)
    login(page, live_server_url, "dave")
    page.goto(f"{live_server_url}/customers/import/{job.pk}/")
    # the page asks every second; the live region speaks the state once, not every second
    expect(live(page)).to_have_text("Wird importiert: 50 %" if page.german else "Importing: 50 %")

    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.DONE, created_customers=1, created_contacts=0
    )
    expect(live(page)).to_have_text(
        "1 Kunden und 0 Ansprechpartner importiert."
        if page.german
        else "Imported 1 customers and 0 contact persons."
    )
