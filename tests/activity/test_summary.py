"""The log page's summary on a hand-built data set: counts, previous period, coverage, overdue,
weeks."""

import datetime

import pytest
from django.utils import timezone

from activity.models import Activity
from activity.periods import Period, period_resolve, weeks_for_chart
from activity.selectors import activity_summary
from tests.builders.activity import make_activity
from tests.builders.customers import make_customer

TODAY = datetime.date(2026, 3, 18)  # a Wednesday


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def d(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def data(tenant, alice, bob):
    """Period: the 7 days up to TODAY; previous: the 7 days before."""
    c1, c2, c3, c4 = (make_customer(owner=alice) for _ in range(4))
    # alice, this period: 3 calls, 1 meeting, 1 task, 1 system entry; previous: 1 call, 1 e-mail
    for day in (0, 1, 6):
        make_activity(employee=alice, customer=c1, kind="call", occurred_at=at(d(day)))
    make_activity(employee=alice, customer=c2, kind="meeting", occurred_at=at(d(2)))
    make_activity(employee=alice, customer=c2, kind="won", is_system=True, occurred_at=at(d(2)))
    make_activity(employee=alice, customer=c3, kind="call", occurred_at=at(d(7)))
    make_activity(employee=alice, customer=c3, kind="email", occurred_at=at(d(13)))
    c5 = make_customer(owner=bob)
    make_activity(
        employee=alice, customer=c5, kind="call", occurred_at=at(d(14))
    )  # before both periods
    # alice's tasks: one overdue, one due later, one overdue but done, one open task "touches"
    # nobody
    make_activity(employee=alice, customer=c4, kind="task", occurred_at=at(d(20)), due_date=d(1))
    make_activity(
        employee=alice,
        kind="task",
        occurred_at=at(d(3)),
        due_date=TODAY + datetime.timedelta(days=2),
    )
    make_activity(
        employee=alice, kind="task", occurred_at=at(d(30)), due_date=d(10), done_at=at(d(9))
    )
    # bob: one note in the period, on alice's customer c4 (coverage counts anyone's contact)
    make_activity(employee=bob, customer=c4, kind="note", occurred_at=at(d(40)))
    make_activity(employee=bob, customer=c1, kind="note", occurred_at=at(d(3)))
    # what activity_create keeps up to date: the newest people's entry that is not an open task
    from customers.services import customer_touch_activity

    for a in Activity.objects.filter(is_system=False, customer__isnull=False):
        if not a.is_open_task:
            customer_touch_activity(customer_id=a.customer_id, at=a.done_at or a.occurred_at)
    return {"customers": (c1, c2, c3, c4)}


def summary_for(users, *, from_counts=False, kinds=None, **filters):
    period = Period(first=d(6), last=TODAY)
    now = at(TODAY, 18)
    qs = None if from_counts else Activity.objects.filter(**filters)
    return {
        s.user.pk: s
        for s in activity_summary(queryset=qs, kinds=kinds, users=users, period=period, now=now)
    }


@pytest.mark.parametrize("from_counts", [False, True], ids=["from activities", "from daily counts"])
def test_counts_per_type_and_the_previous_period(data, alice, bob, from_counts):
    s = summary_for([alice, bob], from_counts=from_counts)[alice.pk]
    assert (
        s.count("call") == 3
        and s.count("meeting") == 1
        and s.count("task") == 1
        and s.count("email") == 0
    )
    assert s.system_count == 1
    assert s.total == 6
    assert s.previous_count("call") == 1 and s.previous_count("email") == 1
    assert s.previous_total == 2
    assert s.change == 4 and s.change_percent == 200
    assert summary_for([alice, bob], from_counts=from_counts)[bob.pk].total == 1
    calls = summary_for(
        [alice],
        from_counts=from_counts,
        kinds=["call"],
        **({} if from_counts else {"kind": "call"}),
    )
    assert (calls[alice.pk].total, calls[alice.pk].previous_total) == (3, 1)


def test_coverage_is_the_share_of_own_customers_with_contact_in_the_last_30_days(data, alice, bob):
    s = summary_for([alice, bob])
    # c1, c2, c3 had people's entries within 30 days; c4 only an open task and an old note (40 days)
    assert (s[alice.pk].customers_touched, s[alice.pk].customers_total) == (3, 4)
    assert s[alice.pk].coverage_percent == 75
    # bob's only customer was called by alice 14 days ago: contact by anyone counts
    assert (s[bob.pk].customers_touched, s[bob.pk].customers_total, s[bob.pk].coverage_percent) == (
        1,
        1,
        100,
    )


def test_overdue_tasks_are_open_tasks_due_before_today(data, alice, bob):
    s = summary_for([alice, bob])
    assert s[alice.pk].overdue_tasks == 1 and s[bob.pk].overdue_tasks == 0


def test_filters_narrow_the_counts(data, alice):
    s = summary_for([alice], kind="call")[alice.pk]
    assert s.total == 3 and s.previous_total == 1
    s = summary_for([alice], customer=data["customers"][1])[alice.pk]
    assert (s.count("meeting"), s.system_count) == (1, 1)


@pytest.mark.parametrize("from_counts", [False, True], ids=["from activities", "from daily counts"])
def test_weekly_chart_counts_per_monday(data, alice, from_counts):
    s = summary_for([alice], from_counts=from_counts)[alice.pk]
    weeks = dict(s.weeks)
    assert len(s.weeks) == 12 and s.weeks[-1][0] == datetime.date(2026, 3, 16)
    assert weeks[datetime.date(2026, 3, 16)] == 4  # calls Wed 18 and Tue 17, meeting and win Mon 16
    assert weeks[datetime.date(2026, 3, 9)] == 3  # the task of Sun 15, calls Thu 12 and Wed 11
    assert weeks[datetime.date(2026, 3, 2)] == 2
    assert weeks[datetime.date(2026, 2, 23)] == 1 and weeks[datetime.date(2026, 2, 16)] == 1
    assert sum(weeks.values()) == 11


def test_periods_have_a_previous_period_of_the_same_length():
    p = period_resolve(name="month", today=TODAY)
    assert (p.first, p.last, p.days) == (datetime.date(2026, 3, 1), TODAY, 18)
    assert p.previous() == Period(first=datetime.date(2026, 2, 11), last=datetime.date(2026, 2, 28))
    assert period_resolve(name="last_week", today=TODAY) == Period(
        datetime.date(2026, 3, 9), datetime.date(2026, 3, 15)
    )
    assert period_resolve(name="week", today=TODAY).first == datetime.date(2026, 3, 16)
    custom = period_resolve(
        name="custom",
        today=TODAY,
        date_from=datetime.date(2026, 1, 5),
        date_to=datetime.date(2026, 1, 1),
    )
    assert (custom.first, custom.last) == (datetime.date(2026, 1, 1), datetime.date(2026, 1, 5))
    assert len(weeks_for_chart(period=period_resolve(name="365d", today=TODAY))) == 53


def test_daily_counts_follow_every_write_even_bulk_ones(tenant, alice, bob):
    from django.db.models import Count, Sum

    from activity.models import DailyCount
    from tests.builders.activity import bulk_activities

    def counts():
        return {
            (r["employee_id"], r["day"], r["kind"]): r["n"]
            for r in DailyCount.objects.filter(n__gt=0).values("employee_id", "day", "kind", "n")
        }

    def truth():
        rows = Activity.objects.filter(employee__isnull=False).values(
            "employee_id", "occurred_at", "kind"
        )
        out = {}
        for r in rows:
            key = (r["employee_id"], timezone.localtime(r["occurred_at"]).date(), r["kind"])
            out[key] = out.get(key, 0) + 1
        return out

    late = timezone.make_aware(
        datetime.datetime(2026, 3, 17, 23, 30)
    )  # local day 17, UTC day 17 22:30
    early = timezone.make_aware(
        datetime.datetime(2026, 3, 18, 0, 30)
    )  # local day 18, UTC day 17 23:30
    a = make_activity(employee=alice, occurred_at=late)
    b = make_activity(employee=alice, occurred_at=early, kind="email")
    bulk_activities(500, employee=bob, start=at(TODAY), step=datetime.timedelta(hours=5))
    assert counts() == truth()
    assert counts()[(alice.pk, datetime.date(2026, 3, 18), "email")] == 1
    Activity.objects.filter(pk=a.pk).update(kind="meeting", employee=bob)
    b.occurred_at = late
    b.save()
    Activity.objects.filter(employee=bob, kind="note").delete()
    assert counts() == truth()
    assert (
        DailyCount.objects.aggregate(n=Sum("n"))["n"]
        == Activity.objects.aggregate(n=Count("id"))["n"]
    )


def test_rebuilding_the_counts_gives_the_same_numbers(tenant, alice):
    from activity.models import DailyCount
    from activity.services import activity_counts_rebuild

    make_activity(employee=alice, occurred_at=at(d(1)))
    make_activity(employee=alice, occurred_at=at(d(1)), kind="email")
    before = set(DailyCount.objects.filter(n__gt=0).values_list("employee_id", "day", "kind", "n"))
    DailyCount.objects.update(n=0)
    activity_counts_rebuild()
    assert (
        set(DailyCount.objects.filter(n__gt=0).values_list("employee_id", "day", "kind", "n"))
        == before
    )
