from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.content.question_types import get_question_type
from training.i18n import current_locale
from training.models import QuizAttempt
from training.services import certificates, learning, quizzes
from training.web.quizzes import bp

KINDS = {"final": QuizAttempt.FINAL, "pretest": QuizAttempt.PRETEST}


def _load(slug: str):
    module = learning.get_module(slug)
    quiz = quizzes.get_quiz(module) if module else None
    if quiz is None:
        abort(404)
    return module, quiz


def _render_form(module, quiz, kind, questions, responses=None, missing=None, status=None, code=200):
    items = [
        {"question": q, "type": get_question_type(q.type), "response": (responses or {}).get(q.key)}
        for q in questions
    ]
    return (
        render_template(
            "quizzes/take.html",
            module=module,
            quiz=quiz,
            kind=kind,
            items=items,
            missing=missing or [],
            status=status,
            form=FlaskForm(),
        ),
        code,
    )


@bp.route("/<slug>/<kind>", methods=["GET", "POST"])
@login_required
def take(slug: str, kind: str):
    if kind not in KINDS:
        abort(404)
    module, quiz = _load(slug)
    kind = KINDS[kind]
    status = quizzes.get_status(current_user, quiz)
    if kind == QuizAttempt.PRETEST and not status.pretest_available:
        flash(_("The pre-test is taken once, before the final quiz."), "info")
        return redirect(url_for("learn.module", slug=slug))
    if kind == QuizAttempt.FINAL and not status.can_attempt:
        flash(_("You have used all your attempts at this quiz."), "info")
        return redirect(url_for("learn.module", slug=slug) + "#quiz")
    questions = quizzes.list_questions(quiz, kind, current_user)
    if request.method == "GET":
        return _render_form(module, quiz, kind, questions, status=status)

    if not FlaskForm().validate_on_submit():
        abort(400)
    form_values = {key: request.form.getlist(key) for key in request.form}
    responses = quizzes.parse_responses(questions, form_values)
    try:
        result = quizzes.submit_attempt(current_user, quiz, kind, questions, responses)
    except (quizzes.NoAttemptsLeft, quizzes.PretestClosed):
        flash(_("This attempt could not be recorded: no attempts are left."), "error")
        return redirect(url_for("learn.module", slug=slug))
    if isinstance(result, quizzes.Unanswered):
        return _render_form(module, quiz, kind, questions, result.responses, result.missing, status, code=422)
    if result.passed:
        for certificate in certificates.issue_for_user(current_user):
            code = certificates.format_code(certificate.code)
            flash(_("Well done: you have earned a certificate (%(code)s).", code=code), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=result.id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = quizzes.get_attempt(current_user, attempt_id)
    if attempt is None:
        abort(404)
    module, quiz = quizzes.get_attempt_module(attempt)
    status = quizzes.get_status(current_user, quiz)
    items = quizzes.review_attempt(attempt, current_locale())
    return render_template(
        "quizzes/result.html", attempt=attempt, module=module, quiz=quiz, status=status, items=items
    )
