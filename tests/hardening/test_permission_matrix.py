"""The permission matrix: every write action of the product against every role, from ONE table.

Each role is an actor and the owner of the record it acts on (see ``ROLES``). The rules under test
are the implemented ones (``crm.permissions``: salespeople edit their own records, managers their
team's (sub-teams included) and unowned ones, admins everything; activities: author or admin;
imports: managers and admins; settings and the Django admin: admins only).

An allowed cell must show its change in the database; a refused cell must answer 403/404 (or the
refusal the page uses: a form error, a warning on redirect, the board's message, the admin's login)
and leave the database exactly as it was (a snapshot taken before, compared after).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.messages import constants, get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activity import services as activity_services
from activity.models import Activity
from crm import services as crm_services
from crm.models import User
from customers import imports as customer_imports
from customers import services as customers_services
from customers.models import ContactPerson, Customer, ImportJob
from customfields import services as customfields_services
from customfields.models import FieldDefinition, ListLayout, StandardFields
from mapview import services as mapview_services
from mapview.models import Selection
from sales import services as sales_services
from sales.models import LostReason, Process, ProjectGroup, SalesProject
from tests.builders.activity import make_activity
from tests.builders.customers import make_contact, make_customer
from tests.builders.mapview import make_located_customer, make_selection
from tests.builders.sales import LEAD_PHASES, group_type, make_group, make_process, make_project

Y, N = True, False

# role -> (who acts, whose record it is)
ROLES = {
    "admin": ("dave", "alice"),
    "manager": ("carol", "alice"),  # carol manages team North, alice is in North
    "own": ("alice", "alice"),
    "other_team": ("bob", "alice"),  # bob is a salesperson of team South
    "manager_other_team": ("carol", "bob"),
}
ROLE_NAMES = list(ROLES)


@dataclass
class Ctx:
    actor: User
    owner: User
    users: dict[str, User]
    objects: dict

    def __getitem__(self, key):
        return self.objects[key]


@dataclass(frozen=True)
class Action:
    setup: Callable[[Ctx], dict]  # creates the records (owned by ctx.owner)
    act: Callable  # (client, ctx) -> response
    state: Callable[[Ctx], object]  # what the action changes, read from the database
    refused_as: str = "forbidden"  # forbidden | form | message | board | admin_login


# --- set-ups --------------------------------------------------------------------------------


def _customer(ctx):
    return {
        "customer": make_customer(
            owner=ctx.owner, name=f"Matrix customer of {ctx.owner.first_name}"
        )
    }


def _contact(ctx):
    customer = make_customer(owner=ctx.owner)
    return {
        "customer": customer,
        "contact": make_contact(customer=customer, last_name="Matrixcontact"),
    }


def _project(ctx):
    process = make_process(name="Matrix sales")
    return {
        "process": process,
        "project": make_project(process=process, owner=ctx.owner, title="Matrix project"),
    }


def _locked(ctx):
    process = make_process(
        name="Matrix locked",
        phases=[
            "Contacted",
            {"name": "Frozen", "locked": True},
            "Offer",
            ("Won", 100, "won"),
            ("Lost", 0, "lost"),
        ],
    )
    project = make_project(
        process=process, phase=process.phases.get(name="Frozen"), owner=ctx.owner
    )
    return {"process": process, "project": project}


def _closed(ctx):
    process = make_process(name="Matrix sales")
    return {
        "process": process,
        "project": make_project(
            process=process,
            phase=process.phases.get(name="Won"),
            owner=ctx.owner,
            title="Matrix won",
        ),
    }


def _project_with_contact(ctx):
    made = _project(ctx)
    made["contact"] = make_contact(customer=made["project"].customer)
    return made


def _alternatives(ctx):
    process = make_process(name="Matrix sales")
    customer = make_customer(owner=ctx.owner)
    offer = process.phases.get(name="Offer")
    a, b = (
        make_project(
            process=process, phase=offer, customer=customer, owner=ctx.owner, title=f"Alt {i}"
        )
        for i in "AB"
    )
    return {
        "process": process,
        "project": a,
        "other": b,
        "group": make_group(projects=[a, b], created_by=ctx.owner),
    }


def _joinable(ctx):
    process = make_process(name="Matrix sales")
    customer = make_customer(owner=ctx.owner)
    member = make_project(process=process, customer=customer, owner=ctx.owner)
    project = make_project(process=process, customer=customer, owner=ctx.owner, title="Joiner")
    group = make_group(projects=[member], type="subprojects", created_by=ctx.owner)
    return {"project": project, "group": group}


def _lead(ctx):
    sales = make_process(name="Matrix after leads")
    process = make_process(
        name="Matrix leads", kind=Process.Kind.LEAD, phases=LEAD_PHASES, followup_process=sales
    )
    customer = make_customer(owner=ctx.owner, status=Customer.Status.LEAD)
    project = make_project(
        process=process, customer=customer, owner=ctx.owner, phase=process.phases.get(name="New")
    )
    return {"process": process, "project": project, "customer": customer}


def _activity(ctx):
    customer = make_customer(owner=ctx.owner)
    return {
        "customer": customer,
        "activity": make_activity(
            customer=customer,
            employee=ctx.owner,
            kind=Activity.Kind.TASK,
            subject="Matrix task",
            due_date=timezone.localdate() + datetime.timedelta(days=3),
        ),
    }


def _selection(ctx):
    return {
        "selection": make_selection(
            owner=ctx.owner, customers=[make_customer()], name="Matrix selection"
        )
    }


def _located(ctx):
    return {"customer": make_located_customer(50.0, 8.0, owner=ctx.owner)}


def _nothing(ctx):
    return {}


# --- snapshots ------------------------------------------------------------------------------


def _row(model, pk, *fields):
    return tuple(model.objects.filter(pk=pk).values_list(*fields).first() or ())


def _customer_row(ctx):
    return _row(
        Customer,
        ctx["customer"].pk,
        "name",
        "city",
        "owner_id",
        "status",
        "latitude",
        "longitude",
        "geocode_status",
    )


def _project_row(ctx):
    return _row(
        SalesProject,
        ctx["project"].pk,
        "title",
        "volume",
        "phase_id",
        "owner_id",
        "version",
        "parked_until",
        "group_id",
    )


def _activity_row(ctx):
    return _row(Activity, ctx["activity"].pk, "subject", "text", "done_at")


# --- the requests ---------------------------------------------------------------------------


def _customer_post(customer, **changes):
    data = {
        "kind": customer.kind,
        "name": customer.name,
        "street": customer.street,
        "postal_code": customer.postal_code,
        "city": customer.city,
        "country": customer.country,
        "owner": customer.owner_id or "",
    }
    data.update(changes)
    return data


def _move(client, ctx, phase_name, *, board=False, **extra):
    project = ctx["project"]
    phase = project.process.phases.get(name=phase_name)
    data = {"process": project.process_id, "phase": phase.pk, "version": project.version, **extra}
    if board:
        data.update(
            board="1", board_process=project.process_id, from_phase=project.phase_id, board_query=""
        )
    return client.post(
        f"/sales/projects/{project.pk}/move/",
        data,
        **({"HTTP_HX_REQUEST": "true"} if board else {}),
    )


GEOMETRY = '{"shapes": [{"type": "rectangle", "bounds": [5, 47, 15, 55]}]}'


def _field_definition(ctx):
    return {
        "definition": FieldDefinition.objects.create(
            entity="customer", key="matrix_edit", label_en="Matrix"
        )
    }


def _csv_upload():
    return SimpleUploadedFile(
        "matrix.csv", b"Name;City\nMatrix Import GmbH;Bonn\n", content_type="text/csv"
    )


def _new_customer(ctx, name: str) -> dict:
    return {
        "kind": "company",
        "name": name,
        "status": "customer",
        "postal_code": "53111",
        "city": "Bonn",
        "country": "DE",
        "owner": ctx.owner.pk,
        "save_anyway": "1",
    }


def _new_project(ctx, title: str) -> dict:
    return {
        "customer_mode": "existing",
        "customer": ctx["customer"].pk,
        "title": title,
        "process": Process.objects.filter(kind=Process.Kind.SALES)
        .order_by("order", "id")
        .first()
        .pk,
        "owner": ctx.owner.pk,
        "volume": "100",
    }


def _new_activity(ctx, kind: str, subject: str) -> dict:
    return {
        "customer": ctx["customer"].pk,
        "kind": kind,
        "subject": subject,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }


def _in_dialog(client, path: str, data: dict):
    """The same form posted from the top bar's "+ New" dialog (htmx, dialog=1)."""
    return client.post(path, {"dialog": "1", **data}, HTTP_HX_REQUEST="true")


