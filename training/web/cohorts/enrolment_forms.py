"""Forms of enrolment at workshop scale: the trainer's list, and the invited person's account."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from training.web.auth.forms import _CityAndLanguage, _NewPassword


class EnrolListForm(FlaskForm):
    text = TextAreaField(_l("Paste the list"), validators=[Optional()])
    upload = FileField(_l("Or choose a file (CSV or Excel .xlsx)"), validators=[Optional()])
    digest = HiddenField()


class InvitedAccountForm(_NewPassword, _CityAndLanguage, FlaskForm):
    """The account of an invited address: the email is the invitation's (not a field)."""

    name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter your name.")), Length(max=120)])
