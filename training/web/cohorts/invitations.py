"""Enrolment with consent: the trainer invites an email address; the invited person accepts or
declines on the invitation page (the link in the email) or on My learning.

The trainer's answer never depends on whether the address has an account. The invitation page
survives logging in and registering: the links it offers carry it in `next`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.models.base import utcnow
from training.services import accounts, cohorts, enrolment, notifications
from training.services import cohort_invitations as invitations
from training.web.access import role_required
from training.web.cohorts import bp
from training.web.cohorts.forms import InviteForm
from training.web.notifications.sending import send_written_email
from training.web.public_links import external_url

STAFF = ("trainer", "admin")
ANSWERS = ("accept", "decline")


def _refusal(reason: str) -> str:
    return {
        "unknown": _(
            "This invitation link is not valid. Check that you opened the whole link, "
            "or ask your trainer to invite you again."
        ),
        "wrong_account": _(
            "This invitation was sent to another email address than the one of your account. "
            "Log out, then log in or register with the address the invitation was sent to."
        ),
        "expired": _("This invitation has expired. Ask your trainer to invite you again."),
        "revoked": _("The trainer has withdrawn this invitation."),
        "declined": _(
            "You declined this invitation. Ask your trainer to invite you again if you change your mind."
        ),
        "accepted": _("This invitation has already been accepted."),
    }.get(reason, _("This invitation cannot be answered."))


REFUSAL_STATUS = {"unknown": 404, "wrong_account": 403}


def _send(issued: invitations.Issued, actor) -> None:
    """The invitation email, in the invitee's language (or both when we do not know it)."""
    invitation = issued.invitation
    cohort = invitation.cohort
    link = external_url("cohorts.invitation", token=issued.token)
    trainers = cohorts.list_trainers(cohort)
    subject, parts = "", []
    for language in issued.languages:
        with force_locale(language):
            if not subject:
                subject = _("Invitation to join “%(cohort)s” — Resilient Cities Academy", cohort=cohort.name)
            parts.append(
                render_template(
                    "email/cohort_invitation.txt",
                    cohort=cohort,
                    city=cohort.city.name(language),
                    inviter=actor.name,
                    trainers=", ".join(t.name for t in trainers),
                    email=invitation.email,
                    link=link,
                    until=invitation.expires_at.strftime("%Y-%m-%d"),
                )
            )
    body = "\n\n—————\n\n".join(parts)
    invitee = accounts.get_user_by_email(invitation.email)
    if invitee is not None:  # their list shows it too; the email below is the one with the link
        notifications.notify(
            invitee,
            notifications.INVITATION,
            {"cohort": cohort.name, "cohort_id": cohort.id, "by": actor.name},
            email=False,
        )
    send_written_email(
        invitation.email,
        subject,
        body,
        kind=notifications.INVITATION,
        user_id=invitee.id if invitee is not None else None,
        locale=issued.languages[0],
    )


# --- the trainer's side ---------------------------------------------------------------------


def _cohort_or_403(cohort_id: int):
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None:
        abort(404)
    if not invitations.can_invite(current_user, cohort):
        abort(403)
    return cohort


@bp.post("/<int:cohort_id>/invitations")
@role_required(*STAFF)
def invite(cohort_id: int):
    cohort = _cohort_or_403(cohort_id)
    form = InviteForm()
    if form.validate_on_submit():
        address = accounts.normalise_email(form.email.data)
        try:
            issued = invitations.invite(cohort, address, current_user)
        except invitations.NotAllowed:
            abort(403)
        except invitations.AlreadyMember:
            # A member is in the members list already: saying so tells the trainer nothing new.
            flash(_("%(email)s is already a member of this cohort.", email=address), "info")
        else:
            _send(issued, current_user)
            # The same words whatever the address: whether it has an account is not the trainer's
            # to know.
            flash(
                _(
                    "Invitation recorded for %(email)s. They join the cohort when they accept it.",
                    email=issued.invitation.email,
                ),
                "success",
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("cohorts.matrix", cohort_id=cohort.id) + "#members")


@bp.post("/<int:cohort_id>/invitations/<int:invitation_id>/revoke")
@role_required(*STAFF)
def revoke_invitation(cohort_id: int, invitation_id: int):
    cohort = _cohort_or_403(cohort_id)
    invitation = invitations.get_invitation(cohort, invitation_id)
    if invitation is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        try:
            revoked = invitations.revoke(invitation, current_user)
        except invitations.NotAllowed:
            abort(403)
        if revoked:
            flash(_("The invitation for %(email)s is withdrawn.", email=invitation.email), "success")
        else:
            flash(_("This invitation was already answered or had expired."), "info")
    return redirect(url_for("cohorts.matrix", cohort_id=cohort.id) + "#members")


# --- the invited person's side ----------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """The link in the email. Anonymous: log in or register, and come back here. Logged in with
    the invited address: the cohort, and Accept / Decline."""
    found = invitations.find_by_token(token)
    here = url_for("cohorts.invitation", token=token)
    if found is None:
        return _refused_page("unknown")
    if not current_user.is_authenticated:
        status = found.status(utcnow())
        if status != "pending":
            return _refused_page(status)
        if request.method == "POST":
            return redirect(url_for("auth.login", next=here))
        return render_template(
            "cohorts/invitation.html",
            invitation=found,
            summary=_summary(found),
            login_url=url_for("auth.login", next=here),
            register_url=url_for("auth.register", next=here),
            account_url=_account_url(found, token),
        )
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit():
        return _answer(found, request.form.get("answer", ""))
    try:
        invitations.check_answerable(found, current_user)
    except invitations.InvitationRefused as refused:
        if refused.reason == "accepted" and cohorts.is_member(current_user, found.cohort):
            flash(_("You are a member of “%(name)s”.", name=found.cohort.name), "info")
            return redirect(url_for("learn.my_learning"))
        return _refused_page(refused.reason)
    return render_template(
        "cohorts/invitation.html", invitation=found, summary=_summary(found), form=form, action=here
    )


@bp.post("/invitations/mine/<int:invitation_id>")
@login_required
def answer_mine(invitation_id: int):
    """Accept or decline from My learning (the invitations addressed to the account's email)."""
    found = invitations.get_for_user(invitation_id, current_user)
    if found is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        return redirect(url_for("learn.my_learning"))
    return _answer(found, request.form.get("answer", ""))


def _answer(found, answer: str):
    if answer not in ANSWERS:
        abort(400)
    try:
        if answer == "accept":
            cohort = invitations.accept_invitation(found, current_user)
            flash(_("You have joined “%(name)s”.", name=cohort.name), "success")
        else:
            invitations.decline_invitation(found, current_user)
            flash(_("You declined the invitation to “%(name)s”.", name=found.cohort.name), "info")
    except invitations.InvitationRefused as refused:
        if refused.reason == "wrong_account":
            return _refused_page(refused.reason)
        flash(_refusal(refused.reason), "error")
    return redirect(url_for("learn.my_learning"))


def _refused_page(reason: str):
    return render_template("cohorts/invitation.html", refusal=_refusal(reason)), REFUSAL_STATUS.get(
        reason, 410
    )


def _account_url(found, token: str) -> str | None:
    """The page that opens an account for the invited address, when it has none yet."""
    if not enrolment.can_open_account(found):
        return None
    return url_for("cohorts.invitation_account", token=token)


def _summary(found) -> dict:
    cohort = found.cohort
    return {
        "cohort": cohort,
        "trainers": cohorts.list_trainers(cohort),
        "modules": cohorts.list_modules(cohort),
        "expires_on": found.expires_at.strftime("%Y-%m-%d"),
    }
