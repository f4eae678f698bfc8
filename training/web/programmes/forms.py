from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ProgrammeForm(FlaskForm):
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(_l("Enter a name.")), Length(max=200)]
    )
    name_zh = StringField(_l("Name in Chinese"), validators=[Optional(), Length(max=200)])
    start_year = IntegerField(
        _l("First year"),
        validators=[
            DataRequired(_l("Enter a year.")),
            NumberRange(2000, 2100, _l("A year from 2000 to 2100.")),
        ],
    )
    end_year = IntegerField(
        _l("Last year"),
        validators=[
            DataRequired(_l("Enter a year.")),
            NumberRange(2000, 2100, _l("A year from 2000 to 2100.")),
        ],
    )
    cities = CheckboxList(_l("Cities"), coerce=int)
    managers = TextAreaField(
        _l("Programme managers (email addresses, one per line)"), validators=[Length(max=5000)]
    )
    cohorts = CheckboxList(_l("Cohorts in the programme"), coerce=int)


class SharingForm(FlaskForm):
    level = RadioField(
        _l("What the programmes this city is part of may show of its scorecard"),
        choices=[
            SelectChoice(
                "private", _l("Private: nothing of the scorecard is shown outside the city's delegation")
            ),
            SelectChoice("named", _l("Shared with the programme, under the city's name")),
            SelectChoice(
                "anonymised", _l("Shared anonymised: shown as “City A”, “City B”…, without the name")
            ),
        ],
        validators=[DataRequired(_l("Choose a setting."))],
    )
