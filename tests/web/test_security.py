"""Hardening: headers, CSRF on every state-changing route, login throttling, the password policy,
sessions at login and logout, and personal data (export and deletion)."""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from werkzeug.routing.converters import NumberConverter

from tests import factories
from tests.conftest import CHECK_EMAIL, PASSWORD, register_and_confirm
from tests.services.test_learning import _right
from training.extensions import csrf, db, limiter
from training.models import (
    AnswerChange,
    Certificate,
    CohortMember,
    LessonCompletion,
    QuizAttempt,
    Role,
    User,
)
from training.services import accounts, certificates, cohorts, learning, privacy, quizzes
from training.services import scorecard as sc
from training.web import security

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


# --- login throttling --------------------------------------------------------------------------


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


# --- the password policy -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, reason",
    [
        ("short-one", "short"),
        ("x" * 201, "long"),
        ("password123", "common"),
        ("P@ssw0rd2024!", "common"),
        ("iloveyou2024", "common"),
        ("woaini1314520", "common"),
        ("qwertyuiop", "common"),
        ("1234567890", "common"),
        ("1234567890!!", "common"),
        ("!!0987654321", "common"),
        ("abcabcabcabc", "common"),
        ("qwertyqwerty", "common"),
        ("aaaaaaaaaaaa", "common"),
        ("Shanghai2024!", "common"),
        ("resilientcities2026", "common"),
        ("zhou.xinyi2024", "personal"),
        ("Zhou Xinyi 1990", "personal"),
        ("correct-horse-battery", None),
        ("a-long-password", None),
        ("rivers remember rain 2026", None),
        ("城市韧性培训很有意思啊", None),
    ],
)
def test_password_policy(password, reason):
    assert accounts.password_problem(password, email="zhou.xinyi@example.org", name="Zhou Xinyi") == reason


def test_the_list_of_common_passwords_ships_with_the_code():
    common = accounts._common_passwords()
    assert len(common) >= 300 and "password" in common and "5201314" in common


def test_registration_refuses_a_common_password(client, db_session):
    data = {
        "name": "Chen Jing",
        "email": "chen.jing@example.org",
        "password": "Password2024!",
        "confirm": "Password2024!",
        "city": str(factories.city().id),
        "locale": "en",
    }
    response = client.post("/auth/register", data=data)
    assert response.status_code == 200
    assert "too common or too easy to guess" in response.get_data(as_text=True)
    assert accounts.get_user_by_email("chen.jing@example.org") is None
    ok = register_and_confirm(
        client, {**data, "password": "tea-garden-lantern", "confirm": "tea-garden-lantern"}
    )
    assert ok.status_code == 302 and accounts.get_user_by_email("chen.jing@example.org") is not None


def test_the_services_enforce_the_policy_too(db_session):
    with pytest.raises(accounts.WeakPassword) as exc:
        accounts.register_user(name="A", email="a@example.org", password="qwerty123456", city=None)
    assert exc.value.reason == "common"
    user = factories.user()
    with pytest.raises(accounts.WeakPassword):
        accounts.reset_password(user, "letmein2024")
    assert user.check_password(PASSWORD)


def test_password_reset_refuses_a_common_or_personal_password(app, client, db_session):
    user = factories.user(name="Wang Fang", email="wang.fang@example.org")
    token = accounts.make_reset_token(user, app.config["SECRET_KEY"])
    for weak, message in (("1qaz2wsx3edc", "too common"), ("wang.fang-2024", "your name or email")):
        response = client.post(f"/auth/reset/{token}", data={"password": weak, "confirm": weak})
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert user.check_password(PASSWORD)


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


# --- personal data -----------------------------------------------------------------------------


def _trainee_with_history():
    """A trainee in a cohort with a lesson done, a passed quiz, a certificate and a scorecard answer."""
    trainer = factories.user(Role.TRAINER, name="Trainer Tang")
    module, quiz = factories.adaptation()
    cohort = factories.cohort(trainer)
    user = factories.user(name="Liu Yang", email="liu.yang@example.org", organisation="Water bureau")
    cohorts.add_member(cohort, user)
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(user, lesson)
    questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, user)
    attempt = quizzes.submit_attempt(
        user, quiz, QuizAttempt.FINAL, questions, {q.key: _right(q) for q in questions}
    )
    assert attempt.passed
    assert certificates.issue_if_complete(user, cohort) is not None
    assessment = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, assessment, sc.get_question("P1.1"), {"score": "2", "comments": "Plan adopted 2021"})
    return user, cohort, trainer


