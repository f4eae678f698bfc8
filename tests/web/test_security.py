"""Hardening: headers, CSRF on every state-changing route, sessions at login and logout, the 503
page. Login throttling, the password policy and personal data have files of their own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.routing.converters import NumberConverter

from tests import factories
from tests.conftest import PASSWORD
from tests.web.test_login_throttling import _try_login
from training.extensions import csrf, db
from training.models import (
    Role,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


# --- headers ---------------------------------------------------------------------------------


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_every_page_carries_the_security_headers(client):
    response = client.get("/learn/")
    csp = _csp(response)
    assert csp["script-src"] == "script-src 'self'"  # external files only: no inline, no eval
    assert "unsafe" not in csp["default-src"] + csp["script-src"] + csp["style-src-elem"]
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    # Plain HTTP outside production: no HSTS (a browser would ignore it anyway).
    assert "Strict-Transport-Security" not in response.headers
    # Error pages and static files too.
    assert "Content-Security-Policy" in client.get("/no-such-page").headers
    static = client.get("/static/css/academy.css")
    assert static.headers["X-Content-Type-Options"] == "nosniff"
    static.close()


def test_hsts_over_https_and_in_production(app, client, monkeypatch):
    https = client.get("/learn/", base_url="https://academy.example.org")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    assert "Strict-Transport-Security" in client.get("/learn/").headers


def test_pages_with_personal_data_are_not_cached(client, login, db_session):
    assert "no-store" not in client.get("/learn/").headers.get("Cache-Control", "")
    login(factories.user())
    assert client.get("/learn/my").headers["Cache-Control"] == "no-store"


def test_templates_need_no_inline_script_so_the_policy_holds():
    """CSP refuses inline scripts and event handlers: no template may rely on them."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script\b[^>]*>", text):
            if "src=" not in match.group(0):
                offenders.append(f"{path.name}: inline <script>")
        if re.search(
            r"<[^>]*\son(?:click|change|submit|input|load|error|focus|blur|key\w+|mouse\w+)\s*=", text
        ):
            offenders.append(f"{path.name}: event handler attribute")
        if re.search(r"<style\b", text):
            offenders.append(f"{path.name}: <style> element (style-src-elem is 'self')")
        if "javascript:" in text:
            offenders.append(f"{path.name}: javascript: URL")
    assert offenders == []


# --- CSRF on every state-changing route ----------------------------------------------------------


def _sample_value(converter):
    """A value the URL converter accepts: the route matches, so only CSRF can refuse it."""
    if getattr(converter, "items", None):  # any(...)
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, NumberConverter) else "x"


def _state_changing_routes(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            values = {name: _sample_value(rule._converters[name]) for name in rule.arguments}
            url = app.url_map.bind("localhost").build(rule.endpoint, values, method=method)
            yield rule.endpoint, method, url


def _fingerprint() -> dict[str, int]:
    """Rows in every table: a request refused for CSRF changes none."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client, login, monkeypatch):
    routes = list(_state_changing_routes(app))
    endpoints = {endpoint for endpoint, _m, _u in routes}
    # The enumeration really sees the forms that matter (and whatever is added later).
    assert {"auth.login", "auth.logout", "auth.register", "quizzes.take", "learn.mark_done"} <= endpoints
    assert {"scorecard.essential", "cohorts.create", "cohorts.join", "auth.delete_account"} <= endpoints
    admin = login(factories.user(Role.ADMIN))  # the most powerful session: nothing may get through
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = _fingerprint()
    refused = []
    # The unsubscribe link of an email is exempt by design (RFC 8058: a mail client posts to it
    # in one click, without a session); its signed token is the proof, and a forged one changes
    # nothing (test_only_the_health_check_is_exempt_from_csrf).
    routes = [route for route in routes if route[0] != "notifications.unsubscribe"]
    for endpoint, method, url in routes:
        for data in ({}, {"csrf_token": "forged"}):
            response = client.open(url, method=method, data={"name": "x", **data})
            if response.status_code == 400 and "session has expired" in response.get_data(as_text=True):
                refused.append((endpoint, method))
            else:
                pytest.fail(f"{method} {url} ({endpoint}) answered {response.status_code} without a token")
    assert len(refused) == 2 * len(routes)
    assert _fingerprint() == before
    # Still logged in: the refused logout did not log out either.
    assert client.get("/learn/my").status_code == 200
    assert admin.active


def test_only_the_health_check_is_exempt_from_csrf(app, client, db_session):
    """And the unsubscribe link of emails (one click, RFC 8058), whose signed token is the proof."""
    exempt = {name.rsplit(".", 1)[-1] for name in csrf._exempt_views}
    assert exempt <= {"healthz", "unsubscribe"}
    assert app.url_map._rules_by_endpoint["main.healthz"][0].methods <= {"GET", "HEAD", "OPTIONS"}
    before = _fingerprint()
    assert (
        client.post("/notifications/unsubscribe/WyJhQGIuY28iLCJzZXNzaW9uX3JlbWluZGVyIl0.forged").status_code
        == 404
    )
    assert _fingerprint() == before


# --- sessions --------------------------------------------------------------------------------


def test_login_starts_a_new_session_and_logout_clears_it(client, db_session):
    user = factories.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before login"
        session["lang"] = "zh"
    assert _try_login(client, user.email, PASSWORD).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session  # nothing from before the login survives…
        assert session["lang"] == "zh"  # …but the language choice
        assert session["_user_id"] == user.get_id()
    client.post("/auth/logout")
    with client.session_transaction() as session:
        assert set(session.keys()) <= {"lang", "_flashes"}
    assert client.get("/learn/my").status_code == 302  # back to the login page


def test_session_cookie_flags(app, client, db_session):
    user = factories.user()
    response = _try_login(client, user.email, PASSWORD)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- the 503 page ------------------------------------------------------------------------------


def test_an_unreachable_database_gives_a_clear_503(tmp_path):
    from training import create_app
    from training.config import TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/missing-dir/academy.sqlite3"
    broken = create_app(config)
    client = broken.test_client()
    for language, lang_attribute in (("en", 'lang="en"'), ("zh", 'lang="zh-Hans"')):
        response = client.get("/learn/", headers={"Accept-Language": language})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        html = response.get_data(as_text=True)
        assert lang_attribute in html and "Traceback" not in html  # the page in the reader's language
        assert "<h1>" in html and "/auth/login" in html  # the site's own page, not a bare error
    assert "cannot reach its database" in client.get("/learn/").get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["status"] == "error"
    with broken.app_context():
        db.engine.dispose()
