"""Error pages in the reader's language; JSON for /healthz."""

from __future__ import annotations

from contextlib import suppress

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from training.extensions import db, login_manager

# Shown when even the error template cannot be rendered (the database is down while the page
# needed it): both languages, no template, no database.
UNAVAILABLE_FALLBACK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Temporarily unavailable — Resilient Cities Academy</title></head>
<body><h1>Temporarily unavailable</h1>
<p>The service cannot reach its database at the moment. Please try again in a minute.</p>
<h1 lang="zh-Hans">暂时无法访问</h1>
<p lang="zh-Hans">服务暂时无法连接数据库，请一分钟后再试。</p>
</body></html>"""


def _messages(kind: str) -> tuple[str, str]:
    return {
        "bad_request": (_("Not understood"), _("What you sent could not be understood.")),
        "forbidden": (_("Not allowed"), _("You do not have access to this page.")),
        "not_found": (_("Page not found"), _("There is no page at this address.")),
        "too_large": (_("Too large"), _("What you sent is too large.")),
        "csrf": (
            _("Your session has expired"),
            _(
                "The form could not be accepted because your session expired. Your answers are "
                "kept in this browser: go back, reload the page and send the form again."
            ),
        ),
        "too_many": (
            _("Too many requests"),
            _("You sent too many requests in a short time. Please wait a few minutes and try again."),
        ),
        "unavailable": (
            _("Temporarily unavailable"),
            _("The service cannot reach its database at the moment. Please try again in a minute."),
        ),
        "server": (_("Something went wrong"), _("Please try again in a moment.")),
    }[kind]


def fresh_session() -> None:
    """Every error page starts from a clean session: the error may have come from a failed
    flush (the session then refuses every query with PendingRollbackError until rolled back),
    and nothing a request left unsaved when it failed is to be written by the page."""
    with suppress(Exception):  # a broken connection: the page meets it itself (503)
        db.session.rollback()


def render_error(code: int, kind: str):
    """The body of an error response: the error page, or JSON for the health check."""
    fresh_session()
    if request.path.startswith("/healthz"):
        return {"status": "error", "code": code}
    title, message = _messages(kind)
    return render_template("errors/error.html", code=code, title=title, message=message)


def _database_unavailable(error: OperationalError):
    """The database is down or restarting: a clear 503, never a stack trace or a 500.

    The session is rolled back (its connection is broken) and the page is drawn without the
    database: the visitor counts as anonymous if their account could not be loaded."""
    current_app.logger.error("database unavailable: %s", type(error.orig or error).__name__)
    with suppress(Exception):  # the connection is already gone: nothing to undo
        db.session.rollback()
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": "30"}
    try:
        body = render_error(503, "unavailable")
    except Exception:  # noqa: BLE001 - rendering needed the database too: plain bilingual page
        current_app.logger.exception("the 503 page could not be rendered")
        body = UNAVAILABLE_FALLBACK
    return body, 503, headers


def init_errors(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(_e):
        return render_error(400, "bad_request"), 400

    @app.errorhandler(403)
    def forbidden(_e):
        return render_error(403, "forbidden"), 403

    @app.errorhandler(404)
    def not_found(_e):
        return render_error(404, "not_found"), 404

    @app.errorhandler(413)
    def too_large(_e):
        return render_error(413, "too_large"), 413

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return render_error(400, "csrf"), 400

    app.register_error_handler(OperationalError, _database_unavailable)

    @app.errorhandler(500)
    def server_error(_e):
        return render_error(500, "server"), 500
