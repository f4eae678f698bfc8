"""The password policy: common, short and personal passwords are refused at registration, at a
password reset and in the services."""

import pytest

from tests import factories
from tests.conftest import PASSWORD, register_and_confirm
from training.services import accounts


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
