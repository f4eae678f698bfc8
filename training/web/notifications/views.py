"""A person's notifications (the list, read and unread), their email choices (on the profile
page), and the unsubscribe link of every email (signed, no login needed)."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.extensions import csrf
from training.i18n import current_locale
from training.services import notifications
from training.web.notifications import bp
from training.web.notifications.texts import KIND_LABELS, describe
from training.web.session_user import unread_count


@bp.app_context_processor
def _unread_count():
    # Called by the header's partial: the count read with the user (training/web/session_user.py).
    return {"unread_notifications": unread_count}


@bp.get("/")
@login_required
def index():
    locale = current_locale()
    rows = []
    for notification in notifications.list_notifications(current_user):
        said = describe(notification.kind, notification.params, locale)
        rows.append({"notification": notification, "said": said})
    return render_template("notifications/index.html", rows=rows, form=FlaskForm())


@bp.post("/read")
@login_required
def read_all():
    if FlaskForm().validate_on_submit():
        notifications.mark_all_read(current_user)
        flash(_("Every notification is marked as read."), "info")
    return redirect(url_for("notifications.index"))


@bp.get("/<int:notification_id>")
@login_required
def open_one(notification_id: int):
    """Mark it read and go to the page it is about. A GET that writes: only the reader's own
    read mark, harmless if a link checker follows it."""
    notification = notifications.get_notification(current_user, notification_id)
    if notification is None:
        abort(404)
    notifications.mark_read(notification)
    said = describe(notification.kind, notification.params, current_locale())
    return redirect(
        url_for(said.endpoint, **said.values) if said.endpoint else url_for("notifications.index")
    )


@bp.post("/preferences")
@login_required
def preferences():
    if FlaskForm().validate_on_submit():
        wanted = {kind for kind in request.form.getlist("kinds") if kind in notifications.KINDS}
        notifications.set_email_preferences(current_user, wanted)
        flash(_("Your email choices are saved."), "success")
    return redirect(url_for("auth.profile") + "#emails")


def email_choices(user) -> list[dict]:
    """The profile page's checkboxes."""
    chosen = notifications.get_email_preferences(user)
    return [
        {"kind": kind, "label": KIND_LABELS[kind], "on": chosen[kind]}
        for kind in notifications.offered_kinds(user)
    ]


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail clients post here in one click (RFC 8058)
def unsubscribe(token: str):
    chose = current_user.is_authenticated or session.get("lang")  # the language switch wins
    if not chose and request.args.get("lang") in current_app.config["LANGUAGES"]:
        g.force_locale = request.args["lang"]  # the email's language (training/i18n.select_locale)
    found = notifications.read_unsubscribe_token(token, current_app.config["SECRET_KEY"])
    if found is None:
        return render_template("notifications/unsubscribe.html", state="invalid"), 404
    address, kind = found
    if request.method == "POST":
        notifications.opt_out(address, kind)
        return render_template(
            "notifications/unsubscribe.html", state="done", kind=KIND_LABELS[kind], address=address
        )
    return render_template(
        "notifications/unsubscribe.html", state="ask", kind=KIND_LABELS[kind], address=address
    )
