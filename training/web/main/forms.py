from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SearchField
from wtforms.validators import AnyOf, Length

from training.services.search import MAX_QUERY_LENGTH


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[AnyOf(["en", "zh"])])
    next = HiddenField()


class SearchForm(FlaskForm):
    """The curriculum search (a GET form: it changes nothing, so it carries no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Search lessons, glossary and case studies"),
        validators=[
            Length(max=MAX_QUERY_LENGTH, message=_l("Please keep the search under %(max)d characters."))
        ],
    )
