from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.i18n import current_locale
from training.services import certificates, cohorts, learning, library, quizzes, scorecard
from training.services.recommendations import recommend
from training.web.learn import bp


def _module_or_404(slug: str):
    module = learning.get_module(slug)
    if module is None:
        abort(404)
    return module


@bp.get("/")
def catalogue():
    progress = learning.list_progress(current_user if current_user.is_authenticated else None)
    return render_template("learn/catalogue.html", rows=progress)


@bp.get("/my")
@login_required
def my_learning():
    rows = learning.list_progress(current_user)
    assigned = cohorts.assigned_module_ids(current_user)
    order = {module_id: i for i, module_id in enumerate(assigned)}
    rows.sort(key=lambda row: (row.module.id not in order, order.get(row.module.id, 0)))
    advice = None
    if current_user.city is not None:
        advice = recommend(scorecard.get_scorecard(scorecard.get_current_assessment(current_user.city)))
    return render_template(
        "learn/my_learning.html",
        rows=rows,
        advice=advice,
        assigned=set(assigned),
        memberships=cohorts.list_memberships(current_user),
        certificates=[
            certificates.describe_certificate(c, current_locale())
            for c in certificates.list_certificates(current_user)
        ],
    )


@bp.get("/<slug>/")
def module(slug: str):
    module = _module_or_404(slug)
    user = current_user if current_user.is_authenticated else None
    page = learning.get_module_page(user, module)
    status = quizzes.get_status(user, page.quiz) if (user and page.quiz) else None
    case_studies = library.list_case_studies_for_module(module)
    return render_template(
        "learn/module.html", page=page, status=status, case_studies=case_studies, form=FlaskForm()
    )


@bp.get("/glossary/")
def glossary():
    return render_template("learn/glossary.html", terms=library.list_glossary())


@bp.get("/<slug>/<lesson_slug>")
def lesson(slug: str, lesson_slug: str):
    module = _module_or_404(slug)
    lessons = learning.list_lessons(module)
    lesson = next((item for item in lessons if item.slug == lesson_slug), None)
    if lesson is None:
        abort(404)
    previous, following = learning.neighbours(lessons, lesson)
    done = current_user.is_authenticated and learning.is_lesson_done(current_user, lesson)
    return render_template(
        "learn/lesson.html",
        module=module,
        lesson=lesson,
        lessons=lessons,
        previous=previous,
        following=following,
        done=done,
        fallback=lesson.is_fallback(current_locale()),
        form=FlaskForm(),
    )


@bp.post("/<slug>/<lesson_slug>/done")
@login_required
def mark_done(slug: str, lesson_slug: str):
    module = _module_or_404(slug)
    lesson = learning.get_lesson(module, lesson_slug)
    if lesson is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        learning.record_lesson_done(current_user, lesson)
        flash(_("Lesson marked as done."), "success")
        _announce_certificates()
    lessons = learning.list_lessons(module)
    _previous, following = learning.neighbours(lessons, lesson)
    if following is not None:
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=following.slug))
    return redirect(url_for("learn.module", slug=slug) + "#quiz")


def _announce_certificates() -> None:
    for certificate in certificates.issue_for_user(current_user):
        flash(
            _(
                "Well done: you have earned a certificate (%(code)s).",
                code=certificates.format_code(certificate.code),
            ),
            "success",
        )


@bp.get("/<slug>/apply")
@login_required
def apply_to_city(slug: str):
    """The module's last step: its scorecard questions for the trainee's own city."""
    module = _module_or_404(slug)
    if current_user.city_id is None:
        flash(_("Choose your city in your profile first."), "info")
        return redirect(url_for("auth.profile"))
    return redirect(url_for("scorecard.module_questions", city_id=current_user.city_id, slug=module.slug))
