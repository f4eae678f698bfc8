"""Flask's signed-cookie sessions, with the cookies a worker has already checked kept.

Every logged-in request sends the same session cookie again and again, and Flask checks its
signature, inflates and decodes it each time: about a sixth of what a logged-in request that
draws nothing costs (issue 20, tests/bench/cpu_pages.py). A cookie's bytes decide what it holds,
so once a worker has checked a cookie it keeps what the cookie holds under the cookie's exact
value, with the time it was signed: the same bytes again are answered from there, as long as
the session has not expired (PERMANENT_SESSION_LIFETIME, checked at every request as Flask
does). Anything else — a new cookie, a changed one, a forged one — goes through Flask's own
check. Only sessions of plain values (the user's id, the CSRF token, the language) are kept; a
session holding a list (flashed messages) is decoded each time, so a kept value is never
shared between two requests that could change it. Bounded: emptied when full.
"""

from __future__ import annotations

import time

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

LIMIT = 10_000  # cookies per worker, a few hundred bytes each
_PLAIN = (str, int, float, bool, type(None))


class KeptCookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._checked: dict[str, tuple[float, dict]] = {}

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        lifetime = int(app.permanent_session_lifetime.total_seconds())
        kept = self._checked.get(value)
        if kept is not None:
            signed_at, data = kept
            if 0 <= time.time() - signed_at <= lifetime:
                return self.session_class(data)  # a copy: the kept values are never changed
            del self._checked[value]  # expired: Flask's check below says so too
        serializer = self.get_signing_serializer(app)
        try:
            data, signed = serializer.loads(value, max_age=lifetime, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _PLAIN) for v in data.values()):
            if len(self._checked) >= LIMIT:
                self._checked.clear()
            self._checked[value] = (signed.timestamp(), dict(data))
        return self.session_class(data)
