"""Validation people can read in the sales forms and the admin (issue 14, item 7): every database
constraint a form can hit has a human message, the yellow marker comes before the red one, no
negative volume."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from sales.admin import PhaseInlineForm, SalesProjectAdminForm
from sales.forms import ProjectFieldsForm
from sales.models import Phase, ProjectContact
from tests.builders.customers import make_contact
from tests.builders.sales import make_process, make_project


def _phase_data(**overrides) -> dict:
    data = {
        "order": 10,
        "name": "Angebot",
        "probability": 50,
        "outcome": Phase.Outcome.OPEN,
        "yellow_days": "",
        "red_days": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("yellow, red", [(30, 14), (14, 14)])
def test_the_yellow_threshold_must_be_below_the_red_one(tenant, yellow, red):
    process = make_process(phases=[])
    form = PhaseInlineForm(
        data=_phase_data(yellow_days=yellow, red_days=red), instance=Phase(process=process)
    )
    assert not form.is_valid()
    assert form.errors["yellow_days"] == [
        f"Yellow must come before red: fewer days than the red threshold ({red})."
    ]
    assert "__all__" not in form.errors
    ok = PhaseInlineForm(
        data=_phase_data(yellow_days=7, red_days=14), instance=Phase(process=process)
    )
    assert ok.is_valid(), ok.errors
    only_red = PhaseInlineForm(data=_phase_data(red_days=14), instance=Phase(process=process))
    assert only_red.is_valid(), only_red.errors


def test_a_probability_over_100_is_refused_on_its_field_in_both_languages(tenant):
    process = make_process(phases=[])
    form = PhaseInlineForm(data=_phase_data(probability=150), instance=Phase(process=process))
    assert form.errors["probability"] == ["The probability is at most 100 %."]
    with translation.override("de"):
        form = PhaseInlineForm(data=_phase_data(probability=150), instance=Phase(process=process))
        assert form.errors["probability"] == ["Die Wahrscheinlichkeit ist höchstens 100 %."]


def test_a_negative_volume_is_refused_by_the_forms_the_admin_and_the_database(tenant, alice):
    form = ProjectFieldsForm(data={"title": "Minus", "volume": "-5"})
    assert form.errors["volume"] == ["The volume cannot be negative."]
    project = make_project(owner=alice)
    data = {
        "customer": project.customer_id,
        "title": project.title,
        "process": project.process_id,
        "phase": project.phase_id,
        "owner": alice.pk,
        "volume": "-1",
        "probability": 10,
        "version": project.version,
    }
    admin_form = SalesProjectAdminForm(data=data, instance=project)
    assert admin_form.errors["volume"] == ["The volume cannot be negative."]
    with translation.override("de"):
        admin_form = SalesProjectAdminForm(data=data, instance=project)
        assert admin_form.errors["volume"] == ["Das Volumen kann nicht negativ sein."]
    with pytest.raises(IntegrityError), transaction.atomic():
        type(project).objects.filter(pk=project.pk).update(volume=Decimal("-1"))


def test_a_contact_twice_on_a_project_says_so(tenant, alice):
    project = make_project(owner=alice)
    contact = make_contact(customer=project.customer)
    ProjectContact.objects.create(project=project, contact=contact)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        ProjectContact(project=project, contact=contact).validate_constraints()
    assert caught.value.messages == ["This contact person is already on the project."]


def test_a_due_date_on_a_call_says_only_tasks_have_one(tenant, alice):
    import datetime

    from django.core.exceptions import ValidationError

    from activity.models import Activity

    with pytest.raises(ValidationError) as caught:
        Activity(kind="call", due_date=datetime.date(2026, 12, 24)).validate_constraints()
    assert caught.value.messages == ["Only tasks have a due date."]
    with translation.override("de"), pytest.raises(ValidationError) as caught:
        Activity(kind="call", due_date=datetime.date(2026, 12, 24)).validate_constraints()
    assert caught.value.messages == ["Nur Aufgaben haben ein Fälligkeitsdatum."]
