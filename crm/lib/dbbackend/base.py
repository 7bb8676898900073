"""django-tenants' PostgreSQL backend with a schema editor that also runs on a Citus coordinator.

Citus refuses ``ALTER TABLE ... ADD COLUMN ... CHECK (...)`` (every constraint of a distributed
table needs an explicit name): on Citus a new column's check constraint is added by a second,
named ``ADD CONSTRAINT``, with the name Django gives check constraints it creates when altering
a field. On a single PostgreSQL nothing changes.
"""

from __future__ import annotations

from django.db.backends.postgresql.schema import DatabaseSchemaEditor as PostgresSchemaEditor
from django_tenants.postgresql_backend import base as tenants_base


class DatabaseSchemaEditor(PostgresSchemaEditor):
    def add_field(self, model, field):
        from crm.lib.citus import database_is_citus

        check = field.db_parameters(connection=self.connection)["check"]
        if not check or not database_is_citus(self.connection.alias):
            return super().add_field(model, field)
        inline = self.sql_check_constraint
        self.sql_check_constraint = ""  # "" % params is "": no inline check
        try:
            super().add_field(model, field)
        finally:
            self.sql_check_constraint = inline
        name = self._create_index_name(model._meta.db_table, [field.column], suffix="_check")
        self.execute(self._create_check_sql(model, name, check))


class DatabaseWrapper(tenants_base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor
