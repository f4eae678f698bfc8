"""A cohort's live sessions: the trainer adds and edits them (times in the city's zone) and
records attendance; members and the cohort's trainers download calendar files (.ics) of one
session or of the whole cohort."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.i18n import current_locale
from training.services import cohort_records, cohort_sessions, cohorts, name_order
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


def _sessions_page(cohort, form: SessionForm, ticked=None, notice=None, code: int = 200):
    """The sessions page. `ticked` (session id -> member ids) shows one session's boxes as the
    trainer left them rather than as saved, with `notice` (a (kind, text) pair) beside them."""
    members = name_order.sort_by_name(cohorts.list_members(cohort), current_locale())
    sessions = cohort_sessions.list_sessions(cohort)
    attendance = cohorts.attendance_map(cohort)
    return render_template(
        "cohorts/sessions.html",
        cohort=cohort,
        form=form,
        sessions=sessions,
        members=members,
        attendance=attendance,
        counts=cohort_records.session_counts(cohort, sessions, [m.id for m in members], attendance),
        ticked=ticked or {},
        notice=notice,
        csrf_form=FlaskForm(),
    ), code


@bp.route("/<int:cohort_id>/sessions", methods=["GET", "POST"])
@role_required(*STAFF)
def sessions(cohort_id: int):
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.can_manage_cohort(current_user, cohort):
        abort(404)
    form = SessionForm()
    if form.validate_on_submit():
        cohort_sessions.add_session(cohort, session_values(form))
        flash(_("The session is added."), "success")
        return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))
    return _sessions_page(cohort, form, code=422 if form.errors else 200)


@bp.route("/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@role_required(*STAFF)
def attendance(cohort_id: int, session_id: int):
    """Save who was present; or ("Mark all present") tick every member without saving, for the
    trainer to untick those absent. GET (the page reloaded, its language switched) goes back to
    the session on the sessions page."""
    cohort, session = _managed_session(cohort_id, session_id)
    if request.method == "GET":
        return redirect(url_for("cohorts.sessions", cohort_id=cohort.id) + f"#session-{session.id}")
    member_ids = [u.id for u in cohorts.list_members(cohort)]
    present = {int(v) for v in request.form.getlist("present") if v.isdigit()} & set(member_ids)
    blank = SessionForm(formdata=None)  # the add-a-session form, empty: this post is not for it
    if not FlaskForm().validate_on_submit():  # CSRFProtect refuses first, with its own page
        abort(400)
    if request.form.get("mark") == "all":
        notice = (
            "info",
            _("Everyone is ticked but nothing is saved yet: untick those who were absent, then save."),
        )
        return _sessions_page(cohort, blank, {session.id: set(member_ids)}, notice)
    cohorts.record_attendance(session, present, member_ids)
    flash(_("Attendance is saved."), "success")
    return redirect(url_for("cohorts.sessions", cohort_id=cohort.id) + f"#session-{session.id}")


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
