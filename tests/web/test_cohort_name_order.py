"""The cohort's progress table, its Members list and the attendance lists name people in the
reader's order: by pinyin in Chinese (found by the trainer review: by code point)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests import factories
from training.extensions import db
from training.models import Role
from training.services import cohort_sessions

# Code point order: 刘 U+5218, 张 U+5F20, 李 U+674E, 王 U+738B, 陈 U+9648.
BY_PINYIN = ["陈静", "李明", "刘洋", "王芳", "张伟"]
BY_CODE_POINT = ["刘洋", "张伟", "李明", "王芳", "陈静"]


@pytest.fixture
def cohort_of_five(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    for name in ("王芳", "张伟", "陈静", "刘洋", "李明"):
        factories.member(cohort, name=name)
    return trainer, cohort


def _order(html: str, names: list[str]) -> list[str]:
    return sorted(names, key=html.index)


def _reader(trainer, locale: str) -> None:
    trainer.locale = locale
    db.session.commit()


@pytest.mark.parametrize("locale, expected", [("zh", BY_PINYIN), ("en", BY_CODE_POINT)])
def test_the_progress_table_and_members_list(client, login, cohort_of_five, locale, expected):
    trainer, cohort = cohort_of_five
    _reader(trainer, locale)
    login(trainer)
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    members = html[html.index('class="members"') :]
    assert _order(table, BY_PINYIN) == expected
    assert _order(members, BY_PINYIN) == expected
    # Sorted by progress (all at 0%), ties by name in the same order.
    html = client.get(f"/cohorts/{cohort.id}/?sort=progress").get_data(as_text=True)
    assert _order(html[html.index("<tbody>") : html.index("</tbody>")], BY_PINYIN) == expected


def test_the_attendance_list_in_chinese(client, login, cohort_of_five):
    trainer, cohort = cohort_of_five
    cohort_sessions.add_session(cohort, cohort_sessions.SessionValues("开班", date(2026, 3, 2)))
    _reader(trainer, "zh")
    login(trainer)
    html = client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    labels = re.findall(r'name="present" value="\d+"\s*> ([^<]+)</label>', html)
    assert labels == BY_PINYIN
