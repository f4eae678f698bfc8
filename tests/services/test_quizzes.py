from __future__ import annotations

import pytest

from tests import factories
from tests.services.test_learning import _right
from training.content.question_types import QUESTION_TYPES, get_question_type
from training.models import QuizAttempt
from training.services import quizzes

FINAL, PRETEST = QuizAttempt.FINAL, QuizAttempt.PRETEST


def _wrong(q):
    if q.type == "true_false":
        return not q.body["answer"]
    wrong = [o["id"] for o in q.body["options"] if not o["correct"]]
    return wrong[0] if q.type == "single" else wrong[:1]


def test_registry_has_the_three_types_and_grades_them():
    assert set(QUESTION_TYPES) >= {"single", "multiple", "true_false"}
    body = {
        "options": [{"id": "a", "correct": True}, {"id": "b", "correct": False}, {"id": "c", "correct": True}]
    }
    multiple = get_question_type("multiple")
    assert (
        multiple.grade(body, ["a", "c"])
        and not multiple.grade(body, ["a"])
        and not multiple.grade(body, ["a", "b", "c"])
    )
    assert multiple.parse_response(["c", "a", "zzz"], body) == ["a", "c"]
    single = get_question_type("single")
    body1 = {"options": [{"id": "a", "correct": False}, {"id": "b", "correct": True}]}
    assert (
        single.grade(body1, "b")
        and not single.grade(body1, "a")
        and single.parse_response(["nope"], body1) is None
    )
    tf = get_question_type("true_false")
    assert tf.grade({"answer": False}, False) and tf.parse_response(["true"], {}) is True
    assert tf.summarise({}, True, "zh") == "正确"


def test_unanswered_questions_are_named_and_nothing_is_stored(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    questions = quizzes.list_questions(quiz, FINAL, user)
    responses = {q.key: _right(q) for q in questions}
    responses[questions[2].key] = None
    result = quizzes.submit_attempt(user, quiz, FINAL, questions, responses)
    assert isinstance(result, quizzes.Unanswered)
    assert result.missing == [questions[2].key]
    assert result.responses[questions[0].key] == responses[questions[0].key]
    assert quizzes.get_status(user, quiz).attempts_used == 0


def test_score_pass_mark_and_stored_attempt(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    questions = quizzes.list_questions(quiz, FINAL, user)
    wrong_count = len(questions) - (len(questions) * quiz.pass_mark // 100)  # just under the mark
    responses = {q.key: (_wrong(q) if i < wrong_count else _right(q)) for i, q in enumerate(questions)}
    attempt = quizzes.submit_attempt(user, quiz, FINAL, questions, responses)
    assert attempt.correct == len(questions) - wrong_count
    assert attempt.percent == round(100 * attempt.correct / len(questions))
    assert attempt.passed is (attempt.percent >= quiz.pass_mark)
    assert not attempt.passed
    assert attempt.question_keys == [q.key for q in questions]
    assert attempt.content_version == quiz.version
    assert attempt.snapshot[questions[0].key]["body"]["text"]["en"]
    review = quizzes.review_attempt(attempt, "en")
    assert [item.correct for item in review][:wrong_count] == [False] * wrong_count
    assert review[0].right_answer and review[0].your_answer


def test_retakes_stop_at_the_maximum(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    assert quiz.max_attempts >= 1
    questions = quizzes.list_questions(quiz, FINAL, user)
    responses = {q.key: _wrong(q) for q in questions}
    for number in range(1, quiz.max_attempts + 1):
        attempt = quizzes.submit_attempt(user, quiz, FINAL, questions, responses)
        assert attempt.number == number
    status = quizzes.get_status(user, quiz)
    assert status.attempts_left == 0 and not status.can_attempt
    with pytest.raises(quizzes.NoAttemptsLeft):
        quizzes.submit_attempt(user, quiz, FINAL, questions, responses)


def test_pretest_is_a_stable_subset_stored_apart_and_taken_once(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    drawn = quizzes.list_questions(quiz, PRETEST, user)
    assert len(drawn) == quiz.pretest_questions
    assert [q.key for q in quizzes.list_questions(quiz, PRETEST, user)] == [q.key for q in drawn]
    attempt = quizzes.submit_attempt(user, quiz, PRETEST, drawn, {q.key: _right(q) for q in drawn})
    assert attempt.kind == PRETEST and attempt.passed is False  # a pre-test never "passes"
    status = quizzes.get_status(user, quiz)
    assert status.attempts_used == 0 and status.pretest_taken and not status.pretest_available
    with pytest.raises(quizzes.PretestClosed):
        quizzes.submit_attempt(user, quiz, PRETEST, drawn, {q.key: _right(q) for q in drawn})


def test_an_attempt_is_only_visible_to_its_owner(db_session):
    owner, other = factories.user(), factories.user()
    _, quiz = factories.adaptation()
    questions = quizzes.list_questions(quiz, FINAL, owner)
    attempt = quizzes.submit_attempt(owner, quiz, FINAL, questions, {q.key: _right(q) for q in questions})
    assert quizzes.get_attempt(owner, attempt.id) == attempt
    assert quizzes.get_attempt(other, attempt.id) is None


def test_status_and_done_lessons_in_one_query_agree_with_each_read_alone(db_session, count_queries):
    """The module page's one query: the same standing as get_status (attempts, grants, the
    pre-test), and the module's active lessons the trainee has done — not another trainee's,
    not another module's."""
    from training.services import learning, library

    user, other = factories.user(), factories.user()
    module, quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    learning.record_lesson_done(user, lessons[0])
    learning.record_lesson_done(user, lessons[2])
    learning.record_lesson_done(other, lessons[1])
    questions = quizzes.list_questions(quiz, FINAL, user)
    quizzes.submit_attempt(user, quiz, FINAL, questions, {q.key: _right(q) for q in questions})
    db_session.flush()
    ids = (user.id, quiz.id, module.id)  # read (a commit expired them) before counting
    with count_queries() as counter:
        status, done, revision = quizzes.get_status_and_done(user, quiz, module.id)
    assert counter.count == 1, (ids, counter.statements)
    assert revision == library.get_case_studies_revision() > 0  # the sync wrote case studies
    alone = quizzes.get_status(user, quiz)
    fields = ("attempts_used", "best_percent", "passed", "pretest_taken", "granted")
    assert [getattr(status, f) for f in fields] == [getattr(alone, f) for f in fields]
    assert status.attempts_used == 1 and status.best_percent == 100 and status.passed
    assert done == {lessons[0].id, lessons[2].id}
    status, done, _revision = quizzes.get_status_and_done(other, quiz, module.id)
    assert done == {lessons[1].id} and status.attempts_used == 0 and status.best_percent is None
    assert quizzes.get_status_and_done(user, quiz, module.id + 10_000)[1] == set()
