"""Languages: English and Simplified Chinese. Flask-Babel with a locale chosen per request."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_context

from training.extensions import babel

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


def select_locale() -> str:
    """A logged-in user's choice, else this browser's choice, else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if getattr(g, "force_locale", None) in languages:
        return g.force_locale
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages, default="en") or "en"


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel's template callables look the catalog up again for every string (a page has
    # up to a hundred); ours take the one looked up once per render_template.
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        newstyle=True,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )

    app.jinja_env.globals["paren"] = _paren
    app.jinja_env.globals["colon"] = _colon
    app.jinja_env.globals["space"] = _space

    @app.context_processor
    def inject_language():
        locale = current_locale()
        return {
            "locale": locale,
            "html_lang": HTML_LANG[locale],
            "language_names": LANGUAGE_NAMES,
            "_translations": get_translations(),
        }


def _catalog(context):
    """The catalog injected into this render. Macros imported without context (a page draws
    dozens of their strings) take the one looked up for the request's locale — again only when
    the locale is another (force_locale sets another), not for every string."""
    translations = context.get("_translations")
    if translations is not None:
        return translations
    from flask_babel import get_locale

    locale = get_locale()
    kept = g.get("_academy_catalog")
    if kept is None or kept[0] is not locale:
        kept = (locale, get_translations())
        g._academy_catalog = kept
    return kept[1]


@pass_context
def _template_gettext(context, string):
    return _catalog(context).ugettext(string)


@pass_context
def _template_ngettext(context, singular, plural, n):
    return _catalog(context).ungettext(singular, plural, n)


@pass_context
def _template_pgettext(context, message_context, string):
    return _catalog(context).upgettext(message_context, string)


@pass_context
def _template_npgettext(context, message_context, singular, plural, n):
    return _catalog(context).unpgettext(message_context, singular, plural, n)


@pass_context
def _paren(context, text) -> str:
    """A note in brackets, in the page's script: （…） on a Chinese page, (…) on an English one."""
    return f"（{text}）" if context.get("locale") == "zh" else f"({text})"


@pass_context
def _colon(context, text) -> str:
    """A label followed by a colon, full-width on a Chinese page."""
    return f"{text}：" if context.get("locale") == "zh" else f"{text}:"


@pass_context
def _space(context) -> str:
    """The space between two sentences or a label and its value: none on a Chinese page (its
    full-width punctuation carries the spacing), one on an English page."""
    return "" if context.get("locale") == "zh" else " "


def current_locale() -> str:
    """'en' or 'zh' for the current request."""
    from flask_babel import get_locale

    locale = str(get_locale() or "en")
    return "zh" if locale.startswith("zh") else "en"
