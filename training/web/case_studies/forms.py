from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import URL, DataRequired, Length, Optional, Regexp, ValidationError

from training.content.render import MAX_MARKDOWN_CHARS, markdown_problem
from training.services.case_studies.data import MAX_LENGTH, SLUG_RE

EXTRA_SOURCE_ROWS = 2
SHORT, LONG = (
    {"rows": 3},
    {"rows": 18, "spellcheck": "true"},
)  # blank rows for new sources, so adding one needs no JavaScript


class CheckboxList(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class SourceForm(Form):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=500)])
    url = StringField(
        _l("Link"),
        validators=[Optional(), URL(require_tld=False, message=_l("Enter a link starting with https://."))],
    )
    accessed = StringField(_l("Date accessed"), validators=[Optional(), Length(max=20)])

    def validate_url(self, field):
        if field.data and not field.data.strip().lower().startswith(("http://", "https://")):
            raise ValidationError(_l("Enter a link starting with https://."))

    def validate_title(self, field):
        if (self.url.data or "").strip() and not (field.data or "").strip():
            raise ValidationError(_l("Give the source a title."))


def markdown_text(form, field) -> None:
    """A Markdown field: at most MAX_MARKDOWN_CHARS characters, and a text the renderer takes
    within its budget (lists nested that deep, thousands of brackets… are refused here)."""
    text = field.data or ""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise ValidationError(
            _l("The text is too long: at most %(max)d characters (this one has %(n)d).")
            % {"max": MAX_MARKDOWN_CHARS, "n": len(text)}
        )
    if text and markdown_problem(text):
        raise ValidationError(
            _l("This text is too complex to display: simplify its formatting (brackets, lists, quotes).")
        )


def _line(label, name: str):
    return StringField(label, validators=[Optional(), Length(max=MAX_LENGTH[name])])


class CaseStudyForm(FlaskForm):
    """Create and edit. `version` is the revision the form was opened on (optimistic locking)."""

    slug = StringField(
        _l("Address (slug)"),
        validators=[
            DataRequired(_l("Enter an address such as wuhan-sponge-city.")),
            Length(max=120),
            Regexp(SLUG_RE, message=_l("Use lower-case letters, digits and hyphens.")),
        ],
    )
    version = HiddenField()
    title_en = _line(_l("Title (English)"), "title")
    title_zh = _line(_l("Title (Chinese)"), "title")
    summary_en = TextAreaField(
        _l("Summary (English)"), validators=[Optional(), Length(max=2000)], render_kw=SHORT
    )
    summary_zh = TextAreaField(
        _l("Summary (Chinese)"), validators=[Optional(), Length(max=2000)], render_kw=SHORT
    )
    body_en = TextAreaField(
        _l("Text in Markdown (English)"), validators=[Optional(), markdown_text], render_kw=LONG
    )
    body_zh = TextAreaField(
        _l("Text in Markdown (Chinese)"), validators=[Optional(), markdown_text], render_kw=LONG
    )
    city_en = _line(_l("City (English)"), "city")
    city_zh = _line(_l("City (Chinese)"), "city")
    country_en = _line(_l("Country (English)"), "country")
    country_zh = _line(_l("Country (Chinese)"), "country")
    region = SelectField(_l("Region"), validators=[Optional()])
    years = StringField(_l("Years"), validators=[Optional(), Length(max=MAX_LENGTH["years"])])
    hazards = CheckboxList(_l("Hazards"))
    topics = CheckboxList(_l("Topics"))
    essentials = CheckboxList(_l("Ten Essentials"), coerce=int)
    cautionary = BooleanField(_l("A cautionary case (it shows what went wrong)"))
    measures_en = TextAreaField(
        _l("Measures (English), one per line"), validators=[Length(max=5000)], render_kw=SHORT
    )
    measures_zh = TextAreaField(
        _l("Measures (Chinese), one per line"), validators=[Length(max=5000)], render_kw=SHORT
    )
    cost_en = _line(_l("Cost (English)"), "cost")
    cost_zh = _line(_l("Cost (Chinese)"), "cost")
    impact_en = TextAreaField(_l("Impact figures (English)"), validators=[Length(max=5000)], render_kw=SHORT)
    impact_zh = TextAreaField(_l("Impact figures (Chinese)"), validators=[Length(max=5000)], render_kw=SHORT)
    sources = FieldList(FormField(SourceForm), min_entries=EXTRA_SOURCE_ROWS)
    cover_image = SelectField(_l("Cover image"), validators=[Optional()])
    cover_upload = FileField(
        _l("Upload a new cover image (PNG, JPEG or WebP)"),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    cover_alt_en = _line(_l("Description of the image for blind readers (English)"), "cover_alt")
    cover_alt_zh = _line(_l("Description of the image for blind readers (Chinese)"), "cover_alt")
    note = StringField(_l("What did you change? (optional)"), validators=[Optional(), Length(max=300)])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.title_en.data or "").strip() and not (self.title_zh.data or "").strip():
            self.title_en.errors.append(_l("Give the case study a title in at least one language."))
            ok = False
        return ok


class CommentForm(FlaskForm):
    """The workflow buttons; a comment is required to send back, optional to archive."""

    version = HiddenField()
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class RestoreForm(FlaskForm):
    version = HiddenField()