def test_a_user_downloads_everything_held_about_them(client, login, db_session):
    user, cohort, _trainer = _trainee_with_history()
    login(user)
    response = client.get("/auth/profile/data.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["email"] == "liu.yang@example.org"
    assert data["profile"]["organisation"] == "Water bureau"
    assert [m["cohort_id"] for m in data["cohort_memberships"]] == [cohort.id]
    assert len(data["lessons_completed"]) == len(learning.list_lessons(factories.adaptation()[0]))
    (attempt,) = data["quiz_attempts"]
    assert attempt["passed"] and attempt["questions"] and all(q["correct"] for q in attempt["questions"])
    assert all(q["your_answer"] is not None for q in attempt["questions"])
    assert data["certificates"][0]["says"]["name"] == "Liu Yang"
    assert data["scorecard_changes"][0]["question"] == "P1.1"
    assert data["scorecard_changes"][0]["changes"]["comments"][1] == "Plan adopted 2021"
    # Rows found through the schema: the answer they last updated.
    assert any(key.startswith("assessment_answer.") for key in data["other_records"])
    # The profile page links to it.
    profile = client.get("/auth/profile").get_data(as_text=True)
    assert "/auth/profile/data.json" in profile and "/auth/profile/delete" in profile


def test_the_export_finds_every_table_that_refers_to_a_user(db_session):
    """A table added later that refers to users is exported without anyone remembering to."""
    referring = {(t.name, c.name) for t, c in privacy._user_columns()}
    assert ("quiz_attempt", "user_id") in referring and ("cohort", "created_by_id") in referring
    trainer = factories.user(Role.TRAINER)
    factories.cohort(trainer)
    data = privacy.export_user_data(trainer)
    assert data["trainer_of_cohorts"] and data["other_records"]["cohort.created_by_id"]
    json.dumps(data)  # plain data


def test_deleting_an_account_anonymises_it_and_keeps_the_statistics(client, login, db_session, caplog):
    user, cohort, _trainer = _trainee_with_history()
    user_id, email = user.id, user.email
    login(user)
    wrong = client.post("/auth/profile/delete", data={"password": "not-my-password", "confirm": "y"})
    assert wrong.status_code == 422 and "This is not your password." in wrong.get_data(as_text=True)
    unticked = client.post("/auth/profile/delete", data={"password": PASSWORD})
    assert unticked.status_code == 422
    assert db.session.get(User, user_id).email == email  # nothing happened yet
    caplog.clear()  # development writes emails (their certificate's) to the log; deletion must not
    with caplog.at_level(logging.INFO):
        response = client.post("/auth/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    gone = db.session.get(User, user_id)
    assert gone.name == privacy.DELETED_NAME and gone.email.endswith("@deleted.invalid")
    assert gone.organisation == "" and gone.city_id is None and not gone.active
    assert not gone.check_password(PASSWORD)
    assert accounts.get_user_by_email(email) is None and accounts.authenticate(email, PASSWORD) is None
    # Logged out, and the old session cannot come back.
    assert client.get("/learn/my").status_code == 302

    # The statistics keep the anonymous rows; the certificate (it carries the name) is withdrawn.
    def count(model):
        return db.session.scalar(select(func.count()).select_from(model).where(model.user_id == user_id))

    assert count(QuizAttempt) == 1 and count(LessonCompletion) > 0 and count(CohortMember) == 1
    assert count(AnswerChange) == 1 and count(Certificate) == 0
    assert user_id in {m.id for m in cohorts.list_members(cohort)}
    # Nothing personal in the logs: the user id only.
    assert email not in caplog.text and "Liu Yang" not in caplog.text
    assert f"account {user_id} deleted" in caplog.text
    # The same email can register again, as a new person.
    again = accounts.register_user(name="Liu Yang", email=email, password="lotus-pond-morning", city=None)
    assert again.id != user_id


def test_the_last_administrator_cannot_delete_their_account(client, login, db_session):
    db.session.execute(sa.update(User).where(User.role == "admin").values(active=False))
    admin = factories.user(Role.ADMIN)
    login(admin)
    page = client.get("/auth/profile/delete")
    assert "only administrator" in page.get_data(as_text=True)
    response = client.post("/auth/profile/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 200 and db.session.get(User, admin.id).active
    with pytest.raises(privacy.LastAdmin):
        privacy.delete_account(admin)
    second = factories.user(Role.ADMIN)
    assert privacy.can_delete_account(admin) and privacy.can_delete_account(second)


@pytest.mark.parametrize("role", ["anonymous", "trainee", "trainer", "editor", "admin"])
@pytest.mark.parametrize("path", ["/auth/profile/data.json", "/auth/profile/delete"])
def test_the_personal_data_pages_need_a_login(client, login, db_session, role, path):
    if role != "anonymous":
        login(factories.user(role))
    response = client.get(path)
    if role == "anonymous":
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    else:
        assert response.status_code == 200


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
