from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
    widgets,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from training.services.cohort_sessions import is_safe_link


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CohortForm(FlaskForm):
    name = StringField(
        _l("Name of the cohort"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)]
    )
    city = SelectField(
        _l("City of the delegation"), coerce=int, validators=[DataRequired(_l("Choose a city."))]
    )
    starts_on = DateField(_l("First day"), validators=[Optional()])
    ends_on = DateField(_l("Last day"), validators=[Optional()])
    modules = CheckboxList(_l("Modules assigned, in this order"), coerce=int)
    trainers = CheckboxList(_l("Trainers"), coerce=int)
    inactive_days = IntegerField(
        _l("Flag trainees with no activity for this many days"),
        default=7,
        validators=[
            DataRequired(_l("Enter a number of days.")),
            NumberRange(1, 365, _l("From 1 to 365 days.")),
        ],
    )

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def validate_modules(self, field):
        if not field.data:
            raise ValidationError(_l("Assign at least one module."))


class JoinForm(FlaskForm):
    code = StringField(
        _l("Join code"),
        validators=[DataRequired(_l("Enter the code your trainer gave you.")), Length(max=20)],
    )


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email of the person to invite"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(_l("Enter an email address.")), Email(_l("Enter a valid email address."))],
    )


class SessionForm(FlaskForm):
    """Times are wall-clock times in the cohort's city (services/cohort_sessions.py)."""

    title = StringField(_l("Session"), validators=[DataRequired(_l("Enter a title.")), Length(max=200)])
    held_on = DateField(_l("Date"), validators=[DataRequired(_l("Enter the date."))])
    starts = TimeField(_l("Start time"), validators=[Optional()])
    ends = TimeField(_l("End time"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    online_url = StringField(
        _l("Online link"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=500)],
    )

    def validate_ends(self, field):
        # A time that does not parse is reported by TimeField itself ("Not a valid time value.").
        if field.data is not None and self.starts.data is None:
            raise ValidationError(_l("Enter the start time too."))
        if field.data is not None and self.starts.data is not None and field.data <= self.starts.data:
            raise ValidationError(_l("The session must end after it starts."))

    def validate_online_url(self, field):
        if field.data and not is_safe_link(field.data):
            raise ValidationError(_l("Enter a link that starts with https:// or http://."))


class CityRequestForm(FlaskForm):
    """A trainer asks an admin to be assigned to a city."""

    city = SelectField(_l("City"), coerce=int, validators=[DataRequired(_l("Choose a city."))])
