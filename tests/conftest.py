"""Test set-up: the test tenants are created once per session (a tenant schema costs a migration
run), and each test activates its tenant inside pytest-django's per-test transaction.

Tenants: ``alpha`` (the main one, alpha.localhost) and ``beta`` (beta.localhost), both with the same
named users, so ids collide across tenants on purpose. Named users, in both tenants:

    alice  salesperson, team North      bob    salesperson, team South
    carol  manager of team North        dave   tenant admin

Tests that need committed data seen by other threads (a live server, concurrency) use the
``committed`` fixtures of tests/e2e/conftest.py or their own; never ``transactional_db``, whose
flush would empty the shared tenant tables.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

# Playwright's sync API keeps an event loop in the main thread; Django's ORM would refuse to run.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Test-pass-2026!"  # noqa: S105
TENANTS = {"alpha": "alpha.localhost", "beta": "beta.localhost"}
NAMED_USERS = {
    # name: (role, team)
    "alice": ("salesperson", "North"),
    "bob": ("salesperson", "South"),
    "carol": ("manager", "North"),
    "dave": ("admin", None),
}


def pytest_configure(config):
    from django.conf import settings
    from django.utils.translation import trans_real

    from crm.lib.i18n import compile_catalogs

    # The German catalog is compiled from its .po in every test run (the .mo is not committed);
    # catalogs loaded before it was written are read again.
    if compile_catalogs():
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = trans_real.Local()

    # Hashing one password properly takes a quarter of a second; tests need many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def create_named_users(schema: str) -> None:
    """The named cast of test users and their teams in one tenant (committed)."""
    from crm.models import Team, User
    from crm.services import team_create, user_create

    with schema_context(schema):
        root = team_create(name="Sales")
        teams = {name: team_create(name=name, parent=root) for name in ("North", "South")}
        for name, (role, team) in NAMED_USERS.items():
            if not User.objects.filter(email=f"{name}@{schema}.test").exists():
                user_create(
                    email=f"{name}@{schema}.test",
                    password=PASSWORD,
                    role=role,
                    first_name=name.capitalize(),
                    last_name="Tester",
                    team=teams[team] if team else None,
                    validate=False,
                )
        carol = User.objects.get(email=f"carol@{schema}.test")
        User.objects.filter(team=teams["North"], role="salesperson").update(supervisor=carol)
        assert Team.objects.count() >= 3


def provision_test_tenant(schema: str, domain: str, *, leads: bool = True):
    from tenants.models import Tenant
    from tenants.services import tenant_provision

    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(schema_name=schema).first()
    if tenant is None:
        tenant = tenant_provision(
            schema=schema,
            name=f"{schema.capitalize()} GmbH",
            domain=domain,
            admin_email=f"admin@{schema}.test",
            admin_password=PASSWORD,
            lead_function_enabled=leads,
        )
    create_named_users(schema)
    connection.set_schema_to_public()
    return tenant


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """Create the test database, the public tenant and the two test tenants once for the session.

    pytest-django's own fixture sets up only the databases that collected tests ask for with
    ``db``; the browser tests and the thread races reach the database through the blocker instead,
    so a run of only those would have written into the development database. Here the test
    database is always created, and nothing is written unless it is one.
    """
    from django.test.utils import setup_databases, teardown_databases

    from tenants.services import tenant_ensure_public

    keep = {"keepdb": True} if django_db_keepdb and not django_db_createdb else {}
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = setup_databases(
            verbosity=verbosity, interactive=False, aliases={"default"}, **keep
        )
        name = connection.settings_dict["NAME"]
        assert name.startswith("test"), (
            f"refusing to create test tenants in {name!r}, not a test database"
        )
        tenant_ensure_public(domain="localhost")
        for schema, domain in TENANTS.items():
            provision_test_tenant(schema, domain)
    yield
    # Threads of concurrency tests and the live server may leave sessions behind; end them so
    # that the test database can be dropped.
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        if not django_db_keepdb:
            teardown_databases(db_cfg, verbosity=verbosity)


@pytest.fixture
def tenant(db):
    """The main test tenant ``alpha``, active for the test."""
    from tenants.models import Tenant

    connection.set_schema_to_public()
    current = Tenant.objects.get(schema_name="alpha")
    connection.set_tenant(current)
    yield current
    connection.set_schema_to_public()


@pytest.fixture
def other_tenant(db):
    """The second tenant ``beta`` (not activated)."""
    from tenants.models import Tenant

    with schema_context("public"):
        return Tenant.objects.get(schema_name="beta")


def _user(tenant, name: str):
    from crm.models import User

    return User.objects.get(email=f"{name}@{tenant.schema_name}.test")


@pytest.fixture
def alice(tenant):
    return _user(tenant, "alice")


@pytest.fixture
def bob(tenant):
    return _user(tenant, "bob")


@pytest.fixture
def carol(tenant):
    return _user(tenant, "carol")


@pytest.fixture
def dave(tenant):
    return _user(tenant, "dave")


def tenant_client(tenant, user=None) -> Client:
    """A test client on the tenant's host, logged in as ``user`` when given."""
    client = Client(HTTP_HOST=TENANTS.get(tenant.schema_name, f"{tenant.schema_name}.localhost"))
    if user is not None:
        with schema_context(tenant.schema_name):
            client.force_login(user)
    return client


@pytest.fixture
def client_for(tenant):
    """``client_for(user)`` gives a logged-in client on the alpha host; ``client_for(None)``
    anonymous."""

    def make(user=None, on=None):
        return tenant_client(on or tenant, user)

    return make


@pytest.fixture
def committed_project(django_db_setup, django_db_blocker):
    """A committed project of alice in alpha (carol manages her team), for races between threads
    (they use their own connections, so the rows must be committed); removed afterwards."""
    import uuid

    from crm.models import User
    from sales.models import Process, SalesProject
    from tests.builders.customers import make_customer
    from tests.builders.sales import make_process, make_project

    with django_db_blocker.unblock(), schema_context("alpha"):
        tag = uuid.uuid4().hex[:8]
        process = make_process(name=f"Race {tag}")
        customer = make_customer(name=f"Race customer {tag}")
        project = make_project(
            process=process, customer=customer, owner=User.objects.get(email="alice@alpha.test")
        )
        yield project
        SalesProject.objects.filter(pk=project.pk).delete()
        Process.objects.filter(pk=process.pk).delete()
        customer.delete()
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request with a German browser leaves German active in the test's thread (LocaleMiddleware
    activates, nothing deactivates); the next test would then read German messages."""
    yield
    from django.utils import translation

    translation.deactivate()
