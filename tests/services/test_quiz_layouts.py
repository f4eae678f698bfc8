"""Layouts (issue 13): the stored order and the pool draw of each attempt, and the cohort
statistics computed on attempts that used different orders and different draws."""

from __future__ import annotations

from collections import Counter
from random import Random

from tests import factories
from tests.services.test_evaluation import _cohort
from training.extensions import db
from training.models import QuizAttempt
from training.services import evaluation, quizzes
from training.services.quizzes import layout as quiz_layout

FINAL, PRETEST = QuizAttempt.FINAL, QuizAttempt.PRETEST


def _quiz_with_pool(draw=8):
    _, quiz = factories.adaptation()
    quiz.draw = draw  # 18 questions over 6 lessons, 3 each
    db.session.commit()
    return quiz


def _take(user, quiz, kind, right_keys, wrong_pick=-1):
    """An attempt on the planned layout: keys in `right_keys` right; otherwise the incorrect option
    that is displayed LAST (so the same option id sits at different letters for different people)."""
    layout = quizzes.plan_attempt(user, quiz, kind)
    responses = {}
    for q in layout.questions:
        if q.type == "true_false":
            responses[q.key] = q.body["answer"] if q.key in right_keys else not q.body["answer"]
            continue
        correct = [o["id"] for o in q.body["options"] if o["correct"]]
        if q.key in right_keys:
            responses[q.key] = correct[0] if q.type == "single" else correct
        else:
            wrong = [oid for oid in layout.options[q.key] if oid not in correct]
            responses[q.key] = wrong[wrong_pick] if q.type == "single" else [wrong[wrong_pick]]
    attempt = quizzes.submit_attempt(user, quiz, kind, layout.questions, responses, layout)
    assert isinstance(attempt, QuizAttempt)
    return attempt


def test_a_layout_is_stable_until_submitted_and_then_moves_on(db_session):
    user = factories.user()
    quiz = _quiz_with_pool()
    first = quizzes.plan_attempt(user, quiz, FINAL)
    again = quizzes.plan_attempt(user, quiz, FINAL)
    assert first.as_json() == again.as_json()
    attempt = _take(user, quiz, FINAL, set())
    assert attempt.layout == first.as_json()
    after = quizzes.plan_attempt(user, quiz, FINAL)
    assert after.as_json()["questions"] != first.as_json()["questions"]


def test_draws_are_stratified_and_parallel_to_the_pretest(db_session):
    user = factories.user()
    quiz = _quiz_with_pool()
    quiz.pretest_questions = 4
    db.session.commit()
    pre = _take(user, quiz, PRETEST, set())
    final = quizzes.plan_attempt(user, quiz, FINAL)
    keys = [q.key for q in final.questions]
    assert not set(keys) & set(pre.question_keys)  # 8 of the 8 unseen: a parallel form
    assert len({q.lesson_slug for q in final.questions}) == 6


