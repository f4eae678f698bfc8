"""A cohort's records beside progress, for its trainers: one trainee's page (progress, attempts
with their answers, attendance, certificate) and issuing the certificates earned."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from training.i18n import current_locale
from training.services import accounts, certificates, cohort_records, cohorts, learning, quizzes
from training.web.access import role_required
from training.web.cohorts import bp

STAFF = ("trainer", "admin")


def _cohort_or_404(cohort_id: int):
    """The cohort, if the current user trains it (or is an admin); 404 otherwise (no leak)."""
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


@bp.get("/<int:cohort_id>/trainees/<int:user_id>")
@role_required(*STAFF)
def trainee(cohort_id: int, user_id: int):
    cohort = _cohort_or_404(cohort_id)
    user = accounts.get_user(user_id)
    if user is None or not cohorts.is_member(user, cohort):
        abort(404)
    locale = current_locale()
    attempts = []
    for module in cohorts.list_modules(cohort):
        quiz = quizzes.get_quiz(module)
        if quiz is None:
            continue
        for attempt in quizzes.list_attempts(user, quiz):
            attempts.append((module, attempt, quizzes.review_attempt(attempt, locale)))
    progress = learning.list_progress(user, cohorts.list_modules(cohort))
    return render_template(
        "cohorts/trainee.html",
        cohort=cohort,
        trainee=user,
        attempts=attempts,
        progress=progress,
        attendance=cohort_records.trainee_attendance(cohort, user),
        holder=cohort_records.certificates_by_user(cohort).get(user.id),
    )


@bp.post("/<int:cohort_id>/certificates")
@role_required(*STAFF)
def issue_certificates(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    if FlaskForm().validate_on_submit():
        issued = certificates.issue_certificates(cohort)
        total = cohort_records.count_certificates(cohort)
        # Certificates are issued as soon as a trainee completes: the button only catches up.
        if issued:
            message = ngettext(
                "%(num)d new certificate issued; %(total)d in all (listed under Certificates).",
                "%(num)d new certificates issued; %(total)d in all (listed under Certificates).",
                len(issued),
                total=total,
            )
        elif total:
            message = ngettext(
                "No new certificate: the %(num)d trainee who completed every module already holds one "
                "(issued when they completed; listed under Certificates).",
                "No new certificate: the %(num)d trainees who completed every module already hold one "
                "(issued when they completed; listed under Certificates).",
                total,
            )
        else:
            message = _("No certificate issued: no trainee has completed every module yet.")
        flash(message, "success" if issued or total else "info")
    return redirect(url_for("cohorts.matrix", cohort_id=cohort.id))
