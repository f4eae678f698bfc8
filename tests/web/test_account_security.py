"""Account security (issue 21): links built from PUBLIC_URL and trusted hosts, sessions that
end, answers that do not tell whether an account exists, the last administrator, and the
development secret key."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from werkzeug import security as werkzeug_security

from tests import factories
from tests.conftest import PASSWORD, register_and_confirm
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


# --- answers that do not tell whether an account exists ---------------------------------------


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hashes computed (the slow part whose absence timing would show)."""
    calls = []
    real = werkzeug_security.generate_password_hash

    def counting(password, *args, **kwargs):
        calls.append(1)
        return real(password, *args, **kwargs)

    monkeypatch.setattr(accounts, "generate_password_hash", counting)
    return calls


def _registration(email: str) -> dict:
    return {
        "name": "Zhao Lei",
        "email": email,
        "password": "tea-garden-lantern",
        "confirm": "tea-garden-lantern",
        "city": str(factories.city().id),
        "locale": "en",
    }


def test_registration_answers_alike_for_a_new_and_a_taken_email(app, db_session, hashes):
    """Finding 7: registration said "An account with this email already exists". Now the same
    page, status and work (one password hash) either way; the email tells the rest."""
    owner = factories.user(email="owner@example.org", name="Owner Name", locale="zh")
    app.extensions["outbox"] = []
    new = app.test_client().post("/auth/register", data=_registration("newcomer@example.org"))
    assert len(hashes) == 1
    taken = app.test_client().post("/auth/register", data=_registration("OWNER@example.org"))
    assert len(hashes) == 2  # the password was hashed here too
    assert new.status_code == taken.status_code == 200
    new_page = _without_csrf(new.get_data(as_text=True)).replace("newcomer@example.org", "EMAIL")
    taken_page = _without_csrf(taken.get_data(as_text=True)).replace("owner@example.org", "EMAIL")
    assert new_page == taken_page and "Check your email" in new_page and "EMAIL" in new_page
    assert accounts.get_user_by_email("newcomer@example.org") is None  # not until confirmed
    assert owner.check_password(PASSWORD) and owner.name == "Owner Name"  # nothing changed
    confirmation, notice = app.extensions["outbox"]
    assert confirmation["To"] == "newcomer@example.org" and notice["To"] == "owner@example.org"
    link = _mail_link(confirmation, "/auth/confirm/")
    assert link.startswith(app.config["PUBLIC_URL"] + "/auth/confirm/")
    # Each email in its recipient's language: the owner reads Chinese.
    assert "有人尝试用此邮箱地址在韧性城市学院开通新账户" in notice.get_body(("plain",)).get_content()
    assert notice["Subject"] == "您的账户 — 韧性城市学院"
    assert _mail_link(notice, "/auth/forgot").startswith(app.config["PUBLIC_URL"])


def _confirmation_path(app) -> str:
    (mail,) = [
        m for m in app.extensions["outbox"] if "/auth/confirm/" in m.get_body(("plain",)).get_content()
    ]
    return _mail_link(mail, "/auth/confirm/").removeprefix(app.config["PUBLIC_URL"])


def test_the_confirmation_link_creates_the_account_only_when_its_button_is_pressed(app, db_session):
    from training.web.security import DEVICE_COOKIE

    app.extensions["outbox"] = []
    browser = app.test_client()
    target = "/learn/climate-adaptation/"
    assert (
        browser.post(f"/auth/register?next={target}", data=_registration("fresh@example.org")).status_code
        == 200
    )
    path = _confirmation_path(app)
    # A mail scanner that follows the link creates nothing.
    page = app.test_client().get(path)
    assert page.status_code == 200 and "Create my account" in page.get_data(as_text=True)
    assert accounts.get_user_by_email("fresh@example.org") is None
    created = browser.post(path)
    assert created.status_code == 302 and created.headers["Location"].endswith(target)
    user = accounts.get_user_by_email("fresh@example.org")
    assert user.name == "Zhao Lei" and user.check_password("tea-garden-lantern")
    assert browser.get("/learn/my").status_code == 200  # logged in
    assert browser.get_cookie(DEVICE_COOKIE) is not None  # and the browser is a known device
    # The link opens one account: used again, it says so.
    again = app.test_client().get(path).get_data(as_text=True)
    assert "This account already exists" in again and "/auth/login" in again


