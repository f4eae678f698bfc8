from __future__ import annotations

from tests import factories
from tests.quiz_forms import form_value, letter
from tests.services.test_learning import _right
from training.models import QuizAttempt
from training.services import quizzes

FINAL = "/quizzes/climate-adaptation/final"


def _wrong(q):
    if q.type == "true_false":
        return not q.body["answer"]
    return next(o["id"] for o in q.body["options"] if not o["correct"])


def _form(layout, answer=_right, skip=()):
    """The form of this attempt's layout, each question answered by `answer` (option ids are
    posted as the letters displayed next to them)."""
    return {f"q-{q.key}": form_value(q, answer(q), layout) for q in layout.questions if q.key not in skip}


def test_quiz_page_lists_every_question_with_inputs(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    html = client.get(FINAL).get_data(as_text=True)
    for q in quizzes.list_questions(quiz, "final", user):
        assert f'name="q-{q.key}"' in html
    assert "Pass mark: 70%" in html or f"Pass mark: {quiz.pass_mark}%" in html


def test_unanswered_questions_are_named_and_answers_kept(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, "final")
    questions = layout.questions
    skipped = questions[3]
    response = client.post(FINAL, data=_form(layout, skip={skipped.key}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="#q-{skipped.key}"' in html and "Question 4" in html
    assert f'id="q-{skipped.key}-error"' in html
    single = next(q for q in questions if q.type == "single" and q.key != skipped.key)
    correct = letter(single, _right(single), layout)
    assert f'name="q-{single.key}" value="{correct}" checked' in html
    assert quizzes.get_status(user, quiz).attempts_used == 0


def test_submitting_shows_score_pass_and_explanations(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, "final")
    questions = layout.questions
    response = client.post(FINAL, data=_form(layout))
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{len(questions)} / {len(questions)}" in result and "Passed." in result
    assert questions[0].body["explanation"]["en"][:40] in result
    assert "Apply to your city" in result


def test_a_wrong_answer_shows_the_correct_one(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, "final")
    tf = next(q for q in layout.questions if q.type == "true_false")
    data = _form(layout)
    data[f"q-{tf.key}"] = "false" if tf.body["answer"] else "true"
    location = client.post(FINAL, data=data).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert "✗ Not right" in html and "Correct answer:" in html


def test_attempts_of_others_are_not_visible(client, login):
    owner = factories.user()
    _, quiz = factories.adaptation()
    questions = quizzes.list_questions(quiz, "final", owner)
    attempt = quizzes.submit_attempt(owner, quiz, "final", questions, {q.key: _right(q) for q in questions})
    login(factories.user())
    assert client.get(f"/quizzes/attempts/{attempt.id}").status_code == 404


def test_no_attempts_left_redirects_with_a_message(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    for _ in range(quiz.max_attempts):
        questions = quizzes.list_questions(quiz, "final", user)
        quizzes.submit_attempt(user, quiz, "final", questions, {q.key: _wrong(q) for q in questions})
    assert not quizzes.get_status(user, quiz).passed
    response = client.get(FINAL, follow_redirects=True)
    assert "You have used all your attempts" in response.get_data(as_text=True)
    assert client.post(FINAL, data=_form(quizzes.plan_attempt(user, quiz, "final"))).status_code == 302
    assert quizzes.get_status(user, quiz).attempts_used == quiz.max_attempts


def test_a_trainee_who_passed_on_the_last_attempt_is_sent_to_the_pass_not_told_to_ask(client, login):
    """After a pass there is nothing to ask the trainer for: the quiz link and the out-of-attempts
    page lead to the passing attempt's result."""
    user = login(factories.user())
    _, quiz = factories.adaptation()
    for number in range(1, quiz.max_attempts + 1):
        questions = quizzes.list_questions(quiz, "final", user)
        answer = _right if number == quiz.max_attempts else _wrong
        passed = quizzes.submit_attempt(user, quiz, "final", questions, {q.key: answer(q) for q in questions})
    assert passed.passed and not quizzes.get_status(user, quiz).can_attempt
    for url in (FINAL, "/quizzes/climate-adaptation/out-of-attempts"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/quizzes/attempts/{passed.id}")
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "You have passed this quiz." in html and "Passed." in html
        assert "You have used all your attempts" not in html and "ask your trainer" not in html.lower()


def test_pretest_is_stored_apart_and_offered_once(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    assert "Take the pre-test" in client.get("/learn/climate-adaptation/").get_data(as_text=True)
    drawn = quizzes.plan_attempt(user, quiz, QuizAttempt.PRETEST)
    response = client.post("/quizzes/climate-adaptation/pretest", data=_form(drawn))
    assert response.status_code == 302
    assert "Pre-test result" in client.get(response.headers["Location"]).get_data(as_text=True)
    status = quizzes.get_status(user, quiz)
    assert status.pretest_taken and status.attempts_used == 0
    assert client.get("/quizzes/climate-adaptation/pretest").status_code == 302
    assert "Take the pre-test" not in client.get("/learn/climate-adaptation/").get_data(as_text=True)


def test_unknown_quiz_kind_is_404(client, login):
    login(factories.user())
    assert client.get("/quizzes/climate-adaptation/bonus").status_code == 404


def test_chinese_results_of_a_failed_and_a_passed_attempt_have_no_stray_spaces(client, login):
    """尚未及格。及格线为70%。请复习… / 请复习：<lesson> / 您的答案：正确 — no space after the
    full-width marks; English keeps its spaces."""
    from tests.web.test_chinese_text import stray_spaces

    user = login(factories.user(locale="zh"))
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, "final")
    failed = client.get(client.post(FINAL, data=_form(layout, answer=_wrong)).headers["Location"])
    html = failed.get_data(as_text=True)
    assert "尚未及格" in html and "请复习" in html and "您的答案" in html
    layout = quizzes.plan_attempt(user, quiz, "final")
    passed = client.get(client.post(FINAL, data=_form(layout)).headers["Location"]).get_data(as_text=True)
    assert "已及格" in passed
    assert stray_spaces(html) == [] and stray_spaces(passed) == []


def test_english_results_of_a_failed_attempt_keep_the_spaces_between_sentences(client, login):
    user = login(factories.user(locale="en"))
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, "final")
    failed = client.get(client.post(FINAL, data=_form(layout, answer=_wrong)).headers["Location"])
    html = " ".join(failed.get_data(as_text=True).split())
    assert "Not passed yet.</strong> The pass mark is 70%. Review the lessons named below" in html
    assert 'Review: <a href="/learn/climate-adaptation/' in html


def test_a_passed_result_offers_the_next_step_above_the_review_of_the_questions(client, login):
    """On a phone the review of fourteen questions is many screens long: "Apply to your city"
    is in the result's summary, before the first question."""
    user = login(factories.user())
    _, quiz = factories.adaptation()
    layout = quizzes.plan_attempt(user, quiz, "final")
    html = client.get(client.post(FINAL, data=_form(layout)).headers["Location"]).get_data(as_text=True)
    summary = html.split('class="result-summary pass"')[1].split('<ol class="review">')[0]
    assert 'href="/learn/climate-adaptation/apply">Apply to your city</a>' in summary
