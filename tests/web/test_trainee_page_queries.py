"""Every page a trainee opens reads a fixed number of queries (issue 20): the same whether the
curriculum has a few modules and lessons or many more, the library a few case studies or many,
and the trainee one quiz attempt or many, or their city a few scorecard answers or all. The
counts are pinned, so that a change that adds a query to a page says so here."""

from __future__ import annotations

from sqlalchemy import insert, select

from tests import factories
from training.models import Assessment, CaseStudy, Lesson, Module, Quiz, QuizAttempt
from training.services import curriculum_cache, learning
from training.services import scorecard as sc

MODULE = "climate-adaptation"

# With the curriculum in memory, as served (CONTENT_CACHE_SECONDS > 0). Each includes loading
# the visitor with their unread notifications' count (one query, training/web/session_user.py).
PINNED = {
    "catalogue": 2,
    "module page": 2,
    "My learning": 8,
    "answer sheet": 4,
    "results": 6,
    "lesson": 2,
}


def _pages(city_id: int, lesson: str) -> dict[str, str]:
    return {
        "catalogue": "/learn/",
        "module page": f"/learn/{MODULE}/",
        "My learning": "/learn/my",
        "answer sheet": f"/scorecard/city/{city_id}/module/{MODULE}",
        "results": f"/scorecard/city/{city_id}/results",
        "lesson": f"/learn/{MODULE}/{lesson}",
    }


def _counts(app, client, count_queries, pages) -> dict[str, int]:
    # A fresh cache, filled by a first request, as a worker's after a sync.
    app.extensions[curriculum_cache.EXTENSION] = curriculum_cache.CurriculumCache(3600)
    counts = {}
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        counts[name] = counter.count
    return counts


def _attempts(db_session, user, n: int, first: int = 1) -> None:
    _module, quiz = factories.adaptation()
    rows = [
        {"user_id": user.id, "quiz_id": quiz.id, "kind": "final", "number": k,
         "content_version": quiz.version, "percent": 50 + k, "passed": False, "correct": 5, "total": 10}
        for k in range(first, first + n)
    ]  # fmt: skip
    db_session.execute(insert(QuizAttempt), rows)
    db_session.commit()


def _grow(db_session, user) -> None:
    """More of everything a trainee's pages list: modules with lessons, lessons in the module
    shown, case studies matching it, quiz attempts and the city's scorecard answers."""
    module, _quiz = factories.adaptation()
    position = max(db_session.scalars(select(Module.position))) + 1
    for m in range(5):
        extra = Module(slug=f"extra-{m}", position=position + m, topic=module.topic, title_en=f"Extra {m}")
        db_session.add(extra)
        db_session.flush()
        db_session.add(Quiz(module_id=extra.id))
        db_session.add_all(
            Lesson(module_id=extra.id, slug=f"l{i}", position=i, title_en=f"L{i}") for i in range(6)
        )
    db_session.add_all(
        Lesson(module_id=module.id, slug=f"more-{i}", position=100 + i, title_en=f"More {i}")
        for i in range(4)
    )
    db_session.add_all(
        CaseStudy(
            slug=f"more-{i}", title_en=f"More {i}", topics=[module.topic], essentials=list(module.essentials)
        )
        for i in range(12)
    )
    db_session.commit()
    _attempts(db_session, user, 8, first=2)
    for lesson in learning.list_lessons(module)[:3]:
        learning.record_lesson_done(user, lesson)
    assessment = sc.get_or_create_assessment(user.city)
    for row in sc.get_scorecard(assessment).rows()[:20]:
        sc.save_answer(user, assessment, row.question, {"score": "2", "comments": "grown"})


def test_trainee_pages_read_a_pinned_number_of_queries_whatever_the_data(
    app, client, db_session, login, count_queries
):
    original = app.extensions[curriculum_cache.EXTENSION]
    try:
        user = login(factories.user(city_name="Chengdu"))
        module, _quiz = factories.adaptation()
        pages = _pages(user.city_id, learning.list_lessons(module)[0].slug)
        # One of each to begin with (a page with none may rightly skip a query): a lesson done,
        # a quiz attempt, a scorecard answer.
        learning.record_lesson_done(user, learning.list_lessons(module)[0])
        _attempts(db_session, user, 1)
        sc.save_answer(user, sc.get_or_create_assessment(user.city), sc.get_question("P2.1"), {"score": "1"})
        few = _counts(app, client, count_queries, pages)
        _grow(db_session, user)
        many = _counts(app, client, count_queries, pages)
    finally:
        app.extensions[curriculum_cache.EXTENSION] = original
    assert few == many, (few, many)
    assert few == PINNED, few


def test_the_module_sheet_reads_only_its_questions_in_the_cards_order(db_session):
    user = factories.user(city_name="Chengdu")
    module, _quiz = factories.adaptation()
    assessment = sc.get_or_create_assessment(user.city)
    ids = list(reversed(module.scorecard_questions))
    sc.save_answer(user, assessment, sc.get_question(ids[0]), {"score": "3"})
    expected = sc.get_scorecard(assessment).rows(ids)
    got = sc.get_question_rows(assessment, ids)
    assert [(r.question.id, r.answer.id if r.answer else None) for r in got] == [
        (r.question.id, r.answer.id if r.answer else None) for r in expected
    ]
    assert [r.question.id for r in sc.get_question_rows(None, ids)] == [r.question.id for r in expected]
    assert sc.get_question_rows(assessment, []) == []


def test_the_module_sheet_reads_the_current_assessment_and_only_its_answers_to_those_questions(db_session):
    user = factories.user(city_name="Chengdu")
    module, _quiz = factories.adaptation()
    ids = list(reversed(module.scorecard_questions))
    assessment, rows, _memo = sc.get_current_question_rows(user.city, ids)
    assert assessment is None and [r.answer for r in rows] == [None] * len(ids)  # none begun yet
    first = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, first, sc.get_question(ids[0]), {"score": "1"})
    first.status = Assessment.CLOSED
    second = Assessment(city_id=user.city.id, sequence=first.sequence + 1)
    db_session.add(second)
    db_session.flush()
    assessment, rows, _memo = sc.get_current_question_rows(user.city, ids)
    assert assessment is second and all(r.answer is None for r in rows)  # the old one's not shown
    sc.save_answer(user, second, sc.get_question(ids[1]), {"score": "3"})
    other = next(q for q in sc.get_scorecard(second).rows() if q.question.id not in ids)
    sc.save_answer(user, second, other.question, {"score": "2"})  # not on this sheet
    assessment, rows, _memo = sc.get_current_question_rows(user.city, ids)
    expected = sc.get_scorecard(second).rows(ids)
    assert assessment is second
    assert [(r.question.id, r.score) for r in rows] == [(r.question.id, r.score) for r in expected]
    assert [r.score for r in rows if r.answer is not None] == [3]
    assert sc.get_current_question_rows(user.city, [])[1] == []
