"""Browser journeys: Playwright driving Debian's Chromium against a live server thread.

The live server serves a dedicated tenant ``e2e`` (e2e.localhost) whose data is committed, because
the server's threads use their own database connections. ``*.localhost`` reaches loopback in
Chromium. Tests create records with unique names, so they never depend on each other.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connection
from django_tenants.utils import schema_context

from tests.conftest import PASSWORD, provision_test_tenant

E2E_SCHEMA, E2E_DOMAIN = "e2e", "e2e.localhost"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Generous waits: a passing test never waits them out, and on a loaded two-core machine (CI beside
# other jobs) a page may take several seconds; a 5 s expect() once failed a green test there.
ACTION_TIMEOUT_MS = 20_000
EXPECT_TIMEOUT_MS = 15_000


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def live_server_url(django_db_setup, django_db_blocker):
    """Base URL of a live server on the e2e tenant's host (tenant created once)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler

    with django_db_blocker.unblock():
        provision_test_tenant(E2E_SCHEMA, E2E_DOMAIN)
    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(WSGIHandler()))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{E2E_DOMAIN}:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _server_threads_may_use_the_database(django_db_blocker):
    """pytest-django blocks database access in every thread; the live server's threads need it."""
    with django_db_blocker.unblock():
        yield
    connection.set_schema_to_public()


@pytest.fixture
def e2e_db(django_db_blocker):
    """Database access from the test body, in the e2e tenant's schema (autocommit)."""
    with django_db_blocker.unblock(), schema_context(E2E_SCHEMA):
        yield
    connection.set_schema_to_public()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def desktop_page(browser, request, **context_options):
    """A page of its own browser context (1366x900, timeout ACTION_TIMEOUT_MS; further context
    options such as ``locale`` as keywords); when the test failed, a full-page screenshot in
    ARTIFACTS named after it. For the ``page`` fixtures, here and in test modules that need
    another one."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, **context_options)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request):
    with desktop_page(browser, request) as pg:
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.dialogs = dialogs
        yield pg


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def login(page, base_url: str, name: str = "alice") -> None:
    """Log in through the real login form as one of the named users of the e2e tenant."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=email]", f"{name}@{E2E_SCHEMA}.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
