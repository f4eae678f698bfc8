from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.content.question_types import get_question_type
from training.i18n import current_locale
from training.models import QuizAttempt
from training.services import accounts, certificates, learning, quizzes
from training.web.quizzes import bp
from training.web.quizzes.forms import GrantAttemptsForm

KINDS = {"final": QuizAttempt.FINAL, "pretest": QuizAttempt.PRETEST}


def _load(slug: str):
    module = learning.get_module(slug)
    quiz = quizzes.get_quiz(module) if module else None
    if quiz is None:
        abort(404)
    return module, quiz


def _render_form(module, quiz, kind, layout, responses=None, missing=None, status=None, code=200):
    items = [
        {
            "question": q,
            "type": get_question_type(q.type),
            "response": (responses or {}).get(q.key),
            "options": quizzes.displayed_options(q.body, layout.options.get(q.key)),
        }
        for q in layout.questions
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


def _to_passed(user, quiz):
    """A trainee who has passed and has no attempt left: their passing attempt's result, not the
    "out of attempts" page (which would tell them to ask for another attempt)."""
    attempt = quizzes.passing_attempt(user, quiz)
    flash(_("You have passed this quiz."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


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
        if status.passed:
            return _to_passed(current_user, quiz)
        return redirect(url_for("quizzes.out_of_attempts", slug=slug))
    layout = quizzes.plan_attempt(current_user, quiz, kind, status)
    if request.method == "GET":
        return _render_form(module, quiz, kind, layout, status=status)

    if not FlaskForm().validate_on_submit():
        abort(400)
    form_values = {key: request.form.getlist(key) for key in request.form}
    responses = quizzes.parse_responses(layout.questions, form_values, layout)
    try:
        result = quizzes.submit_attempt(current_user, quiz, kind, layout.questions, responses, layout)
    except (quizzes.NoAttemptsLeft, quizzes.PretestClosed):
        flash(_("This attempt could not be recorded: no attempts are left."), "error")
        return redirect(url_for("learn.module", slug=slug))
    if isinstance(result, quizzes.Unanswered):
        return _render_form(module, quiz, kind, layout, result.responses, result.missing, status, code=422)
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
    reveal = quizzes.reveals(attempt, quiz, status)
    items = quizzes.review_attempt(attempt, current_locale(), with_key=reveal == quizzes.REVEAL_KEY)
    lessons = {lesson.slug: lesson for lesson in learning.list_lessons(module)}
    return render_template(
        "quizzes/result.html",
        attempt=attempt,
        module=module,
        quiz=quiz,
        status=status,
        items=items,
        reveal=reveal,
        lessons=lessons,
        strengths=quizzes.lesson_strengths(attempt),
    )


@bp.get("/<slug>/out-of-attempts")
@login_required
def out_of_attempts(slug: str):
    module, quiz = _load(slug)
    status = quizzes.get_status(current_user, quiz)
    if status.passed:
        return _to_passed(current_user, quiz)
    if status.can_attempt:
        return redirect(url_for("quizzes.take", slug=slug, kind="final"))
    lessons = learning.list_lessons(module)
    finals = [a for a in quizzes.list_attempts(current_user, quiz) if a.kind == QuizAttempt.FINAL]
    missed = quizzes.missed_lessons(finals[0]) if finals else set()
    return render_template(
        "quizzes/out_of_attempts.html",
        module=module,
        quiz=quiz,
        status=status,
        # The lessons the last result named, in the module's order; every lesson if it named none.
        named=[lesson for lesson in lessons if lesson.slug in missed],
        lessons=lessons,
        last=finals[0] if finals else None,
    )


@bp.route("/<slug>/grant/<int:user_id>", methods=["GET", "POST"])
@login_required
def grant(slug: str, user_id: int):
    module, quiz = _load(slug)
    trainee = accounts.get_user(user_id)
    if trainee is None:
        abort(404)
    if not quizzes.can_grant_attempts(current_user, trainee):
        abort(403)
    form = GrantAttemptsForm()
    if form.validate_on_submit():
        quizzes.grant_attempts(current_user, trainee, quiz, form.extra.data, form.reason.data)
        flash(_("%(name)s can take the quiz again.", name=trainee.name), "success")
        return redirect(url_for("quizzes.grant", slug=slug, user_id=trainee.id))
    return render_template(
        "quizzes/grant.html",
        module=module,
        quiz=quiz,
        trainee=trainee,
        form=form,
        status=quizzes.get_status(trainee, quiz),
        grants=quizzes.list_grants(trainee, quiz),
        overlap=quizzes.retake_overlap(trainee, quiz),
    )
