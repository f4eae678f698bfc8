"""The programme report picks each trainee's first pre-test and latest final quiz itself (no
ORDER BY in the query): by submission time, then by id — checked on the hand-built programme of
tests/programme_world.py with the figures worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.programme_world import K1, K2, build_world
from training.extensions import db
from training.models import Quiz, QuizAttempt
from training.services.programmes.report import build_report

TODAY = date(2026, 12, 7)


@pytest.fixture
def world(db_session):
    return build_world()


def test_the_first_pre_test_and_latest_final_go_by_time_then_id_not_by_insertion(world):
    """The report picks a trainee's first pre-test and latest final itself (no ORDER BY): an
    earlier pre-test stored later, and two finals at the same moment (the later stored wins)."""
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == world.m1.id))
    g1 = world.users["g1"]  # 0/2 at t0 (2 March 2021, 9:00), 2/2 two days later
    tries = (
        (QuizAttempt.PRETEST, 3, 2, datetime(2021, 3, 1, 9, 0)),  # a day earlier: the first, stored last
        (QuizAttempt.FINAL, 2, 1, datetime(2021, 3, 4, 9, 0)),  # as late as the 2/2 one, stored later: latest
    )
    for kind, number, right, at in tries:
        db.session.add(
            QuizAttempt(user_id=g1.id, quiz_id=quiz.id, kind=kind, number=number, content_version="t",
                        question_keys=[K1, K2], results={K1: right >= 1, K2: right >= 2}, correct=right,
                        total=2, percent=50 * right, passed=right == 2, submitted_at=at)
        )  # fmt: skip
    db.session.commit()
    learning = build_report(world.programme, TODAY).learning
    gamma = next(c.table for c in learning.cities if c.city.name_en == "Gammaport")
    # Gammaport: g1 now 2/2 → 1/2, g2..g5 0/2 → 2/2
    assert fig(gamma.by_module[world.m1.id]) == (5, 20.0, 90.0)
    assert fig(gamma.by_essential[2]) == (5, 20.0, 100.0)  # K1: right in g1's new pre-test and final
    assert fig(gamma.by_essential[8]) == (5, 20.0, 80.0)  # K2: right in g1's new pre-test, not in the final
    m1 = learning.overall.by_module[world.m1.id]
    assert (m1.trainees, m1.mean_pre, m1.mean_post) == (14, pytest.approx(450 / 14), pytest.approx(1250 / 14))


def fig(figure) -> tuple:
    return (figure.trainees, figure.mean_pre, figure.mean_post)
