"""Security baseline: the Content-Security-Policy, production settings and headers, passwords.

The browser side of the policy (no violation on any page) is tests/e2e/test_csp.py; bandit is
tests/crm/test_security_bandit.py; SECURITY.md describes the model.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponse
from django.template import Context, Template
from django.test import RequestFactory, override_settings

from crm.lib.csp import ADMIN_STYLE_HASHES, csp_tile_source
from tests.conftest import PASSWORD, tenant_client

ROOT = Path(__file__).resolve().parents[2]
SECURITY_MD = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


# --- the policy on every response ----------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(tenant, alice):
    for response in (
        tenant_client(tenant).get("/login/"),
        tenant_client(tenant, alice).get("/customers/"),
    ):
        assert response.status_code == 200
        csp = policy(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no other host
        assert csp["style-src"] == ["'self'", *ADMIN_STYLE_HASHES]  # no other <style> element
        assert csp["style-src-attr"] == [
            "'unsafe-inline'"
        ]  # style="..." attributes only (SECURITY.md)
        assert csp["img-src"] == ["'self'", "data:", csp_tile_source(settings.MAP_TILES_URL)]
        assert csp["connect-src"] == ["'self'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"]
        assert not any("unsafe-eval" in v or "*" == v for values in csp.values() for v in values)


def test_htmx_fragments_carry_the_policy_too(tenant, alice):
    response = tenant_client(tenant, alice).get("/customers/?q=x", HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200 and "script-src 'self'" in response["Content-Security-Policy"]
    )


def test_an_inline_script_that_asks_for_the_nonce_gets_a_fresh_one_in_the_header():
    """script-src carries NONCE: a template that really needs an inline script writes
    nonce="{{ request.csp_nonce }}" and the header allows exactly that nonce, per request."""
    from csp.middleware import CSPMiddleware

    template = Template('<script nonce="{{ request.csp_nonce }}">go()</script>')
    middleware = CSPMiddleware(
        lambda request: HttpResponse(template.render(Context({"request": request})))
    )
    nonces = []
    for _ in range(2):
        response = middleware(RequestFactory().get("/"))
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode())[1]
        assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1] and len(nonces[0]) >= 22  # 128 random bits, base64


def test_the_admins_inline_styles_are_allowed_by_hash_and_nothing_else(tenant, dave):
    """django-tenants' admin templates carry one inline <style>; its exact text is allowed by hash
    (crm.lib.csp.ADMIN_STYLE_HASHES). If an upgrade changes the text, this names the new hash."""
    client = tenant_client(tenant, dave)
    seen = set()
    for url in ("/admin/", "/admin/crm/user/", "/admin/crm/user/add/", "/admin/sales/process/"):
        response = client.get(url)
        assert response.status_code == 200, url
        allowed = policy(response)["style-src"]
        for body in re.findall(r"<style[^>]*>(.*?)</style>", response.content.decode(), re.S):
            digest = (
                "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
            )
            assert digest in allowed, f"{url}: inline <style> not allowed; its hash is {digest}"
            seen.add(digest)
    assert seen == set(ADMIN_STYLE_HASHES)  # the hash is still needed


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.openstreetmap.org"),
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("http://tiles.internal:8080/{z}/{x}/{y}.png", "http://tiles.internal:8080"),
        ("https://maps.{s}.example.com/{z}/{x}/{y}.png", "https:"),  # not expressible as a host
        ("/tiles/{z}/{x}/{y}.png", None),  # our own host: 'self' covers it
    ],
)
def test_the_map_tile_host_is_derived_from_the_tile_url(url, source):
    assert csp_tile_source(url) == source


INLINE_HANDLER = re.compile(r"<[a-zA-Z][^>]*?\s(on[a-z]+|hx-on[:\-][^\s=]*)\s*=", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def test_templates_have_no_inline_script_handler_or_javascript_url():
    """What the policy would block, found before a browser does: inline <script> without the nonce,
    on*= / hx-on attributes and javascript: URLs (static/js/behaviors.js has the handlers)."""
    templates = sorted((ROOT / "templates").rglob("*.html"))
    assert len(templates) > 50
    problems = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for attrs in SCRIPT_TAG.findall(text):
            executable = "type=" not in attrs or re.search(
                r'type="(text/javascript|module)"', attrs
            )
            if executable and "src=" not in attrs and "request.csp_nonce" not in attrs:
                problems.append(f"{name}: inline <script{attrs}> without nonce")
        problems += [f"{name}: inline handler {m}=" for m in INLINE_HANDLER.findall(text)]
        if re.search(r"""(href|src|action)\s*=\s*["']\s*javascript:""", text, re.I):
            problems.append(f"{name}: javascript: URL")
    assert problems == []


