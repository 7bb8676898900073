"""Custom fields in the sales-project and lead CSV exports (whole list and selection), each export
with only the fields the user's role may see; user fields by e-mail in every export."""

from __future__ import annotations

from django.urls import reverse

from tests.builders.customers import make_contact
from tests.builders.customfields import make_field
from tests.builders.sales import make_process, make_project


def _csv(response) -> list[str]:
    return b"".join(response.streaming_content).decode("utf-8-sig").splitlines()


def _fields():
    make_field(entity="project", key="contract_end", field_type="date", label_en="Contract end")
    make_field(
        entity="project",
        key="discount",
        field_type="number",
        label_en="Secret discount",
        visible_roles=["admin", "manager"],
    )
    make_field(entity="lead", key="source", label_en="Lead source")


def test_the_project_export_has_the_custom_columns_the_role_may_see(
    tenant, alice, carol, client_for
):
    _fields()
    make_project(
        owner=alice,
        title="Exportprojekt",
        custom={"contract_end": "2027-06-30", "discount": "12.5", "source": "Messe"},
    )

    def export(user):
        return _csv(client_for(user).get("/sales/projects/export/?format=csv"))

    salesperson = export(alice)
    row = next(line for line in salesperson if "Exportprojekt" in line)
    assert salesperson[0].endswith("lost_reason,contract_end")
    assert "2027-06-30" in row and "12.5" not in row and "Messe" not in row
    manager = export(carol)
    assert manager[0].endswith("lost_reason,contract_end,discount")
    assert "12.5" in next(line for line in manager if "Exportprojekt" in line)


def test_the_lead_export_has_the_project_and_the_lead_fields(tenant, alice, client_for):
    _fields()
    make_project(
        owner=alice,
        title="Exportlead",
        process=make_process(kind="lead", name="Leads"),
        custom={"contract_end": "2027-01-31", "source": "Messe", "discount": "3"},
    )
    lines = _csv(client_for(alice).get("/sales/leads/export/?format=csv"))
    assert lines[0].endswith("lost_reason,contract_end,source")
    row = next(line for line in lines if "Exportlead" in line)
    assert "Messe" in row and "2027-01-31" in row and ",3" not in row


def test_the_exported_selection_has_the_custom_columns_the_role_may_see(
    tenant, alice, carol, client_for
):
    _fields()
    project = make_project(owner=alice, custom={"contract_end": "2027-06-30", "discount": "12.5"})

    def selection(user):
        return _csv(
            client_for(user).post(
                reverse("sales:project_bulk"), {"ids": [project.pk], "action": "export"}
            )
        )

    assert selection(alice)[0].endswith(",contract_end") and "12.5" not in selection(alice)[1]
    assert selection(carol)[0].endswith(",discount") and "12.5" in selection(carol)[1]


def test_user_fields_are_exported_by_e_mail(tenant, alice, bob, client_for):
    make_field(entity="project", key="engineer", field_type="user", label_en="Engineer")
    make_field(entity="contact", key="buddy", field_type="user", label_en="Buddy")
    make_project(owner=alice, title="Mit Ingenieur", custom={"engineer": bob.pk})
    make_contact(last_name="Kumpel", custom={"buddy": bob.pk})
    client = client_for(alice)
    projects = _csv(client.get("/sales/projects/export/?format=csv"))
    assert bob.email in next(line for line in projects if "Mit Ingenieur" in line)
    contacts = _csv(client.get("/customers/contacts/export/?format=csv"))
    assert bob.email in next(line for line in contacts if "Kumpel" in line)
