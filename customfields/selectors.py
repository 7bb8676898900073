"""Reads of custom-field definitions: which fields a user sees or edits on a record type."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404

from crm.lib.generations import cached
from customfields.models import FieldDefinition

TOPIC = "customfields"


def role_of(user) -> str:
    """The role whose field rules apply to ``user`` (superusers count as admins)."""
    if getattr(user, "is_tenant_admin", False):
        return "admin"
    return getattr(user, "role", "") or ""


def definitions_all() -> list[FieldDefinition]:
    """Every definition of the tenant, active or retired (cached per tenant generation)."""
    return cached(
        topic=TOPIC,
        parts=("all",),
        seconds=settings.CUSTOMFIELDS_CACHE_SECONDS,
        compute=lambda: list(FieldDefinition.objects.order_by("order", "id")),
    )


REQUEST_MEMO = "_customfields_definitions"


def request_definitions(user) -> list[FieldDefinition]:
    """``definitions_all()`` read once per request: kept on the request's user object (which
    lives one request), so the filters, the columns and the forms of a page share one read."""
    definitions = getattr(user, REQUEST_MEMO, None)
    if definitions is None:
        definitions = definitions_all()
        if getattr(user, "is_authenticated", False):
            setattr(user, REQUEST_MEMO, definitions)
    return definitions


def entities_of(entity: str) -> tuple[str, ...]:
    """The definitions' record types that apply to ``entity`` (a lead is a project too)."""
    return ("project", "lead") if entity == "lead" else (entity,)


def definitions_for(
    *,
    entity: str,
    user=None,
    editable: bool = False,
    active: bool = True,
    definitions: list[FieldDefinition] | None = None,
) -> list[FieldDefinition]:
    """The definitions of ``entity`` that ``user`` may see (or edit), in form order.

    ``entity`` "lead" means a project of a lead process: it has the project fields and the lead
    fields. Without ``user`` every definition counts (exports of the system, the admin).
    """
    role = role_of(user) if user is not None else None
    entities = entities_of(entity)
    if definitions is None:
        definitions = request_definitions(user) if user is not None else definitions_all()
    found = []
    for definition in definitions:
        if definition.entity not in entities or (active and not definition.active):
            continue
        if role is not None:
            roles = definition.editable_roles if editable else definition.visible_roles
            if role not in roles or (editable and role not in definition.visible_roles):
                continue
        found.append(definition)
    return found


def definition_get(*, pk: int) -> FieldDefinition:
    """One definition of this tenant, or 404."""
    return get_object_or_404(FieldDefinition, pk=pk)


def project_entity(project) -> str:
    """ "lead" for a project of a lead process, else "project"."""
    process = getattr(project, "process", None)
    return "lead" if process is not None and getattr(process, "kind", "") == "lead" else "project"


def visible_values(
    *, entity: str, user, values: dict | None
) -> list[tuple[FieldDefinition, object]]:
    """(definition, stored value) of every field ``user`` sees on a record, in form order."""
    values = values or {}
    return [(d, values.get(d.key)) for d in definitions_for(entity=entity, user=user)]
