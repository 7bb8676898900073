"""Sample custom fields for the demo and reference tenants, filled in on the seeded records."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext

from crm.lib.citus import constraints_set
from crm.lib.seeding import SeedContext, report_counts
from customfields.models import FieldDefinition

SEGMENTS = [
    {"value": "retail", "en": "Retail", "de": "Einzelhandel"},
    {"value": "manufacturing", "en": "Manufacturing", "de": "Industrie"},
    {"value": "services", "en": "Services", "de": "Dienstleistung"},
    {"value": "public", "en": "Public sector", "de": "Öffentlicher Sektor"},
    {"value": "health", "en": "Healthcare", "de": "Gesundheitswesen"},
]

DEMO_FIELDS = [
    {
        "entity": "customer",
        "key": "vat_id",
        "field_type": "text",
        "label_en": "VAT id",
        "label_de": "USt-IdNr.",
        "help_en": "e.g. DE123456789",
        "help_de": "z. B. DE123456789",
        "unique": True,
        "filterable": True,
        "sortable": True,
        "searchable": True,
        "tracked": True,
        "order": 10,
    },
    {
        "entity": "customer",
        "key": "segment",
        "field_type": "choice",
        "label_en": "Industry segment",
        "label_de": "Branchensegment",
        "options": SEGMENTS,
        "filterable": True,
        "sortable": True,
        "tracked": True,
        "order": 20,
    },
    {
        "entity": "customer",
        "key": "credit_limit",
        "field_type": "money",
        "label_en": "Credit limit (confidential)",
        "label_de": "Kreditlimit (vertraulich)",
        "visible_roles": ["admin", "manager"],
        "editable_roles": ["admin"],
        "order": 30,
    },
    {
        "entity": "project",
        "key": "contract_end",
        "field_type": "date",
        "label_en": "Contract end",
        "label_de": "Vertragsende",
        "filterable": True,
        "sortable": True,
        "tracked": True,
        "order": 10,
    },
]


def seed_custom_fields(ctx: SeedContext) -> None:
    """The demo fields and their values: every company a VAT id (unique) and a segment, two in
    three a credit limit, won and open projects a contract end; then their indexes."""
    from customfields.indexes import indexes_ensure

    for values in DEMO_FIELDS:
        FieldDefinition.objects.update_or_create(key=values["key"], defaults=values)
    segments = [o["value"] for o in SEGMENTS]
    with connection.cursor() as cursor:
        # One statement per table (seeding only: in the product a definition never rewrites rows).
        # Only IMMUTABLE functions on the rows' columns (JSON by text, the date by its parts, the
        # connection's UTC made explicit): Citus refuses an UPDATE that calls STABLE ones
        # (jsonb_build_object, to_char) with column references. Same values as before.
        cursor.execute(
            """
            UPDATE customers_customer SET custom = custom || (
                '{"vat_id": "' || CASE WHEN country = 'DE' THEN 'DE' ELSE country END
                || lpad(id::text, 9, '0')
                || '", "segment": "'
                || (%s::text[])[1 + (hashint8(id) & 9223372036854775807) %% %s] || '"'
                || CASE WHEN id %% 3 = 0 THEN ''
                        ELSE ', "credit_limit": "'
                             || ((1 + (hashint8(id + 7) & 9223372036854775807) %% 50) * 5000)::text
                             || '.00"' END
                || '}')::jsonb
            WHERE kind = 'company'
            """,
            [segments, len(segments)],
        )
        cursor.execute(
            """
            UPDATE sales_salesproject SET custom = custom || ('{"contract_end": "'
                || lpad(extract(year FROM
                    coalesce(expected_order_date, (created_at AT TIME ZONE 'UTC')::date)
                    + (365 * (1 + id % 3))::int)::int::text, 4, '0')
                || '-' || lpad(extract(month FROM
                    coalesce(expected_order_date, (created_at AT TIME ZONE 'UTC')::date)
                    + (365 * (1 + id % 3))::int)::int::text, 2, '0')
                || '-' || lpad(extract(day FROM
                    coalesce(expected_order_date, (created_at AT TIME ZONE 'UTC')::date)
                    + (365 * (1 + id % 3))::int)::int::text, 2, '0') || '"}')::jsonb
            WHERE id % 4 <> 0
            """
        )
    in_transaction = connection.in_atomic_block
    if in_transaction:  # tests: deferred foreign-key checks must run before an index can be built
        with connection.cursor() as cursor:
            constraints_set(cursor, immediate=True)
    built = indexes_ensure(concurrently=not in_transaction)
    if in_transaction:
        with connection.cursor() as cursor:
            constraints_set(cursor, immediate=False)
    ctx.stdout(
        gettext("custom fields: %(fields)s (indexes: %(indexes)s)")
        % report_counts({"fields": len(DEMO_FIELDS), "indexes": ", ".join(built["created"]) or "–"})
    )
