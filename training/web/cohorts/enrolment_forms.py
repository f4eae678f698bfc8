"""Forms of enrolment at workshop scale: the trainer's list, and the invited person's account."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from training.web.auth.forms import MIN_PASSWORD, StrongPassword, _CityAndLanguage


class EnrolListForm(FlaskForm):
    text = TextAreaField(_l("Paste the list"), validators=[Optional()])
    upload = FileField(_l("Or choose a file (CSV or Excel .xlsx)"), validators=[Optional()])
    digest = HiddenField()


class InvitedAccountForm(_CityAndLanguage, FlaskForm):
    """The account of an invited address: the email is the invitation's (not a field)."""

    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)])
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