def test_browser_tests_wait_with_functions_not_eval():
    """Playwright polls a bare-expression wait_for_function with eval, which the policy refuses
    (the wait then fails); an arrow function is called directly."""
    bare = re.compile(
        r"""wait_for_function\(\s*(\"\"\"|'''|["'](?!["']))(?!\s*(\(\)\s*=>|\w+\s*=>|function|async))"""
    )
    offenders = [
        f"{path.name}:{n}"
        for path in sorted((ROOT / "tests" / "e2e").glob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    ]
    assert offenders == []
    assert bare.search('page.wait_for_function("window.x === 1")')
    assert not bare.search('page.wait_for_function("() => window.x === 1")')
    assert not bare.search('page.wait_for_function("""() => { return 1; }""")')  # triple quotes too
    assert bare.search('page.wait_for_function("""window.x === 1""")')


def test_the_template_scan_sees_what_it_forbids():
    bad = '<form onsubmit="return confirm(1)"><a hx-on:click="x()">'
    assert [m for m in INLINE_HANDLER.findall(bad)] == ["onsubmit", "hx-on:click"]
    assert SCRIPT_TAG.findall("<script>alert(1)</script>") == [""]


# --- production settings, in a process of their own -----------------------------------------------

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p" * 20 + "-production-grade-secret-key-0123456789",
    "ALLOWED_HOSTS": ".localhost,.example.com",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "SECRET_KEY",
            "DEBUG",
            "CRM_TESTING",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SECURE_HSTS_PRELOAD",
            "SECURE_SSL_REDIRECT",
            "SECURE_HSTS_SECONDS",
        }
    }
    base.update(PRODUCTION, **env)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=180,
    )


SETTINGS_DUMP = """
import json
from django.conf import settings as s
from csp.utils import build_policy
print(json.dumps({name: getattr(s, name, None) for name in (
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS", "SILENCED_SYSTEM_CHECKS",
    "MIDDLEWARE", "PASSWORD_HASHERS", "AUTH_PASSWORD_VALIDATORS")} | {"CSP": build_policy()}))
"""


@pytest.fixture(scope="module")
def production_settings() -> dict:
    result = _manage("shell", "-c", SETTINGS_DUMP)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_make_cookies_secure_and_https_mandatory(production_settings):
    s = production_settings
    assert s["DEBUG"] is False
    assert (
        s["SESSION_COOKIE_SECURE"]
        and s["SESSION_COOKIE_HTTPONLY"]
        and s["SESSION_COOKIE_SAMESITE"] == "Lax"
    )
    assert s["SESSION_COOKIE_DOMAIN"] is None  # a session cookie belongs to one tenant host only
    assert s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_PROXY_SSL_HEADER"] == [
        "HTTP_X_FORWARDED_PROTO",
        "https",
    ]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000 and s["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] and s["X_FRAME_OPTIONS"] == "DENY"
    assert s["PASSWORD_HASHERS"][0].endswith("PBKDF2PasswordHasher")  # not the tests' MD5
    assert len(s["AUTH_PASSWORD_VALIDATORS"]) == 4


def test_production_serves_the_same_content_security_policy(production_settings):
    middleware = production_settings["MIDDLEWARE"]
    assert "csp.middleware.CSPMiddleware" in middleware
    assert middleware.index("csp.middleware.CSPMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )
    csp = production_settings["CSP"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "object-src 'none'" in csp
    )
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp


def test_check_deploy_finds_nothing_and_every_silenced_check_is_explained(production_settings):
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    silenced = production_settings["SILENCED_SYSTEM_CHECKS"] or []
    assert re.search(rf"no issues \({len(silenced)} silenced\)", result.stdout), result.stdout
    for check_id in silenced:
        assert f"`{check_id}`" in SECURITY_MD, (
            f"{check_id} is silenced but SECURITY.md does not explain it"
        )


def test_check_deploy_with_hsts_preload_needs_no_silencing():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", SECURE_HSTS_PRELOAD="1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_production_server_redirects_to_https_and_sends_the_security_headers(tenant, tmp_path):
    """A request through the whole middleware stack with production settings, against the test
    database (the test tenants are committed there)."""
    database = connection.settings_dict
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    url = f"postgres://{database['USER']}@{host}:{port}/{database['NAME']}"
    if database.get("PASSWORD") or not os.environ.get("DATABASE_URL"):
        pytest.skip("needs the DATABASE_URL server (the embedded server is reached by socket)")
    script = f"""
import json
from django.test import Client
client = Client(HTTP_HOST="{tenant.get_primary_domain().domain}")
plain = client.get("/login/")
secure = client.get("/login/", secure=True)
cookie = secure.cookies["csrftoken"]
print(json.dumps({{
    "plain": [plain.status_code, plain.get("Location")], "status": secure.status_code,
    "headers": dict(secure.headers.items()),
    "csrf_cookie": {{k: cookie[k] for k in ("secure", "samesite")}},
}}))
"""
    # Production serves collected, hashed files (a fresh clone has none yet): collect them first.
    static_root = str(tmp_path / "static")
    collected = _manage(
        "collectstatic", "--noinput", "-v", "0", DATABASE_URL=url, STATIC_ROOT=static_root
    )
    assert collected.returncode == 0, collected.stderr
    result = _manage("shell", "-c", script, DATABASE_URL=url, STATIC_ROOT=static_root)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    host = tenant.get_primary_domain().domain
    assert seen["plain"] == [301, f"https://{host}/login/"]
    assert seen["status"] == 200
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    assert (
        headers["Referrer-Policy"] == "same-origin"
        and headers["Cross-Origin-Opener-Policy"] == "same-origin"
    )
    assert seen["csrf_cookie"] == {"secure": True, "samesite": "Lax"}


# --- passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password123", "too common"),
        ("8457290316", "entirely numeric"),
        ("mallory.tester", "too similar"),
    ],
)
def test_weak_passwords_are_refused_when_users_are_created(tenant, password, reason):
    from crm.models import User
    from crm.services import user_create

    with pytest.raises(ValidationError) as refused:
        user_create(
            email="mallory.tester@alpha.test",
            password=password,
            role="salesperson",
            first_name="Mallory",
            last_name="Tester",
        )
    assert reason in " ".join(refused.value.messages)
    assert not User.objects.filter(email="mallory.tester@alpha.test").exists()


