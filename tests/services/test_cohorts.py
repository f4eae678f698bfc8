from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from tests import factories
from tests.services.test_learning import _right
from training.models import CohortMember, Role, User
from training.models.base import utcnow
from training.services import cohorts, learning, quizzes
from training.services import scorecard as sc
from training.services.progress_matrix import build_cohort_matrix, sort_and_filter


def test_create_cohort_with_code_trainers_and_modules(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer)
    assert len(cohort.join_code) == cohorts.CODE_LENGTH and cohort.joining_open
    assert set(cohort.join_code) <= set(cohorts.CODE_ALPHABET)
    assert [u.id for u in cohorts.list_trainers(cohort)] == [trainer.id]
    assert [m.slug for m in cohorts.list_modules(cohort)] == ["climate-adaptation"]


def test_only_its_trainers_and_admins_manage_a_cohort(db_session):
    cohort = factories.cohort()
    other_trainer = factories.user(Role.TRAINER)
    assert not cohorts.can_manage_cohort(other_trainer, cohort)
    assert cohorts.can_manage_cohort(factories.user(Role.ADMIN), cohort)
    trainee = factories.member(cohort)
    assert not cohorts.can_manage_cohort(trainee, cohort)
    assert cohorts.list_cohorts_for(other_trainer) == []


def test_join_with_code_twice_and_closed(db_session):
    cohort = factories.cohort()
    trainee = factories.user()
    joined = cohorts.join_cohort(trainee, cohort.join_code.lower()[:4] + "-" + cohort.join_code[4:])
    assert joined.id == cohort.id and cohorts.is_member(trainee, cohort)
    assert cohorts.join_cohort(trainee, cohort.join_code).id == cohort.id
    assert len(cohorts.list_members(cohort)) == 1
    cohorts.set_joining(cohort, False)
    with pytest.raises(cohorts.JoinRefused) as refused:
        cohorts.join_cohort(factories.user(), cohort.join_code)
    assert refused.value.reason == "closed"
    with pytest.raises(cohorts.JoinRefused) as unknown:
        cohorts.join_cohort(factories.user(), "NOPE-NOPE")
    assert unknown.value.reason == "unknown"


def test_trainers_of_a_citys_cohort_see_its_scorecard(db_session):
    trainer = factories.user(Role.TRAINER, city_name="Wuhan")
    chengdu = factories.city("Chengdu")
    assert not sc.can_view_city_scorecard(trainer, chengdu)
    factories.cohort(trainer, city_name="Chengdu")
    assert sc.can_view_city_scorecard(trainer, chengdu)
    assert not sc.can_view_city_scorecard(trainer, factories.city("Shenzhen"))


def test_assigned_modules_come_first(db_session):
    module, _ = factories.adaptation()
    cohort = factories.cohort()
    trainee = factories.member(cohort)
    assert cohorts.assigned_module_ids(trainee) == [module.id]


def test_matrix_shows_progress_and_flags_inactive(db_session):
    cohort = factories.cohort()
    module, quiz = factories.adaptation()
    active, idle = factories.member(cohort, name="Active"), factories.member(cohort, name="Idle")
    idle.created_at = utcnow() - timedelta(days=30)
    db_session.commit()
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(active, lesson)
    questions = quizzes.list_questions(quiz, "final", active)
    quizzes.submit_attempt(active, quiz, "final", questions, {q.key: _right(q) for q in questions})
    matrix = build_cohort_matrix(cohort)
    rows = {r.user.name: r for r in matrix.rows}
    cell = rows["Active"].cells[0]
    assert cell.complete and cell.best_percent == 100 and cell.heat == 4
    assert rows["Idle"].inactive and not rows["Active"].inactive
    assert matrix.totals[0].completed == 1 and matrix.inactive_count == 1
    assert [r.user.name for r in sort_and_filter(matrix, "progress")] == ["Active", "Idle"]
    assert [r.user.name for r in sort_and_filter(matrix, only="inactive")] == ["Idle"]


def _bulk_members(cohort, n: int) -> None:
    from training.extensions import db

    start = db.session.query(User).count()
    hashed = factories.user().password_hash
    db.session.execute(
        insert(User),
        [
            {
                "name": f"Bulk {start + i}",
                "email": f"bulk{start + i}@example.org",
                "password_hash": hashed,
                "role": "trainee",
                "locale": "en",
                "session_version": 1,
            }
            for i in range(n)
        ],
    )
    ids = [u.id for u in db.session.query(User).filter(User.email.like("bulk%")).all()]
    db.session.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": i} for i in ids])
    db.session.commit()


def test_matrix_queries_do_not_grow_with_the_cohort(db_session, count_queries):
    small, large = factories.cohort(name="small"), factories.cohort(name="large")
    _bulk_members(small, 10)
    _bulk_members(large, 500)
    with count_queries() as few:
        assert len(build_cohort_matrix(small).rows) >= 10
    with count_queries() as many:
        assert len(build_cohort_matrix(large).rows) >= 500
    assert few.count == many.count
