"""Notifications end to end: a real SMTP server in the test process (aiosmtpd), the machine's
Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/0; each app gets a queue name of its own,
whose keys are deleted afterwards, so parallel test workers never share a queue), and a
database of this module's own, committed for real (a worker process must see it).

`notify_app` comes in two modes, "embedded" (no Redis: jobs run in the process) and "redis"
(RQ; `drain()` runs a worker in burst mode). The redis mode is skipped, saying why, only when
Redis does not answer.
"""

from __future__ import annotations

import contextvars
import email
import email.policy
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from flask.testing import FlaskClient

from tests.conftest import _make_database, build_app
from training.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@dataclass
class Mailbox:
    """What the SMTP server received. `refuse` first messages are answered 451 (try later);
    with `hold`, the first message waits in DATA until `release` is set."""

    messages: list = field(default_factory=list)
    refuse: int = 0
    refused: int = 0
    hold: bool = False
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope):
        if self.hold:
            self.hold = False
            self.arrived.set()
            import asyncio

            while not self.release.is_set():
                await asyncio.sleep(0.02)
            return "451 4.3.0 Try again later"
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def mailbox():
    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    box.release.set()
    controller.stop()


def redis_or_skip():
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except RedisError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_URL} ({exc}); CI has one")


@pytest.fixture(scope="module")
def database_url(tmp_path_factory, request):
    return _make_database(f"notify_{request.module.__name__.rsplit('.', 1)[-1]}", tmp_path_factory)


class SettledClient(FlaskClient):
    """Ends the test's own transaction before each request: on SQLite a transaction holds the
    write lock (BEGIN IMMEDIATE), and the request, or a job after it, must write."""

    def open(self, *args, **kwargs):
        db.session.commit()
        # Each request in a context of its own, as in production (tests/conftest.py IsolatedClient).
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="module")
def base_app(database_url):
    app = build_app(database_url, PUBLIC_URL="http://localhost", MAIL_USE_TLS=False, MAIL_SERVER="127.0.0.1")
    app.test_client_class = SettledClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=["embedded", "redis"])
def notify_app(request, base_app, mailbox):
    """The app in one mode, sending to `mailbox`; an app context is pushed."""
    app = base_app
    saved = dict(app.config)
    app.config.update(MAIL_PORT=mailbox.port, REDIS_URL="", JOB_QUEUE=f"test-{uuid.uuid4().hex[:12]}")
    app.extensions.pop("job_redis", None)
    if request.param == "redis":
        redis_or_skip()
        app.config["REDIS_URL"] = REDIS_URL
    app.mode = request.param
    with app.app_context():
        yield app
        if app.config["REDIS_URL"]:
            from training import queue

            queue.clear_failed_jobs(app)
            queue.get_queue(app).delete(delete_jobs=True)
            for key in queue.connection(app).scan_iter(f"rq:*:{app.config['JOB_QUEUE']}*"):
                queue.connection(app).delete(key)
    app.config.clear()
    app.config.update(saved)
    app.extensions.pop("job_redis", None)


def drain(app) -> None:
    """Redis mode: a worker runs every queued job (retries included), then stops. Embedded
    mode: the jobs ran already."""
    db.session.commit()
    if app.config["REDIS_URL"]:
        from training.queue import run_worker

        run_worker(app, burst=True, scheduler=False)


def subprocess_env(app, **extra) -> dict:
    env = {
        **os.environ,
        "FLASK_APP": "app.py",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "PUBLIC_URL": app.config["PUBLIC_URL"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(app.config["MAIL_PORT"]),
        "MAIL_USE_TLS": "0",
        "JOB_QUEUE": app.config["JOB_QUEUE"],
        "JOB_RETRY_INTERVALS": "0,0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("ACADEMY_ENV", None)
    if app.config["REDIS_URL"]:
        env["REDIS_URL"] = app.config["REDIS_URL"]
    else:
        env.pop("REDIS_URL", None)
    env.update(extra)
    return env
