"""Resilient Cities Academy: the application factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from training.config import (
    INSTANCE,
    ROOT,
    config_for,
    finish_config,
    load_or_create_secret_key,
    public_url_problem,
)


def create_app(config: dict[str, Any] | str | None = None) -> Flask:
    """Build the app. `config` is a dict of overrides, or the name of a config class."""
    overrides = config if isinstance(config, dict) else {}
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(overrides.get("INSTANCE_PATH") or INSTANCE),
    )
    name = config if isinstance(config, str) else os.environ.get("ACADEMY_ENV") or None
    app.config.update(config_for(name).from_env())
    app.config.update(overrides)
    finish_config(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    _check_secret_key(app)
    _check_public_url(app)

    register_logging(app)
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    return app


def register_logging(app: Flask) -> None:
    from training.logging_setup import configure_logging

    configure_logging(app)


def register_security(app: Flask) -> None:
    """Headers, the proxy in front, rate-limit storage (training/web/security.py)."""
    from training.web.security import init_security
    from training.web.session_cookie import KeptCookieSessionInterface

    init_security(app)
    app.session_interface = KeptCookieSessionInterface()  # a checked cookie is not checked again


def _check_secret_key(app: Flask) -> None:
    """Production: SECRET_KEY from the environment, or no start. Development: without one, a
    random key made on the first run and kept in instance/secret_key (never a key written in
    the source, which anyone reading the repository could use to forge a session)."""
    key = app.config.get("SECRET_KEY") or ""
    if app.config.get("ENV_NAME") == "production":
        if len(key) < 16:
            raise RuntimeError(
                "SECRET_KEY must be set (at least 16 characters) in production. "
                "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'"
            )
    elif not key:
        app.config["SECRET_KEY"] = load_or_create_secret_key(app.instance_path)


def _check_public_url(app: Flask) -> None:
    """Links in emails and QR codes start with PUBLIC_URL: production does not start without it."""
    problem = public_url_problem(app.config.get("PUBLIC_URL") or "")
    if problem:
        raise RuntimeError(
            f"{problem}. Set PUBLIC_URL to the address users reach the site at, e.g. "
            "PUBLIC_URL=https://academy.example.org (links in emails and QR codes start with it)."
        )


def register_extensions(app: Flask) -> None:
    from training import models  # noqa: F401 - registers the tables
    from training.database import configure_engine
    from training.extensions import csrf, db, login_manager, migrate
    from training.i18n import init_i18n
    from training.services.curriculum_cache import init_curriculum_cache

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, float(app.config.get("DATABASE_PING_AFTER", 30)))
        _declare_reads_only_requests(app)
    init_curriculum_cache(app)
    migrate.init_app(app, db, directory=str(ROOT / "training" / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    login_manager.login_message_category = "info"
    login_manager.localize_callback = _login_message
    init_i18n(app)

    from training.web.vocabulary import vocabulary

    app.context_processor(vocabulary)

    from training.web.session_user import init_session_user

    init_session_user(login_manager)  # the user and their unread count, in one query


def _declare_reads_only_requests(app: Flask) -> None:
    """GET and HEAD requests only read. On SQLite they do not take the write lock up front
    (training/database.py); on PostgreSQL they run in autocommit mode, which spares the BEGIN
    and ROLLBACK round trips around their queries (DATABASE_AUTOCOMMIT_READS). Registered
    first, before anything can touch the database."""
    from flask import g, request
    from sqlalchemy.exc import OperationalError

    from training.database import expect_reads_only, restore
    from training.extensions import db
    from training.web.security import STATE_CHANGING

    autocommit = app.config.get("DATABASE_AUTOCOMMIT_READS") and db.engine.dialect.name == "postgresql"

    @app.before_request
    def _declare():
        reads_only = request.method not in STATE_CHANGING
        g.database_intent = expect_reads_only(reads_only)
        if reads_only and autocommit and request.endpoint != "static":
            try:
                db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            except OperationalError:  # the database is down: the page meets it itself (a 503
                db.session.rollback()  # page, or /healthz's own answer)

    @app.teardown_request
    def _restore(_error):
        token = g.pop("database_intent", None)
        if token is not None:
            restore(token)


def _login_message(_message: str) -> str:
    from flask_babel import gettext

    return gettext("Please log in to continue.")


def register_blueprints(app: Flask) -> None:
    from training.web.routing import init_routing

    init_routing(app)  # first: `<int:…>` in every rule below is bounded to the database's range
    from training.web.admin import bp as admin_bp
    from training.web.auth import bp as auth_bp
    from training.web.case_studies import bp as case_studies_bp
    from training.web.certificates import bp as certificates_bp
    from training.web.cohorts import bp as cohorts_bp
    from training.web.learn import bp as learn_bp
    from training.web.main import bp as main_bp
    from training.web.notifications import bp as notifications_bp
    from training.web.programmes import bp as programmes_bp
    from training.web.quizzes import bp as quizzes_bp
    from training.web.scorecard import bp as scorecard_bp

    blueprints = (
        main_bp, auth_bp, learn_bp, quizzes_bp, scorecard_bp,
        case_studies_bp, cohorts_bp, certificates_bp, admin_bp,
    )  # fmt: skip
    blueprints += (notifications_bp,)
    for bp in blueprints:
        app.register_blueprint(bp)
    app.register_blueprint(programmes_bp)
    from training.web.chrome import init_chrome

    init_chrome(app)
    from training.web.city_time import init_city_time
    from training.web.homes import init_homes

    init_city_time(app)
    init_homes(app)
    _one_default_context_processor(app)


def _one_default_context_processor(app: Flask) -> None:
    """Flask gives every blueprint its own copy of the default context processor (g, request,
    session) next to the app's, so each page of a blueprint ran it twice: once is enough."""
    from flask.templating import _default_template_ctx_processor

    for name, funcs in app.template_context_processors.items():
        if name is not None:
            funcs[:] = [func for func in funcs if func is not _default_template_ctx_processor]


def register_errors(app: Flask) -> None:
    from training.web.errors import init_errors

    init_errors(app)


def register_cli(app: Flask) -> None:
    from training.cli import init_cli

    init_cli(app)
