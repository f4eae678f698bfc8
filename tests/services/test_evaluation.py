"""Cohort evaluation: knowledge gain from pre-test to final quiz, item analysis of the final quiz,
and the promise that both read a fixed number of queries."""

from __future__ import annotations

import statistics

import pytest

from tests import factories
from training.models import Question, QuizAttempt, Role
from training.services import cohorts, evaluation, quizzes

FINAL, PRETEST = QuizAttempt.FINAL, QuizAttempt.PRETEST


def _answer(q, right: bool, pick: int = 0):
    """The right answer, or wrong answer number `pick`: an incorrect option, or the wrong boolean."""
    if q.type == "true_false":
        return q.body["answer"] if right else not q.body["answer"]
    ids = [o["id"] for o in q.body["options"] if o["correct"] == right]
    if q.type == "single":
        return ids[0] if right else ids[pick]
    return ids if right else [ids[pick]]


def _submit(user, quiz, kind, questions, right, picks=None):
    """A real graded attempt: the questions whose key is in `right` answered right, the rest wrong."""
    picks = picks or {}
    responses = {q.key: _answer(q, q.key in right, picks.get(q.key, 0)) for q in questions}
    attempt = quizzes.submit_attempt(user, quiz, kind, questions, responses)
    assert isinstance(attempt, QuizAttempt)
    return attempt


def _cohort():
    trainer = factories.user(Role.TRAINER, city_name="Chengdu")  # assigned to Chengdu
    module, quiz = factories.adaptation()
    values = cohorts.CohortValues(
        name="Chengdu workshop",
        city=factories.city(),
        starts_on=None,
        ends_on=None,
        module_ids=[module.id],
        trainer_ids=[trainer.id],
    )
    return cohorts.create_cohort(trainer, values), module, quiz


def _trainee(cohort):
    user = factories.user()
    assert cohorts.add_member(cohort, user)
    return user


def _keys(questions):
    return {q.key for q in questions}


# --- knowledge gain ------------------------------------------------------------------------


def test_gain_per_module_and_per_essential_from_pretest_to_latest_final(db_session):
    cohort, module, quiz = _cohort()
    questions = quizzes.list_questions(quiz, FINAL, factories.user())
    e2 = [q for q in questions if q.essential == 2]
    other = [q for q in questions if q.essential != 2]
    n, n2 = len(questions), len(e2)  # 12 and 5 in the current quiz
    assert n2 >= 3 and len(other) >= 2
    # A fixed pre-test (the app draws one per trainee) so the numbers can be worked out by hand:
    # two Essential 2 questions and two others.
    pretest = [e2[0], e2[1], other[0], other[1]]

    t1, t2, t3 = _trainee(cohort), _trainee(cohort), _trainee(cohort)
    _submit(t1, quiz, PRETEST, pretest, _keys([e2[0], other[0]]))  # 50 %, Essential 2: 1 of 2
    _submit(t1, quiz, FINAL, questions, set())  # 0 %, superseded by the next attempt
    _submit(t1, quiz, FINAL, questions, _keys(questions))  # latest: 100 %, E2 100 %
    _submit(t2, quiz, PRETEST, pretest, set())  # 0 %, E2 0 %
    _submit(t2, quiz, FINAL, questions, _keys(e2[:3]))  # 3 of n, E2 3 of n2
    _submit(t3, quiz, PRETEST, pretest, _keys(pretest))  # 100 %, E2 100 %
    _submit(t3, quiz, FINAL, questions, _keys(questions) - {e2[0].key})  # n-1 of n, E2 n2-1 of n2
    # Left out: a member without a pre-test, a member without a final, someone outside the cohort.
    no_pretest, no_final, outsider = _trainee(cohort), _trainee(cohort), factories.user()
    _submit(no_pretest, quiz, FINAL, questions, _keys(questions))
    _submit(no_final, quiz, PRETEST, pretest, set())
    _submit(outsider, quiz, PRETEST, pretest, set())
    _submit(outsider, quiz, FINAL, questions, set())

    report = evaluation.knowledge_gain(cohort)

    pre, post = [50, 0, 100], [100, 100 * 3 / n, 100 * (n - 1) / n]
    row = report.modules[0]
    assert row.module == module and (row.n, row.trainees) == (3, 3)
    assert row.mean_pre == pytest.approx(sum(pre) / 3)  # 50
    assert row.mean_post == pytest.approx(sum(post) / 3)  # 72.2 for 12 questions
    assert row.mean_gain == pytest.approx(sum(post) / 3 - 50)
    assert row.normalised_gain == pytest.approx((sum(post) / 3 - 50) / 50)  # 0.44
    assert report.overall.n == 3 and report.overall.mean_post == pytest.approx(row.mean_post)

    e2_post = [100, 100 * 3 / n2, 100 * (n2 - 1) / n2]
    essential = report.essentials[1]
    assert essential.essential == 2 and (essential.n, essential.trainees) == (3, 3)
    assert essential.mean_pre == pytest.approx((50 + 0 + 100) / 3)
    assert essential.mean_post == pytest.approx(sum(e2_post) / 3)  # 80 for 5 questions
    assert essential.normalised_gain == pytest.approx((sum(e2_post) / 3 - 50) / 50)  # 0.6
    assert [r.essential for r in report.essentials] == list(range(1, 11))
    # Essentials never asked in a pre-test (though maybe in the finals) have no one to count.
    for unasked in set(range(1, 11)) - {q.essential for q in pretest}:
        assert report.essentials[unasked - 1].n == 0 and report.essentials[unasked - 1].mean_pre is None


