"""Enrolment at workshop scale (services/enrolment.py): the trainer pastes or uploads a list of
officials, sees a preview with every row's problems, and confirms; every row becomes an
invitation. An invited person without an account opens it from the invitation, with a password.

Decisions: docs/enrolment.md.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from training.i18n import current_locale
from training.models.base import utcnow
from training.services import accounts, cities, cohort_invitations, cohorts, enrolment, notifications
from training.web.access import role_required
from training.web.auth.views import _city_choices, _start_session, _weak_password
from training.web.cohorts import bp
from training.web.cohorts.enrolment_forms import EnrolListForm, InvitedAccountForm
from training.web.cohorts.invitations import _refused_page, _summary
from training.web.public_links import external_url
from training.web.scorecard.history_views import PROBLEM_TEXT as WORKBOOK_TEXT
from training.web.security import remember_device

STAFF = ("trainer", "admin")
ALREADY_REGISTERED = _l("An account already uses this email address: log in to answer the invitation.")

COLUMN_TEXT = {
    "name": _l("name"),
    "email": _l("email"),
    "department": _l("department"),
    "city": _l("city"),
}

PROBLEM_TEXT = {
    ("name", "missing"): _l("The name is missing."),
    ("name", "too_long"): _l("The name is longer than 120 characters."),
    ("email", "missing"): _l("The email address is missing."),
    ("email", "invalid"): _l("This is not a valid email address."),
    ("email", "too_long"): _l("The email address is too long."),
    ("email", "duplicate"): _l("The same address is already on row %(ref)s."),
    ("email", "member"): _l("Already a member of this cohort: delete this row."),
    ("department", "too_long"): _l("The department is longer than 200 characters."),
    ("city", "unknown_city"): _l("Unknown city. Write its English or Chinese name as in the list of cities."),
    ("city", "other_city"): _l(
        "Another city than the cohort's. Tick “Invite anyway” to invite this person into this cohort."
    ),
}


def problem_text(problem: enrolment.Problem) -> str:
    text = PROBLEM_TEXT.get((problem.column, problem.code))
    if text is None:
        return problem.code
    return str(text) % {"ref": problem.ref} if problem.ref is not None else str(text)


def list_refusal(refused: enrolment.ListRefused) -> str:
    d = refused.details
    if refused.code == "workbook":
        return str(WORKBOOK_TEXT.get(d.get("reason"), _("The file could not be read.")))
    column = str(COLUMN_TEXT.get(d.get("column", ""), d.get("column", "")))
    texts = {
        "empty": _("The list is empty: paste it in the box or choose a file."),
        "too_long": _(
            "The text is longer than %(n)s characters: import the list in parts.", n=d.get("limit")
        ),
        "too_large": _("The file is larger than 1 MB."),
        "too_many_rows": _(
            "Row %(row)s: a list may have at most %(n)s people. Import it in parts.",
            row=d.get("row"),
            n=d.get("limit"),
        ),
        "encoding": _(
            "The file is not readable text: save it as CSV (UTF-8) or as an Excel workbook (.xlsx)."
        ),
        "cell_too_long": _(
            "Row %(row)s, column %(col)s: the cell is longer than %(n)s characters.",
            row=d.get("row"),
            col=d.get("position"),
            n=d.get("limit"),
        ),
        "no_email_column": _(
            "The first row names columns but none is the email: add an “email” (邮箱) column."
        ),
        "no_name_column": _("The first row names columns but none is the name: add a “name” (姓名) column."),
        "duplicate_column": _(
            "Column %(col)s: the %(name)s column appears twice in the first row.",
            col=d.get("position"),
            name=column,
        ),
    }
    return texts.get(refused.code, _("The list could not be read."))


def _cohort_or_404(cohort_id: int):
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not enrolment.can_enrol(current_user, cohort):
        abort(404)
    return cohort


def send_invitations(issued: list, actor) -> None:
    """The invitation emails of an imported list, as `invitations._send` writes them (the same
    template, both languages, the invitee's first when known), recorded as emails and sent by the
    job queue (training/queue.py) in batches. The parts every email shares (the cohort, its
    trainers, the date) are drawn once per language; the address and the link are filled in."""
    if not issued:
        return
    cohort = issued[0].invitation.cohort
    trainers = ", ".join(t.name for t in cohorts.list_trainers(cohort))
    until = issued[0].invitation.expires_at.strftime("%Y-%m-%d")
    drawn: dict[str, tuple[str, str]] = {}
    for language in ("en", "zh"):
        with force_locale(language):
            subject = _("Invitation to join “%(cohort)s” — Resilient Cities Academy", cohort=cohort.name)
            body = render_template(
                "email/cohort_invitation.txt",
                cohort=cohort,
                city=cohort.city.name(language),
                inviter=actor.name,
                trainers=trainers,
                email=_EMAIL,
                link=_LINK,
                until=until,
            )
        drawn[language] = (subject, body)
    for one in issued:
        invitation = one.invitation
        link = external_url("cohorts.invitation", token=one.token)
        body = "\n\n—————\n\n".join(drawn[language][1] for language in one.languages)
        body = body.replace(_EMAIL, invitation.email).replace(_LINK, link)
        language = one.languages[0]
        notifications.queue_email(
            invitation.email, notifications.INVITATION, drawn[language][0], body, locale=language
        )
    notifications.send_pending()  # one commit, then the jobs: batches of emails on the queue


_EMAIL, _LINK = "\x00email\x00", "\x00link\x00"  # stand-ins, replaced in each email


@bp.route("/<int:cohort_id>/enrol", methods=["GET", "POST"])
@role_required(*STAFF)
def enrol(cohort_id: int):
    """Paste or upload → preview (nothing stored) → confirm (all rows or none)."""
    cohort = _cohort_or_404(cohort_id)
    form = EnrolListForm()
    checked, refusal, changed = None, None, False
    if form.validate_on_submit():
        upload = form.upload.data
        try:
            if upload is not None and upload.filename:
                raw = enrolment.read_file(upload.read(enrolment.MAX_FILE_BYTES + 1), upload.filename)
                # The trainer corrects the list in the box from now on: rows are numbered as there
                # (the same as the file's when it has no blank rows).
                form.text.data = raw.as_text(current_locale())
                raw = enrolment.read_text(form.text.data)
            else:
                raw = enrolment.read_text(form.text.data or "")
            checked = enrolment.check_rows(cohort, raw, set(request.form.getlist("override")))
        except enrolment.ListRefused as refused:
            refusal = list_refusal(refused)
        wants_import = request.form.get("action") == "import" and not (upload is not None and upload.filename)
        if checked is not None and wants_import:
            changed = form.digest.data != checked.digest
            if not changed and checked.ok:
                try:
                    issued = enrolment.import_rows(checked, current_user)
                except enrolment.NotAllowed:
                    abort(404)
                send_invitations(issued, current_user)
                flash(
                    ngettext(
                        "%(num)d invitation recorded. Each person joins the cohort when they accept.",
                        "%(num)d invitations recorded. Each person joins the cohort when they accept.",
                        len(issued),
                    ),
                    "success",
                )
                return redirect(url_for("cohorts.matrix", cohort_id=cohort.id) + "#members")
    return render_template(
        "cohorts/enrol.html",
        cohort=cohort,
        form=form,
        checked=checked,
        refusal=refusal,
        changed=changed,
        attempted_import=request.form.get("action") == "import",
        problem_text=problem_text,
        column_text=COLUMN_TEXT,
        max_rows=enrolment.MAX_ROWS,
    )


# --- the invited person without an account ---------------------------------------------------


@bp.route("/invitations/<token>/account", methods=["GET", "POST"])
def invitation_account(token: str):
    """Open the account of an invited address: set a password (name, department and city
    prefilled from the trainer's list) and join the cohort in the same step."""
    found = cohort_invitations.find_by_token(token)
    if found is None:
        return _refused_page("unknown")
    invitation_url = url_for("cohorts.invitation", token=token)
    if current_user.is_authenticated:
        return redirect(invitation_url)
    status = found.status(utcnow())
    if status != "pending":
        return _refused_page(status)
    if enrolment.has_account(found):
        flash(str(ALREADY_REGISTERED), "info")
        return redirect(url_for("auth.login", next=invitation_url))
    form = InvitedAccountForm()
    form.account = (found.email, "")
    _city_choices(form)
    if request.method == "GET":
        start = enrolment.prefill(found)
        form.name.data = start["name"]
        form.organisation.data = start["department"]
        form.city.data = start["city"].id if start["city"] is not None else 0
        form.locale.data = current_locale()
    if form.validate_on_submit():
        city = cities.get_city(form.city.data)
        if city is None:
            form.city.errors.append(_("Choose your city."))
        else:
            try:
                user = enrolment.open_account_and_join(
                    found,
                    name=form.name.data,
                    department=form.organisation.data or "",
                    city=city,
                    locale=form.locale.data,
                    password=form.password.data,
                )
            except accounts.WeakPassword as exc:
                _weak_password(form, exc)
            except accounts.EmailTaken:
                flash(str(ALREADY_REGISTERED), "info")
                return redirect(url_for("auth.login", next=invitation_url))
            except cohort_invitations.InvitationRefused as refused:
                return _refused_page(refused.reason)
            else:
                cohort = found.cohort
                session["lang"] = user.locale
                _start_session(user)
                flash(
                    _("Welcome, %(name)s. You have joined “%(cohort)s”.", name=user.name, cohort=cohort.name),
                    "success",
                )
                return remember_device(redirect(url_for("learn.my_learning")), user.email)
    return render_template(
        "cohorts/invitation_account.html",
        form=form,
        invitation=found,
        summary=_summary(found),
        login_url=url_for("auth.login", next=invitation_url),
    )
