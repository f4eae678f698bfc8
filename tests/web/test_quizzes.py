from __future__ import annotations

from tests import factories
from tests.services.test_learning import _right
from training.models import QuizAttempt
from training.services import quizzes

FINAL = "/quizzes/climate-adaptation/final"


def _form(questions, answer=_right, skip=()):
    data = {}
    for q in questions:
        if q.key in skip:
            continue
        value = answer(q)
        if isinstance(value, bool):
            data[f"q-{q.key}"] = "true" if value else "false"
        else:
            data[f"q-{q.key}"] = value
    return data


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
    questions = quizzes.list_questions(quiz, "final", user)
    skipped = questions[3]
    response = client.post(FINAL, data=_form(questions, skip={skipped.key}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="#q-{skipped.key}"' in html and "Question 4" in html
    assert f'id="q-{skipped.key}-error"' in html
    single = next(q for q in questions if q.type == "single" and q.key != skipped.key)
    correct = _right(single)
    assert f'name="q-{single.key}" value="{correct}" checked' in html
    assert quizzes.get_status(user, quiz).attempts_used == 0


def test_submitting_shows_score_pass_and_explanations(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    questions = quizzes.list_questions(quiz, "final", user)
    response = client.post(FINAL, data=_form(questions))
    assert response.status_code == 302
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{len(questions)} / {len(questions)}" in result and "Passed." in result
    assert questions[0].body["explanation"]["en"][:40] in result
    assert "Apply to your city" in result


def test_a_wrong_answer_shows_the_correct_one(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    questions = quizzes.list_questions(quiz, "final", user)
    tf = next(q for q in questions if q.type == "true_false")
    data = _form(questions)
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
    questions = quizzes.list_questions(quiz, "final", user)
    wrong = {q.key: (not q.body["answer"]) if q.type == "true_false" else None for q in questions}
    for _ in range(quiz.max_attempts):
        responses = {q.key: wrong[q.key] if q.type == "true_false" else _right(q) for q in questions}
        quizzes.submit_attempt(user, quiz, "final", questions, responses)
    response = client.get(FINAL, follow_redirects=True)
    assert "You have used all your attempts" in response.get_data(as_text=True)
    assert client.post(FINAL, data=_form(questions)).status_code == 302
    assert quizzes.get_status(user, quiz).attempts_used == quiz.max_attempts


def test_pretest_is_stored_apart_and_offered_once(client, login):
    user = login(factories.user())
    _, quiz = factories.adaptation()
    assert "Take the pre-test" in client.get("/learn/climate-adaptation/").get_data(as_text=True)
    drawn = quizzes.list_questions(quiz, QuizAttempt.PRETEST, user)
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
