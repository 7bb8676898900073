"""Valid HTML: the Nu HTML checker (vnu-jar from npm, tests/e2e/js; run with Java) finds no error
in the main pages besides htmx's own ``hx-*`` attributes, which HTML does not know."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal

from tests.builders.customers import make_contact, make_customer
from tests.builders.sales import make_process, make_project
from tests.conftest import tenant_client
from tests.e2e.axe import JS_DIR

VNU = JS_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def nu_errors(pages: dict[str, bytes], tmp_path) -> list[str]:
    assert VNU.exists(), f"{VNU} is missing: run `npm ci` in {JS_DIR} (make test and .ci/run do it)"
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java (apt-get install default-jre-headless)"
    files = {}
    for n, (url, html) in enumerate(pages.items()):
        path = tmp_path / f"page{n}.html"
        path.write_bytes(html)
        files[path.as_uri()] = url
    paths = [str(tmp_path / f"page{n}.html") for n in range(len(files))]
    command = [java, "-jar", str(VNU), "--errors-only", "--format", "json", *paths]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603 (a fixed command)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{files.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" and not m["message"].startswith("Attribute “hx-")
    ]


def test_the_main_pages_are_valid_html(tenant, dave, tmp_path):
    customer = make_customer(owner=dave, phone="+49 30 123 456")
    make_contact(customer=customer, last_name="Nu", phone="+49 30 99 88")
    process = make_process(name="Nu")
    project = make_project(process=process, owner=dave, customer=customer, volume=Decimal("1000"))
    client = tenant_client(tenant, dave)
    urls = [
        "/",
        "/customers/",
        f"/customers/{customer.pk}/",
        "/customers/new/",
        "/customers/contacts/",
        "/customers/contacts/new/",
        f"/sales/projects/board/?process={process.pk}",
        "/sales/projects/",
        "/sales/projects/new/",
        f"/sales/projects/{project.pk}/",
        "/sales/groups/",
        "/activity/",
        "/map/",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    assert nu_errors(pages, tmp_path) == []


def test_the_checker_reports_an_error(tmp_path):
    """Without this, "no errors" could mean the checker never ran."""
    page = (
        b'<!doctype html><html lang="en"><head><title>x</title></head>'
        b'<body><input type="text" type="search">'
    )
    assert any("Duplicate attribute" in e for e in nu_errors({"/broken": page}, tmp_path))