ACTIONS: dict[str, Action] = {
    "customer create": Action(
        _nothing,
        lambda c, ctx: c.post("/customers/new/", _new_customer(ctx, "Matrix New GmbH")),
        lambda ctx: Customer.objects.filter(name="Matrix New GmbH").count(),
        refused_as="form",
    ),
    "customer edit": Action(
        _customer,
        lambda c, ctx: c.post(
            f"/customers/{ctx['customer'].pk}/edit/",
            _customer_post(ctx["customer"], city="Edited city"),
        ),
        _customer_row,
    ),
    "customer bulk owner change to carol": Action(
        _customer,
        lambda c, ctx: c.post(
            "/customers/bulk/",
            {
                "action": "assign",
                "scope": "selected",
                "ids": [ctx["customer"].pk],
                "owner": ctx.users["carol"].pk,
            },
        ),
        _customer_row,
        refused_as="message",
    ),
    "customer delete (admin site)": Action(
        _customer,
        lambda c, ctx: c.post(
            f"/admin/customers/customer/{ctx['customer'].pk}/delete/", {"post": "yes"}
        ),
        _customer_row,
        refused_as="admin_login",
    ),
    "contact create": Action(
        _customer,
        lambda c, ctx: c.post(
            f"/customers/{ctx['customer'].pk}/contacts/new/",
            {"first_name": "Max", "last_name": "Matrixnew"},
        ),
        lambda ctx: ContactPerson.objects.filter(last_name="Matrixnew").count(),
    ),
    "contact create (quick, any page)": Action(
        _customer,
        lambda c, ctx: c.post(
            "/customers/contacts/new/",
            {"customer": ctx["customer"].pk, "first_name": "Max", "last_name": "Matrixquick"},
        ),
        lambda ctx: ContactPerson.objects.filter(last_name="Matrixquick").count(),
        refused_as="form",
    ),
    "contact edit": Action(
        _contact,
        lambda c, ctx: c.post(
            f"/customers/contacts/{ctx['contact'].pk}/edit/",
            {"first_name": "Edited", "last_name": "Matrixcontact"},
        ),
        lambda ctx: _row(ContactPerson, ctx["contact"].pk, "first_name", "last_name"),
    ),
    "contact delete": Action(
        _contact,
        lambda c, ctx: c.post(f"/customers/contacts/{ctx['contact'].pk}/delete/"),
        lambda ctx: _row(ContactPerson, ctx["contact"].pk, "first_name", "last_name"),
    ),
    "project create": Action(
        _customer,
        lambda c, ctx: c.post("/sales/projects/new/", _new_project(ctx, "Matrix new project")),
        lambda ctx: SalesProject.objects.filter(title="Matrix new project").count(),
        refused_as="form",
    ),
    "project edit": Action(
        _project,
        lambda c, ctx: c.post(
            f"/sales/projects/{ctx['project'].pk}/edit/",
            {"title": "Edited project", "volume": "5000", "version": ctx["project"].version},
        ),
        _project_row,
    ),
    "project move (move dialog)": Action(
        _project, lambda c, ctx: _move(c, ctx, "Offer"), _project_row
    ),
    "project move (kanban drop)": Action(
        _project,
        lambda c, ctx: _move(c, ctx, "Offer", board=True),
        _project_row,
        refused_as="board",
    ),
    "project owner change to carol (move dialog)": Action(
        _project,
        lambda c, ctx: _move(c, ctx, "Contacted", owner=ctx.users["carol"].pk),
        _project_row,
        refused_as="forbidden_or_form",
    ),
    "project move out of a locked phase": Action(
        _locked, lambda c, ctx: _move(c, ctx, "Offer"), _project_row, refused_as="forbidden_or_form"
    ),
    "project reopen": Action(
        _closed,
        lambda c, ctx: c.post(
            f"/sales/projects/{ctx['project'].pk}/reopen/", {"version": ctx["project"].version}
        ),
        _project_row,
    ),
    "project buying center: add a contact": Action(
        _project_with_contact,
        lambda c, ctx: c.post(
            f"/sales/projects/{ctx['project'].pk}/contacts/",
            {"contact": ctx["contact"].pk, "role": "decision_maker"},
        ),
        lambda ctx: ctx["project"].project_contacts.count(),
    ),
    "bulk phase change": Action(
        _project,
        lambda c, ctx: c.post(
            "/sales/projects/bulk/",
            {
                "action": "phase",
                "ids": [ctx["project"].pk],
                "phase": ctx["process"].phases.get(name="Offer").pk,
            },
        ),
        _project_row,
        refused_as="message",
    ),
    "bulk owner change to carol": Action(
        _project,
        lambda c, ctx: c.post(
            "/sales/projects/bulk/",
            {"action": "owner", "ids": [ctx["project"].pk], "owner": ctx.users["carol"].pk},
        ),
        _project_row,
        refused_as="message",
    ),
    "group create (bulk)": Action(
        _project,
        lambda c, ctx: c.post(
            "/sales/projects/bulk/",
            {
                "action": "group",
                "ids": [ctx["project"].pk],
                "group_name": "Matrix group",
                "group_type": group_type().pk,
            },
        ),
        lambda ctx: (ProjectGroup.objects.filter(name="Matrix group").count(), _project_row(ctx)),
        refused_as="message",
    ),
    "group edit": Action(
        _alternatives,
        lambda c, ctx: c.post(
            f"/sales/groups/{ctx['group'].pk}/edit/",
            {"name": "Edited group", "type": ctx["group"].type_id, "description": "changed"},
        ),
        lambda ctx: _row(ProjectGroup, ctx["group"].pk, "name", "description"),
    ),
    "group add member": Action(
        _joinable,
        lambda c, ctx: c.post(
            f"/sales/projects/{ctx['project'].pk}/group/", {"group": ctx["group"].pk}
        ),
        _project_row,
    ),
    "group: a project leaves": Action(
        _alternatives,
        lambda c, ctx: c.post(f"/sales/projects/{ctx['project'].pk}/group/leave/"),
        _project_row,
    ),
    "group dissolve": Action(
        _alternatives,
        lambda c, ctx: c.post(f"/sales/groups/{ctx['group'].pk}/delete/"),
        lambda ctx: _row(ProjectGroup, ctx["group"].pk, "name"),
    ),
    "win an alternative": Action(
        _alternatives,
        lambda c, ctx: _move(c, ctx, "Won"),
        lambda ctx: (_project_row(ctx), _row(SalesProject, ctx["other"].pk, "phase_id", "version")),
    ),
    "lead convert (move to qualifying phase)": Action(
        _lead,
        lambda c, ctx: _move(c, ctx, "Qualified"),
        lambda ctx: (
            _project_row(ctx),
            _row(Customer, ctx["customer"].pk, "status", "converted_at"),
        ),
    ),
    "lead park": Action(
        _lead,
        lambda c, ctx: _move(
            c,
            ctx,
            "Later",
            park_until=(timezone.localdate() + datetime.timedelta(days=9)).isoformat(),
        ),
        _project_row,
    ),
    "activity create": Action(
        _customer,
        lambda c, ctx: c.post("/activity/new/", _new_activity(ctx, "call", "Matrix call")),
        lambda ctx: Activity.objects.filter(subject="Matrix call").count(),
    ),
    "activity edit": Action(
        _activity,
        lambda c, ctx: c.post(
            f"/activity/{ctx['activity'].pk}/edit/",
            {
                "kind": "task",
                "subject": "Edited task",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "due_date": ctx["activity"].due_date.isoformat(),
            },
        ),
        _activity_row,
    ),
    "activity delete": Action(
        _activity, lambda c, ctx: c.post(f"/activity/{ctx['activity'].pk}/delete/"), _activity_row
    ),
    "activity complete task": Action(
        _activity,
        lambda c, ctx: c.post(f"/activity/{ctx['activity'].pk}/done/", {"done": "1"}),
        _activity_row,
    ),
    "customer import (upload)": Action(
        _nothing,
        lambda c, ctx: c.post("/customers/import/", {"file": _csv_upload(), "encoding": "utf-8"}),
        lambda ctx: ImportJob.objects.filter(original_name="matrix.csv").count(),
    ),
    "map selection save": Action(
        _located,
        lambda c, ctx: c.post(
            "/map/selections/new/", {"name": "Matrix drawn", "geometry": GEOMETRY}
        ),
        lambda ctx: Selection.objects.filter(name="Matrix drawn").count(),
    ),
    "map selection delete": Action(
        _selection,
        lambda c, ctx: c.post(f"/map/selections/{ctx['selection'].pk}/delete/"),
        lambda ctx: _row(Selection, ctx["selection"].pk, "name"),
    ),
    "map selection add customers": Action(
        _selection,
        lambda c, ctx: c.post(
            "/map/selections/add/", {"selection": ctx["selection"].pk, "ids": [make_customer().pk]}
        ),
        lambda ctx: ctx["selection"].items.count(),
    ),
    "map selection rename": Action(
        _selection,
        lambda c, ctx: c.post(
            f"/map/selections/{ctx['selection'].pk}/rename/", {"name": "Renamed"}
        ),
        lambda ctx: _row(Selection, ctx["selection"].pk, "name"),
        refused_as="forbidden",
    ),
    "manual pin": Action(
        _located,
        lambda c, ctx: c.post(
            f"/map/customers/{ctx['customer'].pk}/location/",
            {"latitude": "48.5", "longitude": "11.25"},
        ),
        _customer_row,
    ),
    "geocode a customer again": Action(
        _located,
        lambda c, ctx: c.post(f"/map/customers/{ctx['customer'].pk}/geocode/"),
        _customer_row,
    ),
    "tenant settings (lead function)": Action(
        _nothing,
        lambda c, ctx: c.post("/sales/settings/", {}),  # switch it off
        lambda ctx: type(ctx["tenant"]).objects.get(pk=ctx["tenant"].pk).lead_function_enabled,
    ),
    "my settings: own language": Action(
        _nothing,
        lambda c, ctx: c.post("/me/settings/", {"language": "de"}),
        lambda ctx: User.objects.get(pk=ctx.actor.pk).language,
    ),
    "company default language for new users": Action(
        _nothing,
        lambda c, ctx: c.post("/me/settings/company/", {"default_language": "de"}),
        lambda ctx: type(ctx["tenant"]).objects.get(pk=ctx["tenant"].pk).default_language,
        refused_as="forbidden",
    ),
    "custom field create (settings page)": Action(
        _nothing,
        lambda c, ctx: c.post(
            "/fields/new/",
            {
                "entity": "customer",
                "key": "matrix_field",
                "field_type": "text",
                "label_en": "Matrix field",
                "order": "1",
                "visible_roles": ["admin"],
                "editable_roles": ["admin"],
            },
        ),
        lambda ctx: FieldDefinition.objects.filter(key="matrix_field").count(),
    ),
    "custom field edit (settings page)": Action(
        _field_definition,
        lambda c, ctx: c.post(
            f"/fields/{ctx['definition'].pk}/edit/",
            {
                "label_en": "Matrix renamed",
                "order": "1",
                "active": "on",
                "visible_roles": ["admin"],
                "editable_roles": ["admin"],
            },
        ),
        lambda ctx: FieldDefinition.objects.get(pk=ctx["definition"].pk).label_en,
    ),
    "overview layout: remove a column (settings page)": Action(
        _nothing,
        lambda c, ctx: c.post("/fields/layouts/customers/", {"action": "remove", "column": "kind"}),
        lambda ctx: list(ListLayout.objects.values_list("key", "columns")),
    ),
    "overview layout: reset (settings page)": Action(
        lambda ctx: {"layout": ListLayout.objects.create(key="contacts", columns=["name"])},
        lambda c, ctx: c.post("/fields/layouts/contacts/", {"action": "reset"}),
        lambda ctx: list(ListLayout.objects.values_list("key", "columns")),
    ),
    "standard fields: switch one off (data structure page)": Action(
        _nothing,
        lambda c, ctx: c.post("/fields/standard/", {"on": ["customer.email"]}),
        lambda ctx: list(StandardFields.objects.values_list("area", "off")),
    ),
    # the top bar's "+ New" dialog posts the same forms (htmx, dialog=1): the same rules
    "+ New dialog: customer": Action(
        _nothing,
        lambda c, ctx: _in_dialog(c, "/customers/new/", _new_customer(ctx, "Matrix Dialog GmbH")),
        lambda ctx: Customer.objects.filter(name="Matrix Dialog GmbH").count(),
        refused_as="form",
    ),
    "+ New dialog: contact person": Action(
        _customer,
        lambda c, ctx: _in_dialog(
            c,
            "/customers/contacts/new/",
            {"customer": ctx["customer"].pk, "first_name": "Max", "last_name": "Matrixdialog"},
        ),
        lambda ctx: ContactPerson.objects.filter(last_name="Matrixdialog").count(),
        refused_as="form",
    ),
    "+ New dialog: project": Action(
        _customer,
        lambda c, ctx: _in_dialog(
            c, "/sales/projects/new/", _new_project(ctx, "Matrix dialog project")
        ),
        lambda ctx: SalesProject.objects.filter(title="Matrix dialog project").count(),
        refused_as="form",
    ),
    "+ New dialog: task": Action(
        _customer,
        lambda c, ctx: _in_dialog(
            c, "/activity/new/", _new_activity(ctx, "task", "Matrix dialog task")
        ),
        lambda ctx: Activity.objects.filter(subject="Matrix dialog task").count(),
    ),
    "my settings: after saving in + New": Action(
        _nothing,
        lambda c, ctx: c.post("/me/settings/", {"language": "", "after_create": "stay"}),
        lambda ctx: User.objects.get(pk=ctx.actor.pk).after_create,
    ),
    "admin site: add a lost reason": Action(
        _nothing,
        lambda c, ctx: c.post(
            "/admin/sales/lostreason/add/",
            {"name": "Matrix reason", "order": "5", "is_active": "on"},
        ),
        lambda ctx: LostReason.objects.filter(name="Matrix reason").count(),
        refused_as="admin_login",
    ),
}