def test_gain_is_empty_without_trainees_and_g_is_none_with_a_perfect_pretest(db_session):
    cohort, _module, quiz = _cohort()
    report = evaluation.knowledge_gain(cohort)
    assert report.modules[0].n == 0 and report.overall.mean_pre is None
    assert report.overall.normalised_gain is None

    questions = quizzes.list_questions(quiz, FINAL, factories.user())
    trainee = _trainee(cohort)
    _submit(trainee, quiz, PRETEST, questions[:4], _keys(questions))
    _submit(trainee, quiz, FINAL, questions, set())
    row = evaluation.knowledge_gain(cohort).modules[0]
    assert (row.n, row.mean_pre, row.mean_post, row.mean_gain) == (1, 100, 0, -100)
    assert row.normalised_gain is None


def test_gain_chart_places_pre_and_post_bars_in_a_100_box():
    def row(pre, post):
        return evaluation.GainRow(1, 1, pre, post, None, None)

    chart = evaluation.gain_chart([row(40.0, 90.0), row(None, None)], ["Adaptation", "Finance"])
    assert [(b.series, b.group) for b in chart.bars] == [("pre", 0), ("post", 0)]
    pre, post = chart.bars
    assert (pre.x, pre.width, pre.y, pre.height) == pytest.approx((7.5, 17.5, 60, 40))
    assert (post.x, post.y, post.height) == pytest.approx((25, 10, 90))
    assert [(label.x, label.text) for label in chart.labels] == [(25, "Adaptation"), (75, "Finance")]
    assert evaluation.gain_chart([], []).bars == []
    with pytest.raises(ValueError):
        evaluation.gain_chart([row(1, 2)], [])


# --- item analysis -------------------------------------------------------------------------

# Six trainees (rows) answer five chosen questions right (1) or wrong (0); every other question
# is answered right by all. Columns: S, H, G single choice; M multiple; N true/false.
MATRIX = {
    "S": [1, 1, 1, 0, 0, 0],  # discriminates: the stronger trainees get it
    "H": [1, 0, 0, 0, 0, 0],  # too hard
    "N": [0, 0, 1, 1, 1, 1],  # the weaker trainees get it: does not discriminate
    "M": [1, 1, 1, 0, 1, 0],
    "G": [1, 1, 0, 1, 0, 0],
}


