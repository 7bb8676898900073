"""Writes of custom-field definitions and of the values on a record."""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.lib.broker import task_send_safely
from crm.lib.generations import generation_bump
from crm.permissions import require_tenant_admin
from customfields.models import FieldDefinition, ListLayout, StandardFields
from customfields.selectors import TOPIC

FIXED_AFTER_CREATE = ("key", "entity", "field_type")


def _indexes_queue() -> None:
    from customfields.tasks import indexes_ensure_task

    transaction.on_commit(lambda: task_send_safely(indexes_ensure_task, []))


def _check(definition: FieldDefinition) -> None:
    if definition.field_type in (FieldDefinition.Type.CHOICE, FieldDefinition.Type.MULTI_CHOICE):
        if not definition.options:
            raise ValidationError({"options": _("A choice field needs at least one option.")})
        values = [o["value"] for o in definition.options]
        if len(values) != len(set(values)):
            raise ValidationError({"options": _("Two options have the same value.")})
    elif definition.options:
        definition.options = []
    if definition.default:
        from customfields.values import parse_text

        try:
            parse_text(definition, definition.default)
        except ValidationError as exc:
            raise ValidationError({"default": exc.messages}) from exc


def _unique_check_data(definition: FieldDefinition) -> None:
    """Refuse "unique" while records share a value (the unique index could not be built)."""
    from customfields.indexes import unique_duplicates

    found = unique_duplicates(definition)
    if found:
        examples = ", ".join(
            _("“%(value)s” (%(n)d records)") % {"value": value, "n": n} for value, n in found
        )
        raise ValidationError(
            {
                "unique": _(
                    "Records already share values of this field: %(examples)s. Give them "
                    "different values first, then mark the field unique."
                )
                % {"examples": examples}
            }
        )


