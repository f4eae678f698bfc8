"""Shared fixtures: one migrated, seeded database per test worker; a rolled-back transaction
per test; a client; logging in as any role; a query counter.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set
(`TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test`): each worker gets its own
database created next to that one.
"""

from __future__ import annotations

import contextvars
import os
import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask.testing import FlaskClient
from sqlalchemy import event

from training import create_app
from training.config import TestConfig, normalise_database_url
from training.extensions import db

PASSWORD = "correct-horse-battery"
# The registration page's answer, for a new address and a taken one alike.
CHECK_EMAIL = "Check your email"


def without_csrf_tokens(html: str) -> str:
    """A page without its CSRF tokens: a token is signed with the time, so two requests a second
    apart differ there and nowhere else (hidden fields in either attribute order, the meta tag)."""
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)
    html = re.sub(r'(value=")[^"]*("[^>]*name="csrf_token")', r"\1\2", html)
    return re.sub(r'(name="csrf-token" content=")[^"]*"', r'\1"', html)


def client_of(app, user):
    """A test client of its own, logged in as `user` through the login form: for tests that
    compare what several people see side by side."""
    client = app.test_client()
    assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


_CONFIRM_LINK = re.compile(r"https?://\S+?(/auth/confirm/[^\s/]+)")


def confirmation_path(app, email: str) -> str | None:
    """The path of the newest registration-confirmation link mailed to `email` (without
    MAIL_SERVER, tests capture every email in app.extensions["outbox"])."""
    for message in reversed(app.extensions.get("outbox", [])):
        if message["To"] == email.strip().lower():
            found = _CONFIRM_LINK.search(message.get_body(("plain",)).get_content())
            if found:
                return found.group(1)
    return None


def confirm_registration(client, email: str):
    """Open the link of the confirmation email and press "Create my account", as the person
    would; returns the POST's response (a redirect, logged in, when the account was created)."""
    path = confirmation_path(client.application, email)
    assert path, f"no confirmation email to {email}"
    assert client.get(path).status_code == 200
    return client.post(path)


def register_and_confirm(client, data: dict, url: str = "/auth/register"):
    """Register through the form, then confirm the address through the emailed link."""
    answer = client.post(url, data=data)
    assert answer.status_code == 200 and CHECK_EMAIL in answer.get_data(as_text=True), answer.status_code
    return confirm_registration(client, data["email"])


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _make_database(purpose: str, tmp_path_factory) -> str:
    """A fresh, empty database for this worker and purpose; returns its URL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        path = tmp_path_factory.mktemp(f"db-{purpose}") / "academy.sqlite3"
        return f"sqlite:///{path}"
    base = normalise_database_url(base)
    # the base database's name is part of the name: two checkouts testing at once on one
    # server (TEST_DATABASE_URL=…/test and …/other) do not drop each other's databases
    base_name = sa.engine.make_url(base).database or ""
    name = re.sub(r"[^a-z0-9_]", "_", f"academy_{base_name}_{purpose}_{_worker()}".lower())
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return str(sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False))


def build_app(url: str, **overrides):
    """An app on `url`, migrated with the real migrations and loaded with the real content."""
    from flask_migrate import upgrade

    from training.cli import _load  # noqa: F401 - same loader as the CLI
    from training.content import load_curriculum
    from training.services.cities import seed_cities
    from training.services.content_sync import sync_curriculum

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=url, **overrides)
    # Developers may point the suite at another copy of the content while editing the real one.
    config["CONTENT_ROOT"] = os.environ.get("TEST_CONTENT_ROOT", config["CONTENT_ROOT"])
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_cities()
        sync_curriculum(load_curriculum(app.config["CONTENT_ROOT"]))
    return app


class IsolatedClient(FlaskClient):
    """Each request runs in its own context, as in production: a fresh app context and `g`,
    instead of reusing the app context the test pushed."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class TestScopedSession(so.scoped_session):
    """The request teardown's remove() must not close the test's session: expire instead,
    so the next access reads what the request wrote."""

    def remove(self):
        if self.registry.has():
            self.registry().expire_all()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = build_app(_make_database("unit", tmp_path_factory))
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """Everything a test writes is rolled back at its end, commits included."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        session = TestScopedSession(
            so.sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        db.session = session
        try:
            yield session
        finally:
            so.scoped_session.remove(session)
            outer.rollback()
            connection.close()
            db.session = original


@pytest.fixture
def client(app, db_session):
    return app.test_client()


@pytest.fixture
def login(client):
    """login(user) logs the test client in as `user` through the real login form."""

    def _login(user, password: str = PASSWORD):
        client.post("/auth/logout")  # a logged-in client would just be redirected
        response = client.post("/auth/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return _login


@pytest.fixture
def count_queries(app):
    """with count_queries() as counter: ...; counter.count is the number of SQL statements."""

    class Counter:
        count = 0
        statements: list[str] = []

    @contextmanager
    def _count():
        counter = Counter()
        counter.statements = []

        def _before(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO", "BEGIN")):
                counter.count += 1
                counter.statements.append(statement)

        engine = db.engine
        event.listen(engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", _before)

    return _count
