from __future__ import annotations

import json

from flask import Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from wtforms.fields.choices import SelectChoice

from training.i18n import current_locale
from training.mail import send_mail_after_response
from training.services import accounts, cities, privacy
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
from training.web.public_links import external_url
from training.web.safe_next import safe_next
from training.web.security import (
    LoginThrottle,
    login_wait_message,
    remember_device,
    throttle_password_reset,
    throttle_registration,
)


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
    """Open an account and log in at once. A taken email is told on the form (a person who
    forgot they have an account must learn to log in); its owner is told by email, the answer
    takes as long as for a new account, and registrations per address are limited
    (docs/security-accounts.md)."""
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
            user = _create_account(form, city)
            if user is not None:
                session["lang"] = user.locale
                _start_session(user)
                flash(_("Welcome, %(name)s. Your account is ready.", name=user.name), "success")
                return remember_device(redirect(target or url_for("learn.catalogue")), user.email)
    return render_template("auth/register.html", form=form, next_url=target)


def _create_account(form, city):
    """The new account, or None with the form's errors set. Both outcomes that reach the
    database count against the address's registration limit and send one email."""
    try:
        user = accounts.register_user(
            name=form.name.data,
            email=form.email.data,
            password=form.password.data,
            city=city,
            organisation=form.organisation.data or "",
            locale=form.locale.data,
        )
    except accounts.WeakPassword as exc:
        _weak_password(form, exc)
        return None
    except accounts.EmailTaken:
        g.registration_attempted = True
        owner = accounts.get_user_by_email(form.email.data)
        _send_account_mail("email/register_taken.txt", owner or accounts.PLACEHOLDER)
        message = _("An account with this email already exists. Log in or reset your password.")
        form.email.errors.append(message)
        return None
    g.registration_attempted = True
    _send_account_mail("email/welcome.txt", user)
    return user


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
    send_mail_after_response(user.email, subject, body)


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.args.get("next"), url_for("learn.my_learning"))
    if current_user.is_authenticated:
        return redirect(target)
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
            return remember_device(redirect(target), user.email)
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
    flash(_("You are logged out."), "info")
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
            send_mail_after_response(user.email, title, body)
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
    return render_template("auth/profile.html", form=form)


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
