"""A cohort's live sessions: the trainer edits one (times in the city's zone); members and the
cohort's trainers download calendar files (.ics) of one session or of the whole cohort."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from training.services import cohort_sessions, cohorts
from training.services.exports import safe_filename
from training.web.access import role_required
from training.web.cohorts import bp
from training.web.cohorts.forms import SessionForm

STAFF = ("trainer", "admin")


def session_values(form: SessionForm) -> cohort_sessions.SessionValues:
    return cohort_sessions.SessionValues(
        title=form.title.data,
        day=form.held_on.data,
        starts=form.starts.data,
        ends=form.ends.data,
        place=form.place.data or "",
        online_url=form.online_url.data or "",
    )


def _managed_session(cohort_id: int, session_id: int):
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.can_manage_cohort(current_user, cohort):
        abort(404)
    session = cohorts.get_session(cohort, session_id)
    if session is None:
        abort(404)
    return cohort, session


@bp.route("/<int:cohort_id>/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_session(cohort_id: int, session_id: int):
    cohort, session = _managed_session(cohort_id, session_id)
    form = SessionForm()
    if request.method == "GET":
        values = cohort_sessions.local_values(cohort, session)
        form.title.data, form.held_on.data = values.title, values.day
        form.starts.data, form.ends.data = values.starts, values.ends
        form.place.data, form.online_url.data = values.place, values.online_url
    if form.validate_on_submit():
        cohort_sessions.update_session(cohort, session, session_values(form))
        flash(_("The session is saved."), "success")
        return redirect(url_for("cohorts.sessions", cohort_id=cohort.id) + f"#session-{session.id}")
    return render_template("cohorts/session_edit.html", cohort=cohort, session=session, form=form), (
        422 if form.errors else 200
    )


# --- calendar files ----------------------------------------------------------------------------


def _readable_cohort(cohort_id: int):
    """Members and the cohort's trainers; 404 for anyone else (the cohort is not confirmed)."""
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohort_sessions.can_read_sessions(current_user, cohort):
        abort(404)
    return cohort


def _calendar(cohort, sessions, name: str) -> Response:
    host = urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname or ""
    body = cohort_sessions.calendar_file(cohort, sessions, host)
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": f'attachment; filename="{safe_filename(name, "ics")}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/<int:cohort_id>/sessions/<int:session_id>.ics")
@login_required
def session_calendar(cohort_id: int, session_id: int):
    cohort = _readable_cohort(cohort_id)
    session = cohorts.get_session(cohort, session_id)
    if session is None:
        abort(404)
    return _calendar(cohort, [session], f"{cohort.name}-{session.title}")


@bp.get("/<int:cohort_id>/calendar.ics")
@login_required
def cohort_calendar(cohort_id: int):
    cohort = _readable_cohort(cohort_id)
    return _calendar(cohort, cohort_sessions.list_sessions(cohort), cohort.name)
