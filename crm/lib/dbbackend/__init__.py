"""The database backend: django-tenants' PostgreSQL backend, Citus-aware (see base.py)."""
