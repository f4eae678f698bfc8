"""Hardening of every response and of the login: headers, the proxy in front, throttling.

Headers
    A Content-Security-Policy that allows scripts from this site only (no inline script, no
    eval) and no framing (`frame-ancestors 'none'`). Styles: the stylesheet is a file, but a few
    templates set a width or a position with a `style` attribute (progress bars, chart labels,
    the radar chart's size), which is data, not code; `style-src-attr 'unsafe-inline'` allows
    those attributes while `style-src-elem 'self'` still refuses inline `<style>` elements.
    Browsers without CSP level 3 read `style-src 'self' 'unsafe-inline'`. HSTS is sent on HTTPS
    requests and always in production (a browser ignores it over plain HTTP).

Trusted hosts
    A request whose Host is not among TRUSTED_HOSTS (production default: the host of
    PUBLIC_URL) gets 400 before anything else runs. /healthz is exempt: a load balancer's probe
    often names the machine's address, and the health answer holds no link.

Throttling
    Failed logins slow the next attempts; they never lock the account. Each failure is counted
    per account (the email) and per client address; once an account has had
    LOGIN_FREE_FAILURES_ACCOUNT failures (an address LOGIN_FREE_FAILURES_ADDRESS), the next
    attempt must wait 2, 4, 8 … seconds after the last failure, at most LOGIN_DELAY_MAX, and an
    attempt sooner gets 429 with Retry-After (its password is not even checked). A successful
    login clears the account's counter (not the address's: an attacker could clear it with an
    account of their own). A browser that logged in to an account before carries a signed
    known-device cookie naming it: its attempts on that account are counted for that device
    alone, so an attacker elsewhere slows only themself and the rightful user on their usual
    device logs in at once. Password-reset requests (each sends an email) and registrations are
    limited per account and per address with Flask-Limiter. Counters live in the limiter's
    storage — Redis when `REDIS_URL` is set, so every worker and machine shares them — and
    their keys are keyed hashes, never an email or an address.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time

from flask import Flask, abort, current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted

from training.extensions import limiter
from training.services.accounts import normalise_email
from training.web.throttle_pages import too_many_requests

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
    _limiter_on_forms_only(app)
    if app.config.get("ENV_NAME") == "production" and not app.config.get("REDIS_URL"):
        app.logger.warning(
            "REDIS_URL is not set: login throttling counts in memory, separately in each worker "
            "process. Set REDIS_URL so that every worker and every machine shares the counters."
        )
    if app.config.get("ENV_NAME") == "production" and not app.config.get("MAIL_SERVER"):
        app.logger.warning(
            "MAIL_SERVER is not set: no email is sent, so nobody can finish registering (the "
            "confirmation link), reset a password or receive an invitation. Set MAIL_SERVER."
        )
    # First of all: nothing runs for a request that names another site.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
    app.before_request(refuse_nul_characters)
    app.after_request(set_security_headers)
    app.register_error_handler(429, too_many_requests)


@limiter.request_filter
def _reads_only() -> bool:
    """Every limit is on a form (POST): pages skip the limiter's per-request work altogether."""
    return request.method not in STATE_CHANGING


def _limiter_on_forms_only(app: Flask) -> None:
    """The limiter's three request hooks (check, response headers, cleanup) run for forms only.

    With `_reads_only` a page is never limited, but the hooks still ran for every page: looking
    the endpoint's limits up, making and clearing a per-request context (about a twentieth of a
    logged-in page that draws nothing). Every limit is on a POST, so a read skips them."""

    def ours(func) -> bool:
        return getattr(func, "__self__", None) is limiter or getattr(func, "args", (None,))[:1] == (limiter,)

    def forms_only(hook):
        def check():
            if request.method in STATE_CHANGING:
                return hook()
            return None

        def headers(response):
            return hook(response) if request.method in STATE_CHANGING else response

        def release(error):
            if request.method in STATE_CHANGING:
                hook(error)

        return {"before": check, "after": headers, "teardown": release}

    for kind, funcs in (
        ("before", app.before_request_funcs.get(None, [])),
        ("after", app.after_request_funcs.get(None, [])),
        ("teardown", app.teardown_request_funcs.get(None, [])),
    ):
        funcs[:] = [forms_only(func)[kind] if ours(func) else func for func in funcs]


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


_HEADER_ITEMS = tuple((name.lower(), name, value) for name, value in HEADERS.items())


def set_security_headers(response):
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}  # a view's own header stays
    for lower, name, value in _HEADER_ITEMS:
        if lower not in present:
            headers.add(name, value)
    if request.is_secure or current_app.config.get("ENV_NAME") == "production":
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        user_id = _user_id()
        if user_id is not None:
            # A shared office computer: pages with a person's data stay out of the browser cache.
            response.headers["Cache-Control"] = "no-store"
            # gunicorn's access log names the user by id only (gunicorn.conf.py).
            request.environ["academy.user_id"] = str(user_id)
    return response


# --- trusted hosts ----------------------------------------------------------------------------


def refuse_untrusted_host() -> None:
    names = current_app.config.get("TRUSTED_HOST_NAMES")
    if names and request.path != "/healthz" and not host_is_trusted(request.host, names):
        abort(400)


