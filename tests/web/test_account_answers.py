"""Registration and password reset answer alike for a known and an unknown email (in what they say,
in their timing, in the mail that goes out after the response), and the confirmation link."""

from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug import security as werkzeug_security

from tests import factories
from tests.conftest import PASSWORD, register_and_confirm, without_csrf_tokens
from tests.web.test_account_security import _mail_link
from training.models import Role
from training.services import accounts

ROOT = Path(__file__).resolve().parents[2]


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
    new_page = without_csrf_tokens(new.get_data(as_text=True)).replace("newcomer@example.org", "EMAIL")
    taken_page = without_csrf_tokens(taken.get_data(as_text=True)).replace("owner@example.org", "EMAIL")
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
    known_page, unknown_page = known.get_data(as_text=True), unknown.get_data(as_text=True)
    assert without_csrf_tokens(known_page) == without_csrf_tokens(unknown_page)
    assert len(tokens) == 2  # the same work: a token (and an email body) either way…
    assert [m["To"] for m in app.extensions["outbox"]] == [user.email]  # …sent to an account only


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