def test_item_analysis_facility_discrimination_wrong_answers_and_flags(db_session):
    cohort, module, quiz = _cohort()
    questions = quizzes.list_questions(quiz, FINAL, factories.user())
    singles = [q for q in questions if q.type == "single"]
    chosen = {
        "S": singles[0],
        "H": singles[1],
        "G": singles[2],
        "M": next(q for q in questions if q.type == "multiple"),
        "N": next(q for q in questions if q.type == "true_false"),
    }
    # S is answered wrong by trainees 4, 5, 6 with the first, second, second incorrect option.
    s_picks = [0, 0, 0, 0, 1, 1]
    trainees = [_trainee(cohort) for _ in range(6)]
    for i, trainee in enumerate(trainees):
        wrong = {q.key for name, q in chosen.items() if not MATRIX[name][i]}
        _submit(trainee, quiz, FINAL, questions, _keys(questions) - wrong, {chosen["S"].key: s_picks[i]})
    _submit(trainees[0], quiz, FINAL, questions, set())  # a retake: only first attempts count
    _submit(factories.user(), quiz, FINAL, questions, set())  # not a member
    db_session.get(Question, chosen["H"].id).active = False  # retired since: still analysed
    db_session.flush()

    items = evaluation.item_analysis(cohort)

    assert [i.key for i in items] == [q.key for q in questions]
    by_key = {i.key: i for i in items}
    totals = [sum(MATRIX[name][t] for name in MATRIX) for t in range(6)]  # other questions are constant
    for name, q in chosen.items():
        item = by_key[q.key]
        marks = MATRIX[name]
        rest = [total - mark for total, mark in zip(totals, marks)]
        assert (item.n, item.correct, item.facility) == (6, sum(marks), pytest.approx(sum(marks) / 6))
        assert item.discrimination == pytest.approx(statistics.correlation(marks, rest)), name
        assert (item.module_slug, item.essential, item.type) == (module.slug, q.essential, q.type)
        assert (item.text_en, item.text_zh) == (q.body["text"]["en"], q.body["text"]["zh"])

    assert by_key[chosen["S"].key].flags == ()
    assert by_key[chosen["S"].key].discrimination > 0.5
    assert by_key[chosen["H"].key].flags == (evaluation.TOO_HARD,)
    assert by_key[chosen["N"].key].flags == (evaluation.NOT_DISCRIMINATING,)
    easy = by_key[next(q.key for q in questions if q not in chosen.values())]
    assert (easy.facility, easy.discrimination, easy.flags) == (1, None, (evaluation.TOO_EASY,))
    assert easy.most_wrong is None

    s_body = chosen["S"].body
    second_wrong = [o for o in s_body["options"] if not o["correct"]][1]
    s_wrong = by_key[chosen["S"].key].most_wrong
    assert (s_wrong.option_id, s_wrong.count, s_wrong.value) == (second_wrong["id"], 2, None)
    assert (s_wrong.text_en, s_wrong.text_zh) == (second_wrong["text"]["en"], second_wrong["text"]["zh"])
    n_wrong = by_key[chosen["N"].key].most_wrong
    assert (n_wrong.value, n_wrong.count, n_wrong.option_id) == (not chosen["N"].body["answer"], 2, None)
    m_wrong = by_key[chosen["M"].key].most_wrong
    m_first_wrong = [o["id"] for o in chosen["M"].body["options"] if not o["correct"]][0]
    assert (m_wrong.option_id, m_wrong.count) == (m_first_wrong, 2)


def test_items_with_fewer_than_five_answers_are_only_flagged_few_answers(db_session):
    cohort, _module, quiz = _cohort()
    questions = quizzes.list_questions(quiz, FINAL, factories.user())
    for right in (_keys(questions), _keys(questions[:3])):
        _submit(_trainee(cohort), quiz, FINAL, questions, right)
    items = evaluation.item_analysis(cohort)
    assert len(items) == len(questions)
    assert {i.flags for i in items} == {(evaluation.FEW_ANSWERS,)}
    assert {i.discrimination for i in items} == {None}
    assert items[0].facility == 1 and items[-1].facility == 0.5


# --- queries -------------------------------------------------------------------------------


def _take_both(cohort, quiz, questions, count):
    for i in range(count):
        trainee = _trainee(cohort)
        drawn = quizzes.list_questions(quiz, PRETEST, trainee)
        _submit(trainee, quiz, PRETEST, drawn, _keys(drawn[: i % 3]))
        _submit(trainee, quiz, FINAL, questions, _keys(questions[: i % 7 + 3]))


def test_both_reports_read_the_same_two_queries_for_3_and_for_30_trainees(db_session, count_queries):
    cohort, _module, quiz = _cohort()
    questions = quizzes.list_questions(quiz, FINAL, factories.user())
    counts = []
    for added in (3, 27):
        _take_both(cohort, quiz, questions, added)
        assert cohort.id  # load the cohort row before counting
        with count_queries() as gain:
            report = evaluation.knowledge_gain(cohort)
        with count_queries() as items:
            analysis = evaluation.item_analysis(cohort)
        assert analysis[0].n == report.modules[0].n == report.overall.n
        counts.append((report.modules[0].n, gain.count, items.count))
    assert counts == [(3, 2, 2), (30, 2, 2)]