# THE table: action -> allowed? for (admin, manager, own, other_team, manager_other_team)
MATRIX: dict[str, tuple[bool, bool, bool, bool, bool]] = {
    "customer create": (Y, Y, Y, N, N),
    "customer edit": (Y, Y, Y, N, N),
    "customer bulk owner change to carol": (
        Y,
        Y,
        N,
        N,
        N,
    ),  # a salesperson cannot give customers away
    "customer delete (admin site)": (Y, N, N, N, N),
    "contact create": (Y, Y, Y, N, N),
    "contact create (quick, any page)": (Y, Y, Y, N, N),
    "contact edit": (Y, Y, Y, N, N),
    "contact delete": (Y, Y, Y, N, N),
    "project create": (Y, Y, Y, N, N),
    "project edit": (Y, Y, Y, N, N),
    "project move (move dialog)": (Y, Y, Y, N, N),
    "project move (kanban drop)": (Y, Y, Y, N, N),
    "project owner change to carol (move dialog)": (
        Y,
        Y,
        N,
        N,
        N,
    ),  # a salesperson cannot give projects away
    "project move out of a locked phase": (Y, N, N, N, N),  # locked phases: admins only
    "project reopen": (Y, Y, Y, N, N),
    "project buying center: add a contact": (Y, Y, Y, N, N),
    "bulk phase change": (Y, Y, Y, N, N),
    "bulk owner change to carol": (Y, Y, N, N, N),
    "group create (bulk)": (Y, Y, Y, N, N),
    "group edit": (Y, Y, Y, N, N),
    "group add member": (Y, Y, Y, N, N),
    "group: a project leaves": (Y, Y, Y, N, N),
    "group dissolve": (Y, Y, Y, N, N),
    "win an alternative": (Y, Y, Y, N, N),
    "lead convert (move to qualifying phase)": (Y, Y, Y, N, N),
    "lead park": (Y, Y, Y, N, N),
    "activity create": (Y, Y, Y, Y, Y),  # everyone logs on every customer
    "activity edit": (Y, N, Y, N, N),  # author or admin only
    "activity delete": (Y, N, Y, N, N),
    "activity complete task": (Y, N, Y, N, N),
    "customer import (upload)": (Y, Y, N, N, Y),  # managers and admins (a role, no record)
    "map selection save": (Y, Y, Y, Y, Y),  # one's own selection
    "map selection delete": (Y, Y, Y, N, N),
    "map selection add customers": (Y, Y, Y, N, N),
    "map selection rename": (Y, Y, Y, N, N),
    "manual pin": (Y, Y, Y, N, N),
    "geocode a customer again": (Y, Y, Y, N, N),
    "tenant settings (lead function)": (Y, N, N, N, N),
    "admin site: add a lost reason": (Y, N, N, N, N),
    "custom field create (settings page)": (Y, N, N, N, N),  # tenant admins only
    "custom field edit (settings page)": (Y, N, N, N, N),
    "overview layout: remove a column (settings page)": (Y, N, N, N, N),  # tenant admins only
    "overview layout: reset (settings page)": (Y, N, N, N, N),
    "standard fields: switch one off (data structure page)": (Y, N, N, N, N),  # admins only
    "my settings: own language": (Y, Y, Y, Y, Y),  # everyone sets their own
    "+ New dialog: customer": (Y, Y, Y, N, N),  # as the customer form
    "+ New dialog: contact person": (Y, Y, Y, N, N),
    "+ New dialog: project": (Y, Y, Y, N, N),
    "+ New dialog: task": (Y, Y, Y, Y, Y),  # as "activity create"
    "my settings: after saving in + New": (Y, Y, Y, Y, Y),
    "company default language for new users": (Y, N, N, N, N),
}

