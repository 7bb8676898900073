"""Builders for users and teams: ``make_user(**overrides)``."""

from __future__ import annotations

import itertools

from crm.models import Team, User
from crm.services import team_create, user_create

_seq = itertools.count(1)


def make_team(**overrides) -> Team:
    return team_create(name=overrides.pop("name", f"Team {next(_seq)}"), **overrides)


def make_user(**overrides) -> User:
    n = next(_seq)
    values = {
        "email": f"user{n}@builder.test",
        "password": "Builder-pass-1",
        "role": "salesperson",
        "first_name": f"User{n}",
        "last_name": "Builder",
        "validate": False,
    }
    values.update(overrides)
    return user_create(**values)
