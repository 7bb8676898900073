"""Amounts and counts that were printed raw read German for a German user: the volume in the
"someone changed this project" notice, the counts of the map's missing-coordinates list (and, the
same filter, the selection count, the competing-offers badge and the activity totals)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer
from tests.builders.sales import make_process, make_project

pytestmark = pytest.mark.django_db


def _german(user):
    user.language = "de"
    user.save(update_fields=["language"])
    return user


def test_the_stale_edit_notice_shows_the_current_volume_in_german(tenant, client_for, alice):
    project = make_project(process=make_process(name="Vertrieb"), owner=alice)
    client = client_for(_german(alice))
    url = reverse("sales:project_update", args=[project.pk])
    client.post(url, {"title": "Neu", "volume": "116.600", "version": 1})
    project.refresh_from_db()
    assert project.volume == Decimal("116600")
    page = client.post(url, {"title": "Zu spät", "volume": "10", "version": 1}).content.decode()
    assert "116.600,00\u00a0€" in page and "116600" not in page


def test_the_missing_coordinates_counts_have_thousands_separators_in_german(
    tenant, client_for, alice
):
    Customer.objects.bulk_create(
        Customer(name=f"Ohne Ort {n:04d}", status=Customer.Status.CUSTOMER, country="DE")
        for n in range(1000)
    )
    english = client_for(alice).get(reverse("mapview:missing")).content.decode()
    german = client_for(_german(alice)).get(reverse("mapview:missing")).content.decode()
    badge = r'<span class="badge text-bg-light">([\d.,]+)</span>'
    assert re.search(r"^\d{1,3}(\.\d{3})+$", re.findall(badge, german)[0]), re.findall(
        badge, german
    )
    assert re.search(r"^\d{1,3}(,\d{3})+$", re.findall(badge, english)[0])
