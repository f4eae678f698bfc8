"""Who is in a cohort: a trainer keeps a member whose profile names another city, or removes a
member (after a confirmation); a trainee leaves a cohort (their own learning records stay theirs)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.i18n import current_locale
from training.services import accounts, cohort_roster, cohorts
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


@bp.route("/<int:cohort_id>/members/<int:user_id>/remove", methods=["GET", "POST"])
@role_required("trainer", "admin")
def remove_member(cohort_id: int, user_id: int):
    """Two steps: the Remove button asks (a page naming the person, saying what is kept; also
    by GET, so that switching the language on it works); that page's button, with `confirm`,
    removes."""
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.can_manage_cohort(current_user, cohort):
        abort(404)
    member = accounts.get_user(user_id)
    if member is None or not cohorts.is_member(member, cohort):
        abort(404)
    form = FlaskForm()
    if request.method == "POST" and not form.validate_on_submit():  # CSRFProtect refuses first
        abort(400)
    if request.method == "GET" or request.form.get("confirm") != "1":
        return render_template("cohorts/remove_member.html", cohort=cohort, member=member, form=form)
    excluded = cohort_roster.remove_from_cohort(current_user, cohort, user_id)
    flash(
        _("%(name)s was removed from the cohort; their own progress is kept.", name=member.name),
        "success",
    )
    if excluded:
        flash(
            ngettext(
                "Their %(num)d workshop rating is kept, marked, and no longer counted in the spread.",
                "Their %(num)d workshop ratings are kept, marked, and no longer counted in the spread.",
                excluded,
            ),
            "info",
        )
    return redirect(url_for("cohorts.matrix", cohort_id=cohort.id) + "#members")
