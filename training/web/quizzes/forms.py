from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange


class GrantAttemptsForm(FlaskForm):
    extra = IntegerField(
        _l("Extra attempts"),
        default=1,
        validators=[NumberRange(min=1, max=10, message=_l("Between 1 and 10."))],
    )
    reason = TextAreaField(
        _l("Reason (kept in the record)"),
        validators=[DataRequired(_l("Give a reason.")), Length(max=1000)],
    )
