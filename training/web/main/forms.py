from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import AnyOf


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(["en", "zh"])])
    next = HiddenField()