CASES = [
    pytest.param(action, role, allowed, id=f"{action} | {role}")
    for action, cells in MATRIX.items()
    for role, allowed in zip(ROLE_NAMES, cells, strict=True)
]


def test_the_table_covers_every_action():
    assert set(MATRIX) == set(ACTIONS)


def _refusal_shown(response, kind: str) -> bool:
    if kind == "forbidden":
        return response.status_code in (403, 404)
    if kind == "forbidden_or_form":
        return response.status_code in (403, 404) or _refusal_shown(response, "form")
    if kind == "form":
        form = (response.context or {}).get("form") if response.status_code in (200, 400) else None
        return form is not None and bool(form.errors)
    if kind == "message":
        levels = [m.level for m in get_messages(response.wsgi_request)]
        return response.status_code == 302 and any(level >= constants.WARNING for level in levels)
    if kind == "board":
        return (
            response.status_code == 200
            and "You may not move this project." in response.content.decode()
        )
    if kind == "admin_login":
        return response.status_code == 302 and "/admin/login/" in response["Location"]
    raise AssertionError(kind)


@pytest.mark.parametrize("action, role, allowed", CASES)
def test_permission_matrix(tenant, client_for, action, role, allowed):
    actor_name, owner_name = ROLES[role]
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@alpha.test")}
    spec = ACTIONS[action]
    ctx = Ctx(
        actor=users[actor_name], owner=users[owner_name], users=users, objects={"tenant": tenant}
    )
    ctx.objects.update(spec.setup(ctx))
    before = spec.state(ctx)

    response = spec.act(client_for(ctx.actor), ctx)

    after = spec.state(ctx)
    assert response.status_code < 500
    if allowed:
        assert response.status_code not in (403, 404), response.content[:500]
        assert after != before, f"{action} by {actor_name} changed nothing ({response.status_code})"
    else:
        assert after == before, (
            f"{action} by {actor_name} on {owner_name}'s record changed {before} -> {after}"
        )
        assert _refusal_shown(response, spec.refused_as), (
            response.status_code,
            response.content[:500],
        )


