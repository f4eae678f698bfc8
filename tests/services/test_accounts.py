from __future__ import annotations

import pytest

from tests import factories
from training.models import Role
from training.services import accounts


def test_register_hashes_password_and_refuses_duplicate_email(db_session):
    city = factories.city("Wuhan")
    user = accounts.register_user(
        name="Li Wei", email="Li.Wei@Example.org ", password="a-long-password", city=city, locale="zh"
    )
    assert user.email == "li.wei@example.org"
    assert user.password_hash != "a-long-password" and user.check_password("a-long-password")
    assert user.role == Role.TRAINEE
    with pytest.raises(accounts.EmailTaken):
        accounts.register_user(
            name="Other", email="li.wei@example.org", password="tea-garden-lantern", city=city
        )


def test_authenticate_gives_the_same_answer_for_unknown_email_and_wrong_password(db_session):
    user = factories.user()
    assert accounts.authenticate(user.email, factories.PASSWORD) == user
    assert accounts.authenticate(user.email, "wrong-password") is None
    assert accounts.authenticate("nobody@example.org", "wrong-password") is None


def test_inactive_users_cannot_log_in(db_session):
    user = factories.user(active=False)
    assert accounts.authenticate(user.email, factories.PASSWORD) is None


def test_reset_token_works_once_and_expires(db_session):
    user = factories.user()
    token = accounts.make_reset_token(user, "secret")
    assert accounts.read_reset_token(token, "secret", max_age=3600) == user
    assert accounts.read_reset_token(token, "other-secret", max_age=3600) is None
    assert accounts.read_reset_token(token, "secret", max_age=-1) is None  # expired
    accounts.reset_password(user, "a-brand-new-password")
    assert accounts.read_reset_token(token, "secret", max_age=3600) is None  # used
    assert user.check_password("a-brand-new-password")


def test_set_role_validates(db_session):
    user = factories.user()
    accounts.set_role(user, "trainer")
    assert user.role == "trainer"
    with pytest.raises(accounts.UnknownRole):
        accounts.set_role(user, "emperor")


def test_demo_accounts_are_created_once_and_never_overwritten(db_session):
    first = accounts.ensure_demo_accounts("demo-pass-1234")
    assert sorted(first.created) == sorted(accounts.DEMO_EMAILS.values())
    second = accounts.ensure_demo_accounts("another-password")
    assert second.created == [] and len(second.existing) == 4
    admin = accounts.get_user_by_email("admin@example.org")
    assert admin.role == "admin" and admin.check_password("demo-pass-1234")
