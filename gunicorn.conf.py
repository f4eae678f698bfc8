"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py app:app` (or `make serve`).

Every value can be changed from the environment:

    GUNICORN_BIND     where to listen (default 127.0.0.1:8000: nginx in front on the same machine;
                      0.0.0.0:8000 behind a load balancer on another machine)
    WEB_CONCURRENCY   worker processes (default 2 x CPU cores + 1)
    GUNICORN_THREADS  threads per worker (default 1: sync workers; more switches to gthread)
    GUNICORN_TIMEOUT  seconds a request may take before its worker is replaced (default 30)
    GUNICORN_PRELOAD  1 (default): load the app once in the master, then fork (fast restarts,
                      shared memory); 0 to load it in every worker
    ACCESS_LOG        file for the access log, "-" for stdout (default), "" for none
    ERROR_LOG         file for gunicorn's own messages, "-" for stderr (default)
    GUNICORN_CONTROL_SOCKET  path of gunicorn's control socket (default: none)

gunicorn's own messages are JSON lines too when the app logs JSON (LOG_FORMAT, production).

The access log is one JSON object a line with no personal data: no client address, no user
agent, no referrer, no query string, and password-reset tokens cut out of the path. The user is
named by id only (set by the app in the WSGI environ).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from datetime import UTC, datetime

from gunicorn.glogging import Logger


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND") or "{}:{}".format(
    os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")
)
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# A worker is replaced after this many requests (with jitter, so not all at once): a slow leak
# never grows without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() not in {"0", "false", "no", "off"}
# Headers and request lines are bounded (defaults are generous; forms come in the body).
limit_request_line = 4094
limit_request_fields = 100
proc_name = "resilient-cities-academy"
# gunicorn's control socket (one per user by default, shared by every instance on the machine):
# off unless a path is given.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]

accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = os.environ.get("ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# The fields of an access line. The values are filled in (and escaped) by AccessLogger.atoms.
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "ms": "%(M)s",
        "user_id": "%({academy.user_id}e)s",
        "pid": "%(p)s",
    }
)
# Secrets that travel in a path: /auth/reset/<token>.
_SECRET_PATHS = re.compile(r"^(/auth/reset/)[^/]+")


def _json_logs() -> bool:
    """gunicorn's own messages are JSON too when the app logs JSON (production by default)."""
    configured = os.environ.get("LOG_FORMAT", "").strip().lower()
    return configured == "json" or (not configured and os.environ.get("ACADEMY_ENV") == "production")


class JsonAtoms(dict):
    """Atoms for a JSON format: each value is escaped as the inside of a JSON string; a missing
    one is "-" (as in gunicorn's SafeAtoms)."""

    def __init__(self, atoms):
        super().__init__((k, json.dumps(str(v), ensure_ascii=False)[1:-1]) for k, v in atoms.items())

    def __getitem__(self, key):
        if key in self:
            return super().__getitem__(key)
        return super().get(key.lower(), "-")


class AccessLogger(Logger):
    """gunicorn's logger with JSON-safe access atoms and the secrets cut out of paths."""

    atoms_wrapper_class = JsonAtoms

    def setup(self, cfg):
        super().setup(cfg)
        if _json_logs():
            from training.logging_setup import JsonFormatter

            for handler in self.error_log.handlers:
                handler.setFormatter(JsonFormatter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = _SECRET_PATHS.sub("\\1…", atoms.get("U") or "")
        atoms["t"] = datetime.now(UTC).isoformat(timespec="milliseconds")
        atoms["B"] = atoms.get("B") or 0
        atoms["{academy.user_id}e"] = environ.get("academy.user_id") or ""
        return atoms


logger_class = AccessLogger


def post_fork(server, worker):
    """With preload, the master built the app: each worker opens its own database connections
    (a connection inherited across fork would be shared by two processes)."""
    if not preload_app:
        return
    from training.extensions import db

    # Every engine of every app the master built (Flask-SQLAlchemy keeps them per app).
    for engines in list(getattr(db, "_app_engines", {}).values()):
        for engine in engines.values():
            engine.dispose(close=False)