def test_an_expired_or_altered_confirmation_link_is_refused(app, db_session, monkeypatch):
    import time

    from itsdangerous import TimestampSigner

    day = app.config["REGISTRATION_CONFIRM_MAX_AGE"]
    registration, _owner = accounts.prepare_registration(
        name="Late Comer", email="late@example.org", password="tea-garden-lantern", city=None,
        organisation="", locale="en",
    )  # fmt: skip
    fresh = accounts.make_registration_token(registration, app.config["SECRET_KEY"])
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - day - 60)
    expired = accounts.make_registration_token(registration, app.config["SECRET_KEY"])
    monkeypatch.undo()
    tampered = fresh[:-3] + ("AAA" if not fresh.endswith("AAA") else "BBB")
    foreign = accounts.make_reset_token(factories.user(), app.config["SECRET_KEY"])  # another salt
    for token in (expired, tampered, foreign, "nonsense"):
        browser = app.test_client()
        for answer in (browser.get(f"/auth/confirm/{token}"), browser.post(f"/auth/confirm/{token}")):
            html = answer.get_data(as_text=True)
            assert answer.status_code == 400 and "This link does not work" in html
            assert 'href="/auth/register"' in html
    assert accounts.get_user_by_email("late@example.org") is None
    assert app.test_client().get(f"/auth/confirm/{fresh}").status_code == 200


def test_registering_from_ones_own_invitation_needs_no_second_email(app, db_session):
    """The invitation email proved the address: the invited person registering with that very
    address from the invitation's link is in at once; any other address confirms as usual."""
    from training.services import cohort_invitations

    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    issued = cohort_invitations.invite(cohort, "invited@example.org", trainer)
    here = f"/cohorts/invitations/{issued.token}"
    app.extensions["outbox"] = []
    other = app.test_client().post(
        f"/auth/register?next={here}", data=_registration("someone.else@example.org")
    )
    assert other.status_code == 200 and "Check your email" in other.get_data(as_text=True)
    assert accounts.get_user_by_email("someone.else@example.org") is None
    browser = app.test_client()
    invited = browser.post(f"/auth/register?next={here}", data=_registration("Invited@example.org"))
    assert invited.status_code == 302 and invited.headers["Location"].endswith(here)
    assert accounts.get_user_by_email("invited@example.org") is not None
    assert "Accept" in browser.get(here).get_data(as_text=True)
    assert [m["To"] for m in app.extensions["outbox"]] == ["someone.else@example.org"]


def _without_csrf(html: str) -> str:
    return re.sub(
        r'name="csrf_token" value="[^"]*"', "", re.sub(r'name="csrf-token" content="[^"]*"', "", html)
    )


def test_forgot_password_answers_alike_for_known_and_unknown_emails(app, db_session, monkeypatch):
    user = factories.user()
    tokens = []
    real = accounts.make_reset_token
    monkeypatch.setattr(accounts, "make_reset_token", lambda u, key: tokens.append(u) or real(u, key))
    app.extensions["outbox"] = []
    known = app.test_client().post("/auth/forgot", data={"email": user.email}, follow_redirects=True)
    unknown = app.test_client().post(
        "/auth/forgot", data={"email": "ghost@example.org"}, follow_redirects=True
    )
    assert known.status_code == unknown.status_code == 200
    # The same page, but for each browser's own CSRF token.
    assert _without_csrf(known.get_data(as_text=True)) == _without_csrf(unknown.get_data(as_text=True))
    assert len(tokens) == 2  # the same work: a token (and an email body) either way…
    assert [m["To"] for m in app.extensions["outbox"]] == [user.email]  # …sent to an account only


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


def test_mail_goes_out_after_the_response(app, db_session, monkeypatch):
    """With a mail server, the reset email is sent once the response is out: the SMTP round
    trips do not show in the answer's timing (which would tell a known email from another)."""
    import smtplib

    sent = []

    class FakeSMTP:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def send_message(self, message):
            sent.append(message["To"])

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    user = factories.user()
    response = app.test_client().post("/auth/forgot", data={"email": user.email}, buffered=False)
    assert response.status_code == 302 and sent == []  # the answer is ready, nothing sent yet
    response.close()  # the server has sent the response
    assert sent == [user.email]


def test_registering_makes_the_browser_a_known_device(app, db_session):
    from training.web.security import DEVICE_COOKIE

    browser = app.test_client()
    response = register_and_confirm(browser, _registration("fresh@example.org"))
    assert response.status_code == 302
    assert browser.get_cookie(DEVICE_COOKIE) is not None


def test_in_development_the_confirmation_link_is_in_the_log_and_the_page_says_so(
    app, db_session, caplog, monkeypatch
):
    app.extensions["outbox"] = []
    with caplog.at_level("WARNING"):
        page = app.test_client().post("/auth/register", data=_registration("dev@example.org"))
    assert "Development: no mail server is set" in page.get_data(as_text=True)
    path = _confirmation_path(app)
    assert app.config["PUBLIC_URL"] + path in caplog.text  # whole, not wrapped by the mail encoding
    monkeypatch.setitem(app.config, "ENV_NAME", "production")  # production never logs an email
    page = app.test_client().post("/auth/register", data=_registration("prod@example.org"))
    assert "Development: no mail server" not in page.get_data(as_text=True)