def test_shuffle_false_keeps_the_file_order(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    question = next(q for q in quizzes.list_questions(quiz, FINAL, user) if q.type == "single")
    question.body = {**question.body, "shuffle": False}
    db.session.commit()
    layout = quizzes.plan_attempt(user, quiz, FINAL)
    assert layout.options[question.key] == [o["id"] for o in question.body["options"]]


def test_allocation_gives_every_stratum_a_question_and_the_rest_by_size():
    rng = Random(1)
    assert quiz_layout._allocate([3, 3, 3, 3], 8, rng) == [2, 2, 2, 2]
    assert sorted(quiz_layout._allocate([6, 2, 2], 5, rng)) == [1, 1, 3]
    assert sum(quiz_layout._allocate([1, 1, 1, 1], 2, rng)) == 2  # fewer than strata: a subset


def test_cohort_statistics_on_attempts_with_different_orders_and_draws(db_session):
    cohort, _, _ = _cohort()
    quiz = _quiz_with_pool()
    quiz.pretest_questions = 4
    db.session.commit()
    members = [factories.member(cohort) for _ in range(5)]
    pres, finals = [], []
    for i, member in enumerate(members):
        pre = quizzes.plan_attempt(member, quiz, PRETEST)  # every pre-test answer "don't know"
        pres.append(quizzes.submit_attempt(member, quiz, PRETEST, pre.questions, {}, pre))
        # member i gets the first i questions of their draw right
        layout = quizzes.plan_attempt(member, quiz, FINAL)
        finals.append(_take(member, quiz, FINAL, {q.key for q in layout.questions[:i]}))
    # different orders and different draws really happened
    assert len({tuple(a.question_keys) for a in finals}) > 1
    assert len({str(a.layout["options"]) for a in finals}) > 1

    report = evaluation.knowledge_gain(cohort)
    row = report.modules[0]
    assert row.n == 5 and row.overlapping == 0
    assert row.mean_pre == 0
    assert abs(row.mean_post - sum(100 * a.correct / a.total for a in finals) / 5) < 1e-9

    items = {item.key: item for item in evaluation.item_analysis(cohort)}
    asked = Counter(k for a in finals for k in a.question_keys)
    right = Counter(k for a in finals for k in a.question_keys if a.results[k])
    assert {k: (i.n, i.correct) for k, i in items.items()} == {k: (asked[k], right[k]) for k in asked}
    # the wrong option chosen most is counted by option id, whatever letter it was shown at
    for key, item in items.items():
        snap = next(a for a in finals if key in a.question_keys).snapshot[key]
        if snap["type"] != "single" or not item.most_wrong:
            continue
        wrong_ids = Counter(a.answers[key] for a in finals if key in a.question_keys and not a.results[key])
        assert item.most_wrong.count == max(wrong_ids.values())
        assert item.most_wrong.option_id in {
            oid for oid, n in wrong_ids.items() if n == item.most_wrong.count
        }
    # the pre-test's blanks are "don't know", reported apart from the final's statistics
    for key, item in items.items():
        assert item.dont_know == sum(key in p.question_keys for p in pres)


def test_pretest_dont_know_is_stored_as_none_and_not_correct(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, PRETEST)
    attempt = quizzes.submit_attempt(user, quiz, PRETEST, layout.questions, {}, layout)
    assert isinstance(attempt, QuizAttempt)
    assert attempt.correct == 0 and set(attempt.answers.values()) == {None}
    assert all(item.dont_know for item in quizzes.review_attempt(attempt, "en"))


def test_the_item_table_reports_pretest_dont_know_apart(db_session):
    from training.services import exports

    cohort, _, _ = _cohort()
    _, quiz = factories.adaptation()
    member = factories.member(cohort)
    pre = quizzes.plan_attempt(member, quiz, PRETEST)
    quizzes.submit_attempt(member, quiz, PRETEST, pre.questions, {}, pre)
    _take(member, quiz, FINAL, set())
    table = exports.item_table(evaluation.item_analysis(cohort), "en")
    assert table.headers[-1] == "Pre-test: don't know"
    by_key = {row[1]: row for row in table.rows}
    for q in pre.questions:  # the final shows every question: each pre-test one is in the table
        assert by_key[q.key][-1] == 1 and by_key[q.key][4] == 1  # n counts the final only


def test_an_attempt_from_before_shuffling_shows_the_file_order(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    attempt = _take(user, quiz, FINAL, set())
    attempt.layout = None  # as the migration leaves older attempts
    db.session.commit()
    for item in quizzes.review_attempt(attempt, "en"):
        if item.options:
            assert [o["id"] for o in item.options] == [o["id"] for o in item.body["options"]]
            assert [o["letter"] for o in item.options] == list("ABCDEF"[: len(item.options)])


def test_a_review_without_the_key_holds_no_key(db_session):
    user = factories.user()
    _, quiz = factories.adaptation()
    attempt = _take(user, quiz, FINAL, set())
    for item in quizzes.review_attempt(attempt, "en", with_key=False):
        assert item.right_answer == "" and item.body["explanation"] == {}
        assert not any(o["correct"] for o in item.options) and "answer" not in item.body
        assert item.your_answer and not item.correct
