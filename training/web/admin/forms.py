from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from training.services.timezones import is_valid_timezone

ROLE_LABELS = {
    "trainee": _l("Trainee"),
    "trainer": _l("Trainer"),
    "editor": _l("Editor"),
    "admin": _l("Admin"),
}
ROLE_CHOICES = [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]


class RoleForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)


class CityForm(FlaskForm):
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(_l("Enter the English name.")), Length(max=120)]
    )
    name_zh = StringField(
        _l("Name in Chinese"), validators=[DataRequired(_l("Enter the Chinese name.")), Length(max=120)]
    )
    province_en = StringField(_l("Province (English)"), validators=[Optional(), Length(max=120)])
    province_zh = StringField(_l("Province (Chinese)"), validators=[Optional(), Length(max=120)])
    country_en = StringField(
        _l("Country (English)"),
        default="China",
        validators=[DataRequired(_l("Enter the country.")), Length(max=120)],
    )
    country_zh = StringField(
        _l("Country (Chinese)"),
        default="中国",
        validators=[DataRequired(_l("Enter the country.")), Length(max=120)],
    )

    timezone = StringField(
        _l("Time zone"),
        default="Asia/Shanghai",
        description=_l(
            "The IANA name, e.g. Asia/Shanghai (every city in China), Europe/Copenhagen, "
            "America/Bogota. Session times in this city are entered and shown in it."
        ),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Optional(), Length(max=64)],
    )

    def validate_timezone(self, field):
        if field.data and not is_valid_timezone(field.data):
            raise ValidationError(
                _l(
                    "“%(zone)s” is not a time zone name. Use a name like Asia/Shanghai or Europe/Copenhagen.",
                    zone=field.data,
                )
            )


class AssignTrainerForm(FlaskForm):
    trainer = SelectField(_l("Trainer"), coerce=int, validators=[DataRequired(_l("Choose a trainer."))])
    city = SelectField(_l("City"), coerce=int, validators=[DataRequired(_l("Choose a city."))])
