"""Hardening of every response and of the login: headers, the proxy in front, throttling.

Headers
    A Content-Security-Policy that allows scripts from this site only (no inline script, no
    eval) and no framing (`frame-ancestors 'none'`). Styles: the stylesheet is a file, but a few
    templates set a width or a position with a `style` attribute (progress bars, chart labels,
    the radar chart's size), which is data, not code; `style-src-attr 'unsafe-inline'` allows
    those attributes while `style-src-elem 'self'` still refuses inline `<style>` elements.
    Browsers without CSP level 3 read `style-src 'self' 'unsafe-inline'`. HSTS is sent on HTTPS
    requests and always in production (a browser ignores it over plain HTTP).

Throttling
    Failed logins are counted per account (the email) and per client address, with
    Flask-Limiter; only failures count (HTTP 401), and once a limit is reached even the right
    password gets the 429 page until the window passes. Password-reset requests are counted
    per account and address too. Counters live in Redis when `REDIS_URL` is set, so every
    worker and every machine shares them; the keys are keyed hashes, never an email or address.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from flask import Flask, abort, current_app, render_template, request
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from training.extensions import limiter
from training.services.accounts import normalise_email

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "style-src-elem 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Links to sources leave the site without the page address (reset links live in paths).
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def init_security(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # nginx / the load balancer sets X-Forwarded-For and -Proto: the client address for the
        # per-address limit, https for secure cookies and HSTS.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    if app.config.get("REDIS_URL"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 2, "socket_timeout": 2})
    limiter.init_app(app)
    if app.config.get("ENV_NAME") == "production" and not app.config.get("REDIS_URL"):
        app.logger.warning(
            "REDIS_URL is not set: login throttling counts in memory, separately in each worker "
            "process. Set REDIS_URL so that every worker and every machine shares the counters."
        )
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
    app.register_error_handler(429, too_many_requests)


@limiter.request_filter
def _reads_only() -> bool:
    """Every limit is on a form (POST): pages skip the limiter's per-request work altogether."""
    return request.method not in STATE_CHANGING


def refuse_nul_characters() -> None:
    """No form, query or path holds a NUL character legitimately, and PostgreSQL refuses to
    store one: such a request is a 400, never a 500."""
    if "\x00" in request.path:
        abort(400)
    for values in (request.args, request.form if request.method in STATE_CHANGING else None):
        if values and any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
            abort(400)


def _user_id() -> int | None:
    """The logged-in user's id, without ever failing the response (the database may be down)."""
    try:
        return current_user.id if current_user and current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - headers must go out even when the user cannot be loaded
        return None


def set_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure or current_app.config.get("ENV_NAME") == "production":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        user_id = _user_id()
        if user_id is not None:
            # A shared office computer: pages with a person's data stay out of the browser cache.
            response.headers["Cache-Control"] = "no-store"
            # gunicorn's access log names the user by id only (gunicorn.conf.py).
            request.environ["academy.user_id"] = str(user_id)
    return response


# --- throttling ----------------------------------------------------------------------------


def _digest(kind: str, value: str) -> str:
    """A keyed hash, so the counters' keys (and the limiter's log lines) hold no personal data."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return kind + ":" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def address_key() -> str:
    return _digest("address", get_remote_address() or "-")


def account_key() -> str:
    email = normalise_email(request.form.get("email", ""))[:254]
    return _digest("account", email) if email else address_key()


def _throttle_off() -> bool:
    return not current_app.config.get("LOGIN_THROTTLE", True)


def _failed_login(response) -> bool:
    return response.status_code == 401


def _limit(setting: str, key_func, scope: str, **options):
    """A POST-only limit whose value is read from the configuration at request time."""
    return limiter.limit(
        lambda: current_app.config[setting],
        key_func=key_func,
        scope=scope,
        methods=["POST"],
        exempt_when=_throttle_off,
        **options,
    )


def throttle_login(view):
    """Count failed logins per account and per address."""
    view = _limit("LOGIN_LIMIT_ACCOUNT", account_key, "login-account", deduct_when=_failed_login)(view)
    return _limit("LOGIN_LIMIT_ADDRESS", address_key, "login-address", deduct_when=_failed_login)(view)


def throttle_password_reset(view):
    """Count requests for a reset email per account and per address (each sends an email)."""
    view = _limit("RESET_REQUEST_LIMIT", account_key, "reset-account")(view)
    return _limit("LOGIN_LIMIT_ADDRESS", address_key, "reset-address")(view)


def _retry_after() -> int:
    """Seconds until the breached limit's window ends (at least one minute)."""
    current = limiter.current_limit
    try:
        seconds = int(current.reset_at - time.time()) if current else 60
    except Exception:  # noqa: BLE001 - storage hiccup: a sensible default
        seconds = 60
    return max(seconds, 60)


def too_many_requests(error: TooManyRequests):
    from training.web.auth.forms import ForgotPasswordForm, LoginForm
    from training.web.errors import render_error

    seconds = _retry_after()
    minutes = (seconds + 59) // 60
    if request.endpoint == "auth.login":
        message = ngettext(
            "Too many failed attempts to log in. For your safety, logging in to this account or from "
            "this network is paused for %(num)d minute. Try again then, or reset your password.",
            "Too many failed attempts to log in. For your safety, logging in to this account or from "
            "this network is paused for %(num)d minutes. Try again then, or reset your password.",
            minutes,
        )
        body = render_template("auth/login.html", form=LoginForm(), error=message)
    elif request.endpoint == "auth.forgot_password":
        message = ngettext(
            "Too many password reset requests. Please wait %(num)d minute and check your mailbox, "
            "including the spam folder.",
            "Too many password reset requests. Please wait %(num)d minutes and check your mailbox, "
            "including the spam folder.",
            minutes,
        )
        body = render_template("auth/forgot.html", form=ForgotPasswordForm(), throttled=message)
    else:
        return render_error(429, "too_many"), 429, {"Retry-After": str(seconds)}
    return body, 429, {"Retry-After": str(seconds)}