# --- the same rows, one layer down: the write services check who may do it ------------------
# A view is one way to call a service (the admin, commands, other apps are others), so the
# services refuse on their own: the same MATRIX cells, called without any view in between.


def _svc_customer_create(ctx):
    customers_services.customer_create(
        user=ctx.actor, name="Matrix service GmbH", city="Bonn", owner=ctx.owner
    )


def _svc_customer_update(ctx):
    customers_services.customer_update(
        customer=ctx["customer"], user=ctx.actor, data={"city": "Edited by service"}
    )


def _svc_contact_create(ctx):
    customers_services.contact_create(
        user=ctx.actor, customer=ctx["customer"], last_name="Matrixnew"
    )


def _svc_contact_update(ctx):
    customers_services.contact_update(
        contact=ctx["contact"], user=ctx.actor, data={"first_name": "Edited"}
    )


def _svc_contact_delete(ctx):
    customers_services.contact_delete(contact=ctx["contact"], user=ctx.actor)


def _svc_project_update(ctx):
    sales_services.project_update(
        project=ctx["project"],
        user=ctx.actor,
        expected_version=ctx["project"].version,
        data={"title": "Edited project"},
    )


def _svc_project_move(ctx):
    sales_services.project_move(
        project=ctx["project"],
        phase=ctx["process"].phases.get(name="Offer"),
        user=ctx.actor,
        expected_version=ctx["project"].version,
    )


