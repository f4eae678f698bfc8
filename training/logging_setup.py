"""Logging: readable text in development, one JSON object a line in production.

A log line names a person by user id only — never a name, an email or an address. Lines written
while a request is handled carry the request's method, endpoint and the user id.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

HANDLER_NAME = "academy"
# Loggers whose lines would carry personal data (client addresses, rate-limit keys) at INFO.
QUIET = {"flask-limiter": logging.WARNING, "alembic.runtime.plugins": logging.WARNING}


# Secrets that travel in a path: a password-reset link logged with an error would let a log
# reader take over the account within the hour.
_SECRET_PATHS = re.compile(r"(/auth/reset/)[^\s/?\"']+")


def redact(text: str) -> str:
    return _SECRET_PATHS.sub(r"\1…", text)


def _request_fields() -> dict[str, object]:
    if not has_request_context():
        return {}
    fields: dict[str, object] = {"method": request.method, "endpoint": request.endpoint}
    user = g.get("_login_user")  # only if Flask-Login already loaded it: logging never queries
    user_id = getattr(user, "id", None) if user is not None and user.is_authenticated else None
    if user_id is not None:
        fields["user_id"] = user_id
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        entry.update(_request_fields())
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = redact(super().format(record))
        fields = _request_fields()
        if fields.get("user_id") is not None:
            line += f" [user {fields['user_id']}]"
        return line


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (as logging.lastResort does), so a handler
    installed once keeps working when stderr is replaced (test runners, reloaders)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(app: Flask) -> None:
    """Install one handler on the root logger (stderr), in the configured format.

    Under `testing` nothing is installed, so pytest's own capture keeps working."""
    if app.testing:
        return
    fmt = app.config.get("LOG_FORMAT") or "text"
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if handler is None:
        handler = StderrHandler()
        handler.set_name(HANDLER_NAME)
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    # Flask's own handler would print each line a second time.
    from flask.logging import default_handler

    app.logger.removeHandler(default_handler)
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(level)
