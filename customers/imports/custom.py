"""Custom fields in a CSV import: the columns they can be mapped from (their key, English or German
label) and the typed check of each cell. Only fields the importing user may edit are offered;
"unique" fields are checked against the tenant's records and the file itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from customers import normalize
from customers.imports.reading import IMPORT_FIELDS
from customers.models import Customer
from customfields.selectors import definitions_for
from customfields.standard import Area, off
from customfields.values import form_field, parse_text

__all__ = ["CONTACT_PREFIX", "CustomColumns", "import_fields", "import_fields_off"]

CONTACT_PREFIX = "contact_"


def _custom_definitions(user) -> dict[str, Any]:
    """Import field name -> definition: ``cf_<key>`` for customers, ``contact_cf_<key>`` for
    contact persons; only active fields the user may edit (all of them without a user)."""
    found = {}
    for entity, prefix in (("customer", ""), ("contact", CONTACT_PREFIX)):
        for definition in definitions_for(entity=entity, user=user, editable=True):
            found[prefix + definition.column] = definition
    return found


def import_fields_off(*, user=None) -> set[str]:
    """The standard import fields the tenant switched off (customfields.standard): not offered,
    and a column named like one is ignored with a note in the dry run's report."""
    gone = set(off(Area.CUSTOMER, user))
    gone |= {CONTACT_PREFIX + name for name in off(Area.CONTACT, user)}
    return gone & set(IMPORT_FIELDS)


def import_fields(*, user=None) -> dict[str, tuple[Any, tuple[str, ...]]]:
    """The standard import fields and the user's custom ones: field name -> (label, header
    aliases as folded by ``normalize.text_fold``)."""
    gone = import_fields_off(user=user)
    fields = {name: field for name, field in IMPORT_FIELDS.items() if name not in gone}
    for name, definition in _custom_definitions(user).items():
        names = {definition.key, definition.key.replace("_", " "), definition.label_en}
        names.add(definition.label_de or definition.label_en)
        aliases = {normalize.text_fold(n) for n in names if n}
        if name.startswith(CONTACT_PREFIX):
            aliases = {f"{p} {a}" for a in aliases for p in ("contact", "ansprechpartner")}
            label = _("Contact: %(field)s") % {"field": definition.label}
        else:
            label = definition.label
        fields[name] = (label, tuple(sorted(aliases)))
    return fields


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


class CustomColumns:
    """Checks the custom cells of each row; ``values`` gives what is stored in ``custom``."""

    def __init__(self, *, user, mapping: dict[int, str], add_error):
        self.definitions = _custom_definitions(user)
        self.mapped = {f for f in mapping.values() if f in self.definitions}
        self.add_error = add_error  # (line, column title, reason)
        self.fields = {name: form_field(d, required=False) for name, d in self.definitions.items()}
        self.defaults = {}
        for name, definition in self.definitions.items():
            if definition.default:
                try:
                    self.defaults[name] = parse_text(
                        definition, definition.default, field=self.fields[name]
                    )
                except ValidationError:
                    pass
        self.taken: dict[str, dict] = {}  # unique customer field -> value -> (line, record)
        self.existing: dict[str, set] = {}
        for name, definition in self.definitions.items():
            if definition.unique and not name.startswith(CONTACT_PREFIX):
                self.existing[name] = {
                    _hashable(value)
                    for value in Customer.objects.filter(custom__has_key=definition.key)
                    .values_list(f"custom__{definition.key}", flat=True)
                    .iterator(chunk_size=5000)
                }
                self.taken[name] = {}

    def missing_columns(self) -> list[str]:
        """Labels of required customer fields that no column fills and that have no default."""
        return [
            d.label
            for name, d in self.definitions.items()
            if d.required
            and not name.startswith(CONTACT_PREFIX)
            and name not in self.mapped
            and name not in self.defaults
        ]

    def values(self, line: int, cells: dict[str, str], *, contact: bool) -> dict:
        """The stored ``custom`` value of the row's customer (or its contact person)."""
        stored = {}
        for name, definition in self.definitions.items():
            if name.startswith(CONTACT_PREFIX) != contact:
                continue
            text = cells.get(name, "")
            value = None
            if text:
                try:
                    value = parse_text(definition, text, field=self.fields[name])
                except ValidationError as exc:
                    reason = " ".join(exc.messages)
                    self.add_error(line, name, f'"{text}": {reason}')
                    continue
            elif name in self.defaults:
                value = self.defaults[name]
            if value is None:
                if definition.required and name in self.mapped:
                    self.add_error(
                        line, name, _("%(field)s is required") % {"field": definition.label}
                    )
                continue
            stored[definition.key] = value
        return stored

    def claim_in_file(self, line: int, stored: dict, *, record: tuple) -> None:
        """An error on the line when an earlier line of another customer (``record``: the key
        rows of one customer share) has one of its "unique" values."""
        for name, seen in self.taken.items():
            value = _hashable(stored.get(self.definitions[name].key))
            if value in (None, ""):
                continue
            first_line, first_record = seen.setdefault(value, (line, record))
            if first_record != record:
                self.add_error(
                    line,
                    name,
                    _("line %(line)d already has this %(field)s")
                    % {"line": first_line, "field": self.definitions[name].label},
                )

    def taken_by_existing(self, line: int, stored: dict) -> bool:
        """True (and an error on the line) when a customer of the tenant has one of the "unique"
        values of this new customer."""
        taken = False
        for name, existing in self.existing.items():
            value = _hashable(stored.get(self.definitions[name].key))
            if value not in (None, "") and value in existing:
                self.add_error(
                    line,
                    name,
                    _("another customer already has this %(field)s")
                    % {"field": self.definitions[name].label},
                )
                taken = True
        return taken
