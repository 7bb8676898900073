"""Hostile input against every form of the product (Hypothesis): random and very long text, NUL
bytes, HTML and script payloads, numbers out of range, impossible dates.

Whatever is sent: never a 500. Input that is saved renders again on the page it leads to. Input
that is refused re-renders the form with each error next to its field and what was typed kept.
Each example runs in a savepoint that is rolled back, so examples never see each other's rows.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from activity.models import Activity
from crm.models import User
from customers.models import ContactPerson, Customer, ImportJob
from mapview.models import Selection
from sales.models import Process, ProjectGroup, SalesProject
from tests.builders.customers import make_contact, make_customer
from tests.builders.mapview import make_located_customer, make_selection
from tests.builders.sales import make_group, make_process, make_project

pytestmark = pytest.mark.slow

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    "{{ request.user }}",
    "{% debug %}",
    '=HYPERLINK("http://x")',
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "\ufeff",
    "𝕏" * 300,
    "é" * 1000,
    " ",
    "\t\r\n",
    "0" * 600,
    "-1",
    "%00",
    "../../etc/passwd",
    "null",
    "[]",
    "{}",
]
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(min_size=201, max_size=1500),  # longer than every name field
    st.sampled_from(PAYLOADS),
    st.text(max_size=8).map(lambda s: f"{s}\x00{s}"),
)
NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(
        ["1e309", "-0", "١٢٣", "0x10", "12,5", "1.000.000", "99999999999999999.99", "", " 7 "]
    ),
    TEXT,
)
DATE = st.one_of(
    st.dates().map(datetime.date.isoformat),
    st.sampled_from(
        [
            "2026-02-30",
            "31.12.2026",
            "0000-00-00",
            "99999-01-01",
            "2026-13-01",
            "2026-01-01T25:61",
            "1900-01-01",
            "9999-12-31T23:59",
        ]
    ),
    TEXT,
)
CHOICE = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), TEXT)
# examples per form: 15 keeps the suite quick; HYPOTHESIS_EXAMPLES=200 for a thorough run
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "15"))
PHASES = [Phase.explicit, Phase.generate]  # no shrinking: a failure is reported as found, quickly
KINDS = {"text": TEXT, "number": NUMBER, "date": DATE, "choice": CHOICE}


@dataclass(frozen=True)
class FormSpec:
    url: Callable[[dict], str]  # from the objects ``setup`` made
    base: Callable[[dict], dict]  # valid values
    fuzz: dict[str, str]  # field -> kind of hostile value
    setup: Callable[[User], dict] = lambda user: {}
    context_key: str = "form"
    headers: dict = field(default_factory=dict)
    client_user: str = "dave"


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _project(user):
    process = make_process(name="Hostile sales")
    return {"process": process, "project": make_project(process=process, owner=user)}


def _lead(user):
    leads = make_process(
        name="Hostile leads",
        kind=Process.Kind.LEAD,
        phases=["New", {"name": "Later", "parks": True}, ("Won", 100, "won"), ("Lost", 0, "lost")],
    )
    customer = make_customer(owner=user, status=Customer.Status.LEAD)
    return {
        "project": make_project(
            process=leads, customer=customer, owner=user, phase=leads.phases.get(name="New")
        ),
        "later": leads.phases.get(name="Later"),
    }


def _group(user):
    process = make_process(name="Hostile groups")
    customer = make_customer(owner=user)
    projects = [make_project(process=process, customer=customer, owner=user) for _ in range(2)]
    return {"group": make_group(projects=projects, created_by=user), "projects": projects}


def _import(user):
    from django.core.files.base import ContentFile

    job = ImportJob(
        original_name="hostile.csv",
        header=["Name", "Ort", "Umsatz"],
        mapping={"0": "name"},
        created_by=user,
    )
    job.file.save("upload.csv", ContentFile(b"Name;Ort;Umsatz\nA;Bonn;1\n"), save=False)
    job.save()
    return {"job": job}


CUSTOMER_FIELDS = {
    "name": "text",
    "street": "text",
    "postal_code": "text",
    "city": "text",
    "phone": "text",
    "email": "text",
    "website": "text",
    "industry": "text",
    "annual_revenue": "number",
    "employees": "number",
    "kind": "choice",
    "country": "choice",
    "owner": "choice",
}
CONTACT_FIELDS = {
    "first_name": "text",
    "last_name": "text",
    "position": "text",
    "email": "text",
    "phone": "text",
    "mobile": "text",
    "notes": "text",
}


def _customer_base(o):
    return {
        "kind": "company",
        "name": "Hostile GmbH",
        "status": "customer",
        "postal_code": "53111",
        "city": "Bonn",
        "country": "DE",
        "owner": o["user"].pk,
        "save_anyway": "1",
    }


SPECS = {
    "customer create": FormSpec(
        lambda o: "/customers/new/", _customer_base, {**CUSTOMER_FIELDS, "status": "choice"}
    ),
    "customer edit": FormSpec(
        lambda o: f"/customers/{o['customer'].pk}/edit/",
        _customer_base,
        CUSTOMER_FIELDS,
        setup=lambda u: {"customer": make_customer(owner=u)},
    ),
    "contact quick create (customer page)": FormSpec(
        lambda o: f"/customers/{o['customer'].pk}/contacts/new/",
        lambda o: {"last_name": "Hostile"},
        {
            k: CONTACT_FIELDS[k] for k in ("first_name", "last_name", "position", "email", "phone")
        },  # what it shows
        setup=lambda u: {"customer": make_customer(owner=u)},
        context_key="contact_form",
    ),
    "contact create (any page)": FormSpec(
        lambda o: "/customers/contacts/new/",
        lambda o: {"customer": o["customer"].pk, "last_name": "Hostile"},
        {**CONTACT_FIELDS, "customer": "choice", "customer_search": "text"},
        setup=lambda u: {"customer": make_customer(owner=u)},
    ),
    "contact edit": FormSpec(
        lambda o: f"/customers/contacts/{o['contact'].pk}/edit/",
        lambda o: {"last_name": "Hostile"},
        CONTACT_FIELDS,
        setup=lambda u: {"contact": make_contact(customer=make_customer(owner=u))},
    ),
    "project create": FormSpec(
        lambda o: "/sales/projects/new/",
        lambda o: {
            "customer_mode": "existing",
            "customer": o["customer"].pk,
            "title": "Hostile project",
            "process": o["process"].pk,
            "owner": o["user"].pk,
            "volume": "10",
        },
        {
            "title": "text",
            "volume": "number",
            "probability": "number",
            "expected_order_date": "date",
            "description": "text",
            "customer": "choice",
            "customer_q": "text",
            "process": "choice",
            "phase": "choice",
            "owner": "choice",
            "customer_mode": "choice",
        },
        setup=lambda u: {
            "customer": make_customer(owner=u),
            "process": make_process(name="Hostile create"),
        },
    ),
    "project edit": FormSpec(
        lambda o: f"/sales/projects/{o['project'].pk}/edit/",
        lambda o: {"title": "Hostile", "volume": "10", "version": o["project"].version},
        {
            "title": "text",
            "volume": "number",
            "probability": "number",
            "expected_order_date": "date",
            "description": "text",
        },
        setup=_project,
    ),
    "group edit": FormSpec(
        lambda o: f"/sales/groups/{o['group'].pk}/edit/",
        lambda o: {"name": "Hostile group", "type": o["group"].type_id},
        {"name": "text", "description": "text", "type": "choice", "main_project": "choice"},
        setup=_group,
    ),
    "activity create": FormSpec(
        lambda o: "/activity/new/",
        lambda o: {
            "customer": o["customer"].pk,
            "kind": "call",
            "subject": "Hostile",
            "occurred_at": _now(),
        },
        {
            "subject": "text",
            "text": "text",
            "occurred_at": "date",
            "duration_minutes": "number",
            "due_date": "date",
            "kind": "choice",
        },
        setup=lambda u: {"customer": make_customer(owner=u)},
    ),
    "activity edit": FormSpec(
        lambda o: f"/activity/{o['activity'].pk}/edit/",
        lambda o: {
            "kind": "task",
            "subject": "Hostile",
            "occurred_at": _now(),
            "due_date": "2030-01-01",
        },
        {
            "subject": "text",
            "text": "text",
            "occurred_at": "date",
            "duration_minutes": "number",
            "due_date": "date",
            "kind": "choice",
        },
        setup=lambda u: {
            "activity": Activity.objects.create(
                kind="task",
                subject="T",
                employee=u,
                occurred_at=timezone.now(),
                customer=make_customer(),
            )
        },
    ),
    "lead park (move dialog)": FormSpec(
        lambda o: f"/sales/projects/{o['project'].pk}/move/",
        lambda o: {
            "process": o["project"].process_id,
            "phase": o["later"].pk,
            "version": o["project"].version,
            "park_until": "2031-01-01",
        },
        {
            "park_until": "date",
            "park_return_phase": "choice",
            "owner": "choice",
            "lost_reason": "choice",
            "phase": "choice",
        },
        setup=_lead,
    ),
    "import mapping": FormSpec(
        lambda o: f"/customers/import/{o['job'].pk}/mapping/",
        lambda o: {"col_0": "name"},
        {"col_0": "choice", "col_1": "choice", "col_2": "choice", "default_owner": "choice"},
        setup=_import,
    ),
    "tenant settings": FormSpec(
        lambda o: "/sales/settings/",
        lambda o: {"lead_function_enabled": "on"},
        {"lead_function_enabled": "text"},
    ),
    "login": FormSpec(
        lambda o: "/login/",
        lambda o: {"email": "nobody@alpha.test", "password": "x"},
        {"email": "text", "password": "text"},
        client_user="",
    ),
}


def _near(html: str, name: str, text: str, distance: int = 2500) -> bool:
    """``text`` appears within ``distance`` characters of the input called ``name``."""
    for match in re.finditer(f'name="{re.escape(name)}"', html):
        window = html[max(0, match.start() - distance) : match.end() + distance]
        if text in window:
            return True
    return False


def _check_refused_form(response, spec: FormSpec, posted: dict) -> None:
    assert response.status_code in (200, 400, 429), response.status_code
    form = response.context[spec.context_key]
    assert form.errors, "nothing saved, but the form shows no error"
    html = response.content.decode()
    for name, errors in form.errors.items():
        for error in errors:
            if name == "__all__" or name not in form.fields:
                assert escape(error) in html, error
            else:
                assert _near(html, name, escape(error)), (name, error)
    for name, kind in spec.fuzz.items():
        value = posted.get(name, "")
        if kind == "choice" or name == "password" or not value or name not in form.fields:
            continue
        if getattr(form.fields[name].widget, "input_type", "") in ("checkbox", "hidden"):
            continue
        assert escape(value) in html, f"what was typed into {name} is lost"


@pytest.mark.parametrize("name", list(SPECS))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=PHASES,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_hostile_input_never_breaks_a_form(tenant, client_for, settings, name, data):
    settings.LOGIN_RATE_LIMIT = 10_000
    spec = SPECS[name]
    user = User.objects.get(email="dave@alpha.test")
    savepoint = transaction.savepoint()
    try:
        objects = {"user": user, **spec.setup(user)}
        posted = {k: v for k, v in spec.base(objects).items()}
        fuzzed = data.draw(
            st.fixed_dictionaries({}, optional={k: KINDS[kind] for k, kind in spec.fuzz.items()})
        )
        posted.update(fuzzed)
        client = client_for(user if spec.client_user else None)
        counts = _counts()
        response = client.post(spec.url(objects), posted, **spec.headers)
        assert response.status_code < 500
        if response.status_code in (301, 302, 204):
            # accepted (or refused with a message on the next page): that page renders what was
            # stored
            location = response.get("Location") or response.get("HX-Redirect")
            if location and location.startswith("/"):
                assert client.get(location).status_code < 500
        else:
            assert _counts() == counts, "a refused form wrote something"
            _check_refused_form(response, spec, posted)
    finally:
        transaction.savepoint_rollback(savepoint)


def _counts() -> tuple:
    return tuple(
        m.objects.count()
        for m in (Customer, ContactPerson, SalesProject, ProjectGroup, Activity, Selection)
    )


# --- forms that answer with a message instead of a re-rendered form -------------------------


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=TEXT,
    geometry=st.one_of(
        TEXT, st.just('{"shapes": [{"type": "rectangle", "bounds": [5, 47, 15, 55]}]}')
    ),
)
def test_hostile_selection_names_are_saved_as_text_or_refused_next_to_the_field(
    tenant, client_for, dave, name, geometry
):
    savepoint = transaction.savepoint()
    try:
        make_located_customer(50.0, 8.0)
        before = Selection.objects.count()
        response = client_for(dave).post(
            "/map/selections/new/", {"name": name, "geometry": geometry}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code in (200, 204)
        if response.status_code == 204:  # saved; its page shows the name as text
            selection = Selection.objects.latest("pk")
            assert selection.name == name.strip()
            page = client_for(dave).get(response["HX-Redirect"])
            assert page.status_code == 200 and escape(selection.name) in page.content.decode()
        else:  # the message shown next to the name field, as text
            assert Selection.objects.count() == before
            body = response.content.decode()
            assert body.strip() and "<" not in body
    finally:
        transaction.savepoint_rollback(savepoint)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=TEXT)
def test_hostile_selection_renames_keep_the_old_name_or_store_the_text(
    tenant, client_for, dave, name
):
    savepoint = transaction.savepoint()
    try:
        selection = make_selection(owner=dave, name="Before")
        response = client_for(dave).post(f"/map/selections/{selection.pk}/rename/", {"name": name})
        assert response.status_code == 302
        selection.refresh_from_db()
        assert selection.name in ("Before", name.strip())
        assert client_for(dave).get(response["Location"]).status_code == 200
    finally:
        transaction.savepoint_rollback(savepoint)