def _svc_project_reopen(ctx):
    sales_services.project_reopen(
        project=ctx["project"], user=ctx.actor, expected_version=ctx["project"].version
    )


def _svc_project_contact_add(ctx):
    sales_services.project_contact_add(
        project=ctx["project"], contact=ctx["contact"], role="decision_maker", user=ctx.actor
    )


def _svc_project_create(ctx):
    sales_services.project_create(
        customer=ctx["customer"],
        process=Process.objects.filter(kind=Process.Kind.SALES).order_by("order", "id").first(),
        title="Matrix new project",
        user=ctx.actor,
        owner=ctx.owner,
        volume=100,
    )


def _svc_group_update(ctx):
    group = ctx["group"]
    sales_services.group_update(
        group=group, user=ctx.actor, name="Edited group", group_type=group.type, description="x"
    )


def _svc_group_add_project(ctx):
    sales_services.group_add_project(group=ctx["group"], project=ctx["project"], user=ctx.actor)


def _svc_group_remove_project(ctx):
    sales_services.group_remove_project(project=ctx["project"], user=ctx.actor)


def _svc_group_delete(ctx):
    sales_services.group_delete(group=ctx["group"], user=ctx.actor)


def _svc_activity_update(ctx):
    activity_services.activity_update(
        activity=ctx["activity"], user=ctx.actor, subject="Edited task"
    )


