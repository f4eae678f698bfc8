from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from training.services.accounts import MIN_PASSWORD_LENGTH, password_problem

MIN_PASSWORD = MIN_PASSWORD_LENGTH
WEAK_PASSWORD_MESSAGES = {
    "common": _l(
        "This password is too common or too easy to guess. Choose another one: for example, three "
        "or four unrelated words."
    ),
    "personal": _l("Do not use your name or email address in your password."),
}


class StrongPassword:
    """The password policy (training/services/accounts.py) as a field validator. The name and
    email come from the form's fields, or from `form.account` (email, name) when it has none."""

    def __call__(self, form, field):
        email, name = getattr(form, "account", ("", ""))
        if "email" in form:
            email = form.email.data or ""
        if "name" in form:
            name = form.name.data or ""
        reason = password_problem(field.data or "", email=email, name=name)
        if reason in WEAK_PASSWORD_MESSAGES:
            raise ValidationError(str(WEAK_PASSWORD_MESSAGES[reason]))


class _CityAndLanguage:
    """Fields shared by registration and the profile."""

    city = SelectField(_l("City"), coerce=int, validators=[DataRequired(_l("Choose your city."))])
    organisation = StringField(_l("Department or organisation"), validators=[Optional(), Length(max=200)])
    locale = SelectField(
        _l("Preferred language"),
        choices=[
            SelectChoice("zh", "中文", render_kw={"lang": "zh-Hans"}),
            SelectChoice("en", "English", render_kw={"lang": "en"}),
        ],
        default="zh",
    )


class _NewPassword:
    """A new password, typed twice (registration, an invited official's account)."""

    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=MIN_PASSWORD, max=200, message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD)),
            StrongPassword(),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )


class RegisterForm(_NewPassword, _CityAndLanguage, FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)])
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(_l("Enter your email address.")),
            Email(_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )


class ProfileForm(_CityAndLanguage, FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("Enter your email address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address.")), Email(_l("Enter a valid email address."))],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=MIN_PASSWORD, max=200, message=_l("Use at least %(n)d characters.", n=MIN_PASSWORD)),
            StrongPassword(),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Repeat the password.")),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"), validators=[DataRequired(_l("Enter your password to confirm."))]
    )
    confirm = BooleanField(
        _l("I understand that my account is deleted for good."),
        validators=[DataRequired(_l("Tick the box to confirm."))],
    )
