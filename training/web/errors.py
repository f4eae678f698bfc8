from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def init_errors(app: Flask) -> None:
    def page(code: int, title: str, message: str):
        if request.path.startswith("/healthz"):
            return {"status": "error", "code": code}, code
        return render_template("errors/error.html", code=code, title=title, message=message), code

    @app.errorhandler(403)
    def forbidden(_e):
        return page(403, _("Not allowed"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def not_found(_e):
        return page(404, _("Page not found"), _("There is no page at this address."))

    @app.errorhandler(413)
    def too_large(_e):
        return page(413, _("Too large"), _("What you sent is too large."))

    @app.errorhandler(CSRFError)
    def csrf_error(_e):
        return page(
            400,
            _("Your session has expired"),
            _(
                "The form could not be accepted because your session expired. Your answers are "
                "kept in this browser: go back, reload the page and send the form again."
            ),
        )

    @app.errorhandler(500)
    def server_error(_e):
        return page(500, _("Something went wrong"), _("Please try again in a moment."))
