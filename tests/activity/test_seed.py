"""The sample-data seeder: a spread-out history, system entries from the project history, last
activity."""

import datetime
import random

from django.db.models import Count, Max
from django.utils import timezone

from activity.models import Activity
from activity.seed import seed_activities
from crm.lib.seeding import SeedContext, seeders
from sales.models import Phase, PhaseChange, SalesProject
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_project


def test_the_seeder_is_registered_after_customers_and_sales():
    names = [(order, name) for order, name, _f in seeders()]
    assert (40, "activities") in names


def test_seeder_writes_a_realistic_history_and_the_customers_last_activity(
    tenant, alice, bob, carol
):
    now = timezone.now()
    customers = [make_customer(owner=(alice, bob)[i % 2]) for i in range(20)]
    for customer in customers[:10]:
        make_contact(customer=customer)
    projects = [make_project(customer=c, owner=alice) for c in customers[:6]]
    won = projects[0].process.phases.get(outcome=Phase.Outcome.WON)
    for i, project in enumerate(projects):
        PhaseChange.objects.create(
            project=project, from_phase=None, to_phase=project.phase, user=alice
        )
        if i == 0:
            PhaseChange.objects.create(
                project=project, from_phase=project.phase, to_phase=won, user=alice
            )
    PhaseChange.objects.update(changed_at=now - datetime.timedelta(days=3))
    SalesProject.objects.update(
        created_at=now - datetime.timedelta(days=400)
    )  # entries may link to them
    before = Activity.objects.count()

    # The seeder dates everything up to the run's clock, not its own reading of the time: given a
    # moment an hour ago, no entry is newer (a test that read the time before the seeder did and
    # compared failed when the seeder's later reading won the race).
    now = now - datetime.timedelta(hours=1)
    ctx = SeedContext(rng=random.Random(1), customers=20, stdout=lambda s: None, now=now)
    ctx.made["users"] = [alice, bob, carol]
    seed_activities(ctx)

    made = Activity.objects.count() - before
    assert made == 200 == ctx.made["activity_count"]
    kinds = dict(Activity.objects.values_list("kind").annotate(n=Count("id")))
    assert {"call", "email", "meeting", "note", "task"} <= set(kinds)
    assert kinds["project_created"] == 6 and kinds["phase_changed"] == 1 and kinds["won"] == 1
    assert kinds.get("customer_created", 0) == 20  # the builders' customers are new
    assert Activity.objects.filter(is_system=False).aggregate(m=Max("occurred_at"))["m"] <= now
    oldest = Activity.objects.order_by("occurred_at").first().occurred_at
    assert oldest >= now - datetime.timedelta(days=366)
    assert Activity.objects.filter(is_system=False).values("employee").distinct().count() == 3
    assert Activity.objects.filter(is_system=False, project__isnull=False).exists()
    assert Activity.objects.filter(contacts__isnull=False).exists()
    # last activity = the newest people's entry that is not an open task
    for customer in customers[:5]:
        customer.refresh_from_db()
        expected = max(
            (
                a.done_at or a.occurred_at
                for a in Activity.objects.filter(customer=customer, is_system=False)
                if not a.is_open_task
            ),
            default=None,
        )
        assert customer.last_activity_at == expected
    new = Activity.objects.create(
        kind="call", occurred_at=now
    )  # the sequence is past the copied ids
    assert new.pk > Activity.objects.exclude(pk=new.pk).aggregate(m=Max("pk"))["m"]
