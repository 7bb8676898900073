"""Standard fields a tenant can switch off (the "Data structure" page, ``/fields/standard/``).

Each area (customers, contact persons, sales projects, leads) has a few optional model fields a
tenant may not use; required and structural ones (names, owner, status, process, phase, volume,
the address the map and the duplicate check need, ...) are not in ``SWITCHABLE`` and can never
be switched off. What is off is stored per area (``StandardFields.off``) and read once per
request (memoised on the request's user, cached per tenant generation like the definitions).
Switching off never touches data: forms leave the field out (a save keeps its value), lists,
filters, exports, the import and the kanban card skip it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from crm.lib.generations import cached
from customfields.models import StandardFields
from customfields.selectors import TOPIC

Area = StandardFields.Area

# area -> (field name, label) of the fields that can be switched off, in form order
SWITCHABLE: dict[str, tuple[tuple[str, object], ...]] = {
    Area.CUSTOMER: (
        ("country", _("Country")),
        ("phone", _("Phone")),
        ("email", _("E-mail")),
        ("website", _("Web")),
        ("industry", _("Industry")),
        ("annual_revenue", _("Annual revenue")),
        ("employees", _("Employees")),
    ),
    Area.CONTACT: (
        ("position", _("Position")),
        ("email", _("E-mail")),
        ("phone", _("Phone")),
        ("mobile", _("Mobile")),
        ("notes", _("Notes")),
    ),
    Area.PROJECT: (
        ("expected_order_date", _("Expected order date")),
        ("description", _("Description")),
    ),
    Area.LEAD: (
        ("expected_order_date", _("Expected order date")),
        ("description", _("Description")),
    ),
}

MEMO = "_customfields_standard_off"


def switchable(area: str) -> list[str]:
    return [name for name, _label in SWITCHABLE[area]]


def _read() -> dict[str, frozenset[str]]:
    stored = dict(StandardFields.objects.values_list("area", "off"))
    return {
        area: frozenset(n for n in stored.get(area, ()) if n in switchable(area))
        for area in SWITCHABLE
    }


def off_all(user=None) -> dict[str, frozenset[str]]:
    """area -> the names switched off, read once per request (kept on its user object)."""
    found = getattr(user, MEMO, None) if user is not None else None
    if found is None:
        found = cached(
            topic=TOPIC,
            parts=("standard",),
            seconds=settings.CUSTOMFIELDS_CACHE_SECONDS,
            compute=_read,
        )
        if getattr(user, "is_authenticated", False):
            setattr(user, MEMO, found)
    return found


def off(area: str, user=None) -> frozenset[str]:
    """The standard fields of ``area`` switched off in this tenant."""
    return off_all(user)[area]


def is_on(area: str, name: str, user=None) -> bool:
    return name not in off(area, user)


def forget(user) -> None:
    """Drop the request's memo (after a save, so the same request reads the new state)."""
    if user is not None and hasattr(user, MEMO):
        delattr(user, MEMO)


def area_of(*, lead: bool) -> str:
    return Area.LEAD if lead else Area.PROJECT


class _AreaSwitches:
    def __init__(self, names: frozenset[str]):
        self._off = names

    def __getitem__(self, name: str) -> bool:
        return name not in self._off

    def __contains__(self, name: str) -> bool:
        return name not in self._off


class Switches:
    """For templates: ``std.customer.phone`` is True unless the tenant switched it off."""

    def __init__(self, user=None):
        self._user = user
        self._areas: dict | None = None

    def __getitem__(self, area: str) -> _AreaSwitches:
        if self._areas is None:
            self._areas = off_all(self._user)
        if area not in self._areas:
            raise KeyError(area)
        return _AreaSwitches(self._areas[area])


def drop_fields(form, area: str, user=None, *, names=None) -> frozenset[str]:
    """Remove the switched-off fields of ``area`` from a form (``names``: the form's field name of
    a standard field, when it differs); returns the names removed."""
    gone = off(area, user)
    for name in gone:
        form.fields.pop((names or {}).get(name, name), None)
    return gone


class AdminSwitchesMixin:
    """A tenant admin's ModelAdmin without the switched-off standard fields of its area, in the
    form (a save keeps their values) and the change list (columns and filters)."""

    standard_areas: tuple[str, ...] = ()

    def standard_off(self, request, obj=None) -> frozenset[str]:
        """Off in every area the admin's records may be in (one record: its own area)."""
        areas = self.standard_areas_of(obj) if obj is not None else self.standard_areas
        if not areas:
            return frozenset()
        return frozenset.intersection(*(off(area, request.user) for area in areas))

    def standard_areas_of(self, obj) -> tuple[str, ...]:
        return self.standard_areas

    def get_fields(self, request, obj=None):
        gone = self.standard_off(request, obj)
        return [f for f in super().get_fields(request, obj) if f not in gone]

    def get_list_display(self, request):
        gone = self.standard_off(request)
        return [f for f in super().get_list_display(request) if f not in gone]

    def get_list_filter(self, request):
        gone = self.standard_off(request)
        return [f for f in super().get_list_filter(request) if f not in gone]
