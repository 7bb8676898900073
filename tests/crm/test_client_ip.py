"""The address the login limiter counts, with and without reverse proxies in front."""

import pytest
from django.test import RequestFactory

from crm.views import _client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no proxy configured: the header is ignored (forgeable)
        (1, "203.0.113.9", "203.0.113.9"),  # one proxy: the address it saw
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a forged left part is ignored
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # shorter than the proxy chain: not trusted
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXIES = proxies
    meta = {"REMOTE_ADDR": "10.0.0.2"}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert _client_ip(RequestFactory().get("/login/", **meta)) == expected


def test_behind_a_proxy_the_address_limit_counts_each_client(tenant, client_for, settings):
    """Two clients behind one proxy: the one guessing is stopped, the other still logs in."""
    settings.TRUSTED_PROXIES = 1
    settings.LOGIN_RATE_LIMIT = 2  # the per-address limit is five times this
    client = client_for(None)
    for i in range(11):
        client.post(
            "/login/",
            {"email": f"nobody{i}@alpha.test", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
        )
    refused = client.post(
        "/login/",
        {"email": "alice@alpha.test", "password": "Test-pass-2026!"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert refused.status_code == 429
    other = client_for(None).post(
        "/login/",
        {"email": "alice@alpha.test", "password": "Test-pass-2026!"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.77",
    )
    assert other.status_code == 302
