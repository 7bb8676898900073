"""Project groups: the group's timeline, and closing the other alternatives records each once."""

import pytest
from django.urls import reverse

from activity.models import Activity
from tests.builders.activity import make_activity
from tests.builders.customers import make_customer

sales_builders = pytest.importorskip("tests.builders.sales")
if not hasattr(sales_builders, "make_group"):
    pytest.skip("project groups have not landed in sales yet", allow_module_level=True)

HX = {"HTTP_HX_REQUEST": "true"}


def test_group_timeline_shows_the_entries_of_its_member_projects(tenant, client_for, alice):
    customer = make_customer()
    a = sales_builders.make_project(customer=customer, owner=alice, title="Offer A")
    b = sales_builders.make_project(customer=customer, owner=alice, title="Offer B")
    outside = sales_builders.make_project(customer=customer, owner=alice, title="Not in the group")
    group = sales_builders.make_group(projects=[a, b], name="Two offers")
    make_activity(project=a, subject="entry-a")
    make_activity(project=b, subject="entry-b")
    make_activity(project=outside, subject="entry-outside")
    make_activity(customer=customer, subject="entry-customer")
    client = client_for(alice)
    html = client.get(reverse("activity:timeline") + f"?group={group.pk}", **HX).content.decode()
    assert "entry-a" in html and "entry-b" in html
    assert "entry-outside" not in html and "entry-customer" not in html
    assert 'data-testid="quicklog-form"' not in html  # entries are logged on a member project
    page = client.get(reverse("activity:timeline") + f"?group={group.pk}")
    assert page.status_code == 200 and "Two offers" in page.content.decode()


def test_group_timeline_of_a_missing_group_is_404(tenant, client_for, alice):
    assert client_for(alice).get(reverse("activity:timeline") + "?group=987654").status_code == 404


def test_winning_one_alternative_records_each_closed_alternative_once(tenant, alice):
    from sales.models import Phase
    from sales.services import project_move

    customer = make_customer(owner=alice)
    process = sales_builders.make_process()
    first = process.phases.filter(outcome=Phase.Outcome.OPEN).order_by("order").first()
    winner = sales_builders.make_project(
        customer=customer, owner=alice, process=process, phase=first, title="Win"
    )
    others = [
        sales_builders.make_project(
            customer=customer, owner=alice, process=process, phase=first, title=f"Alt {i}"
        )
        for i in range(2)
    ]
    sales_builders.make_group(projects=[winner, *others])
    won = process.phases.get(outcome=Phase.Outcome.WON)
    project_move(project=winner, phase=won, user=alice, expected_version=winner.version)
    closed = Activity.objects.filter(kind="alternative_closed")
    assert sorted(closed.values_list("project__title", flat=True)) == ["Alt 0", "Alt 1"]
    assert all(entry.payload["winner"] == "Win" for entry in closed)
    assert Activity.objects.filter(kind="won", project=winner).count() == 1
    assert Activity.objects.filter(kind="lost", project__in=others).count() == 2
