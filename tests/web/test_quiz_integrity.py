"""What a trainee sees and what is kept (issue 13): the order an attempt showed is stored and is
what the review page and the CSV export show; a retake differs; a failed attempt's page gives no
key; the pre-test takes "don't know"; extra attempts are granted by the right people, audited."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from tests import factories
from tests.quiz_forms import form_value
from tests.services.test_learning import _right
from tests.web.test_quiz_guessing import QuizForm
from training.extensions import db
from training.models import AttemptGrant, Question, QuizAttempt, Role, User
from training.services import quizzes

SLUG = "climate-adaptation"
FINAL = f"/quizzes/{SLUG}/final"
PRETEST = f"/quizzes/{SLUG}/pretest"


def _wrong(q):
    if q.type == "true_false":
        return not q.body["answer"]
    wrong = next(o["id"] for o in q.body["options"] if not o["correct"])
    return wrong


def _take(client, answer, url=FINAL):
    """Read the form as displayed, answer each question by its key, submit; the stored attempt."""
    form = QuizForm()
    form.feed(client.get(url).get_data(as_text=True))
    keys = [name.removeprefix("q-") for name in form.questions]
    _, quiz = factories.adaptation()
    with client.session_transaction() as session:
        user = db.session.get(User, int(session["_user_id"].split(":")[0]))
    layout = quizzes.plan_attempt(user, quiz, QuizAttempt.PRETEST if url == PRETEST else QuizAttempt.FINAL)
    by_key = {q.key: q for q in layout.questions}
    data = {f"q-{key}": form_value(by_key[key], answer(by_key[key]), layout) for key in keys}
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(QuizAttempt, attempt_id), form


def _review_orders(html):
    """Question key -> option ids in the order the review page lists them."""
    orders = {}
    for block in re.split(r'(?=data-question=")', html)[1:]:
        key = re.match(r'data-question="([^"]+)"', block)[1]
        orders[key] = re.findall(r'data-option="([^"]+)"', block)
    return orders


def test_the_form_shows_the_stored_order_and_letters_follow_it(client, login):
    login(factories.user())
    attempt, form = _take(client, _right)
    assert attempt.layout and attempt.layout["seed"]
    for name, question in form.questions.items():
        key = name.removeprefix("q-")
        if question["values"] != ["true", "false"]:
            order = attempt.option_order(key)
            assert question["values"] == list("ABCDEFGH"[: len(order)])
            # the texts next to A, B, C … are those of the stored order
            texts = {o["id"]: o["text"]["en"] for o in attempt.snapshot[key]["body"]["options"]}
            shown = form.texts[name]
            assert shown == [texts[oid] for oid in order], (shown, order)


def test_review_page_and_csv_export_show_what_the_trainee_saw(client, login):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer)
    trainee = factories.member(cohort)
    login(trainee)
    attempt, _ = _take(client, _right)  # passed: the review shows everything
    page = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    shuffled = 0
    orders = _review_orders(page)
    assert list(orders) == attempt.question_keys
    for key in attempt.question_keys:
        body = attempt.snapshot[key]["body"]
        if not body.get("options"):
            continue
        order = attempt.option_order(key)
        shuffled += order != [o["id"] for o in body["options"]]
        assert orders[key] == order
        chosen = attempt.answers[key]
        first_chosen = chosen[0] if isinstance(chosen, list) else chosen
        letter = "ABCDEFG"[order.index(first_chosen)]
        assert re.search(
            rf'data-option="{first_chosen}" class="chosen"><span class="letter">{letter}\.</span>', page
        )
    assert shuffled  # the seed did reorder something

    login(trainer)
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/cohorts/{cohort.id}/export/attempts.csv").data.decode("utf-8-sig"))
        )
    )
    header, row = rows[0], next(r for r in rows[1:] if r[1] == trainee.email)
    for key in attempt.question_keys:
        body = attempt.snapshot[key]["body"]
        if body.get("type") == "true_false" or not body.get("options"):
            continue
        chosen = attempt.answers[key] if isinstance(attempt.answers[key], list) else [attempt.answers[key]]
        letters = sorted("ABCDEFG"[attempt.option_order(key).index(c)] for c in chosen)
        assert re.findall(r"(?:^|; )([A-G])\. ", row[header.index(key)]) == letters


def test_a_retake_shows_a_new_order(client, login):
    login(factories.user())
    first, _ = _take(client, _wrong)
    second, _ = _take(client, _wrong)
    assert first.layout["options"] != second.layout["options"]
    assert first.number == 1 and second.number == 2


def test_a_retake_draws_other_questions_where_the_pool_allows(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    quiz.draw = 12  # a pool of 18 questions over 6 lessons, 3 each: 2 per lesson
    db.session.commit()
    first, _ = _take(client, _wrong)
    second, _ = _take(client, _wrong)
    assert len(first.question_keys) == len(second.question_keys) == 12
    assert set(first.question_keys) != set(second.question_keys)
    # the retake takes the 6 questions not yet seen, and each attempt covers every lesson
    assert set(first.question_keys) | set(second.question_keys) == {q.key for q in quiz_questions(quiz)}
    for attempt in (first, second):
        assert {attempt.snapshot[k]["lesson"] for k in attempt.question_keys} == {
            q.lesson_slug for q in quiz_questions(quiz)
        }
    assert quizzes.get_status(user, quiz).attempts_used == 2


def quiz_questions(quiz):
    return list(db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)))


CORRECT_MARKERS = ("data-correct", "Correct answer:", "key-mark", "✓ correct")


def test_a_failed_attempt_shows_what_was_wrong_but_no_key(client, login):
    login(factories.user())
    attempt, _ = _take(client, _wrong)
    assert not attempt.passed
    page = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert "Not passed yet." in page and "Retake the quiz" in page
    for marker in CORRECT_MARKERS:
        assert marker not in page
    for key in attempt.question_keys:
        body = attempt.snapshot[key]["body"]
        assert body["explanation"]["en"][:60] not in page
    assert page.count('class="review-lesson"') == len(attempt.question_keys)
    assert "/learn/climate-adaptation/01-urban-climate-risks" in page


def test_the_key_is_shown_after_the_last_attempt(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    for _ in range(quiz.max_attempts):
        attempt, _ = _take(client, _wrong)
    assert not quizzes.get_status(user, quiz).can_attempt
    page = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert "data-correct" in page and "Correct answer:" in page
    assert "What to do now" in page


def test_reveal_always_and_never(client, login):
    login(factories.user())
    _, quiz = factories.adaptation()
    quiz.reveal = "always"
    db.session.commit()
    attempt, _ = _take(client, _wrong)
    assert "data-correct" in client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    quiz.reveal = "never"
    db.session.commit()
    assert "data-correct" not in client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)


def test_the_pretest_accepts_dont_know_and_shows_no_key(client, login):
    login(factories.user())
    form = QuizForm()
    html = client.get(PRETEST).get_data(as_text=True)
    form.feed(html)
    assert html.count('value="dont-know"') == len(form.questions)
    assert re.search(r"I don(&#39;|')t know", html)
    names = list(form.questions)
    data = {names[0]: "dont-know"}  # one "I don't know", the rest left blank
    response = client.post(PRETEST, data=data)
    assert response.status_code == 302
    attempt = db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert attempt.kind == "pretest" and attempt.correct == 0 and attempt.total == len(names)
    assert all(value is None for value in attempt.answers.values())
    page = client.get(f"/quizzes/attempts/{attempt.id}").get_data(as_text=True)
    assert "What you already know, lesson by lesson" in page and "0 / " in page
    for marker in CORRECT_MARKERS:
        assert marker not in page
    for key in attempt.question_keys:
        assert attempt.snapshot[key]["body"]["explanation"]["en"][:60] not in page


def test_the_final_quiz_still_requires_every_answer(client, login):
    login(factories.user())
    assert 'value="dont-know"' not in client.get(FINAL).get_data(as_text=True)
    assert client.post(FINAL, data={}).status_code == 422


def _lock_out(client, login, trainee):
    login(trainee)
    _, quiz = factories.adaptation()
    for _ in range(quiz.max_attempts):
        _take(client, _wrong)
    return quiz


def test_out_of_attempts_tells_the_trainee_what_to_do(client, login):
    trainee = factories.user()
    _lock_out(client, login, trainee)
    response = client.get(FINAL)
    assert response.status_code == 302 and response.headers["Location"].endswith("/out-of-attempts")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Review these lessons" in page and "Ask your trainer for another attempt" in page


def test_out_of_attempts_names_only_the_lessons_the_last_result_named(client, login):
    """Not every lesson of the module: those that teach a question the last attempt got wrong,
    as that result page named them (found by the trainee review: the page listed them all)."""
    trainee = factories.user()
    login(trainee)
    _, quiz = factories.adaptation()
    for _ in range(quiz.max_attempts - 1):
        _take(client, _wrong)
    kept = []  # the last attempt: right on the questions of one lesson only, wrong elsewhere

    def answer(q):
        kept.append(kept[0] if kept else q.lesson_slug)
        return _right(q) if q.lesson_slug == kept[0] else _wrong(q)

    last, _form = _take(client, answer)
    assert not last.passed
    missed = {last.snapshot[k]["lesson"] for k in last.question_keys if not last.results[k]}
    page = client.get(f"/quizzes/{SLUG}/out-of-attempts").get_data(as_text=True)
    listed = set(re.findall(rf'href="/learn/{SLUG}/([^"]+)"', page[page.index("data-review-lessons") :]))
    assert listed == missed and kept[0] not in listed and missed
    assert "your last attempt missed questions they teach" in page
    assert f'href="/quizzes/attempts/{last.id}"' in page
    trainee.locale = "zh"
    db.session.commit()
    page = client.get(f"/quizzes/{SLUG}/out-of-attempts").get_data(as_text=True)
    assert "请复习以下课时：您上次作答时答错的题目出自这些课时。" in page


def test_missed_lessons_reads_the_attempt_as_stored():
    attempt = QuizAttempt(
        question_keys=["a", "b", "c", "d"],
        results={"a": True, "b": False, "c": False, "d": False},
        snapshot={"a": {"lesson": "one"}, "b": {"lesson": "two"}, "c": {"lesson": "two"}, "d": {}},
    )
    assert quizzes.missed_lessons(attempt) == {"two"}  # d names no lesson: none is guessed


def test_the_cohorts_trainer_grants_an_attempt_and_it_is_audited(client, login):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer)
    trainee = factories.member(cohort)
    quiz = _lock_out(client, login, trainee)

    login(trainer)
    matrix = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    grant_url = f"/quizzes/{SLUG}/grant/{trainee.id}"
    assert "locked out" in matrix and grant_url in matrix
    assert client.post(grant_url, data={"extra": 1, "reason": ""}).status_code == 200  # a reason is required
    response = client.post(grant_url, data={"extra": 1, "reason": "Missed lesson 2 through illness"})
    assert response.status_code == 302
    grant = db.session.scalar(select(AttemptGrant).where(AttemptGrant.user_id == trainee.id))
    assert (grant.quiz_id, grant.extra, grant.granted_by_id) == (quiz.id, 1, trainer.id)
    assert grant.reason == "Missed lesson 2 through illness"
    record = client.get(grant_url).get_data(as_text=True)
    assert "Missed lesson 2 through illness" in record and trainer.name in record
    assert "locked out" not in client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)

    login(trainee)
    assert client.get(FINAL).status_code == 200
    assert re.search(r"This is attempt 4 of 4", client.get(FINAL).get_data(as_text=True))
    _take(client, _right)
    assert quizzes.get_status(trainee, quiz).passed


def test_the_grant_page_in_chinese_ends_its_sentence_with_a_chinese_full_stop(client, login):
    trainer = factories.user(Role.TRAINER, city_name=None, locale="zh")
    cohort = factories.cohort(trainer)
    trainee = factories.member(cohort, name="高丹")
    login(trainer)
    client.post("/language", data={"lang": "zh", "next": "/cohorts/"})
    page = client.get(f"/quizzes/{SLUG}/grant/{trainee.id}").get_data(as_text=True)
    assert "测验：城市适应气候变化。" in page and "城市适应气候变化." not in page
    back = '<nav class="breadcrumb" aria-label="当前位置"><a href="/cohorts/">培训班</a></nav>'
    assert back in page  # a way back to the cohorts
    client.post(f"/quizzes/{SLUG}/grant/{trainee.id}", data={"extra": 1, "reason": "病假缺课"})
    page = client.get(f"/quizzes/{SLUG}/grant/{trainee.id}").get_data(as_text=True)
    assert '<div class="table-scroll"><table class="table grants">' in page  # styled, scrolls on a phone


def test_only_the_trainees_trainer_or_an_admin_may_grant(client, login):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer)
    trainee = factories.member(cohort)
    url = f"/quizzes/{SLUG}/grant/{trainee.id}"
    data = {"extra": 1, "reason": "asked nicely"}
    for someone in (
        factories.user(Role.TRAINER, city_name=None),  # trains another cohort (or none)
        trainee,  # not for oneself
        factories.member(cohort),  # a fellow trainee
    ):
        login(someone)
        assert client.get(url).status_code == 403
        assert client.post(url, data=data).status_code == 403
    assert db.session.scalar(select(AttemptGrant).where(AttemptGrant.user_id == trainee.id)) is None
    login(factories.user(Role.ADMIN, city_name=None))
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(select(AttemptGrant).where(AttemptGrant.user_id == trainee.id)) is not None
