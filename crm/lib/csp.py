"""Content-Security-Policy helpers (the policy itself is in crm/settings.py, see SECURITY.md)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def csp_tile_source(tiles_url: str) -> str | None:
    """The CSP source expression that allows the map tiles of a Leaflet URL template.

    ``https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png`` gives ``https://*.tile.openstreetmap.org``
    (a placeholder in the first label of the host becomes CSP's ``*.`` wildcard). A relative URL
    (tiles served by this site) needs no source of its own: None. A placeholder anywhere else in
    the host cannot be expressed as a host source, so the tile URL's scheme is allowed instead.
    """
    parts = urlsplit(tiles_url)
    if not parts.netloc:
        return None
    host, _, port = parts.netloc.rpartition("@")[2].partition(":")
    labels = host.split(".")
    if _PLACEHOLDER.search(labels[0]):
        labels[0] = "*"
    host = ".".join(labels)
    if _PLACEHOLDER.search(host) or _PLACEHOLDER.search(port):
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


# django-tenants' admin templates (admin/index.html, admin/app_list.html, which the admin's side
# bar includes on every page) colour the tenant and public apps with an inline <style> element.
# The policy allows exactly that text by its hash instead of allowing inline styles; after a
# django-tenants upgrade tests/crm/test_security.py names the new hash if the text changed.
ADMIN_STYLE_HASHES = ("'sha256-xoIZjqORk+Zj8UH/m/JWU8HyeppwnSb3aTtst4F7uoI='",)
