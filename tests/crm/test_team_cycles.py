"""Teams never form a cycle: the admin form, the service and the database refuse one, and the
permission rule neither loops nor widens when bad data holds one anyway."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from crm.models import Team
from crm.permissions import user_can_edit_owned
from crm.selectors import team_descendant_ids
from crm.services import team_parent_set
from tests.builders.crm import make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(tenant):
    top = make_team(name="Cycle top")
    child = make_team(name="Cycle child", parent=top)
    grandchild = make_team(name="Cycle grandchild", parent=child)
    return top, child, grandchild


def test_the_service_refuses_a_parent_that_is_a_grandchild(tree):
    top, _child, grandchild = tree
    with pytest.raises(ValidationError) as exc:
        team_parent_set(team=top, parent=grandchild)
    assert "cannot sit under itself or under one of its own sub-teams" in str(exc.value)
    top.refresh_from_db()
    assert top.parent_id is None


def test_the_model_validation_refuses_itself_as_parent(tree):
    top, _child, _grandchild = tree
    top.parent = top
    with pytest.raises(ValidationError):
        top.full_clean()


def test_the_admin_shows_the_message_and_keeps_the_team(client_for, dave, tree):
    top, _child, grandchild = tree
    response = client_for(dave).post(
        f"/admin/crm/team/{top.pk}/change/", {"name": top.name, "parent": grandchild.pk}
    )
    assert response.status_code == 200
    assert (
        "A team cannot sit under itself or under one of its own sub-teams."
        in response.content.decode()
    )
    top.refresh_from_db()
    assert top.parent_id is None


def test_a_raw_write_that_makes_a_cycle_is_refused_by_the_database(tree):
    top, _child, grandchild = tree
    with pytest.raises(IntegrityError, match="cycle"), transaction.atomic():
        Team.objects.filter(pk=top.pk).update(parent=grandchild)


def test_a_cycle_in_the_data_does_not_widen_a_managers_rights(tree, carol, bob):
    """With North's parent chain looping back through North, the walk stops and stays below
    North."""
    from crm.models import User

    north = carol.team
    sales = north.parent
    assert sales is not None and bob.team.parent_id == sales.pk  # bob sits in South, beside North
    with (
        connection.cursor() as cursor
    ):  # bad data as an old database might hold it: bypass the guard
        cursor.execute(
            "SET LOCAL session_replication_role = replica"
        )  # triggers off for this write
        cursor.execute("UPDATE crm_team SET parent_id = %s WHERE id = %s", [north.pk, sales.pk])
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    assert sales.pk not in team_descendant_ids(team_id=north.pk)
    carol = User.objects.get(pk=carol.pk)
    assert user_can_edit_owned(user=carol, owner_id=bob.pk) is False
