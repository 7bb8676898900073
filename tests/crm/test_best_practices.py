"""Best practices of every response: a favicon on every host, compressed pages, signed-in pages
never stored by a cache, and a CSRF token that differs in every response (so compression does not
let BREACH read it, see SECURITY.md)."""

from __future__ import annotations

import gzip
import re

from django.test import Client

from tests.conftest import tenant_client


def test_favicon_answers_on_tenant_and_public_hosts(tenant, other_tenant):
    for client in (
        tenant_client(tenant),
        tenant_client(other_tenant),
        Client(HTTP_HOST="localhost"),
    ):
        response = client.get("/favicon.ico")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/x-icon"
        assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
        assert "max-age" in response["Cache-Control"]


def test_pages_link_the_icon(tenant, alice):
    html = tenant_client(tenant, alice).get("/").content.decode()
    assert re.search(r'<link rel="icon" href="[^"]*img/favicon\.svg"', html)


def test_signed_in_pages_and_fragments_are_private_and_not_stored(tenant, alice):
    client = tenant_client(tenant, alice)
    for url, headers in [
        ("/", {}),
        ("/customers/", {}),
        ("/customers/", {"HTTP_HX_REQUEST": "true"}),
        ("/customers/export/", {}),
    ]:
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_responses_with_their_own_caching_keep_it_when_signed_in(tenant, alice):
    response = tenant_client(tenant, alice).get("/favicon.ico")
    assert response["Cache-Control"] == "public, max-age=86400"


def test_pages_are_compressed_when_the_browser_accepts_it(tenant, alice):
    client = tenant_client(tenant, alice)
    plain = client.get("/customers/")
    packed = client.get("/customers/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "<main" in html and len(packed.content) < len(plain.content) / 2


def test_the_csrf_token_in_the_page_differs_in_every_response(tenant, alice):
    """BREACH guesses a secret byte by byte over many compressed responses; a token masked anew
    per response gives it nothing to converge on."""
    client = tenant_client(tenant, alice)
    tokens = {
        re.search(r'"X-CSRFToken": "([^"]+)"', client.get("/").content.decode()).group(1)
        for _ in range(3)
    }
    assert len(tokens) == 3
