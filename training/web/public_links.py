"""Links that leave the site — in an email, in a QR code — built from PUBLIC_URL.

Never from the request: a request's Host header is whatever the sender wrote, and a reset link
built from it (`Host: attacker.example`) hands the token to the attacker. Flask's SERVER_NAME
would also do it, but it changes routing (requests for any other host name answer 404, the
health check of a load balancer included), so the URL map is bound to PUBLIC_URL here, for these
links only; pages and redirects keep their relative links.

PUBLIC_URL may carry a path when the site lives under one (`https://example.org/academy`):
links are built under it, as if the site were mounted there.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of `endpoint` (a full name, e.g. "auth.reset_password") under
    PUBLIC_URL; works in a request and outside one (a command, a job)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    parts = urlsplit(app.config["PUBLIC_URL"])
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
