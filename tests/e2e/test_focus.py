"""Focus after a swap or a post (issue 16 item 2): the new timeline entry after logging an
activity, the first field in error after a failed post (htmx and a plain page). The move dialog's
focus (first field, back to the card on Escape, the moved card) is in test_keyboard.py, the "+ New"
dialog's in test_new_dialog.py."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

ACTIVE = (
    "() => { const a = document.activeElement; return a ? (a.id || a.name || a.tagName) : ''; }"
)


@pytest.fixture
def project(e2e_db):
    from crm.models import User
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_project

    alice = User.objects.get(email="alice@e2e.test")
    tag = uuid.uuid4().hex[:6]
    customer = make_customer(name=f"Focus {tag} GmbH", owner=alice)
    return make_project(customer=customer, owner=alice, title=f"Focus project {tag}")


def test_after_logging_an_activity_the_new_entry_has_focus(page, live_server_url, project):
    from activity.models import Activity

    subject = f"Focus call {uuid.uuid4().hex[:6]}"
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/{project.pk}/")
    timeline = page.get_by_test_id("timeline-block")
    timeline.wait_for()
    timeline.get_by_test_id("quicklog-toggle").click()
    form = page.get_by_test_id("quicklog-form")
    form.get_by_label("Type").select_option("call")

    # sent without a subject: the field in error gets focus
    form.get_by_role("button", name="Save").click()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.getAttribute('aria-invalid') === "
        "'true'"
        " && document.activeElement.closest('[data-testid=quicklog-form]') !== null"
    )

    page.get_by_test_id("quicklog-form").get_by_label("Subject").fill(subject)
    page.get_by_test_id("quicklog-form").get_by_role("button", name="Save").click()
    page.get_by_test_id("quicklog-success").wait_for()
    created = Activity.objects.get(subject=subject)
    page.wait_for_function(f"() => ({ACTIVE})() === 'activity-{created.pk}'")
    entry = page.locator(f"#activity-{created.pk}")
    expect(entry).to_be_focused()
    expect(entry).to_contain_text(subject)


def test_a_plain_form_sent_with_errors_focuses_its_first_field_in_error(
    page, live_server_url, e2e_db
):
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/customers/new/")
    page.locator("main form[method=post]").first.evaluate("f => { f.noValidate = true; }")
    page.fill("main input[name=name]", "")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator("main input[name=name]")).to_have_attribute("aria-invalid", "true")
    page.wait_for_function("() => document.activeElement.name === 'name'")
    # and the skip link is still the first Tab stop of a page without errors
    page.goto(f"{live_server_url}/customers/")
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("skip-link")).to_be_focused()


def test_show_older_in_a_timeline_keeps_focus_on_the_next_entries(page, live_server_url, project):
    from activity.models import Activity
    from tests.builders.activity import make_activity

    for n in range(23):
        make_activity(customer=project.customer, project=project, subject=f"Older {n:02d}")
    login(page, live_server_url, "alice")
    page.goto(f"{live_server_url}/sales/projects/{project.pk}/")
    more = page.get_by_test_id("timeline-more")
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_count(0)
    first_older = (
        Activity.objects.filter(project=project).order_by("-occurred_at", "-pk")[20:21].get()
    )
    # the first entry the swap brought in has the focus (its link), not <body>
    page.wait_for_function(
        f"() => document.activeElement.closest('li')?.id === 'activity-{first_older.pk}'"
    )


def test_sorting_by_keyboard_keeps_focus_on_the_columns_sort_link(page, live_server_url, project):
    """Enter on a sort link swaps the table; focus lands on the same column's new link (whose
    address now sorts the other way), so a second Enter sorts back."""
    login(page, live_server_url, "alice")
    swapped_and_focused = (
        "([i, before]) => {"
        " const th = document.querySelectorAll('#table thead tr:first-child th')[i];"
        " const a = th && th.querySelector('a[href]');"
        " return a && a.getAttribute('href') !== before && document.activeElement === a; }"
    )
    for path in ("/customers/", "/sales/projects/"):
        page.goto(f"{live_server_url}{path}")
        link = page.locator("#table thead th a[href]").nth(2)  # not the first control
        index = link.evaluate("a => a.closest('th').cellIndex")
        for _ in range(2):
            before = page.evaluate(
                "i => document.querySelectorAll('#table thead tr:first-child th')[i]"
                ".querySelector('a[href]').getAttribute('href')",
                index,
            )
            page.evaluate(
                "i => document.querySelectorAll('#table thead tr:first-child th')[i]"
                ".querySelector('a[href]').focus()",
                index,
            )
            page.keyboard.press("Enter")
            page.wait_for_function(swapped_and_focused, arg=[index, before])
