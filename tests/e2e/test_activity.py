"""Browser journeys of the activity log."""

import uuid

import pytest
from django.utils import timezone

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def project(e2e_db):
    """A committed project of alice's in the e2e tenant (removed again afterwards)."""
    from activity.models import Activity
    from crm.models import User
    from customers.models import Customer
    from sales.models import SalesProject
    from tests.builders.customers import make_contact, make_customer
    from tests.builders.sales import make_project

    alice = User.objects.get(email="alice@e2e.test")
    tag = uuid.uuid4().hex[:6]
    customer = make_customer(name=f"Journey {tag} GmbH", owner=alice)
    make_contact(customer=customer, first_name="Petra", last_name=f"Journey{tag}")
    made = make_project(customer=customer, owner=alice, title=f"Journey project {tag}")
    yield made
    Activity.objects.filter(customer=customer).delete()
    SalesProject.objects.filter(customer=customer).delete()
    Customer.objects.filter(pk=customer.pk).delete()


def test_log_a_call_on_a_project_and_find_it_in_the_log_filtered_by_that_employee(
    page, live_server_url, project
):
    subject = f"Call about the rollout {uuid.uuid4().hex[:6]}"
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/{project.pk}/")
    timeline = page.get_by_test_id("timeline-block")
    timeline.wait_for()  # loaded by htmx

    timeline.get_by_test_id("quicklog-toggle").click()
    form = page.get_by_test_id("quicklog-form")
    form.get_by_label("Type").select_option("call")
    form.get_by_label("Subject").fill(subject)
    form.get_by_label("Duration (minutes)").fill("25")
    form.get_by_label("Text").fill("She wants the numbers by Friday.")
    form.get_by_role("button", name="Save").click()

    page.get_by_test_id("quicklog-success").wait_for()
    entry = page.get_by_test_id("timeline-entry").filter(has_text=subject)
    assert entry.is_visible() and "25 min" in entry.inner_text()

    page.get_by_test_id("submenu").get_by_role("link", name="Activity log").click()
    filters = page.get_by_test_id("activity-filter")
    filters.get_by_label("Employee").select_option(label="Alice Tester")  # htmx reloads the results
    page.wait_for_url("**employee=*")
    table = page.get_by_test_id("activity-table")
    row = table.locator("tbody tr").filter(has_text=subject)
    row.wait_for()
    assert "Alice Tester" in row.inner_text() and project.title in row.inner_text()
    summary = page.get_by_test_id("summary-row")
    summary.first.wait_for()  # the summary loads as a fragment of its own after the entries
    assert summary.count() == 1 and "Alice Tester" in summary.inner_text()

    # and the entry is alice's own: she can open and edit it
    row.get_by_role("link", name=subject).click()
    assert page.get_by_test_id("activity-title").inner_text() == subject
    assert page.get_by_role("link", name="Edit").is_visible()


def test_quick_log_from_a_kanban_card_keeps_the_card_draggable(page, live_server_url, project):
    subject = f"Card note {uuid.uuid4().hex[:6]}"
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/?process={project.process_id}")
    card = page.locator(f"#card-{project.pk}")
    card.wait_for()
    assert card.get_attribute("draggable") == "true"
    card.get_by_test_id("card-quicklog").click()
    form = card.get_by_test_id("card-quicklog-form")
    form.wait_for()
    form.locator("select[name=kind]").select_option("note")
    form.locator("input[name=subject]").fill(subject)
    assert card.get_attribute("draggable") == "false"  # while typing, text can be selected
    form.get_by_role("button", name="Save").click()
    card.get_by_test_id("card-quicklog-done").wait_for()
    page.locator("h1").click()  # focus leaves the card
    assert card.get_attribute("draggable") == "true"

    from activity.models import Activity

    entry = Activity.objects.get(subject=subject)
    assert entry.project_id == project.pk and entry.occurred_at <= timezone.now()
