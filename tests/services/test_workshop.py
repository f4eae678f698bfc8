from __future__ import annotations

import pytest

from tests import factories
from training.models import Role
from training.services import cohorts, workshop
from training.services import scorecard as sc
from training.services.recommendations import recommend
from training.services.scorecard import history


def _setup():
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, city_name="Chengdu")
    a, b, c = (factories.member(cohort, name=n, city_name="Chengdu") for n in ("Ann", "Bo", "Chen"))
    assessment = sc.get_or_create_assessment(cohort.city)
    return trainer, cohort, (a, b, c), assessment


def test_each_delegate_keeps_their_own_rating_and_the_spread_shows(db_session):
    trainer, cohort, (a, b, c), assessment = _setup()
    q = sc.get_question("P2.1")
    workshop.save_rating(a, assessment, q, 0, "no risk maps")
    workshop.save_rating(b, assessment, q, 3, "")
    workshop.save_rating(c, assessment, q, "1")
    workshop.save_rating(a, assessment, q, 1, "old maps exist")  # replaces only Ann's own
    data = workshop.build_workshop(cohort, assessment)
    row = next(r for r in data.rows if r.question.id == "P2.1")
    assert sorted(s for _u, s, _c in row.ratings) == [1, 1, 3]
    assert row.counts == [0, 2, 0, 1] and row.median == 1 and row.spread == 2 and row.disagreement
    assert data.rated_by == 3
    with pytest.raises(workshop.InvalidRating):
        workshop.save_rating(a, assessment, q, 5)


def test_only_trainers_admins_and_the_lead_record_the_agreed_score(db_session):
    trainer, cohort, (a, b, _c), assessment = _setup()
    assert workshop.can_record_agreed(trainer, cohort)
    assert not workshop.can_record_agreed(a, cohort)
    workshop.set_lead(cohort, a.id, True)
    assert workshop.can_record_agreed(a, cohort) and not workshop.can_record_agreed(b, cohort)
    assert workshop.can_view_workshop(b, cohort)
    assert not workshop.can_view_workshop(factories.user(city_name="Wuhan"), cohort)
    assert not workshop.can_view_workshop(factories.user(Role.TRAINER), cohort)


def test_agreed_score_is_never_overwritten_silently(db_session):
    trainer, cohort, (a, _b, _c), assessment = _setup()
    q = sc.get_question("P3.2")
    answer = workshop.record_agreed(trainer, assessment, q, 2, "budget line exists", expected_version=0)
    assert answer.agreed and answer.score == 2
    seen = answer.version
    # a delegate's sheet cannot change it
    with pytest.raises(sc.AnswerLocked):
        sc.save_answer(a, assessment, q, {"score": "3"})
    # a second recording based on an old version is refused, and nothing changes
    workshop.record_agreed(trainer, assessment, q, 1, "revised", expected_version=seen)
    with pytest.raises(sc.StaleAnswer) as stale:
        workshop.record_agreed(trainer, assessment, q, 3, "stale form", expected_version=seen)
    assert stale.value.answer.score == 1
    assert sc.get_scorecard(assessment).rows(["P3.2"])[0].answer.agreed_note == "revised"


def test_a_stale_sheet_save_is_refused_with_the_colleagues_answer(db_session):
    _trainer, _cohort, (a, b, _c), assessment = _setup()
    q = sc.get_question("P4.1")
    first = sc.save_answer(a, assessment, q, {"score": "1", "comments": "Ann's view"}, expected_version=0)
    version = first.version
    sc.save_answer(b, assessment, q, {"score": "2", "comments": "Bo's view"}, expected_version=version)
    with pytest.raises(sc.StaleAnswer) as stale:
        sc.save_answer(a, assessment, q, {"score": "0", "comments": "Ann again"}, expected_version=version)
    assert stale.value.answer.comments == "Bo's view"


def test_new_assessment_closes_the_last_one_and_copies_its_answers(db_session):
    trainer, cohort, (a, _b, _c), first = _setup()
    sc.save_answer(a, first, sc.get_question("P1.1"), {"score": 1, "actions": "Write a DRR plan"})
    workshop.record_agreed(trainer, first, sc.get_question("P1.2"), 2, "", expected_version=0)
    second = history.start_new_assessment(trainer, cohort.city)
    assert second.sequence == 2 and second.is_open and not first.is_open
    card = sc.get_scorecard(second)
    p11, p12 = card.rows(["P1.1", "P1.2"])
    assert p11.score == 1 and p11.answer.actions == "Write a DRR plan"
    assert p12.score == 2 and not p12.answer.agreed  # to be agreed anew
    with pytest.raises(sc.AssessmentClosed):
        sc.save_answer(a, first, sc.get_question("P1.1"), {"score": 3})
    sc.save_answer(a, second, sc.get_question("P1.1"), {"score": 3})
    result = history.compare(first, second)
    assert result.totals == (3, 5) and result.count("up") == 1
    trend = history.build_trend(cohort.city)
    assert [p.total for p in trend.points] == [3, 5] and trend.points[1].by_essential[1] == 5


def test_action_plan_sorts(db_session):
    _trainer, cohort, (a, _b, _c), assessment = _setup()
    sc.save_answer(
        a, assessment, sc.get_question("P9.1"), {"score": 1, "actions": "SMS alerts", "timescale": "2026"}
    )
    sc.save_answer(
        a, assessment, sc.get_question("P2.1"), {"score": 2, "actions": "Flood maps", "timescale": "2028"}
    )
    sc.save_answer(a, assessment, sc.get_question("P5.1"), {"score": 3})
    assert [i.question.id for i in history.action_plan(assessment)] == ["P2.1", "P9.1"]
    assert [i.question.id for i in history.action_plan(assessment, "timescale")] == ["P9.1", "P2.1"]
    assert [i.question.id for i in history.action_plan(assessment, "score")] == ["P9.1", "P2.1"]


def test_weakest_essentials_recommend_modules_and_case_studies(db_session):
    _trainer, cohort, (a, _b, _c), assessment = _setup()
    for qid, score in (("P5.1", 0), ("P5.2", 1), ("P3.1", 1), ("P1.1", 3), ("P2.1", 3)):
        sc.save_answer(a, assessment, sc.get_question(qid), {"score": score})
    advice = recommend(sc.get_scorecard(assessment))
    assert [e.essential.number for e in advice.essentials][:2] == [5, 3]
    assert advice.modules[0].slug == "nature-based-solutions"
    assert {q.question.id for q in advice.questions} >= {"P5.1", "P5.2", "P3.1"}
    assert all(set(c.essentials) & {5, 3, 1, 2} for c in advice.case_studies)
    assert recommend(sc.get_scorecard(None)).empty


def test_workshop_view_queries_do_not_grow(db_session, count_queries):
    _trainer, cohort, members, assessment = _setup()
    q = sc.get_question("P1.1")
    db_session.refresh(assessment)  # as a page finds it: loaded, not expired by a commit
    db_session.refresh(cohort)
    with count_queries() as few:
        workshop.build_workshop(cohort, assessment)
    for _ in range(10):
        workshop.save_rating(factories.member(cohort), assessment, q, 2)
    db_session.refresh(assessment)
    db_session.refresh(cohort)
    with count_queries() as many:
        workshop.build_workshop(cohort, assessment)
    assert few.count == many.count
    assert cohorts.is_member(members[0], cohort)
