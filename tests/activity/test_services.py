"""Logging, editing and deleting entries; who may do it; the customers' "last activity"."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import Activity
from activity.services import activity_create, activity_delete, activity_set_done, activity_update
from tests.builders.activity import make_activity
from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_project


def test_an_activity_logged_on_a_project_belongs_to_the_projects_customer(tenant, alice):
    project = make_project(owner=alice)
    contact = make_contact(customer=project.customer)
    activity = activity_create(
        user=alice,
        kind="call",
        subject="Asked about the offer",
        project=project,
        contacts=[contact],
        duration_minutes=15,
        show_on_customer=False,
    )
    assert activity.customer_id == project.customer_id
    assert activity.employee == alice and not activity.is_system
    assert list(activity.contacts.all()) == [contact]
    assert activity.show_on_customer is False


def test_logging_moves_the_customers_and_contacts_last_activity_forward(tenant, alice):
    customer = make_customer()
    contact = make_contact(customer=customer)
    at = timezone.now() - datetime.timedelta(days=2)
    activity_create(
        user=alice, kind="meeting", customer=customer, contacts=[contact], occurred_at=at
    )
    customer.refresh_from_db()
    contact.refresh_from_db()
    assert customer.last_activity_at == at and contact.last_activity_at == at
    activity_create(
        user=alice, kind="note", customer=customer, occurred_at=at - datetime.timedelta(days=5)
    )
    customer.refresh_from_db()
    assert customer.last_activity_at == at  # never backwards


def test_an_open_task_is_no_contact_but_a_done_one_is(tenant, alice):
    customer = make_customer()
    task = activity_create(
        user=alice,
        kind="task",
        subject="Send offer",
        customer=customer,
        due_date=timezone.localdate() + datetime.timedelta(days=3),
    )
    customer.refresh_from_db()
    assert customer.last_activity_at is None
    activity_set_done(activity=task, user=alice)
    customer.refresh_from_db()
    assert task.done_at is not None and customer.last_activity_at == task.done_at


def test_system_kinds_and_foreign_contacts_are_refused(tenant, alice):
    customer = make_customer()
    with pytest.raises(ValidationError) as err:
        activity_create(user=alice, kind="won", customer=customer)
    assert "kind" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        activity_create(user=alice, kind="call", customer=customer, contacts=[make_contact()])
    assert "contacts" in err.value.message_dict
    with pytest.raises(ValidationError):
        activity_create(user=alice, kind="call", customer=customer, duration_minutes=5000)


def test_a_due_date_only_sticks_to_tasks(tenant, alice):
    activity = activity_create(
        user=alice, kind="call", customer=make_customer(), due_date=timezone.localdate()
    )
    assert activity.due_date is None


def test_only_the_author_or_an_admin_edits_an_entry(tenant, alice, bob, carol, dave):
    activity = make_activity(employee=alice, customer=make_customer())
    for outsider in (bob, carol):  # another salesperson, and even the author's manager
        with pytest.raises(PermissionDenied):
            activity_update(activity=activity, user=outsider, subject="Changed")
        with pytest.raises(PermissionDenied):
            activity_delete(activity=activity, user=outsider)
    activity_update(activity=activity, user=alice, subject="  Changed by the author ")
    assert Activity.objects.get(pk=activity.pk).subject == "Changed by the author"
    activity_update(activity=activity, user=dave, subject="Changed by the admin")
    assert Activity.objects.get(pk=activity.pk).subject == "Changed by the admin"
    activity_delete(activity=activity, user=alice)
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_nobody_edits_or_deletes_a_system_entry_not_even_an_admin(tenant, alice, dave):
    entry = make_activity(kind="won", is_system=True, employee=alice, project=make_project())
    for user in (alice, dave):
        with pytest.raises(PermissionDenied):
            activity_update(activity=entry, user=user, subject="x")
        with pytest.raises(PermissionDenied):
            activity_delete(activity=entry, user=user)
    assert Activity.objects.filter(pk=entry.pk).exists()


def test_editing_can_change_type_time_contacts_and_done(tenant, alice):
    customer = make_customer()
    contact = make_contact(customer=customer)
    activity = activity_create(user=alice, kind="call", customer=customer)
    later = timezone.now() + datetime.timedelta(hours=1)
    activity_update(
        activity=activity,
        user=alice,
        kind="task",
        occurred_at=later,
        contacts=[contact],
        due_date=timezone.localdate(),
        done=True,
    )
    activity.refresh_from_db()
    assert (
        activity.kind == "task" and activity.done_at is not None and activity.occurred_at == later
    )
    assert list(activity.contacts.all()) == [contact]
