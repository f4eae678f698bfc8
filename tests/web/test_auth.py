from __future__ import annotations

import pytest

from tests import factories
from tests.conftest import CHECK_EMAIL, confirm_registration
from training.services import accounts


def _register(client, **overrides):
    city = factories.city("Chengdu")
    data = {
        "name": "Wang Fang",
        "email": "wang.fang@example.org",
        "password": "a-long-password",
        "confirm": "a-long-password",
        "city": str(city.id),
        "organisation": "Chengdu Water Authority",
        "locale": "zh",
    }
    data.update(overrides)
    return client.post("/auth/register", data=data)


def test_register_opens_the_account_once_the_email_is_confirmed(client):
    response = _register(client)
    assert response.status_code == 200 and CHECK_EMAIL in response.get_data(as_text=True)
    assert accounts.get_user_by_email("wang.fang@example.org") is None  # not before the link
    assert client.get("/learn/my").status_code == 302  # not logged in
    response = confirm_registration(client, "wang.fang@example.org")
    # a new account lands on the guided start
    assert response.status_code == 302 and response.headers["Location"].endswith("/learn/start")
    user = accounts.get_user_by_email("wang.fang@example.org")
    assert user.city.name_en == "Chengdu" and user.organisation == "Chengdu Water Authority"
    assert user.locale == "zh" and user.role == "trainee"
    assert client.get("/learn/my").status_code == 200


def test_register_errors_are_shown_next_to_fields_and_input_is_kept(client):
    response = _register(client, email="not-an-email", confirm="different-password", city="0")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="email-error"' in html and 'id="confirm-error"' in html and 'id="city-error"' in html
    assert 'value="not-an-email"' in html and 'value="Wang Fang"' in html
    assert 'value="a-long-password"' not in html  # passwords are never echoed back
    assert accounts.get_user_by_email("not-an-email") is None


def test_register_with_a_taken_email_answers_like_a_new_one(client):
    factories.user(email="taken@example.org")
    response = _register(client, email="taken@example.org")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and CHECK_EMAIL in html
    assert "already exists" not in html


def test_login_failure_does_not_reveal_whether_the_email_exists(client):
    user = factories.user()
    wrong_password = client.post("/auth/login", data={"email": user.email, "password": "nope-nope-nope"})
    unknown_email = client.post(
        "/auth/login", data={"email": "ghost@example.org", "password": "nope-nope-nope"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    message = "The email or password is not right."
    assert message in wrong_password.get_data(as_text=True) and message in unknown_email.get_data(
        as_text=True
    )


def test_login_starts_a_new_session(client):
    user = factories.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "zh"
    client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session and session["lang"] == "zh"
        assert session["_user_id"].startswith(f"{user.id}:")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/learn/climate-adaptation/", "/learn/climate-adaptation/"),
        ("https://evil.example/", "/learn/my"),
        ("//evil.example/", "/learn/my"),
        ("/\\evil.example", "/learn/my"),
        ("javascript:alert(1)", "/learn/my"),
    ],
)
def test_next_redirects_only_within_the_site(client, target, expected):
    user = factories.user()
    response = client.post(
        f"/auth/login?next={target}", data={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.headers["Location"] == expected


def test_logout_is_a_post_and_ends_the_session(client, login):
    login(factories.user())
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert client.get("/learn/my").status_code == 302


def test_password_reset_by_email(client, app):
    user = factories.user()
    app.extensions["outbox"] = []
    response = client.post("/auth/forgot", data={"email": user.email})
    assert response.status_code == 302
    unknown = client.post("/auth/forgot", data={"email": "ghost@example.org"}, follow_redirects=True)
    assert "If an account uses this email" in unknown.get_data(as_text=True)
    (mail,) = app.extensions["outbox"]
    assert mail["To"] == user.email
    link = next(
        line for line in mail.get_body(("plain",)).get_content().splitlines() if "/auth/reset/" in line
    ).strip()
    path = link[link.index("/auth/reset/") :]
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "brand-new-password", "confirm": "brand-new-password"})
    assert response.status_code == 302
    assert accounts.authenticate(user.email, "brand-new-password") == user
    again = client.get(path)  # a used link does not work twice
    assert again.status_code == 302 and "/auth/forgot" in again.headers["Location"]


def test_changing_the_password_ends_other_sessions(app, client, login):
    user = login(factories.user())
    accounts.reset_password(user, "another-long-password")
    assert client.get("/learn/my").status_code == 302


def test_profile_updates_city_and_language(client, login):
    user = login(factories.user())
    wuhan = factories.city("Wuhan")
    response = client.post(
        "/auth/profile", data={"name": "New Name", "city": str(wuhan.id), "organisation": "", "locale": "zh"}
    )
    assert response.status_code == 302
    assert user.city_id == wuhan.id and user.locale == "zh" and user.name == "New Name"


def test_csrf_is_enforced_on_forms(app, client):
    user = factories.user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 400
        page = client.get("/auth/login").get_data(as_text=True)
        assert 'name="csrf_token"' in page
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
