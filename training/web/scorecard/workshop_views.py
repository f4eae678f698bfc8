"""Workshop mode in a cohort: the spread of the delegates' ratings and the agreed city score."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.services import cohort_roster, cohort_sessions, cohorts, workshop
from training.services import scorecard as sc
from training.web.routing import bounded_int
from training.web.scorecard import bp


def _cohort_for_workshop(cohort_id: int):
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not workshop.can_view_workshop(current_user, cohort):
        abort(404)
    return cohort


@bp.get("/cohort/<int:cohort_id>/")
@login_required
def workshop_view(cohort_id: int):
    cohort = _cohort_for_workshop(cohort_id)
    assessment = sc.get_or_create_assessment(cohort.city)
    data = workshop.build_workshop(cohort, assessment)
    only = request.args.get("only", "")
    essential = request.args.get("essential", 1, type=int)
    if only == "disagreements":  # the questions the delegation disagrees on most, across the card
        rows = sorted((r for r in data.rows if r.disagreement), key=lambda r: -(r.spread or 0))[:12]
    else:  # one Essential at a time keeps the page light for a large delegation
        rows = [r for r in data.rows if r.question.essential_number == essential]
    can_manage = cohorts.can_manage_cohort(current_user, cohort)
    return render_template(
        "scorecard/workshop.html",
        cohort=cohort,
        data=data,
        rows=rows,
        only=only,
        essential=essential,
        can_agree=workshop.can_record_agreed(current_user, cohort),
        leads=workshop.lead_ids(cohort),
        can_manage=can_manage,
        other_cities=(
            {o.user.id: o.city for o in cohort_roster.list_other_city_members(cohort)} if can_manage else {}
        ),
        own_other_city=(
            current_user.city
            if current_user.city_id not in (None, cohort.city_id) and cohorts.is_member(current_user, cohort)
            else None
        ),
        cohort_sessions_list=cohort_sessions.list_sessions(cohort),
        form=FlaskForm(),
    )


@bp.post("/cohort/<int:cohort_id>/agree/<qid>")
@login_required
def agree(cohort_id: int, qid: str):
    cohort = _cohort_for_workshop(cohort_id)
    if not workshop.can_record_agreed(current_user, cohort):
        abort(403)
    question = sc.get_question(qid)
    if question is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    assessment = sc.get_or_create_assessment(cohort.city)
    version = request.form.get("version", "")
    try:
        workshop.record_agreed(
            current_user,
            assessment,
            question,
            request.form.get("score", ""),
            request.form.get("note", ""),
            expected_version=bounded_int(version, -1),
        )
    except workshop.InvalidRating:
        flash(_("%(qid)s: choose the agreed score (0 to 3). Nothing was saved.", qid=qid), "error")
    except sc.StaleAnswer as stale:
        flash(
            _(
                "%(qid)s was changed by someone else meanwhile (now: %(score)s). Nothing was saved: "
                "check it and record the agreed score again.",
                qid=qid,
                score=stale.answer.score if stale.answer.score is not None else "—",
            ),
            "error",
        )
    else:
        flash(_("The agreed score of %(qid)s is recorded.", qid=qid), "success")
    only = request.args.get("only", "")
    target = url_for(
        "scorecard.workshop_view", cohort_id=cohort.id, only=only or None, essential=question.essential_number
    )
    return redirect(target + f"#w-{qid}")


@bp.post("/cohort/<int:cohort_id>/lead/<int:user_id>")
@login_required
def set_lead(cohort_id: int, user_id: int):
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.can_manage_cohort(current_user, cohort):
        abort(404)
    if FlaskForm().validate_on_submit():
        workshop.set_lead(cohort, user_id, request.form.get("lead") == "1")
        flash(_("The delegation lead is updated."), "success")
    return redirect(url_for("scorecard.workshop_view", cohort_id=cohort.id) + "#delegation")
