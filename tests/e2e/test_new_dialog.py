"""Browser journey: "+ New" in the top bar opens the create forms in a dialog over the page."""

import uuid

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def _open_new(page, item: str):
    page.get_by_role("button", name="+ New").click()
    page.get_by_role("link", name=item, exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    return dialog


def test_from_the_map_new_contact_for_a_customer_stay_on_the_page(page, live_server_url, e2e_db):
    from crm.models import User
    from customers.models import ContactPerson
    from tests.builders.customers import make_customer

    uid = uuid.uuid4().hex[:6]
    customer = make_customer(
        name=f"Kartenkunde {uid} GmbH", owner=User.objects.get(email="alice@e2e.test")
    )
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/map/")
    dialog = _open_new(page, "Contact person")
    assert dialog.get_attribute("aria-modal") == "true"
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('#crm-new-dialog')"
    )
    assert dialog.get_by_role("heading", name="New contact person").is_visible()

    # an error keeps what was typed, inside the dialog
    dialog.get_by_label("First name").fill("Karla")
    dialog.get_by_label("Position").fill("Einkauf")
    dialog.get_by_test_id("save").click()
    dialog.locator("[aria-invalid=true]").first.wait_for()
    assert dialog.get_by_label("First name").input_value() == "Karla"
    assert dialog.get_by_label("Position").input_value() == "Einkauf"
    assert "/map/" in page.url

    # pick the customer by typing its name, stay on the page
    # the error's form may already list the customer: wait for the picker's own answer, or it
    # lands after the choice below and empties it again
    with page.expect_response(lambda r: "/customer-picker/" in r.url):
        dialog.get_by_label("Find customer").fill(f"Kartenkunde {uid}")
    page.wait_for_function("() => !document.querySelector('#crm-new-dialog .htmx-request')")
    page.wait_for_function(
        "(id) => [...document.querySelectorAll('#crm-new-dialog select[name=customer] option')]"
        ".some((o) => o.value === String(id))",
        arg=customer.pk,
    )
    dialog.locator("select[name=customer]").select_option(str(customer.pk))
    dialog.get_by_label("Last name").fill(f"Kontakt{uid}")
    dialog.get_by_label("Open the new record after saving").uncheck()
    dialog.get_by_test_id("save").click()
    done = page.get_by_test_id("new-dialog-done")
    done.wait_for()
    page.wait_for_function("() => !document.querySelector('#crm-new-dialog.show')")
    assert "/map/" in page.url
    contact = ContactPerson.objects.get(last_name=f"Kontakt{uid}")
    assert contact.customer_id == customer.pk and contact.position == "Einkauf"
    assert done.get_by_role("link").get_attribute("href") == f"/customers/contacts/{contact.pk}/"


def test_escape_closes_the_dialog_and_focus_returns_to_new(page, live_server_url, e2e_db):
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/customers/")
    _open_new(page, "Customer")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('#crm-new-dialog')"
    )
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'crm-new-button'"
    )
    assert not page.locator("#crm-new-dialog.show").count()


def test_from_the_kanban_new_task_for_a_customer_picked_by_search_due_tomorrow(
    page, live_server_url, e2e_db
):
    import datetime

    from django.utils import timezone

    from activity.models import Activity
    from tests.builders.customers import make_customer

    uid = uuid.uuid4().hex[:6]
    customer = make_customer(name=f"Aufgabe {uid} Kunde GmbH")
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/board/")
    dialog = _open_new(page, "Task")
    assert dialog.get_by_role("heading", name="New task").is_visible()
    dialog.get_by_label("Find customer").fill(f"Aufgabe {uid}")
    page.wait_for_function(
        "(id) => [...document.querySelectorAll('#crm-new-dialog select[name=customer] option')]"
        ".some((o) => o.value === String(id))",
        arg=customer.pk,
    )
    page.evaluate("() => { document.querySelector('#crm-new-dialog form').dataset.stale = '1'; }")
    dialog.locator("select[name=customer]").select_option(str(customer.pk))
    # choosing the customer reloads the form with that customer's projects and contacts
    page.wait_for_function(
        "() => { const f = document.querySelector('#crm-new-dialog form');"
        " return f && !f.dataset.stale; }"
    )
    dialog.get_by_label("Subject").fill(f"Rückruf {uid}")
    due = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()  # the server's date
    dialog.get_by_label("Due date").fill(due)
    dialog.get_by_label("Open the new record after saving").uncheck()
    dialog.locator("button[type=submit]", has_text="Save").click()
    page.get_by_test_id("new-dialog-done").wait_for()
    assert "/sales/projects/board/" in page.url
    task = Activity.objects.get(subject=f"Rückruf {uid}")
    assert (
        task.customer_id == customer.pk and task.kind == "task" and task.due_date.isoformat() == due
    )
    page.goto(f"{live_server_url}/customers/{customer.pk}/")
    page.get_by_text(f"Rückruf {uid}").first.wait_for()
    page.goto(f"{live_server_url}/")
    page.get_by_text(f"Rückruf {uid}").first.wait_for()


def test_saving_while_the_dialog_still_opens_closes_it(page, live_server_url, e2e_db):
    """A save answered before the dialog has finished opening still closes it (Bootstrap ignores
    hide() mid-transition; the dialog stayed open and empty over the inert page)."""
    from customers.models import Customer

    uid = uuid.uuid4().hex[:6]
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/customers/")
    # The opening's 300 ms made 2 s, without movement (so Playwright's clicks need not wait for
    # it): the save below is answered while the dialog is still opening, on any machine.
    page.evaluate(
        "() => { const d = document.querySelector('#crm-new-dialog .modal-dialog');"
        " d.style.transform = 'none'; d.style.transitionDuration = '2s'; }"
    )
    page.get_by_role("button", name="+ New").click()
    page.get_by_role("link", name="Customer", exact=True).click()
    dialog = page.get_by_test_id("new-dialog")
    dialog.locator("input[name=name]").fill(f"Schnell {uid} GmbH")
    dialog.get_by_label("Open the new record after saving").uncheck()
    with page.expect_response(lambda r: r.request.method == "POST"):
        dialog.get_by_test_id("save").click()
    assert page.evaluate("() => document.querySelector('#crm-new-dialog.show') !== null")
    page.wait_for_function("() => !document.querySelector('#crm-new-dialog.show')")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.closest('[data-new-dialog-done]')"
    )
    assert Customer.objects.filter(name=f"Schnell {uid} GmbH").exists()
    assert page.locator("#crm-new-dialog-content").inner_html() == ""
    assert "/customers/" in page.url