def _svc_activity_delete(ctx):
    activity_services.activity_delete(activity=ctx["activity"], user=ctx.actor)


def _svc_activity_set_done(ctx):
    activity_services.activity_set_done(activity=ctx["activity"], user=ctx.actor, done=True)


def _svc_import_job_create(ctx):
    customer_imports.import_job_create(user=ctx.actor, upload=_csv_upload())


def _svc_selection_delete(ctx):
    mapview_services.selection_delete(selection=ctx["selection"], user=ctx.actor)


def _svc_selection_add_customers(ctx):
    mapview_services.selection_add_customers(
        selection=ctx["selection"], user=ctx.actor, customer_ids=[make_customer().pk]
    )


def _svc_selection_rename(ctx):
    mapview_services.selection_rename(selection=ctx["selection"], user=ctx.actor, name="Renamed")


def _svc_customer_set_location(ctx):
    mapview_services.customer_set_location(
        customer=ctx["customer"], user=ctx.actor, latitude=48.5, longitude=11.25
    )


def _svc_tenant_lead_function_set(ctx):
    sales_services.tenant_lead_function_set(tenant=ctx["tenant"], enabled=False, user=ctx.actor)


def _svc_tenant_default_language_set(ctx):
    crm_services.tenant_default_language_set(tenant=ctx["tenant"], language="de", user=ctx.actor)


