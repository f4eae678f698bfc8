"""Upgrading an existing install keeps the access cohorts vouched for, and nothing more."""

from __future__ import annotations

from datetime import datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.conftest import _make_database
from training import create_app
from training.config import TestConfig
from training.extensions import db

BEFORE = "a7c0ffee0001"


def _insert(table: str, **values) -> None:
    columns = ", ".join(f'"{k}"' for k in values)
    params = ", ".join(f":{k}" for k in values)
    db.session.execute(text(f'INSERT INTO "{table}" ({columns}) VALUES ({params})'), values)


def _user(user_id: int, role: str, city_id: int | None) -> None:
    _insert(
        "user", id=user_id, email=f"u{user_id}@example.org", name=f"User {user_id}", password_hash="x",
        role=role, city_id=city_id, organisation="", locale="en", active=True, session_version=1,
        created_at=datetime(2026, 1, 1),
    )  # fmt: skip


def test_cohort_members_and_trainers_keep_their_city_a_bare_profile_city_gets_nothing(tmp_path_factory):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=_make_database("membership_migration", tmp_path_factory))
    app = create_app(config)
    with app.app_context():
        try:
            upgrade(revision=BEFORE)
            for city_id, name in ((1, "Chengdu"), (2, "Wuhan")):
                _insert("city", id=city_id, name_en=name, name_zh=name, province_en="", province_zh="",
                        country_en="China", country_zh="中国")  # fmt: skip
            _user(1, "trainer", None)  # trains a Chengdu cohort
            _user(2, "trainee", 1)  # in two Chengdu cohorts
            _user(3, "trainee", 2)  # declares Wuhan, in no cohort
            _user(4, "admin", None)  # co-trains: admins need no assignment
            for cohort_id, code in ((1, "AAAA2222"), (2, "BBBB3333")):
                _insert("cohort", id=cohort_id, name=f"Cohort {cohort_id}", city_id=1, join_code=code,
                        joining_open=True, inactive_days=7, created_by_id=1,
                        created_at=datetime(2026, 2, cohort_id))  # fmt: skip
                _insert("cohort_member", id=cohort_id, cohort_id=cohort_id, user_id=2,
                        joined_at=datetime(2026, 3, cohort_id), is_lead=False)  # fmt: skip
            _insert("cohort_trainer", id=1, cohort_id=1, user_id=1)
            _insert("cohort_trainer", id=2, cohort_id=2, user_id=1)
            _insert("cohort_trainer", id=3, cohort_id=2, user_id=4)
            db.session.commit()

            upgrade()

            members = db.session.execute(
                text("SELECT user_id, city_id, how, cohort_id, granted_by_id FROM city_membership")
            ).all()
            assert [tuple(m) for m in members] == [(2, 1, "cohort", 1, 1)]
            trainers = db.session.execute(text("SELECT user_id, city_id, how FROM trainer_city")).all()
            assert [tuple(t) for t in trainers] == [(1, 1, "cohort")]
            db.session.rollback()

            downgrade(revision=BEFORE)
        finally:
            db.session.remove()
            db.engine.dispose()