def test_the_tenant_admin_refuses_a_weak_password_and_keeps_the_input(tenant, dave):
    from crm.models import User

    client = tenant_client(tenant, dave)
    form = {
        "email": "newbie@alpha.test",
        "first_name": "New",
        "last_name": "Bie",
        "role": "salesperson",
        "password1": "12345678",
        "password2": "12345678",
        "usable_password": "true",
    }
    response = client.post("/admin/crm/user/add/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too common." in html and 'value="newbie@alpha.test"' in html
    assert not User.objects.filter(email="newbie@alpha.test").exists()
    form.update(password1=PASSWORD, password2=PASSWORD)
    assert client.post("/admin/crm/user/add/", form).status_code == 302
    assert User.objects.get(email="newbie@alpha.test").check_password(PASSWORD)


# --- login rate limiting beyond tests/crm/test_auth.py
# ------------------------------------------------


@override_settings(LOGIN_RATE_LIMIT=2)
def test_one_address_trying_many_e_mails_is_stopped_in_that_tenant_only(tenant, other_tenant):
    """The per-address limit (5 × LOGIN_RATE_LIMIT failures) stops guessing across accounts; the
    counts live in the tenant's cache keys, so the same address still logs in on another tenant."""
    cache.clear()
    alpha, beta = tenant_client(tenant), tenant_client(other_tenant)
    for n in range(10):
        assert (
            alpha.post(
                "/login/", {"email": f"guess{n}@alpha.test", "password": "wrong"}
            ).status_code
            == 200
        )
    blocked = alpha.post("/login/", {"email": "alice@alpha.test", "password": PASSWORD})
    assert blocked.status_code == 429  # even the right password of an untouched account
    assert (
        beta.post("/login/", {"email": "alice@beta.test", "password": PASSWORD}).status_code == 302
    )
    cache.clear()


@override_settings(LOGIN_RATE_LIMIT=3)
def test_a_successful_login_clears_that_users_failures(tenant):
    cache.clear()
    client = tenant_client(tenant)
    for _ in range(2):
        client.post("/login/", {"email": "carol@alpha.test", "password": "wrong"})
    assert (
        client.post("/login/", {"email": "carol@alpha.test", "password": PASSWORD}).status_code
        == 302
    )
    client.post("/logout/")
    for _ in range(2):  # would be the 3rd and 4th failure without the reset
        assert (
            client.post("/login/", {"email": "carol@alpha.test", "password": "wrong"}).status_code
            == 200
        )
    assert (
        client.post("/login/", {"email": "carol@alpha.test", "password": PASSWORD}).status_code
        == 302
    )
    cache.clear()
