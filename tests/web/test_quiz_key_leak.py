"""The answer key is not in the page source (QA review of issue 13).

Option ids do not move when a key is rebalanced (stored attempts reference them), so in the quiz
files the correct option's id is still `a` for most single-choice questions. A form that posted
option ids, or a page that carried them in an attribute, let a trainee pass by "view source, pick
a". The form posts the letter displayed next to an option in this attempt instead, and no quiz
page carries option ids; a bot that hunts for them scores like a guesser. A trainer who grants an
extra attempt after the key was shown is warned when the pool cannot draw different questions,
and the retake prefers questions whose key the trainee has not been shown.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from tests import factories
from tests.services.test_learning import _right
from tests.web.test_quiz_guessing import QuizForm, _modules, bots_that_score_too_well
from training.extensions import db
from training.models import Question, Quiz, QuizAttempt, Role
from training.services import quizzes

TRAINEES = 8
SLUG = "climate-adaptation"
FINAL = f"/quizzes/{SLUG}/final"
MOST_COMMON_KEY_ID = "a"


def _wrong(q):
    if q.type == "true_false":
        return not q.body["answer"]
    return next(o["id"] for o in q.body["options"] if not o["correct"])


def _option_ids(quiz: Quiz) -> set[str]:
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id))
    return {o["id"] for q in questions for o in q.body.get("options", [])}


def _source_bot(html: str) -> dict[str, str]:
    """Reads the page source: for each question, the input that an option id `a` points to (by
    its value or a data-option attribute next to it), else the first option ("False" for
    true/false)."""
    answers = {}
    for block in re.split(r"(?=<fieldset )", html)[1:]:
        name = re.search(r'name="(q-[^"]+)"', block)
        if not name:
            continue
        values = [v for v in re.findall(r'<input[^>]*\bvalue="([^"]*)"', block) if v != "dont-know"]
        marked = re.findall(r'data-option="([^"]*)"', block)
        if MOST_COMMON_KEY_ID in values:
            answers[name[1]] = MOST_COMMON_KEY_ID
        elif MOST_COMMON_KEY_ID in marked and len(marked) == len(values):
            answers[name[1]] = values[marked.index(MOST_COMMON_KEY_ID)]
        else:
            answers[name[1]] = "false" if values == ["true", "false"] else values[0]
    return answers


def test_a_view_source_bot_fails_every_module_quiz(client, login):
    trainees = [factories.user(name=f"Source bot {i}") for i in range(TRAINEES)]
    failures = bots_that_score_too_well(client, login, trainees, lambda html, form: _source_bot(html))
    assert failures == []


def test_an_option_id_posted_to_the_form_is_not_an_answer(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, "final")
    data = {f"q-{q.key}": _right(q) for q in layout.questions if q.body.get("options")}
    data.update(
        {
            f"q-{q.key}": "true" if _right(q) else "false"
            for q in layout.questions
            if not q.body.get("options")
        }
    )
    response = client.post(FINAL, data=data)
    assert response.status_code == 422  # the choice questions count as unanswered
    assert quizzes.get_status(user, quiz).attempts_used == 0


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.values += [(tag, name, value or "") for name, value in attrs]


def _attributes_holding(html: str, ids: set[str]) -> list[tuple[str, str, str]]:
    parser = _Attributes()
    parser.feed(html)
    return [(tag, name, value) for tag, name, value in parser.values if value in ids]


def test_no_quiz_form_or_failed_attempt_page_carries_an_option_id(client, login):
    login(factories.user())
    for module in _modules():
        quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
        ids = _option_ids(quiz)
        for kind in ("pretest", "final"):
            html = client.get(f"/quizzes/{module.slug}/{kind}").get_data(as_text=True)
            assert 'name="q-' in html
            assert _attributes_holding(html, ids) == [], (module.slug, kind)
        # a failed attempt with attempts left: its result page
        html = client.get(f"/quizzes/{module.slug}/final").get_data(as_text=True)
        form = QuizForm()
        form.feed(html)
        data = {**form.hidden, **{name: q["values"][-1] for name, q in form.questions.items()}}
        response = client.post(f"/quizzes/{module.slug}/final", data=data)
        assert response.status_code == 302
        attempt = db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))
        if attempt.passed:  # the key may be shown after a pass
            continue
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Not passed yet." in page
        assert _attributes_holding(page, ids) == [], module.slug


# --- an extra attempt after the key was shown --------------------------------------------


def _fail_every_attempt(user, quiz):
    for _ in range(quiz.max_attempts):
        questions = quizzes.list_questions(quiz, "final", user)
        quizzes.submit_attempt(user, quiz, "final", questions, {q.key: _wrong(q) for q in questions})


WARNING_EN = "has been shown the correct answers of this quiz"
WARNING_ZH = "已看过本测验的正确答案"


def test_the_grant_form_warns_when_the_retake_would_ask_questions_whose_key_was_shown(client, login):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer)
    trainee = factories.member(cohort)
    _, quiz = factories.adaptation()
    assert (quiz.reveal or "pass_or_last") == "pass_or_last" and not quiz.draw  # every question, every time
    url = f"/quizzes/{SLUG}/grant/{trainee.id}"
    login(trainer)
    assert WARNING_EN not in client.get(url).get_data(as_text=True)  # nothing shown yet

    _fail_every_attempt(trainee, quiz)
    overlap = quizzes.retake_overlap(trainee, quiz)
    total = len(quizzes.list_questions(quiz, "final", trainee))
    assert (overlap.revealed, overlap.total) == (total, total)
    page = client.get(url).get_data(as_text=True)
    assert WARNING_EN in page and f"{total} of the {total} questions" in page
    trainer.locale = "zh"  # the same page for a trainer who reads Chinese
    db.session.commit()
    assert WARNING_ZH in client.get(url).get_data(as_text=True)

    # the grant itself still goes through; the warning is for the trainer to weigh
    assert client.post(url, data={"extra": 1, "reason": "asked to retake"}).status_code == 302
    assert quizzes.get_status(trainee, quiz).can_attempt


def test_no_warning_when_the_key_was_never_shown(client, login):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer)
    trainee = factories.member(cohort)
    _, quiz = factories.adaptation()
    quiz.reveal = "never"
    db.session.commit()
    _fail_every_attempt(trainee, quiz)
    assert quizzes.revealed_keys(trainee, quiz) == set()
    login(trainer)
    assert WARNING_EN not in client.get(f"/quizzes/{SLUG}/grant/{trainee.id}").get_data(as_text=True)


def test_a_granted_retake_prefers_questions_whose_key_was_not_shown(client, login):
    """Pool of 3 per lesson, pre-test of one per lesson (seen but never keyed), final of 2 per
    lesson with one attempt: the failed attempt draws the 8 questions the pre-test did
    not ask and, being the last, shows their key. After a grant every question has been seen
    once; the retake takes the pre-test's questions first, the trainer is warned about the rest."""
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer)
    admin = factories.user(Role.ADMIN, city_name=None)
    _, quiz = factories.adaptation()
    lessons = len({q.lesson_slug for q in quizzes.list_questions(quiz, "final", admin)})
    quiz.draw, quiz.pretest_questions, quiz.max_attempts = 2 * lessons, lessons, 1
    db.session.commit()
    for i in range(6):  # several trainees: a preference, not a lucky draw
        trainee = factories.member(cohort)
        pretest = quizzes.list_questions(quiz, "pretest", trainee)
        quizzes.submit_attempt(trainee, quiz, "pretest", pretest, {})
        _fail_every_attempt(trainee, quiz)
        first = db.session.scalar(
            select(QuizAttempt).where(QuizAttempt.user_id == trainee.id, QuizAttempt.kind == "final")
        )
        assert set(first.question_keys).isdisjoint(q.key for q in pretest)
        assert quizzes.revealed_keys(trainee, quiz) == set(first.question_keys)

        quizzes.grant_attempts(admin, trainee, quiz, 1, "illness")
        retake = quizzes.list_questions(quiz, "final", trainee)
        assert {q.key for q in pretest} <= {q.key for q in retake}, i
        overlap = quizzes.retake_overlap(trainee, quiz)
        assert (overlap.revealed, overlap.total) == (lessons, 2 * lessons)