# --- throttling ----------------------------------------------------------------------------


def _digest(kind: str, value: str) -> str:
    """A keyed hash, so the counters' keys (and the limiter's log lines) hold no personal data."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return kind + ":" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def address_key() -> str:
    return _digest("address", get_remote_address() or "-")


def _account_of(email: str) -> str:
    return _digest("account", normalise_email(email or "")[:254])


def account_key() -> str:
    email = normalise_email(request.form.get("email", ""))[:254]
    return _account_of(email) if email else address_key()


def _throttle_off() -> bool:
    return not current_app.config.get("LOGIN_THROTTLE", True)


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


def throttle_password_reset(view):
    """Count requests for a reset email per account and per address (each sends an email)."""
    view = _limit("RESET_REQUEST_LIMIT", account_key, "reset-account")(view)
    return _limit("RESET_ADDRESS_LIMIT", address_key, "reset-address")(view)


def _registration_counted(_response) -> bool:
    return bool(g.get("registration_attempted"))


def throttle_registration(view):
    """Count registrations per address: an account created, or one refused because the email
    is taken (else the form would tell any number of addresses apart). A form sent back with
    a typo costs nothing. The view sets g.registration_attempted."""
    return _limit("REGISTER_LIMIT", address_key, "register", deduct_when=_registration_counted)(view)


def _now() -> float:
    return time.time()


class LoginThrottle:
    """The growing delay after failed logins (see the module's docstring), for one attempt:
    LoginThrottle(email).wait() before checking the password, then failed() or succeeded()."""

    def __init__(self, email: str):
        config = current_app.config
        self.config = config
        self.account = _account_of(email)
        self.device = known_device_nonce(self.account)
        prefix = f"{config.get('RATELIMIT_KEY_PREFIX') or 'academy'}/login/"
        free_account = int(config["LOGIN_FREE_FAILURES_ACCOUNT"])
        self.account_counter = prefix + self.account
        if self.device:
            # This browser logged in to this account before: its failures are its own.
            self.device_counter = prefix + _digest("device", self.device + self.account)
            self.counted = [(self.device_counter, free_account)]
        else:
            self.device_counter = ""
            self.counted = [
                (self.account_counter, free_account),
                (prefix + address_key(), int(config["LOGIN_FREE_FAILURES_ADDRESS"])),
            ]
        self.off = _throttle_off()

    def wait(self) -> int:
        """Seconds to wait before this attempt may be checked; 0: go ahead."""
        if self.off:
            return 0
        now = _now()
        try:
            until = max(int(limiter.storage.get(key + "/until")) for key, _free in self.counted)
        except Exception:  # noqa: BLE001 - Redis down: let people log in rather than refuse all
            current_app.logger.warning("login throttling skipped: its storage does not answer")
            return 0
        return max(0, math.ceil(until - now))

    def failed(self) -> None:
        if self.off:
            return
        window = int(self.config["LOGIN_FAILURE_WINDOW"])
        storage = limiter.storage
        try:
            for key, free in self.counted:
                failures = storage.incr(key, window)
                if failures >= free:
                    delay = min(2 ** min(failures - free + 1, 30), int(self.config["LOGIN_DELAY_MAX"]))
                    storage.clear(key + "/until")
                    storage.incr(key + "/until", delay + 1, amount=int(_now()) + delay)
        except Exception:  # noqa: BLE001 - Redis down: the login still answers
            current_app.logger.warning("login failure not counted: throttling storage does not answer")

    def succeeded(self) -> None:
        """The account's (and this device's) counter starts again; the address's does not."""
        if self.off:
            return
        try:
            for key in filter(None, (self.account_counter, self.device_counter)):
                limiter.storage.clear(key)
                limiter.storage.clear(key + "/until")
        except Exception:  # noqa: BLE001
            current_app.logger.warning("login counter not cleared: throttling storage does not answer")


# --- the known-device cookie ---------------------------------------------------------------

DEVICE_COOKIE = "academy_device"
DEVICE_SALT = "known-device"
DEVICE_ACCOUNTS = 5  # a shared office computer knows a few accounts; the oldest drops out


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _read_device() -> dict:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    max_age = int(current_app.config["KNOWN_DEVICE_DAYS"]) * 86400
    try:
        data = _device_serializer().loads(raw, max_age=max_age)
    except BadSignature:  # SignatureExpired included
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        return {}
    if not isinstance(data.get("a"), list):
        return {}
    return data


def known_device_nonce(account: str) -> str:
    """This browser's nonce when it logged in to `account` before; "" otherwise."""
    data = _read_device()
    return data["n"] if account in data.get("a", []) else ""


def remember_device(response, email: str):
    """After a successful login: the browser knows this account from now on."""
    data = _read_device() or {"n": secrets.token_urlsafe(16), "a": []}
    account = _account_of(email)
    accounts_known = [a for a in data["a"] if a != account][-(DEVICE_ACCOUNTS - 1) :] + [account]
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        _device_serializer().dumps({"n": data["n"], "a": accounts_known}),
        max_age=int(config["KNOWN_DEVICE_DAYS"]) * 86400,
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
    return response
