"""Configurable overviews: which columns (standard and custom) a list shows, in which order, for
the whole tenant (``ListLayout``), and which fields the kanban card shows (key "kanban").

Each list registers itself from its app's ``ready()`` (``register``): its standard columns and
the record type whose custom fields it offers, so this module never imports the apps that use it.
A layout read for a user keeps only the columns that user may see (a custom field hidden from the
role is dropped, a retired field or an unknown key is ignored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from crm.lib.generations import cached
from customfields.models import FieldDefinition, ListLayout
from customfields.selectors import TOPIC, definitions_all, definitions_for
from customfields.standard import off


@dataclass(frozen=True)
class ListSpec:
    key: str
    entity: str  # whose custom fields: customer, contact, project, lead
    standard: Callable[[], list[tuple[str, str]]]  # (column name, header) in default order
    default: Callable[[], list[str]] | None = None  # default column names (all standard + custom)
    custom_by_default: bool = True  # the default shows every custom field the user may see
    fixed: tuple[str, ...] = field(default=())  # always shown first (the selection checkbox)
    # the areas of customfields.standard whose switched-off fields the list leaves out (a column
    # named like a standard field is offered while that field is on in at least one of them)
    areas: tuple[str, ...] = field(default=())


REGISTRY: dict[str, ListSpec] = {}


def register(spec: ListSpec) -> None:
    REGISTRY[spec.key] = spec


def spec_get(key: str) -> ListSpec:
    return REGISTRY[key]


def layouts_stored() -> dict[str, list[str]]:
    """list key -> saved column keys (cached per tenant generation, bumped on every save)."""
    return cached(
        topic=TOPIC,
        parts=("layouts",),
        seconds=settings.CUSTOMFIELDS_CACHE_SECONDS,
        compute=lambda: dict(ListLayout.objects.values_list("key", "columns")),
    )


def switched_off(spec: ListSpec, user=None) -> frozenset[str]:
    """The standard columns the tenant switched off in every area of ``spec``."""
    if not spec.areas:
        return frozenset()
    return frozenset.intersection(*(off(area, user) for area in spec.areas))


def offered(spec: ListSpec, definitions: list[FieldDefinition], user=None) -> dict[str, str]:
    """Column key -> header of every column the list can show with ``definitions`` (without the
    standard fields switched off)."""
    gone = switched_off(spec, user)
    columns = {name: header for name, header in spec.standard() if name not in gone}
    columns.update((d.column, d.label) for d in definitions)
    return columns


def default_columns(spec: ListSpec, definitions: list[FieldDefinition], user=None) -> list[str]:
    standard = spec.default() if spec.default else [name for name, _h in spec.standard()]
    gone = switched_off(spec, user)
    custom = [d.column for d in definitions] if spec.custom_by_default else []
    return [*(n for n in standard if n not in gone), *custom]


def layout_for(key: str, *, definitions: list[FieldDefinition], user=None) -> list[str]:
    """The column keys a list shows, in order, for a user who sees ``definitions`` (``user``
    only spares a read: the switched-off standard fields are remembered for its request)."""
    spec = REGISTRY[key]
    stored = layouts_stored().get(key)
    if stored is None:
        return default_columns(spec, definitions, user)
    available = offered(spec, definitions, user)
    seen: set[str] = set()
    columns = []
    for name in stored:
        if name in available and name not in seen and name not in spec.fixed:
            seen.add(name)
            columns.append(name)
    return columns


def admin_definitions(spec: ListSpec) -> list[FieldDefinition]:
    """The active custom fields a layout of ``spec`` may hold (every role's)."""
    return definitions_for(entity=spec.entity, definitions=definitions_all())