@contextmanager
def unique_guard():
    """Run a record's save in a savepoint; a race lost to the unique index of a "unique" custom
    field becomes a ValidationError naming the field instead of a 500."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) or ""
        if not name:  # through a Citus coordinator the worker's error carries only its message
            found = re.search(r'unique constraint "([a-z0-9_]+)"', str(exc))
            name = found.group(1) if found else ""
        # on a Citus worker the index is the shard's: its name ends in the shard id (_102051)
        match = re.fullmatch(r"cf_([a-z][a-z0-9_]*)_uniq(?:_[0-9]+)?", name)
        if not match:
            raise
        definition = FieldDefinition.objects.filter(key=match.group(1)).first()
        label = definition.label if definition else match.group(1)
        raise ValidationError(
            _("Another record already has this %(field)s.") % {"field": label}
        ) from exc


@transaction.atomic
def definition_create(*, user, **values) -> FieldDefinition:
    """A new field (tenant admins only); its indexes are built in the background when it is
    filterable or sortable."""
    require_tenant_admin(user)
    definition = FieldDefinition(**values)
    definition.full_clean()
    _check(definition)
    definition.save()
    generation_bump(topic=TOPIC)
    if definition.unique:
        _unique_check_data(definition)
    if definition.filterable or definition.sortable or definition.searchable or definition.unique:
        _indexes_queue()
    return definition


@transaction.atomic
def definition_update(*, definition: FieldDefinition, user, data: dict) -> FieldDefinition:
    """Change a field's definition (tenant admins only; never its key, record type or type); no
    value is rewritten."""
    require_tenant_admin(user)
    locked = FieldDefinition.objects.select_for_update().get(pk=definition.pk)
    before = (locked.active, locked.filterable, locked.sortable, locked.searchable, locked.unique)
    for name, value in data.items():
        if name in FIXED_AFTER_CREATE and getattr(locked, name) != value:
            raise ValidationError({name: _("This cannot be changed after the field was created.")})
        setattr(locked, name, value)
    locked.full_clean()
    _check(locked)
    locked.save()
    generation_bump(topic=TOPIC)
    now = (locked.active, locked.filterable, locked.sortable, locked.searchable, locked.unique)
    if locked.unique and locked.active and not (before[0] and before[4]):
        _unique_check_data(locked)
    if now != before:
        _indexes_queue()
    return locked


def values_merge(*, current: dict | None, definitions, cleaned: dict) -> dict:
    """``current`` with the values of ``definitions`` replaced by ``cleaned`` (form field name ->
    cleaned value). Values of fields the user may not edit, of retired fields and of unknown keys
    stay as they are."""
    from customfields.values import to_storage

    merged = dict(current or {})
    for definition in definitions:
        if definition.column not in cleaned:
            continue
        stored = to_storage(definition, cleaned[definition.column])
        if stored is None:
            merged.pop(definition.key, None)
        else:
            merged[definition.key] = stored
    return merged


def values_changes(
    *, before: dict | None, after: dict | None, definitions
) -> list[tuple[FieldDefinition, object, object]]:
    """(definition, old, new) for every field in ``definitions`` whose value changed."""
    before, after = before or {}, after or {}
    return [
        (d, before.get(d.key), after.get(d.key))
        for d in definitions
        if before.get(d.key) != after.get(d.key)
    ]


def tracked_changes(*, entity: str, before: dict | None, after: dict | None) -> list[dict]:
    """{"key", "old", "new"} of every active "tracked" field of ``entity`` whose value changed."""
    from customfields.selectors import definitions_for

    tracked = [d for d in definitions_for(entity=entity) if d.tracked]
    return [
        {"key": d.key, "old": old, "new": new}
        for d, old, new in values_changes(before=before, after=after, definitions=tracked)
    ]


def values_check_unique(
    *, model, definitions, values: dict, exclude_pk: int | None = None
) -> dict[str, str]:
    """Errors (form field name -> message) for values of "unique" fields another record has."""
    errors = {}
    for definition in definitions:
        if not definition.unique or values.get(definition.key) in (None, ""):
            continue
        qs = model.objects.filter(**{f"custom__{definition.key}": values[definition.key]})
        if exclude_pk is not None:
            qs = qs.exclude(pk=exclude_pk)
        if qs.exists():
            errors[definition.column] = _("Another record already has this %(field)s.") % {
                "field": definition.label
            }
    return errors


def layout_check(*, key: str, columns: list[str]) -> None:
    """Raise ValidationError unless ``columns`` are offered by the list ``key``, once each."""
    from customfields.layouts import REGISTRY, admin_definitions, offered

    spec = REGISTRY.get(key)
    if spec is None:
        raise ValidationError(_("Unknown list."))
    available = offered(spec, admin_definitions(spec))
    unknown = [c for c in columns if c not in available]
    if unknown:
        raise ValidationError(
            _("These columns are not offered: %(names)s.") % {"names": ", ".join(unknown)}
        )
    if len(set(columns)) != len(columns):
        raise ValidationError(_("A column may appear only once."))
    if not columns:
        raise ValidationError(_("Keep at least one column."))


@transaction.atomic
def layout_save(*, user, key: str, columns: list[str]) -> ListLayout:
    """Save the columns (in order) of one list for the whole tenant (tenant admins only)."""
    require_tenant_admin(user)
    layout_check(key=key, columns=columns)
    layout, _created = ListLayout.objects.update_or_create(key=key, defaults={"columns": columns})
    generation_bump(topic=TOPIC)
    return layout


@transaction.atomic
def layout_reset(*, user, key: str) -> None:
    """Back to the list's default columns (tenant admins only)."""
    require_tenant_admin(user)
    ListLayout.objects.filter(key=key).delete()
    generation_bump(topic=TOPIC)


@transaction.atomic
def standard_fields_save(*, user, area: str, off: list[str]) -> StandardFields:
    """Switch the optional standard fields of ``area`` off (those in ``off``) or on (the others)
    for the whole tenant (tenant admins only). Never touches a record's values."""
    from customfields.standard import SWITCHABLE, forget, switchable

    require_tenant_admin(user)
    if area not in SWITCHABLE:
        raise ValidationError(_("Unknown area."))
    unknown = [n for n in off if n not in switchable(area)]
    if unknown:
        raise ValidationError(
            _("These fields cannot be switched off: %(names)s.") % {"names": ", ".join(unknown)}
        )
    names = [n for n in switchable(area) if n in set(off)]
    row, _created = StandardFields.objects.update_or_create(area=area, defaults={"off": names})
    generation_bump(topic=TOPIC)
    forget(user)
    return row
