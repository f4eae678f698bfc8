"""Account security (issue 21): links built from PUBLIC_URL and trusted hosts, sessions that
end, the last administrator, and the development secret key. Answers that do not tell whether an
account exists: test_account_answers.py."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import PASSWORD
from training import create_app
from training.config import Config, TestConfig
from training.extensions import db
from training.models import Role
from training.services import accounts

ROOT = Path(__file__).resolve().parents[2]


def _mail_link(mail, marker: str) -> str:
    return next(
        line for line in mail.get_body(("plain",)).get_content().splitlines() if marker in line
    ).strip()


# --- links from PUBLIC_URL, trusted hosts ------------------------------------------------------


def test_the_reset_link_ignores_the_host_of_the_request(app, client, monkeypatch):
    """Finding 2 (High): `Host: attacker.example` put the attacker's host in the reset email."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://academy.example.gov.cn")
    user = factories.user()
    app.extensions["outbox"] = []
    response = client.post("/auth/forgot", data={"email": user.email}, headers={"Host": "attacker.example"})
    assert response.status_code == 302
    (mail,) = app.extensions["outbox"]
    link = _mail_link(mail, "/auth/reset/")
    assert link.startswith("https://academy.example.gov.cn/auth/reset/")
    assert "attacker.example" not in mail.get_body(("plain",)).get_content()
    # The link works.
    assert client.get(link.removeprefix("https://academy.example.gov.cn")).status_code == 200


