"""Configuration: defaults, overridden by the environment.

Every setting a deployment changes comes from an environment variable of the same name.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    ENV_NAME = "development"
    # Development: unset, a random key is made on the first run and kept in instance/secret_key
    # (load_or_create_secret_key). Production: required, from the environment.
    SECRET_KEY = ""
    # The site's address as its users reach it: every link in an email or a QR code starts with
    # it, never with the Host of a request. Required in production. Development: the address of
    # `flask run` (PORT, default 5000).
    PUBLIC_URL = ""
    # Host names a request may name (comma-separated; ".example.org" takes its subdomains too);
    # another Host gets 400. Production default: the host of PUBLIC_URL; elsewhere unchecked.
    TRUSTED_HOSTS_LIST = ""
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{INSTANCE / 'academy.sqlite3'}"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # PostgreSQL: pages (GET, HEAD) read in autocommit mode, without BEGIN and ROLLBACK around
    # their queries — two round trips fewer per page (training/__init__.py).
    DATABASE_AUTOCOMMIT_READS = True
    # Seconds a worker keeps modules and lessons in memory before checking whether a sync
    # changed them (training/services/curriculum_cache.py); 0: no cache.
    CONTENT_CACHE_SECONDS = 5.0
    # PostgreSQL: a pooled connection idle this many seconds is pinged before use; one used more
    # recently is only looked at (training/database.py). 0: pinged every time.
    DATABASE_PING_AFTER = 30.0
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
    # A login lasts 14 days from the last time the session changed (login, a form sent, a
    # message shown), not from every page view: re-signing and re-sending the cookie on each
    # page cost a tenth of a lesson page's time (tests/bench/production.py).
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14
    SESSION_REFRESH_EACH_REQUEST = False
    PASSWORD_RESET_MAX_AGE = 60 * 60  # seconds a reset link stays valid
    REGISTRATION_CONFIRM_MAX_AGE = 60 * 60 * 24  # seconds a registration's confirmation link works
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_USE_TLS = True
    MAIL_FROM = "Resilient Cities Academy <no-reply@localhost>"
    DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo accounts only, printed in README
    # The job queue (training/queue.py): RQ on REDIS_URL when set, in the process otherwise.
    # Several sites sharing one Redis need different JOB_QUEUE names.
    JOB_QUEUE = "academy"
    JOB_TIMEOUT = 120  # seconds a job may run before the worker stops it
    # Seconds before each retry of a failed job (an SMTP error); after the last, it is failed.
    JOB_RETRY_INTERVALS: tuple = (30, 120, 600, 1800)
    # An email claimed by a job and not sent within this many seconds (its worker died) is
    # queued again by `flask notifications send-due`; so is a queued one whose job was lost.
    EMAIL_LEASE_SECONDS = 300
    EMAIL_REQUEUE_AFTER = 900
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Logs: "text" for a terminal, "json" (one object a line) for a log collector; production
    # defaults to json. Only the user id is logged about a person, never a name or an email.
    LOG_FORMAT = ""
    LOG_LEVEL = "INFO"
    # Behind nginx or a load balancer: how many proxies in front set X-Forwarded-For/-Proto.
    TRUSTED_PROXIES = 0
    # Rate limits (Flask-Limiter). Redis when several processes or machines must share them
    # (`REDIS_URL`); without it each worker process counts on its own, in memory.
    REDIS_URL = ""
    RATELIMIT_KEY_PREFIX = "academy"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_THROTTLE = True
    # Failed logins slow further attempts, never lock (training/web/security.py): after the
    # free failures, the next attempt must wait 2, 4, 8 … seconds (at most LOGIN_DELAY_MAX)
    # after the last failure. Counted per account (email) and per client address; a city
    # office behind one NAT address has many officials, so the address allows more. A browser
    # that logged in to the account before (its known-device cookie) is not slowed by either.
    LOGIN_FREE_FAILURES_ACCOUNT = 5
    LOGIN_FREE_FAILURES_ADDRESS = 30
    LOGIN_DELAY_MAX = 15 * 60
    LOGIN_FAILURE_WINDOW = 24 * 60 * 60  # failures are forgotten this long after the first
    KNOWN_DEVICE_DAYS = 365
    RESET_REQUEST_LIMIT = "5 per hour"  # reset emails per account
    RESET_ADDRESS_LIMIT = "100 per hour"  # reset requests per client address
    # New accounts per client address; a workshop room behind one address registers together.
    REGISTER_LIMIT = "20 per hour"

    @classmethod
    def from_env(cls) -> dict:
        """Values of this class, with environment overrides applied."""
        values = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
        for key in (
            "SECRET_KEY",
            "PUBLIC_URL",
            "MAIL_SERVER",
            "MAIL_USERNAME",
            "MAIL_PASSWORD",
            "MAIL_FROM",
            "DEMO_PASSWORD",
            "CONTENT_ROOT",
            "LOG_FORMAT",
            "LOG_LEVEL",
            "REDIS_URL",
            "JOB_QUEUE",
            "RATELIMIT_KEY_PREFIX",
            "RESET_REQUEST_LIMIT",
            "RESET_ADDRESS_LIMIT",
            "REGISTER_LIMIT",
        ):
            if os.environ.get(key):
                values[key] = os.environ[key]
        if os.environ.get("DATABASE_URL"):
            values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
        if os.environ.get("MAIL_PORT"):
            values["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
        values["MAIL_USE_TLS"] = _bool("MAIL_USE_TLS", values["MAIL_USE_TLS"])
        if os.environ.get("TRUSTED_HOSTS") is not None:
            values["TRUSTED_HOSTS_LIST"] = os.environ["TRUSTED_HOSTS"]
        for key in (
            "LOGIN_FREE_FAILURES_ACCOUNT",
            "LOGIN_FREE_FAILURES_ADDRESS",
            "LOGIN_DELAY_MAX",
            "LOGIN_FAILURE_WINDOW",
            "KNOWN_DEVICE_DAYS",
        ):
            if os.environ.get(key):
                values[key] = int(os.environ[key])
        for key in ("JOB_TIMEOUT", "EMAIL_LEASE_SECONDS", "EMAIL_REQUEUE_AFTER"):
            if os.environ.get(key):
                values[key] = int(os.environ[key])
        if os.environ.get("JOB_RETRY_INTERVALS") is not None:
            values["JOB_RETRY_INTERVALS"] = tuple(
                int(part) for part in os.environ["JOB_RETRY_INTERVALS"].split(",") if part.strip()
            )
        if os.environ.get("TRUSTED_PROXIES"):
            values["TRUSTED_PROXIES"] = int(os.environ["TRUSTED_PROXIES"])
        for key in ("LOGIN_THROTTLE", "DATABASE_AUTOCOMMIT_READS"):
            values[key] = _bool(key, values[key])
        for key in ("CONTENT_CACHE_SECONDS", "DATABASE_PING_AFTER"):
            if os.environ.get(key):
                values[key] = float(os.environ[key])
        values["SESSION_COOKIE_SECURE"] = _bool("SESSION_COOKIE_SECURE", values["ENV_NAME"] == "production")
        values["REMEMBER_COOKIE_SECURE"] = values["SESSION_COOKIE_SECURE"]
        return values


class ProductionConfig(Config):
    ENV_NAME = "production"
    SECRET_KEY = ""  # must come from the environment
    LOG_FORMAT = "json"


class TestConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    PUBLIC_URL = "http://localhost"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
    # Many tests log in from the same address; the throttling tests switch it on.
    LOGIN_THROTTLE = False
    # Each test runs inside one transaction that is rolled back at its end (tests/conftest.py),
    # so requests cannot switch to autocommit; tests/test_database.py covers it on its own app.
    DATABASE_AUTOCOMMIT_READS = False
    # Tests change lessons and roll the change back: nothing may outlive a test in memory.
    CONTENT_CACHE_SECONDS = 0.0
    # Jobs run in the process (no REDIS_URL); a failed email is tried again at once.
    JOB_RETRY_INTERVALS = (0, 0)


def normalise_database_url(url: str) -> str:
    """Let `postgres://` and `postgresql://` URLs use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def finish_config(config: dict) -> None:
    """Settings that depend on others, once overrides are applied (called by create_app)."""
    url = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("postgresql"):
        # A connection the server dropped (restart, failover, idle timeout) is noticed at checkout
        # and replaced, instead of failing the request that picked it up: training/database.py
        # (DATABASE_PING_AFTER), in place of pool_pre_ping's round trip at every checkout.
        options.setdefault("pool_recycle", 1800)
        connect_args = dict(options.get("connect_args") or {})
        # Fail fast while the database is down: the 503 page, not a worker timeout.
        connect_args.setdefault("connect_timeout", 5)
        options["connect_args"] = connect_args
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if config.get("REDIS_URL"):
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
        # Redis down: count in memory per process rather than refusing every login.
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    finish_public_url(config)
    if not config.get("LOG_FORMAT"):
        config["LOG_FORMAT"] = "json" if config.get("ENV_NAME") == "production" else "text"


