"""Languages: English and Simplified Chinese. Flask-Babel with a locale chosen per request."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_login import current_user

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

    @app.context_processor
    def inject_language():
        locale = current_locale()
        return {
            "locale": locale,
            "html_lang": HTML_LANG[locale],
            "language_names": LANGUAGE_NAMES,
        }


def current_locale() -> str:
    """'en' or 'zh' for the current request."""
    from flask_babel import get_locale

    locale = str(get_locale() or "en")
    return "zh" if locale.startswith("zh") else "en"
