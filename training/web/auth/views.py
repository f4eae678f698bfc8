from __future__ import annotations

import json

from flask import Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException
from wtforms.fields.choices import SelectChoice

from training.i18n import current_locale
from training.services import accounts, cities, cohort_invitations, privacy
from training.web.auth import bp
from training.web.auth.forms import (
    WEAK_PASSWORD_MESSAGES,
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from training.web.homes import home_url
from training.web.notifications.sending import send_written_email
from training.web.notifications.views import email_choices
from training.web.public_links import external_url
from training.web.safe_next import safe_next
from training.web.security import (
    LoginThrottle,
    remember_device,
    throttle_password_reset,
    throttle_registration,
)
from training.web.throttle_pages import login_wait_message


def _weak_password(form, error: accounts.WeakPassword) -> None:
    """The service refused the password (the form's validator normally catches it first)."""
    message = WEAK_PASSWORD_MESSAGES.get(error.reason)
    form.password.errors = [*form.password.errors, str(message or _("Choose another password."))]


def _city_choices(form) -> None:
    locale = current_locale()
    form.city.choices = [SelectChoice("0", _("Choose your city…"))] + [
        SelectChoice(str(c.id), c.label(locale)) for c in cities.list_cities()
    ]


def _start_session(user, remember: bool = False) -> None:
    """A fresh session on login: nothing from before survives but the language choice."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)
    session.permanent = True


@bp.route("/register", methods=["GET", "POST"])
@throttle_registration
def register():
    """Register, then confirm the address by email: the answer is the same page ("check your
    email"), after the same work, whether or not the address has an account. A new address gets a
    link that creates the account; the owner of a taken one is told someone tried. Registrations
    per address are limited (docs/security-accounts.md)."""
    # Back to the page that sent here (an invitation, a join link) once registered.
    target = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(target or url_for("learn.my_learning"))
    form = RegisterForm()
    if request.method == "GET":
        form.locale.data = current_locale()
    _city_choices(form)
    if form.validate_on_submit():
        city = cities.get_city(form.city.data)
        if city is None:
            form.city.errors.append(_("Choose your city."))
        else:
            try:
                registration, owner = accounts.prepare_registration(
                    name=form.name.data,
                    email=form.email.data,
                    password=form.password.data,
                    city=city,
                    organisation=form.organisation.data or "",
                    locale=form.locale.data,
                    next=target,
                )
            except accounts.WeakPassword as exc:
                _weak_password(form, exc)
            else:
                g.registration_attempted = True
                # Looked up for a taken address too: the same work either way.
                invited = _invited(target, registration.email)
                if owner is None and invited:
                    user = _complete(registration)
                    if user is not None:
                        return _logged_in(user, target)
                    owner = accounts.get_user_by_email(registration.email)
                _send_registration_mail(registration, owner)
                return render_template(
                    "auth/check_email.html",
                    email=registration.email,
                    hours=current_app.config["REGISTRATION_CONFIRM_MAX_AGE"] // 3600,
                    mail_in_log=_mail_goes_to_the_log(),
                )
    return render_template("auth/register.html", form=form, next_url=target)


def _invited(target: str, email: str) -> bool:
    """`next` is the link of a pending cohort invitation to exactly this email: the invitation
    email proved the address already, so the account opens without a second email."""
    if not target:
        return False
    try:
        path = target.partition("?")[0].removeprefix(request.script_root)
        endpoint, values = current_app.url_map.bind("").match(path)
    except HTTPException:
        return False
    if endpoint != "cohorts.invitation":
        return False
    return cohort_invitations.invites_address(str(values.get("token", "")), email)


def _locale(wanted: str | None) -> str:
    return wanted if wanted in current_app.config["LANGUAGES"] else current_locale()


def _mail_goes_to_the_log() -> bool:
    """Development without MAIL_SERVER: emails are written to the server's log."""
    config = current_app.config
    return not config.get("MAIL_SERVER") and config.get("ENV_NAME") != "production"


def _send_registration_mail(registration: accounts.Registration, owner) -> None:
    """One email through the same path either way: the confirmation link to a new address, the
    "someone tried to register" notice to the owner of a taken one. The token is made either way."""
    token = accounts.make_registration_token(registration, current_app.config["SECRET_KEY"])
    if owner is not None:
        _send_account_mail("email/register_taken.txt", owner)
        return
    hours = current_app.config["REGISTRATION_CONFIRM_MAX_AGE"] // 3600
    with force_locale(registration.locale or current_locale()):
        subject = _("Confirm your email — Resilient Cities Academy")
        body = render_template(
            "email/confirm_registration.txt",
            name=registration.name,
            link=external_url("auth.confirm_registration", token=token),
            hours=hours,
        )
    send_written_email(
        registration.email, subject, body, locale=_locale(registration.locale), after_response=True
    )


def _complete(registration: accounts.Registration):
    """The new account, or None when the address has one by now."""
    try:
        return accounts.complete_registration(registration)
    except accounts.EmailTaken:
        return None


def _logged_in(user, target: str):
    session["lang"] = user.locale
    _start_session(user)
    flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
    # A new account starts with the guided start (what the programme is, where to begin).
    return remember_device(redirect(target or url_for("learn.start")), user.email)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str):
    """The link of the confirmation email. GET only shows a button (mail scanners follow links;
    a GET creates nothing); the POST creates the account and logs the person in."""
    registration = accounts.read_registration_token(
        token, current_app.config["SECRET_KEY"], current_app.config["REGISTRATION_CONFIRM_MAX_AGE"]
    )
    if registration is None:
        hours = current_app.config["REGISTRATION_CONFIRM_MAX_AGE"] // 3600
        return render_template("auth/confirm.html", state="invalid", hours=hours), 400
    target = safe_next(registration.next, "")
    if accounts.get_user_by_email(registration.email) is not None:
        return _already_registered(registration, target)
    form = FlaskForm()
    if form.validate_on_submit():
        user = _complete(registration)
        if user is None:
            return _already_registered(registration, target)
        return _logged_in(user, target)
    return render_template("auth/confirm.html", state="ready", form=form, registration=registration)


def _already_registered(registration: accounts.Registration, target: str) -> str:
    return render_template("auth/confirm.html", state="exists", email=registration.email, next_url=target)


def _send_account_mail(template: str, user) -> None:
    if not user.email:
        return
    with force_locale(user.locale or current_locale()):  # the recipient's language
        subject = _("Your account — Resilient Cities Academy")
        body = render_template(
            template,
            user=user,
            login_link=external_url("auth.login"),
            reset_link=external_url("auth.forgot_password"),
        )
    send_written_email(
        user.email, subject, body, user_id=user.id, locale=_locale(user.locale), after_response=True
    )


@bp.route("/login", methods=["GET", "POST"])
def login():
    # Without a `next`, each role lands on its home (training/web/homes.py).
    target = safe_next(request.args.get("next"), "")
    if current_user.is_authenticated:
        return redirect(target or home_url())
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        throttle = LoginThrottle(form.email.data)
        wait = throttle.wait()
        if wait:
            page = render_template(
                "auth/login.html",
                form=form,
                error=login_wait_message(wait),
                next_url=safe_next(request.args.get("next"), ""),
            )
            return page, 429, {"Retry-After": str(wait)}
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            throttle.failed()
            error = _("The email or password is not right.")
        else:
            throttle.succeeded()
            _start_session(user, remember=form.remember.data)
            return remember_device(redirect(target or home_url(user)), user.email)
    next_url = safe_next(request.args.get("next"), "")
    return render_template("auth/login.html", form=form, error=error, next_url=next_url), (
        401 if error else 200
    )


@bp.post("/logout")
@login_required
def logout():
    """Ends every session of the user, on every device, "remember me" cookies included: with
    one version per account a session cannot end alone (docs/security-accounts.md)."""
    _end_every_session()
    flash(_("You are logged out, on this device and on every other one."), "info")
    return redirect(url_for("main.index"))


@bp.post("/profile/logout-everywhere")
@login_required
def logout_everywhere():
    _end_every_session()
    flash(
        _(
            "You are logged out on every device and browser. Log in again here; if you think "
            "someone else knows your password, choose a new one."
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


def _end_every_session() -> None:
    lang = session.get("lang") or current_user.locale
    accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    session["lang"] = lang


@bp.route("/forgot", methods=["GET", "POST"])
@throttle_password_reset
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # The same work and the same answer whether or not the email has an account: a token
        # and an email are made either way, and sent (after the response) only to an account.
        user = accounts.get_user_by_email(form.email.data)
        known = user is not None and user.active
        subject = user if known else accounts.PLACEHOLDER
        token = accounts.make_reset_token(subject, current_app.config["SECRET_KEY"])
        # The link starts with PUBLIC_URL, never with the Host this request names.
        link = external_url("auth.reset_password", token=token)
        minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
        with force_locale(subject.locale or current_locale()):  # the recipient's language
            title = _("Reset your password — Resilient Cities Academy")
            body = render_template("email/reset_password.txt", user=subject, link=link, minutes=minutes)
        if known:
            send_written_email(
                user.email, title, body, user_id=user.id, locale=_locale(user.locale), after_response=True
            )
        flash(
            _("If an account uses this email, we have sent it a link to choose a new password."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = accounts.read_reset_token(
        token, current_app.config["SECRET_KEY"], current_app.config["PASSWORD_RESET_MAX_AGE"]
    )
    if user is None:
        flash(_("This link has expired or was already used. Ask for a new one."), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    form.account = (user.email, user.name)
    if form.validate_on_submit():
        try:
            accounts.reset_password(user, form.password.data)
        except accounts.WeakPassword as exc:
            _weak_password(form, exc)
        else:
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        form.city.data = current_user.city_id or 0
    _city_choices(form)
    if form.validate_on_submit():
        city = cities.get_city(form.city.data)
        if city is None:
            form.city.errors.append(_("Choose your city."))
        else:
            accounts.update_profile(
                current_user,
                name=form.name.data,
                city=city,
                organisation=form.organisation.data or "",
                locale=form.locale.data,
            )
            session["lang"] = form.locale.data
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, email_choices=email_choices(current_user))


# --- personal data --------------------------------------------------------------------------


@bp.get("/profile/data.json")
@login_required
def export_data():
    """Everything the platform holds about the user, as a JSON download."""
    data = privacy.export_user_data(current_user)
    current_app.logger.info("personal data exported by user %d", current_user.id)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="resilient-cities-academy-my-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/profile/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    """Delete (anonymise) the account, after the password is entered again."""
    form = DeleteAccountForm()
    allowed = privacy.can_delete_account(current_user)
    if allowed and form.validate_on_submit():
        if not current_user.check_password(form.password.data or ""):
            form.password.errors.append(_("This is not your password."))
        else:
            lang = session.get("lang") or current_user.locale
            privacy.delete_account(current_user._get_current_object())  # ends every session
            logout_user()
            session.clear()
            session["lang"] = lang
            flash(_("Your account is deleted. Thank you for learning with us."), "info")
            return redirect(url_for("main.index"))
    code = 422 if form.errors else 200
    return render_template("auth/delete.html", form=form, allowed=allowed), code
