"""Indexes for the free-text search over customers and contacts.

With pg_trgm (installed into the public schema, which is on every tenant's search_path) a trigram
GIN index serves LIKE '%word%'. Without it (the embedded PostgreSQL has no contrib modules) a GIN
index over to_tsvector('simple', search_text) serves word-prefix search; customers.search picks the
matching query at run time.
"""

from django.db import migrations, transaction

TABLES = {"customers_customer": "customer", "customers_contactperson": "contact"}


def _trgm_schema(cursor) -> str | None:
    cursor.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    row = cursor.fetchone()
    return row[0] if row else None


def create_search_indexes(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        schema = _trgm_schema(cursor)
        if schema is None:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
            if cursor.fetchone():
                try:
                    with transaction.atomic(using=connection.alias):
                        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
                except Exception:  # noqa: BLE001 - no privilege: fall back to word-prefix search
                    pass
                schema = _trgm_schema(cursor)
        for table, short in TABLES.items():
            if schema:
                opclass = connection.ops.quote_name(schema) + ".gin_trgm_ops"
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {short}_search_trgm_idx ON {table} USING gin (search_text {opclass})"
                )
            else:
                cursor.execute(
                    f"CREATE INDEX IF NOT EXISTS {short}_search_fts_idx ON {table} "
                    "USING gin (to_tsvector('simple'::regconfig, search_text))"
                )


def fill_derived_keys(apps, schema_editor):
    # Rows made before this migration get their duplicate-check and search keys.
    from customers import normalize

    Customer = apps.get_model("customers", "Customer")
    ContactPerson = apps.get_model("customers", "ContactPerson")
    names: dict[int, list[str]] = {}
    for contact in ContactPerson.objects.select_related("customer").iterator(chunk_size=2000):
        full = " ".join(p for p in (contact.first_name, contact.last_name) if p)
        names.setdefault(contact.customer_id, []).append(full)
        contact.search_text = normalize.contact_search_text(
            first_name=contact.first_name, last_name=contact.last_name, email=contact.email,
            position=contact.position, customer_name=contact.customer.name,
        )
        contact.save(update_fields=["search_text"])
    for c in Customer.objects.iterator(chunk_size=2000):
        c.name_key = normalize.name_key(c.name)
        c.email_domain = normalize.email_domain(c.email, c.website)
        c.phone_digits = normalize.phone_digits(c.phone, c.country)
        c.search_text = normalize.customer_search_text(
            name=c.name, city=c.city, postal_code=c.postal_code, contact_names=names.get(c.pk, [])
        )
        c.save(update_fields=["name_key", "email_domain", "phone_digits", "search_text"])


def drop_search_indexes(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for short in TABLES.values():
            cursor.execute(f"DROP INDEX IF EXISTS {short}_search_trgm_idx")
            cursor.execute(f"DROP INDEX IF EXISTS {short}_search_fts_idx")


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_customer_overview")]

    operations = [
        migrations.RunPython(fill_derived_keys, migrations.RunPython.noop),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