def finish_public_url(config: dict) -> None:
    """PUBLIC_URL without a trailing slash (development: the address of `flask run`), and the
    trusted hosts: TRUSTED_HOSTS, else in production the host of PUBLIC_URL."""
    url = str(config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not url and config.get("ENV_NAME") != "production":
        url = f"http://127.0.0.1:{os.environ.get('PORT') or 5000}"
    config["PUBLIC_URL"] = url
    hosts = [h.strip() for h in str(config.get("TRUSTED_HOSTS_LIST") or "").split(",") if h.strip()]
    if not hosts and config.get("ENV_NAME") == "production" and url:
        hosts = [urlsplit(url).hostname or ""]
    config["TRUSTED_HOST_NAMES"] = tuple(h for h in hosts if h)


def public_url_problem(url: str) -> str | None:
    """Why PUBLIC_URL cannot be used, or None."""
    if not url:
        return "PUBLIC_URL is not set"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"PUBLIC_URL must be an http(s) address such as https://academy.example.org, not {url!r}"
    if parts.query or parts.fragment:
        return "PUBLIC_URL must not have a query or a fragment"
    return None


def load_or_create_secret_key(instance: Path) -> str:
    """Development: the key kept in instance/secret_key, made (random, mode 0600) on first use.
    Two processes starting together (the reloader) agree: the file appears whole or not at all."""
    path = Path(instance) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        try:
            os.link(temporary, path)  # fails if another process was first: its key is kept
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="ascii").strip()


def config_for(name: str | None) -> type[Config]:
    return {"production": ProductionConfig, "testing": TestConfig}.get(name or "", Config)