def _svc_definition_create(ctx):
    customfields_services.definition_create(
        user=ctx.actor,
        entity="customer",
        key="matrix_field",
        field_type="text",
        label_en="Matrix field",
        order=1,
        visible_roles=["admin"],
        editable_roles=["admin"],
    )


def _svc_definition_update(ctx):
    customfields_services.definition_update(
        definition=ctx["definition"], user=ctx.actor, data={"label_en": "Matrix renamed"}
    )


def _svc_layout_save(ctx):
    customfields_services.layout_save(user=ctx.actor, key="customers", columns=["name", "city"])


def _svc_layout_reset(ctx):
    customfields_services.layout_reset(user=ctx.actor, key="contacts")


SERVICE_CALLS: dict[str, Callable[[Ctx], None]] = {
    "customer create": _svc_customer_create,
    "customer edit": _svc_customer_update,
    "contact create": _svc_contact_create,
    "contact edit": _svc_contact_update,
    "contact delete": _svc_contact_delete,
    "project create": _svc_project_create,
    "project edit": _svc_project_update,
    "project move (move dialog)": _svc_project_move,
    "project move out of a locked phase": _svc_project_move,
    "project reopen": _svc_project_reopen,
    "project buying center: add a contact": _svc_project_contact_add,
    "group edit": _svc_group_update,
    "group add member": _svc_group_add_project,
    "group: a project leaves": _svc_group_remove_project,
    "group dissolve": _svc_group_delete,
    "activity edit": _svc_activity_update,
    "activity delete": _svc_activity_delete,
    "activity complete task": _svc_activity_set_done,
    "customer import (upload)": _svc_import_job_create,
    "map selection delete": _svc_selection_delete,
    "map selection add customers": _svc_selection_add_customers,
    "map selection rename": _svc_selection_rename,
    "manual pin": _svc_customer_set_location,
    "tenant settings (lead function)": _svc_tenant_lead_function_set,
    "company default language for new users": _svc_tenant_default_language_set,
    "custom field create (settings page)": _svc_definition_create,
    "custom field edit (settings page)": _svc_definition_update,
    "overview layout: remove a column (settings page)": _svc_layout_save,
    "overview layout: reset (settings page)": _svc_layout_reset,
}
SERVICE_STATE = {
    "customer create": lambda ctx: Customer.objects.filter(name="Matrix service GmbH").count()
}
# how a service refuses where it may be other than PermissionDenied: the locked phase refuses
# one who may edit the project with a ValidationError (the page shows it as a form error)
SERVICE_REFUSAL = {"project move out of a locked phase": (PermissionDenied, ValidationError)}

SERVICE_CASES = [
    pytest.param(action, role, allowed, id=f"{action} | {role}")
    for action in SERVICE_CALLS
    for role, allowed in zip(ROLE_NAMES, MATRIX[action], strict=True)
]


@pytest.mark.parametrize("action, role, allowed", SERVICE_CASES)
def test_permission_matrix_of_the_services(tenant, action, role, allowed):
    actor_name, owner_name = ROLES[role]
    users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@alpha.test")}
    spec = ACTIONS[action]
    ctx = Ctx(
        actor=users[actor_name], owner=users[owner_name], users=users, objects={"tenant": tenant}
    )
    ctx.objects.update(spec.setup(ctx))
    state = SERVICE_STATE.get(action, spec.state)
    before = state(ctx)
    if allowed:
        SERVICE_CALLS[action](ctx)
        assert state(ctx) != before, f"{action} by {actor_name} changed nothing"
    else:
        with pytest.raises(SERVICE_REFUSAL.get(action, PermissionDenied)):
            SERVICE_CALLS[action](ctx)
        assert state(ctx) == before
