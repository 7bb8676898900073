"""Builder for custom-field definitions: ``make_field(**overrides)`` (straight to the database)."""

from __future__ import annotations

import itertools

from customfields.models import FieldDefinition

_seq = itertools.count(1)


def make_field(**overrides) -> FieldDefinition:
    """A saved active text field on customers, seen and edited by every role."""
    n = next(_seq)
    values = {
        "entity": "customer",
        "key": f"builder_{n}",
        "label_en": f"Builder field {n}",
        "label_de": f"Baufeld {n}",
        "field_type": "text",
    }
    values.update(overrides)
    return FieldDefinition.objects.create(**values)


INDUSTRY_OPTIONS = [
    {"value": "retail", "en": "Retail", "de": "Einzelhandel"},
    {"value": "industry", "en": "Manufacturing", "de": "Industrie"},
    {"value": "public", "en": "Public sector", "de": "Öffentlicher Sektor"},
]
