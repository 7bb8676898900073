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


@dataclass(frozen=True)
class ListSpec:
    key: str
    entity: str  # whose custom fields: customer, contact, project, lead
    standard: Callable[[], list[tuple[str, str]]]  # (column name, header) in default order
    default: Callable[[], list[str]] | None = None  # default column names (all standard + custom)
    custom_by_default: bool = True  # the default shows every custom field the user may see
    fixed: tuple[str, ...] = field(default=())  # always shown first (the selection checkbox)


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


def offered(spec: ListSpec, definitions: list[FieldDefinition]) -> dict[str, str]:
    """Column key -> header of every column the list can show with ``definitions``."""
    columns = dict(spec.standard())
    columns.update((d.column, d.label) for d in definitions)
    return columns


def default_columns(spec: ListSpec, definitions: list[FieldDefinition]) -> list[str]:
    standard = spec.default() if spec.default else [name for name, _h in spec.standard()]
    custom = [d.column for d in definitions] if spec.custom_by_default else []
    return [*standard, *custom]


def layout_for(key: str, *, definitions: list[FieldDefinition]) -> list[str]:
    """The column keys a list shows, in order, for a user who sees ``definitions``."""
    spec = REGISTRY[key]
    stored = layouts_stored().get(key)
    if stored is None:
        return default_columns(spec, definitions)
    available = offered(spec, definitions)
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
