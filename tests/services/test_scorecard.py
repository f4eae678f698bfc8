from __future__ import annotations

import pytest

from tests import factories
from training.models import AnswerChange, Role
from training.services import scorecard as sc


def test_a_trainee_sees_only_their_own_city(db_session):
    chengdu, wuhan = factories.city("Chengdu"), factories.city("Wuhan")
    trainee = factories.user(city_name="Chengdu")
    assert sc.can_view_city_scorecard(trainee, chengdu)
    assert not sc.can_view_city_scorecard(trainee, wuhan)
    assert not sc.can_edit_city_scorecard(trainee, wuhan)
    admin = factories.user(Role.ADMIN, city_name=None)
    assert sc.can_view_city_scorecard(admin, wuhan)
    no_city = factories.user(city_name=None)
    assert not sc.can_view_city_scorecard(no_city, chengdu)


def test_scorecard_has_47_questions_and_141_points(db_session):
    card = sc.get_scorecard(None)
    assert card.question_count == 47 and card.max_score == 141
    assert [len(e.questions) for e in card.essentials] == [3, 5, 4, 4, 3, 6, 4, 9, 7, 2]
    assert card.total == 0 and card.unanswered == 47


def test_saving_answers_scores_and_records_who_changed_what(db_session):
    city = factories.city("Chengdu")
    one, two = factories.user(city_name="Chengdu"), factories.user(city_name="Chengdu")
    assessment = sc.get_or_create_assessment(city)
    assert sc.get_or_create_assessment(city).id == assessment.id
    p21, p91 = sc.get_question("P2.1"), sc.get_question("P9.1")
    sc.save_answer(
        one, assessment, p21, {"score": "2", "comments": "Flood maps from 2019", "timescale": "2027"}
    )
    sc.save_answer(two, assessment, p91, {"score": 3, "responsible": "Emergency management bureau"})
    sc.save_answer(
        two, assessment, p21, {"score": "3", "comments": "Flood maps from 2019", "timescale": "2027"}
    )
    card = sc.get_scorecard(assessment)
    assert card.total == 6 and card.answered == 2 and card.unanswered == 45
    e2 = card.essentials[1]
    assert (e2.score, e2.max_score, e2.answered) == (3, 15, 1)
    changes = sc.list_changes(assessment)
    assert [(qid, who) for _c, qid, who in changes][:2] == [("P2.1", two.name), ("P9.1", two.name)]
    latest = changes[0][0]
    assert latest.changes == {"score": [2, 3]}
    assert db_session.query(AnswerChange).count() == 3


def test_saving_the_same_values_records_no_change(db_session):
    city = factories.city("Chengdu")
    user = factories.user(city_name="Chengdu")
    assessment = sc.get_or_create_assessment(city)
    q = sc.get_question("P1.1")
    sc.save_answer(user, assessment, q, {"score": "1"})
    sc.save_answer(user, assessment, q, {"score": "1"})
    assert len(sc.list_changes(assessment)) == 1


@pytest.mark.parametrize(
    "values, field",
    [
        ({"score": "4"}, "score"),
        ({"score": "-1"}, "score"),
        ({"score": "two"}, "score"),
        ({"responsible": "x" * 301}, "responsible"),
    ],
)
def test_bad_values_are_refused_with_the_field_named(db_session, values, field):
    city = factories.city("Chengdu")
    user = factories.user(city_name="Chengdu")
    assessment = sc.get_or_create_assessment(city)
    with pytest.raises(sc.InvalidAnswer) as exc:
        sc.save_answer(user, assessment, sc.get_question("P1.1"), values)
    assert field in exc.value.errors
    assert sc.get_scorecard(assessment).answered == 0


def test_scorecard_loads_in_a_constant_number_of_queries(db_session, count_queries):
    city = factories.city("Chengdu")
    user = factories.user(city_name="Chengdu")
    assessment = sc.get_or_create_assessment(city)
    db_session.refresh(assessment)  # as a page finds it: loaded, not expired by a commit
    with count_queries() as few:
        sc.get_scorecard(assessment)
    for qid in ("P1.1", "P2.1", "P3.1", "P5.2", "P8.4", "P10.2"):
        sc.save_answer(user, assessment, sc.get_question(qid), {"score": "2"})
    db_session.refresh(assessment)
    with count_queries() as many:
        sc.get_scorecard(assessment)
    assert few.count == many.count == 3  # essentials, questions, answers


def test_creating_the_first_assessment_reads_again_when_sqlite_was_locked(db_session, monkeypatch):
    """The workshop page (a GET) may create the city's first assessment; on SQLite its
    transaction did not take the write lock up front, so "database is locked" can answer the
    insert when a colleague wrote first. The service rolls back and tries again."""
    from sqlalchemy.exc import OperationalError

    city = factories.city("Chengdu")
    real_commit, calls = db_session.commit, []

    def commit_locked_once():
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO assessment", {}, Exception("database is locked"))
        real_commit()

    monkeypatch.setattr(db_session, "commit", commit_locked_once)
    assessment = sc.get_or_create_assessment(city)
    assert assessment.city_id == city.id and len(calls) == 2
    assert sc.get_current_assessment(city).id == assessment.id
