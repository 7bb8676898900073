"""The trace of a CSV import in Chromium (issue 14, item 6): the import history row and the imported
customer's timeline line, at 390 px, by keyboard and without axe-core violations."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from tests.e2e.axe import axe_violations
from tests.e2e.conftest import ACTION_TIMEOUT_MS, login
from tests.e2e.test_phone import FITS

pytestmark = pytest.mark.e2e


@pytest.fixture
def imported(e2e_db):
    from django.utils import timezone

    from crm.models import User
    from customers.models import ImportJob
    from tests.builders.customers import make_customer

    tag = uuid.uuid4().hex[:6]
    dave = User.objects.get(email="dave@e2e.test")
    job = ImportJob(
        original_name=f"spur-{tag}.csv",
        header=["Name"],
        mapping={"0": "name"},
        state=ImportJob.State.DONE,
        total_rows=1,
        created_customers=1,
        created_by=dave,
        finished_at=timezone.now(),
    )
    job.file.save("spur.csv", ContentFile(b"Name\nX\n"), save=False)
    job.save()
    customer = make_customer(name=f"Spur {tag} GmbH", owner=dave)
    type(customer).objects.filter(pk=customer.pk).update(import_job=job)
    return {"job": job, "customer": customer, "tag": tag}


def test_the_import_history_and_the_timeline_line_on_a_phone(browser, live_server_url, imported):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    page.route("**/*tile.openstreetmap.org/**", lambda route: route.abort())
    try:
        login(page, live_server_url, "dave")
        job = imported["job"]
        page.goto(f"{live_server_url}/customers/import/")
        row = page.locator(f"#import-{job.pk}")
        expect(row).to_contain_text(f"spur-{imported['tag']}.csv")
        expect(row).to_contain_text("1 customer, 0 contact persons")
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations)
        fits = page.evaluate(FITS)
        assert fits["doc"] <= fits["view"] and not fits["wide"], fits

        page.goto(f"{live_server_url}/customers/{imported['customer'].pk}/")
        origin = page.get_by_test_id("timeline-import-origin")
        expect(origin).to_contain_text(f"Imported from spur-{imported['tag']}.csv on")
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations)
        fits = page.evaluate(FITS)
        assert fits["doc"] <= fits["view"] and not fits["wide"], fits
        # by keyboard: the line's link opens the import
        link = origin.get_by_role("link")
        link.focus()
        expect(link).to_be_focused()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server_url}/customers/import/{job.pk}/")
        expect(page.get_by_test_id("import-who")).to_contain_text("Uploaded by")
    finally:
        context.close()
