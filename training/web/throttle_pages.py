"""What a person slowed down by the throttling (training/web/security.py) reads: how long to
wait before the next login attempt, and the 429 pages of the password reset, the registration
and any other limited form, each with a Retry-After header."""

from __future__ import annotations

import time

from flask import render_template, request
from flask_babel import gettext, ngettext
from werkzeug.exceptions import TooManyRequests

from training.extensions import limiter


def login_wait_message(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "Too many failed attempts to log in to this account or from this network. For your "
            "safety, wait %(num)d second before trying again, or reset your password. On a "
            "device you have logged in from before, failures made elsewhere do not slow you down.",
            "Too many failed attempts to log in to this account or from this network. For your "
            "safety, wait %(num)d seconds before trying again, or reset your password. On a "
            "device you have logged in from before, failures made elsewhere do not slow you down.",
            seconds,
        )
    return ngettext(
        "Too many failed attempts to log in to this account or from this network. For your "
        "safety, wait %(num)d minute before trying again, or reset your password. On a device "
        "you have logged in from before, failures made elsewhere do not slow you down.",
        "Too many failed attempts to log in to this account or from this network. For your "
        "safety, wait %(num)d minutes before trying again, or reset your password. On a device "
        "you have logged in from before, failures made elsewhere do not slow you down.",
        (seconds + 59) // 60,
    )


def _retry_after() -> int:
    """Seconds until the breached limit's window ends (at least one minute)."""
    current = limiter.current_limit
    try:
        seconds = int(current.reset_at - time.time()) if current else 60
    except Exception:  # noqa: BLE001 - storage hiccup: a sensible default
        seconds = 60
    return max(seconds, 60)


def too_many_requests(error: TooManyRequests):
    from training.web.auth.forms import ForgotPasswordForm
    from training.web.errors import fresh_session, render_error

    fresh_session()
    seconds = _retry_after()
    minutes = (seconds + 59) // 60
    if request.endpoint == "auth.forgot_password":
        message = ngettext(
            "Too many password reset requests. Please wait %(num)d minute and check your mailbox, "
            "including the spam folder.",
            "Too many password reset requests. Please wait %(num)d minutes and check your mailbox, "
            "including the spam folder.",
            minutes,
        )
        body = render_template("auth/forgot.html", form=ForgotPasswordForm(), throttled=message)
    elif request.endpoint == "auth.register":
        message = ngettext(
            "Too many accounts were opened from this network. Please wait %(num)d minute and try "
            "again; if your whole group is registering together, ask your trainer for help.",
            "Too many accounts were opened from this network. Please wait %(num)d minutes and try "
            "again; if your whole group is registering together, ask your trainer for help.",
            minutes,
        )
        title = gettext("Too many requests")
        body = render_template("errors/error.html", code=429, title=title, message=message)
    else:
        return render_error(429, "too_many"), 429, {"Retry-After": str(seconds)}
    return body, 429, {"Retry-After": str(seconds)}
