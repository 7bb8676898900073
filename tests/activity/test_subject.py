"""An activity without a subject says so on the people's form, while system entries and the
seeders keep writing entries without one (issue 14, item 7)."""

from django.utils import translation

from activity import services
from activity.forms import ActivityForm
from activity.models import Activity
from tests.builders.customers import make_customer


def test_the_form_asks_for_a_subject_in_both_languages(tenant, alice):
    customer = make_customer(owner=alice)
    data = {"kind": "call", "occurred_at": "2026-12-03T10:00", "subject": ""}
    form = ActivityForm(data=data, customer=customer)
    assert form.errors["subject"] == ["Give the activity a subject, e.g. “Call about the offer”."]
    with translation.override("de"):
        form = ActivityForm(data=data, customer=customer)
        assert form.errors["subject"] == [
            "Geben Sie der Aktivität einen Betreff, z. B. „Anruf wegen des Angebots“."
        ]
    assert ActivityForm(data={**data, "subject": "Anruf"}, customer=customer).is_valid()


def test_the_page_keeps_what_was_typed_and_saves_nothing(tenant, client_for, alice):
    customer = make_customer(owner=alice)
    response = client_for(alice).post(
        "/activity/new/",
        {
            "customer": customer.pk,
            "kind": "call",
            "occurred_at": "2026-12-03T10:00",
            "text": "Notiz",
        },
    )
    assert response.status_code == 200
    assert "Give the activity a subject" in response.content.decode()
    assert not Activity.objects.filter(customer=customer).exists()


def test_system_entries_and_services_still_write_without_a_subject(tenant, alice):
    customer = make_customer(owner=alice)
    entry = services.activity_create(user=alice, kind="call", customer=customer)
    assert entry.subject == "" and entry.title == "Call"
    system = services.activity_record_customer_created(customer=customer, user=alice)
    assert system.subject == "" and system.is_system
