"""Configuration: defaults, overridden by the environment.

Every setting a deployment changes comes from an environment variable of the same name.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

DEV_SECRET_KEY = "dev-only-insecure-secret-key"  # noqa: S105 - refused in production


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "development"
    SECRET_KEY = DEV_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'academy.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    CONTENT_ROOT = str(ROOT)
    LANGUAGES = ("en", "zh")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "training" / "translations")
    # A CSRF token lives as long as the session: a quiz answered slowly is not refused.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds a reset link stays valid
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = True
    MAIL_FROM = "Resilient Cities Academy <no-reply@localhost>"
    DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo accounts only, printed in README
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    @classmethod
    def from_env(cls) -> dict:
        """Values of this class, with environment overrides applied."""
        values = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for key in (
            "SECRET_KEY",
            "MAIL_SERVER",
            "MAIL_USERNAME",
            "MAIL_PASSWORD",
            "MAIL_FROM",
            "DEMO_PASSWORD",
            "CONTENT_ROOT",
        ):
            if os.environ.get(key):
                values[key] = os.environ[key]
        if os.environ.get("DATABASE_URL"):
            values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
        if os.environ.get("MAIL_PORT"):
            values["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
        values["MAIL_USE_TLS"] = _bool("MAIL_USE_TLS", values["MAIL_USE_TLS"])
        values["SESSION_COOKIE_SECURE"] = _bool("SESSION_COOKIE_SECURE", values["ENV_NAME"] == "production")
        values["REMEMBER_COOKIE_SECURE"] = values["SESSION_COOKIE_SECURE"]
        return values


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = ""  # must come from the environment


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    DEMO_PASSWORD = "demo-password-2026"  # noqa: S105


def normalise_database_url(url: str) -> str:
    """Let `postgres://` and `postgresql://` URLs use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def config_for(name: str | None) -> type[Config]:
    return {"production": ProductionConfig, "testing": TestConfig}.get(name or "", Config)