def test_a_request_naming_an_untrusted_host_is_refused(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOST_NAMES", ("academy.example.gov.cn",))
    user = factories.user()
    app.extensions["outbox"] = []
    refused = client.post("/auth/forgot", data={"email": user.email}, headers={"Host": "attacker.example"})
    assert refused.status_code == 400 and app.extensions["outbox"] == []
    assert client.get("/learn/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/learn/", headers={"Host": "academy.example.gov.cn"}).status_code == 200
    assert client.get("/learn/", headers={"Host": "academy.example.gov.cn:8443"}).status_code == 200
    # A load balancer's probe names the machine: the health check answers whatever the Host.
    health = client.get("/healthz", headers={"Host": "10.0.3.7:8000"})
    assert health.status_code == 200 and health.json["status"] == "ok"


def test_the_certificate_qr_code_points_at_public_url(app, client, db_session, monkeypatch):
    from tests.web.test_personal_data import _trainee_with_history
    from training.models import Certificate

    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://academy.example.gov.cn")
    user, _cohort, _trainer = _trainee_with_history()
    certificate = db.session.query(Certificate).filter_by(user_id=user.id).one()
    from training.services.certificates import format_code

    code = format_code(certificate.code)
    html = client.get(f"/certificates/{code}", headers={"Host": "attacker.example"}).get_data(as_text=True)
    assert f"https://academy.example.gov.cn/certificates/{code}" in html
    assert "attacker.example" not in html


def test_production_needs_public_url_and_trusts_only_its_host(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        create_app("production")
    monkeypatch.setenv("PUBLIC_URL", "academy.example.gov.cn")  # no scheme
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be an http"):
        create_app("production")
    monkeypatch.setenv("PUBLIC_URL", "https://academy.example.gov.cn/")
    app = create_app("production")
    assert app.config["PUBLIC_URL"] == "https://academy.example.gov.cn"
    assert app.config["TRUSTED_HOST_NAMES"] == ("academy.example.gov.cn",)
    monkeypatch.setenv("TRUSTED_HOSTS", "academy.example.gov.cn, .academy.example.org")
    app = create_app("production")
    assert app.config["TRUSTED_HOST_NAMES"] == ("academy.example.gov.cn", ".academy.example.org")


def test_development_links_default_to_the_local_server(monkeypatch):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORT", "5050")
    from training.config import finish_config

    config = {"ENV_NAME": "development", "PUBLIC_URL": ""}
    finish_config(config)
    assert config["PUBLIC_URL"] == "http://127.0.0.1:5050" and config["TRUSTED_HOST_NAMES"] == ()


def test_links_live_under_a_public_url_with_a_path(app):
    from training.web.public_links import external_url

    with app.app_context():
        app.config["PUBLIC_URL"] = "https://example.gov.cn/academy"
        try:
            assert external_url("auth.login") == "https://example.gov.cn/academy/auth/login"
        finally:
            app.config["PUBLIC_URL"] = TestConfig.PUBLIC_URL


def test_no_link_is_built_from_the_request_host():
    """Every absolute link comes from PUBLIC_URL (training/web/public_links.py)."""
    offenders = []
    for path in (ROOT / "training").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("_external=True", "url_root", "host_url"):
            if needle in text.replace("force_external=True", ""):
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []


# --- sessions that end -------------------------------------------------------------------------


def _log_in_remembered(app, user):
    """A browser logged in with "keep me signed in": (its client, session cookie, remember cookie)."""
    browser = app.test_client()
    response = browser.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    session_cookie = browser.get_cookie("session").value
    remember_cookie = browser.get_cookie("remember_token").value
    return browser, session_cookie, remember_cookie


def _replay(app, name: str, value: str) -> int:
    """The status of My learning for a fresh browser that carries only this saved cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief.get("/learn/my").status_code


def _assert_saved_cookies_work(app, saved):
    _browser, session_cookie, remember_cookie = saved
    assert _replay(app, "session", session_cookie) == 200
    assert _replay(app, "remember_token", remember_cookie) == 200


def _assert_saved_cookies_fail(app, saved):
    _browser, session_cookie, remember_cookie = saved
    assert _replay(app, "session", session_cookie) == 302  # to the login page
    assert _replay(app, "remember_token", remember_cookie) == 302


def test_logout_ends_saved_session_and_remember_cookies(app, db_session):
    """Finding 3: a session or "remember me" cookie saved before logout still worked after it."""
    user = factories.user()
    saved = _log_in_remembered(app, user)
    other_device = _log_in_remembered(app, user)
    _assert_saved_cookies_work(app, saved)
    browser = saved[0]
    assert browser.post("/auth/logout").status_code == 302
    _assert_saved_cookies_fail(app, saved)
    # Logout ends the user's sessions on every device (docs/security-accounts.md).
    assert other_device[0].get("/learn/my").status_code == 302
    # A new login works as before.
    assert _log_in_remembered(app, user)[0].get("/learn/my").status_code == 200


def test_log_out_everywhere_from_the_profile(app, db_session):
    user = factories.user()
    phone = _log_in_remembered(app, user)
    laptop = _log_in_remembered(app, user)
    profile = laptop[0].get("/auth/profile").get_data(as_text=True)
    assert 'action="/auth/profile/logout-everywhere"' in profile and "Log out everywhere" in profile
    response = laptop[0].post("/auth/profile/logout-everywhere", follow_redirects=True)
    assert "You are logged out on every device and browser" in response.get_data(as_text=True)
    assert laptop[0].get("/learn/my").status_code == 302
    _assert_saved_cookies_fail(app, phone)
    assert laptop[0].get("/auth/profile/logout-everywhere").status_code == 405  # a form, not a link


def test_a_password_reset_ends_saved_cookies(app, client, db_session):
    user = factories.user()
    saved = _log_in_remembered(app, user)
    token = accounts.make_reset_token(user, app.config["SECRET_KEY"])
    new = "brand-new-lantern-password"
    assert client.post(f"/auth/reset/{token}", data={"password": new, "confirm": new}).status_code == 302
    _assert_saved_cookies_fail(app, saved)


def test_a_role_change_ends_saved_cookies(app, client, login, db_session):
    target = factories.user(Role.TRAINER)
    saved = _log_in_remembered(app, target)
    _assert_saved_cookies_work(app, saved)
    login(factories.user(Role.ADMIN))
    assert client.post("/admin/users", data={"user_id": target.id, "role": "trainee"}).status_code == 302
    assert target.role == "trainee"
    _assert_saved_cookies_fail(app, saved)


def test_account_deletion_ends_saved_cookies(app, db_session):
    user = factories.user()
    saved = _log_in_remembered(app, user)
    response = saved[0].post("/auth/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    _assert_saved_cookies_fail(app, saved)


# --- the last administrator ---------------------------------------------------------------------


def test_the_last_admin_cannot_lose_the_role(client, login, db_session):
    admin = login(factories.user(Role.ADMIN))
    response = client.post(
        "/admin/users", data={"user_id": admin.id, "role": "trainee"}, follow_redirects=True
    )
    assert "is the only administrator" in response.get_data(as_text=True)
    assert admin.role == "admin"
    with pytest.raises(accounts.LastAdmin):
        accounts.set_role(admin, "editor")
    # With a second administrator the role can go.
    factories.user(Role.ADMIN)
    accounts.set_role(admin, "editor")
    assert admin.role == "editor"


def test_an_inactive_admin_does_not_count(db_session):
    admin = factories.user(Role.ADMIN)
    factories.user(Role.ADMIN, active=False)
    assert accounts.is_last_admin(admin)


# --- the development secret key -----------------------------------------------------------------


def _development_config(tmp_path) -> dict:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(ENV_NAME="development", SECRET_KEY="", INSTANCE_PATH=str(tmp_path / "instance"))
    return config


def test_development_generates_a_key_once_and_keeps_it(tmp_path):
    """Finding 7: `make run` signed sessions with a key written in the source."""
    first = create_app(_development_config(tmp_path))
    second = create_app(_development_config(tmp_path))
    key = first.config["SECRET_KEY"]
    assert len(key) == 64 and second.config["SECRET_KEY"] == key
    path = tmp_path / "instance" / "secret_key"
    assert path.read_text().strip() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other = create_app(_development_config(tmp_path / "elsewhere"))
    assert other.config["SECRET_KEY"] != key  # every checkout its own
    for app in (first, second, other):
        with app.app_context():
            db.engine.dispose()


def test_no_secret_key_is_written_in_the_source():
    assert Config.SECRET_KEY == ""
    source = (ROOT / "training" / "config.py").read_text(encoding="utf-8")
    assert "dev-only-insecure-secret-key" not in source
    assert "DEV_SECRET_KEY" not in source
