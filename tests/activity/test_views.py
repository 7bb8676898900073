"""The log page, timelines, quick logging, editing, the dashboard widget; tenancy of every URL."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context

from activity.models import Activity
from tests.builders.activity import make_activity
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_project

HX = {"HTTP_HX_REQUEST": "true"}


def log_url(**params):
    from urllib.parse import urlencode

    return reverse("activity:activity_list") + ("?" + urlencode(params) if params else "")


# --- the log page -------------------------------------------------------------------------------


def test_log_page_shows_entries_summary_and_chart(tenant, client_for, alice, bob):
    customer = make_customer(owner=alice)
    make_activity(employee=alice, customer=customer, subject="Called the CFO")
    make_activity(employee=bob, customer=customer, subject="Wrote to purchasing", kind="email")
    client = client_for(alice)
    response = client.get(log_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Called the CFO" in html and "Wrote to purchasing" in html
    # the summary and chart load as a fragment of their own (a link without JavaScript)
    summary_url = reverse("activity:activity_summary")
    assert 'data-testid="summary-slot"' in html and f'hx-get="{summary_url}"' in html
    fragment = client.get(summary_url, **HX).content.decode()
    assert (
        'data-testid="activity-summary"' in fragment
        and "<svg" in fragment
        and "<html" not in fragment
    )
    assert f'data-employee="{alice.pk}"' in fragment and f'data-employee="{bob.pk}"' in fragment
    page = client.get(summary_url).content.decode()
    assert "<html" in page and 'data-testid="activity-summary"' in page


def titles(response) -> list[str]:
    return [a.title for a in response.context["entries"]]


def test_log_filters_by_employee_team_type_customer_and_period(
    tenant, client_for, alice, bob, carol
):
    c1, c2 = make_customer(name="Filter One"), make_customer(name="Filter Two")
    old = timezone.now() - datetime.timedelta(days=100)
    make_activity(employee=alice, customer=c1, subject="a-call")
    make_activity(employee=alice, customer=c2, subject="a-mail", kind="email")
    make_activity(employee=bob, customer=c1, subject="b-call")
    make_activity(employee=carol, customer=c2, subject="c-old", occurred_at=old)
    make_activity(
        employee=alice,
        customer=c1,
        subject="sys",
        kind="won",
        is_system=True,
        project=make_project(customer=c1),
    )
    client = client_for(alice)
    from crm.models import Team

    north = Team.objects.get(name="North")
    assert set(titles(client.get(log_url(employee=alice.pk)))) >= {"a-call", "a-mail"}
    assert "b-call" not in titles(client.get(log_url(employee=alice.pk)))
    team = titles(client.get(log_url(team=north.pk, period="365d")))
    assert {"a-call", "c-old"} <= set(team) and "b-call" not in team
    assert set(titles(client.get(log_url(kind="email")))) == {"a-mail"}
    assert "b-call" not in titles(client.get(log_url(kind="system")))
    assert "a-call" not in titles(client.get(log_url(kind="system")))
    assert "sys" not in titles(client.get(log_url(kind="human")))
    assert set(titles(client.get(log_url(customer=c2.pk)))) == {
        "a-mail"
    }  # c-old is outside 30 days
    assert set(titles(client.get(log_url(customer=c2.pk, period="365d")))) == {"a-mail", "c-old"}
    assert set(titles(client.get(log_url(customer_name="filter two", period="365d")))) == {
        "a-mail",
        "c-old",
    }
    day = (old - datetime.timedelta(days=1)).date().isoformat()
    assert titles(
        client.get(
            log_url(date_from=day, date_to=(old + datetime.timedelta(days=1)).date().isoformat())
        )
    ) == ["c-old"]


def test_overdue_tasks_filter_ignores_the_period(tenant, client_for, alice):
    long_ago = timezone.now() - datetime.timedelta(days=200)
    make_activity(
        employee=alice,
        kind="task",
        subject="forgotten",
        occurred_at=long_ago,
        due_date=(long_ago + datetime.timedelta(days=3)).date(),
    )
    make_activity(
        employee=alice,
        kind="task",
        subject="later",
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    response = client_for(alice).get(log_url(employee=alice.pk, task="overdue"))
    assert titles(response) == ["forgotten"]
    assert 'data-testid="overdue"' in response.content.decode()


def test_htmx_filtering_returns_only_the_results(tenant, client_for, alice):
    make_activity(employee=alice, subject="partial")
    response = client_for(alice).get(
        log_url(), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="activity-results"
    )
    html = response.content.decode()
    assert "partial" in html and "<html" not in html and 'data-testid="activity-filter"' not in html


def test_a_bad_filter_value_is_a_message_not_an_error(tenant, client_for, alice):
    response = client_for(alice).get(log_url(period="nonsense", date_from="x"))
    assert response.status_code == 200


# --- timelines ----------------------------------------------------------------------------------


def test_customer_timeline_has_its_entries_and_project_entries_marked_for_the_customer(
    tenant, client_for, alice
):
    project = make_project(owner=alice)
    customer = project.customer
    make_activity(customer=customer, subject="entry-customer")
    make_activity(project=project, subject="entry-both", show_on_customer=True)
    make_activity(project=project, subject="entry-project", show_on_customer=False)
    make_activity(customer=make_customer(), subject="entry-elsewhere")
    client = client_for(alice)
    html = client.get(
        reverse("activity:timeline") + f"?customer={customer.pk}", **HX
    ).content.decode()
    assert "entry-customer" in html and "entry-both" in html
    assert "entry-project" not in html and "entry-elsewhere" not in html
    html = client.get(
        reverse("activity:timeline") + f"?project={project.pk}", **HX
    ).content.decode()
    assert "entry-project" in html and "entry-both" in html and "entry-customer" not in html


def test_contact_timeline_lists_entries_with_that_contact(tenant, client_for, alice):
    contact = make_contact()
    make_activity(customer=contact.customer, subject="with her", contacts=[contact])
    make_activity(customer=contact.customer, subject="without her")
    html = (
        client_for(alice)
        .get(reverse("activity:timeline") + f"?contact={contact.pk}", **HX)
        .content.decode()
    )
    assert "with her" in html and "without her" not in html


def test_timeline_pages_newest_first_with_a_keyset_cursor(tenant, client_for, alice):
    customer = make_customer()
    now = timezone.now()
    for i in range(45):
        make_activity(
            customer=customer,
            subject=f"entry {i:02d}",
            occurred_at=now - datetime.timedelta(hours=i % 30),
        )
    client = client_for(alice)
    url = reverse("activity:timeline") + f"?customer={customer.pk}"
    first = client.get(url, **HX)
    seen = [a.subject for a in first.context["entries"]]
    cursor = first.context["next_cursor"]
    while cursor:
        page = client.get(url + f"&cursor={cursor}", **HX)
        assert "<ul" not in page.content.decode()[:20]  # only entries, appended into the list
        seen += [a.subject for a in page.context["entries"]]
        cursor = page.context["next_cursor"]
    expected = [
        a.subject
        for a in Activity.objects.filter(customer=customer).order_by("-occurred_at", "-id")
    ]
    assert seen == expected and len(seen) == 45


def test_timeline_without_javascript_is_a_page_of_its_own(tenant, client_for, alice):
    customer = make_customer(name="Plain Page GmbH")
    make_activity(customer=customer, subject="visible")
    response = client_for(alice).get(reverse("activity:timeline") + f"?customer={customer.pk}")
    html = response.content.decode()
    assert (
        response.status_code == 200
        and "<html" in html
        and "visible" in html
        and "Plain Page GmbH" in html
    )


def test_timeline_slot_loads_with_htmx_and_links_without_it(tenant, alice):
    from django.template.loader import render_to_string

    html = render_to_string("components/_timeline_slot.html", {"kind": "project", "pk": 7})
    assert (
        'hx-get="/activity/timeline/?project=7"' in html
        and 'href="/activity/timeline/?project=7"' in html
    )


def test_timeline_without_a_subject_or_for_a_missing_one_is_404(tenant, client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("activity:timeline")).status_code == 404
    assert client.get(reverse("activity:timeline") + "?customer=999999").status_code == 404
    assert client.get(reverse("activity:timeline") + "?customer=abc").status_code == 404


# --- quick logging --------------------------------------------------------------------------------


def test_quick_log_on_a_project_timeline_returns_the_refreshed_timeline(tenant, client_for, alice):
    project = make_project(owner=alice)
    contact = make_contact(customer=project.customer)
    response = client_for(alice).post(
        reverse("activity:activity_create"),
        {
            "variant": "timeline",
            "timeline": "project",
            "project": project.pk,
            "kind": "call",
            "subject": "Discussed the budget",
            "occurred_at": "2026-02-03T10:15",
            "duration_minutes": "20",
            "contacts": [contact.pk],
            "show_on_customer": "on",
        },
        **HX,
    )
    assert response.status_code == 200
    activity = Activity.objects.get(subject="Discussed the budget")
    assert (
        activity.project == project
        and activity.customer == project.customer
        and activity.employee == alice
    )
    assert list(activity.contacts.all()) == [contact] and activity.duration_minutes == 20
    html = response.content.decode()
    assert 'data-testid="timeline-block"' in html and "Discussed the budget" in html
    assert 'data-testid="quicklog-success"' in html


def test_quick_log_on_a_contact_links_the_contact_and_its_customer(tenant, client_for, alice):
    contact = make_contact()
    client = client_for(alice)
    block = client.get(
        reverse("activity:timeline") + f"?contact={contact.pk}", **HX
    ).content.decode()
    assert f'<option value="{contact.pk}" selected>' in block  # preselected in the quick form
    response = client.post(
        reverse("activity:activity_create"),
        {
            "variant": "timeline",
            "timeline": "contact",
            "contact": contact.pk,
            "kind": "meeting",
            "subject": "Met her at the fair",
            "occurred_at": "2026-02-03T10:15",
            "contacts": [contact.pk],
        },
        **HX,
    )
    assert "Met her at the fair" in response.content.decode()
    activity = Activity.objects.get(subject="Met her at the fair")
    assert activity.customer == contact.customer and list(activity.contacts.all()) == [contact]


def test_quick_log_errors_keep_what_was_typed(tenant, client_for, alice):
    customer = make_customer()
    response = client_for(alice).post(
        reverse("activity:activity_create"),
        {
            "variant": "timeline",
            "timeline": "customer",
            "customer": customer.pk,
            "kind": "call",
            "subject": "Keep me",
            "occurred_at": "not a date",
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Keep me" in html and "invalid-feedback" in html
    assert not Activity.objects.filter(subject="Keep me").exists()


def test_quick_log_from_a_kanban_card(tenant, client_for, alice):
    project = make_project(owner=alice)
    client = client_for(alice)
    form = client.get(
        reverse("activity:activity_create") + f"?project={project.pk}&variant=card", **HX
    )
    assert 'data-testid="card-quicklog-form"' in form.content.decode()
    done = client.post(
        reverse("activity:activity_create"),
        {
            "variant": "card",
            "project": project.pk,
            "kind": "meeting",
            "subject": "Card meeting",
            "occurred_at": "2026-02-03T10:15",
            "show_on_customer": "on",
        },
        **HX,
    )
    assert 'data-testid="card-quicklog-done"' in done.content.decode()
    assert Activity.objects.get(subject="Card meeting").project == project


def test_card_slot_renders_a_dropdown_that_loads_the_form(tenant):
    from django.template.loader import render_to_string

    project = make_project(title="Slot project")
    html = render_to_string("components/_card_quicklog_slot.html", {"project": project})
    assert 'data-bs-toggle="dropdown"' in html and f"project={project.pk}&amp;variant=card" in html
    assert f'href="/activity/new/?project={project.pk}"' in html  # works without JavaScript


def test_logging_without_javascript_redirects_back(tenant, client_for, alice):
    customer = make_customer()
    response = client_for(alice).post(
        reverse("activity:activity_create"),
        {
            "customer": customer.pk,
            "kind": "note",
            "subject": "Plain form",
            "occurred_at": "2026-02-03T10:15",
            "next": "/customers/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/customers/"
    assert Activity.objects.get(subject="Plain form").customer == customer


def test_logging_refuses_a_next_url_on_another_host(tenant, client_for, alice):
    response = client_for(alice).post(
        reverse("activity:activity_create"),
        {
            "kind": "note",
            "subject": "Evil next",
            "occurred_at": "2026-02-03T10:15",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302 and "evil" not in response["Location"]


# --- editing and permissions
# ------------------------------------------------------------------------


def test_the_author_edits_and_deletes_their_entry(tenant, client_for, alice):
    activity = make_activity(employee=alice, customer=make_customer(), subject="Mine")
    client = client_for(alice)
    assert client.get(reverse("activity:activity_edit", args=[activity.pk])).status_code == 200
    response = client.post(
        reverse("activity:activity_edit", args=[activity.pk]),
        {"kind": "email", "subject": "Mine, edited", "occurred_at": "2026-02-03T10:15"},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.kind, activity.subject) == ("email", "Mine, edited")
    response = client.post(reverse("activity:activity_delete", args=[activity.pk]), **HX)
    assert response.status_code == 200 and not Activity.objects.filter(pk=activity.pk).exists()


def test_others_get_403_and_the_admin_may_edit(tenant, client_for, alice, bob, carol, dave):
    activity = make_activity(employee=alice, subject="Alice's")
    for user in (bob, carol):
        client = client_for(user)
        assert client.get(reverse("activity:activity_edit", args=[activity.pk])).status_code == 403
        assert (
            client.post(reverse("activity:activity_delete", args=[activity.pk])).status_code == 403
        )
        assert client.post(reverse("activity:activity_done", args=[activity.pk])).status_code == 403
    assert (
        client_for(dave).get(reverse("activity:activity_edit", args=[activity.pk])).status_code
        == 200
    )
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_system_entries_cannot_be_edited_by_anyone(tenant, client_for, alice, dave):
    entry = make_activity(
        kind="phase_changed",
        is_system=True,
        employee=alice,
        project=make_project(),
        payload={"project": "P", "from_phase": "A", "to_phase": "B"},
    )
    for user in (alice, dave):
        client = client_for(user)
        assert client.get(reverse("activity:activity_edit", args=[entry.pk])).status_code == 403
        assert client.post(reverse("activity:activity_delete", args=[entry.pk])).status_code == 403
    detail = (
        client_for(dave).get(reverse("activity:activity_detail", args=[entry.pk])).content.decode()
    )
    assert (
        "“P” moved from A to B" in detail
        and reverse("activity:activity_edit", args=[entry.pk]) not in detail
    )


def test_edit_links_show_only_on_own_entries(tenant, client_for, alice, bob):
    customer = make_customer()
    mine = make_activity(employee=alice, customer=customer, subject="mine")
    theirs = make_activity(employee=bob, customer=customer, subject="theirs")
    html = (
        client_for(alice)
        .get(reverse("activity:timeline") + f"?customer={customer.pk}", **HX)
        .content.decode()
    )
    assert reverse("activity:activity_edit", args=[mine.pk]) in html
    assert reverse("activity:activity_edit", args=[theirs.pk]) not in html


def test_marking_a_task_done_from_the_dashboard(tenant, client_for, alice):
    task = make_activity(
        employee=alice, kind="task", subject="Call back", due_date=timezone.localdate()
    )
    response = client_for(alice).post(
        reverse("activity:activity_done", args=[task.pk]), {"fragment": "task"}, **HX
    )
    task.refresh_from_db()
    assert response.status_code == 200 and task.done_at is not None
    assert f'id="task-{task.pk}"' in response.content.decode()


# --- dashboard
# -------------------------------------------------------------------------------------


def test_dashboard_shows_my_open_tasks_with_overdue_marked_and_my_week(
    tenant, client_for, alice, bob
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    month_ago = timezone.now() - datetime.timedelta(days=30)
    make_activity(
        employee=alice, kind="task", subject="Late task", due_date=yesterday, occurred_at=month_ago
    )
    make_activity(
        employee=alice,
        kind="task",
        subject="Future task",
        due_date=yesterday + datetime.timedelta(days=9),
        occurred_at=month_ago,
    )
    make_activity(
        employee=alice,
        kind="task",
        subject="Done task",
        due_date=yesterday,
        done_at=timezone.now(),
        occurred_at=month_ago,
    )
    make_activity(employee=bob, kind="task", subject="Bob's task", due_date=yesterday)
    make_activity(employee=alice, kind="call", subject="This week's call")
    html = client_for(alice).get("/").content.decode()
    assert 'data-testid="widget-my-tasks"' in html
    assert "Late task" in html and "Future task" in html
    assert "Done task" not in html and "Bob&#x27;s task" not in html and "Bob's task" not in html
    assert 'data-testid="overdue-count"' in html
    assert "My activity this week: 1 entry" in html


# --- tenancy
# -----------------------------------------------------------------------------------------


@pytest.fixture
def beta_ids(other_tenant):
    """Ids of records that exist only in tenant beta (far above anything alpha's tests create)."""
    with schema_context(other_tenant.schema_name):
        from crm.models import User

        alice_beta = User.objects.get(email="alice@beta.test")
        customer = make_customer(pk=9_100_001, name="Beta only GmbH")
        project = make_project(pk=9_100_002, owner=alice_beta, title="Beta only", customer=customer)
        contact = make_contact(pk=9_100_003, customer=customer)
        activity = make_activity(
            pk=9_100_004, employee=alice_beta, project=project, subject="Beta secret"
        )
        return {
            "activity": activity.pk,
            "project": project.pk,
            "customer": customer.pk,
            "contact": contact.pk,
        }


def test_every_url_answers_404_for_ids_of_another_tenant(tenant, client_for, dave, beta_ids):
    ids = beta_ids
    assert not Activity.objects.filter(pk=ids["activity"]).exists()
    client = client_for(dave)
    pk = ids["activity"]
    for url in (
        reverse("activity:activity_detail", args=[pk]),
        reverse("activity:activity_edit", args=[pk]),
        reverse("activity:activity_delete", args=[pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("activity:activity_done", args=[pk])).status_code == 404
    assert client.post(reverse("activity:activity_delete", args=[pk])).status_code == 404
    for kind in ("customer", "project", "contact"):
        assert client.get(reverse("activity:timeline") + f"?{kind}={ids[kind]}").status_code == 404
        assert (
            client.get(reverse("activity:activity_create") + f"?{kind}={ids[kind]}").status_code
            == 404
        )
        assert (
            client.post(
                reverse("activity:activity_create"), {kind: ids[kind], "kind": "call"}
            ).status_code
            == 404
        )
    log = client.get(log_url(period="365d", customer=ids["customer"])).content.decode()
    assert "Beta secret" not in log and "Beta only" not in log


def test_a_beta_session_cookie_on_alpha_redirects_to_login(tenant, other_tenant):
    from django.db import connection

    from tests.conftest import tenant_client

    with schema_context(other_tenant.schema_name):
        from crm.models import User

        beta_alice = User.objects.get(email="alice@beta.test")
    beta = tenant_client(other_tenant, beta_alice)
    cookie = beta.cookies["sessionid"].value
    alpha = Client(HTTP_HOST="alpha.localhost")
    alpha.cookies["sessionid"] = cookie
    for url in (
        log_url(),
        reverse("activity:timeline") + "?customer=1",
        reverse("activity:activity_create"),
        reverse("activity:activity_detail", args=[1]),
    ):
        response = alpha.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    connection.set_tenant(tenant)


def test_anonymous_users_are_sent_to_login(tenant, client_for):
    response = client_for(None).get(log_url())
    assert response.status_code == 302 and "/login/" in response["Location"]


# --- one activity for many customers (the map's selections)
# ---------------------------------------------


def test_logging_one_activity_for_every_customer_of_a_selection(tenant, client_for, alice):
    customers = [make_customer() for _ in range(3)]
    ids = ",".join(str(c.pk) for c in customers) + ",999999"  # unknown ids are ignored
    client = client_for(alice)
    # the map's selection page posts only the customers: the form comes back
    form = client.post(
        reverse("activity:activity_bulk_create"), {"customers": ids, "next": "/map/"}
    )
    assert form.status_code == 200 and 'data-testid="bulk-activity-form"' in form.content.decode()
    assert "4 customers" in form.content.decode()
    response = client.post(
        reverse("activity:activity_bulk_create"),
        {
            "customers": ids,
            "next": "/map/",
            "kind": "email",
            "subject": "Spring mailing",
            "occurred_at": "2026-03-02T09:00",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/map/"
    logged = Activity.objects.filter(subject="Spring mailing")
    assert sorted(logged.values_list("customer_id", flat=True)) == sorted(c.pk for c in customers)
    assert set(logged.values_list("employee_id", flat=True)) == {alice.pk}
    customers[0].refresh_from_db()
    assert customers[0].last_activity_at is not None


def test_bulk_logging_errors_keep_the_input_and_log_nothing(tenant, client_for, alice):
    customer = make_customer()
    response = client_for(alice).post(
        reverse("activity:activity_bulk_create"),
        {
            "customers": str(customer.pk),
            "kind": "email",
            "subject": "Keep me too",
            "occurred_at": "bad",
        },
    )
    assert response.status_code == 200 and "Keep me too" in response.content.decode()
    assert not Activity.objects.filter(subject="Keep me too").exists()


def test_bulk_logging_ignores_customers_of_another_tenant(tenant, client_for, alice, beta_ids):
    response = client_for(alice).post(
        reverse("activity:activity_bulk_create"),
        {
            "customers": str(beta_ids["customer"]),
            "kind": "email",
            "subject": "Cross",
            "occurred_at": "2026-03-02T09:00",
        },
    )
    assert response.status_code == 200 and not Activity.objects.filter(subject="Cross").exists()
