"""Who is in a cohort: a trainer keeps a member whose profile names another city; a trainee
leaves a cohort (their own learning records stay theirs)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.i18n import current_locale
from training.services import cohort_roster, cohorts
from training.web.access import role_required
from training.web.cohorts import bp


@bp.post("/<int:cohort_id>/members/<int:user_id>/confirm-city")
@role_required("trainer", "admin")
def confirm_other_city(cohort_id: int, user_id: int):
    """Keep a member whose profile names another city (the trainer overrides the warning)."""
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.can_manage_cohort(current_user, cohort):
        abort(404)
    if FlaskForm().validate_on_submit():
        if not cohort_roster.confirm_other_city_member(current_user, cohort, user_id):
            abort(404)
        flash(
            _(
                "Kept in the cohort: they rate the scorecard of %(city)s.",
                city=cohort.city.name(current_locale()),
            ),
            "success",
        )
    return redirect(url_for("cohorts.matrix", cohort_id=cohort.id) + "#members")


@bp.post("/<int:cohort_id>/leave")
@login_required
def leave(cohort_id: int):
    """A trainee leaves a cohort. What they learnt (lessons, attempts, certificates) stays theirs."""
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.is_member(current_user, cohort):
        abort(404)
    if FlaskForm().validate_on_submit():
        cohort_roster.leave_cohort(current_user, cohort)
        flash(
            _(
                "You have left “%(name)s”. Your progress, quiz attempts and certificates are kept.",
                name=cohort.name,
            ),
            "success",
        )
    return redirect(url_for("learn.my_learning"))
