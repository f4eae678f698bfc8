"""Login throttling: failed logins slow an account or an address down without locking the rightful
user out; registrations and password-reset requests are limited per address."""

import logging
import time

import pytest

from tests import factories
from tests.conftest import CHECK_EMAIL, PASSWORD
from training.extensions import limiter
from training.services import accounts
from training.web import security


@pytest.fixture
def throttled(app, monkeypatch):
    """Throttling on, with small numbers of free failures; counters cleared before and after;
    the throttle's clock in the test's hands (clock[0] is "now")."""
    monkeypatch.setitem(app.config, "LOGIN_THROTTLE", True)
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES_ACCOUNT", 3)
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES_ADDRESS", 5)
    monkeypatch.setitem(app.config, "RESET_REQUEST_LIMIT", "2 per hour")
    clock = [time.time()]
    monkeypatch.setattr(security, "_now", lambda: clock[0])
    limiter.reset()
    yield clock
    limiter.reset()


def _try_login(client, email, password, address="127.0.0.1"):
    return client.post(
        "/auth/login", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def _fail_until(client, clock, email, failures, address="127.0.0.1"):
    """`failures` wrong passwords, waiting out each delay (the attacker who waits)."""
    done = 0
    while done < failures:
        response = _try_login(client, email, "wrong-password-1", address=address)
        if response.status_code == 429:
            clock[0] += int(response.headers["Retry-After"])
            continue
        assert response.status_code == 401
        done += 1


def test_failed_logins_slow_the_account_down_without_locking_it(app, client, db_session, throttled):
    clock = throttled
    user = factories.user()
    _fail_until(client, clock, user.email, 3)
    # The third failure asks for a pause: even the right password waits, from any address…
    blocked = _try_login(client, user.email.upper(), PASSWORD, address="127.0.0.9")
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many failed attempts to log in" in html and "wait 2 seconds" in html
    assert 'role="alert"' in html and 'name="email"' in html  # the login page, with its message
    assert blocked.headers["Retry-After"] == "2"
    with client.session_transaction() as session:
        assert "_user_id" not in session
    # …and each further failure doubles the pause.
    _fail_until(client, clock, user.email, 3)
    assert _try_login(client, user.email, PASSWORD).headers["Retry-After"] == "16"
    # Another account is not affected.
    other = factories.user()
    assert _try_login(client, other.email, PASSWORD, address="127.0.0.9").status_code == 302
    # Once the pause is over the right password works, and clears the account's counter.
    clock[0] += 16
    fresh = app.test_client()
    assert _try_login(fresh, user.email, PASSWORD, address="127.0.0.9").status_code == 302
    assert (
        _try_login(app.test_client(), user.email, "wrong-password-1", address="127.0.0.9").status_code == 401
    )


def test_ten_wrong_passwords_do_not_lock_out_the_rightful_user(app, db_session, monkeypatch, throttled):
    """Finding 7: ten wrong passwords locked the account for 15 minutes even against the right
    password. Now the rightful user's usual browser logs in at once; a browser that never
    logged in to the account waits a minute, not a quarter of an hour."""
    clock = throttled
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES_ACCOUNT", 5)
    monkeypatch.setitem(app.config, "LOGIN_FREE_FAILURES_ADDRESS", 30)
    user = factories.user()
    usual_device = app.test_client()
    assert _try_login(usual_device, user.email, PASSWORD, address="10.0.0.5").status_code == 302
    assert usual_device.get_cookie(security.DEVICE_COOKIE) is not None
    usual_device.post("/auth/logout")
    attacker = app.test_client()
    _fail_until(attacker, clock, user.email, 10, address="203.0.113.66")
    # A browser that does not know the account (the attacker's, or a new phone): a delay.
    new_phone = app.test_client()
    delayed = _try_login(new_phone, user.email, PASSWORD, address="10.0.0.5")
    assert delayed.status_code == 429 and 0 < int(delayed.headers["Retry-After"]) <= 64
    # The usual browser: in at once, from the same address.
    assert _try_login(usual_device, user.email, PASSWORD, address="10.0.0.5").status_code == 302
    # That success cleared the account's counter: the new phone gets in too.
    assert _try_login(new_phone, user.email, PASSWORD, address="10.0.0.5").status_code == 302


def test_a_forged_or_foreign_device_cookie_gives_no_pass(app, db_session, throttled):
    clock = throttled
    user, other = factories.user(), factories.user()
    browser = app.test_client()
    assert _try_login(browser, other.email, PASSWORD).status_code == 302  # knows `other` only
    browser.post("/auth/logout")
    _fail_until(app.test_client(), clock, user.email, 3, address="198.51.100.1")
    assert _try_login(browser, user.email, PASSWORD).status_code == 429
    forged = app.test_client()
    forged.set_cookie(security.DEVICE_COOKIE, browser.get_cookie(security.DEVICE_COOKIE).value + "x")
    assert _try_login(forged, user.email, PASSWORD).status_code == 429


def test_failures_from_one_address_slow_that_address_but_not_known_devices(
    app, client, db_session, throttled
):
    """Finding 7: 100 failures locked out a whole city office behind one address."""
    clock = throttled
    user = factories.user()
    office_pc = app.test_client()
    assert _try_login(office_pc, user.email, PASSWORD).status_code == 302
    office_pc.post("/auth/logout")
    for n in range(5):
        assert _try_login(client, f"ghost{n}@example.org", "wrong-password-1").status_code == 401
    assert _try_login(client, user.email, PASSWORD).status_code == 429  # this address waits…
    assert _try_login(client, user.email, PASSWORD, address="127.0.0.2").status_code == 302  # …not others
    assert _try_login(office_pc, user.email, PASSWORD).status_code == 302  # nor a known device there
    clock[0] += 2
    assert _try_login(app.test_client(), user.email, PASSWORD).status_code == 302  # and only briefly


def test_successful_logins_are_never_throttled(client, db_session, throttled):
    user = factories.user()
    for _ in range(8):
        assert _try_login(client, user.email, PASSWORD).status_code == 302
        client.post("/auth/logout")


def test_registrations_are_limited_per_address(app, db_session, throttled):
    """Finding 7: 30 accounts were opened in 10 seconds from one address."""
    city = factories.city()
    answers = []
    for n in range(30):
        data = {
            "name": f"Registrant {n}",
            "email": f"registrant{n}@example.org",
            "password": "tea-garden-lantern",
            "confirm": "tea-garden-lantern",
            "city": str(city.id),
            "locale": "en",
        }
        answers.append(app.test_client().post("/auth/register", data=data).status_code)
    limit = int(app.config["REGISTER_LIMIT"].split()[0])
    assert answers == [200] * limit + [429] * (30 - limit)  # 200: "check your email"
    refused = app.test_client().post("/auth/register", data={**data, "email": "late@example.org"})
    assert "Too many accounts were opened from this network" in refused.get_data(as_text=True)
    assert accounts.get_user_by_email("late@example.org") is None
    # Another address registers as usual.
    other = app.test_client().post(
        "/auth/register",
        data={**data, "email": "elsewhere@example.org"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert other.status_code == 200 and CHECK_EMAIL in other.get_data(as_text=True)


def test_throttling_counts_only_failures_of_the_login_form(client, db_session, throttled):
    user = factories.user()
    for _ in range(6):  # incomplete forms are not password guesses
        assert client.post("/auth/login", data={"email": user.email}).status_code == 200
    assert _try_login(client, user.email, PASSWORD).status_code == 302


def test_password_reset_requests_are_throttled(app, client, db_session, throttled):
    user = factories.user()
    outbox = app.extensions.setdefault("outbox", [])
    sent = len(outbox)
    for _ in range(2):
        assert client.post("/auth/forgot", data={"email": user.email}).status_code == 302
    response = client.post("/auth/forgot", data={"email": user.email})
    assert response.status_code == 429
    assert "Too many password reset requests" in response.get_data(as_text=True)
    assert len(outbox) == sent + 2


def test_throttle_keys_hold_no_personal_data(app, client, db_session, throttled, caplog):
    user = factories.user()
    with caplog.at_level(logging.DEBUG):
        for _ in range(4):
            _try_login(client, user.email, "wrong-password-1")
    storage = limiter.storage
    keys = " ".join(str(k) for k in getattr(storage, "storage", {}))
    assert keys and user.email not in keys and "127.0.0.1" not in keys
    assert user.email not in caplog.text


def test_pages_skip_the_limiter_and_forms_still_meet_it(app, client, monkeypatch):
    """Every limit is on a form: a page (GET) runs none of the limiter's hooks, a POST all of them
    (the registration and reset limits above are the proof that they still count)."""
    looked_up = []
    identify = limiter.identify_request
    monkeypatch.setattr(limiter, "identify_request", lambda: looked_up.append(1) or identify())
    assert client.get("/learn/").status_code == 200
    assert client.get("/auth/login").status_code == 200
    assert looked_up == []
    client.post("/auth/login", data={"email": "nobody@example.org", "password": "wrong-password-1"})
    assert looked_up
