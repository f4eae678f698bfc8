from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

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


class AssignTrainerForm(FlaskForm):
    trainer = SelectField(_l("Trainer"), coerce=int, validators=[DataRequired(_l("Choose a trainer."))])
    city = SelectField(_l("City"), coerce=int, validators=[DataRequired(_l("Choose a city."))])
