"""Integration tests: the real service — gunicorn with gunicorn.conf.py and the production
configuration — on free loopback ports, against a database made for the run (SQLite, or
PostgreSQL when TEST_DATABASE_URL is set) and Redis when it answers.

Everything is bounded and stops by itself: servers are started in their own process group,
waited for with deadlines, and ended (TERM, then KILL) when the test finishes, whatever happens.
Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(os.environ.get("VIRTUAL_ENV") or ROOT / ".venv") / "bin" / "gunicorn"
SECRET_KEY = "integration-tests-only-secret-key-0123456789"
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "integration: starts real gunicorn servers on loopback ports (bounded, < 60 s)"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def csrf_token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


@dataclass
class Server:
    """One gunicorn master with its workers, on 127.0.0.1:<port>."""

    port: int
    process: subprocess.Popen
    log: Path
    workers: int
    killed: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The master's live children, read from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                pids.append(int(entry.name))
        return sorted(pids)

    def wait_ready(self, timeout: float = 45) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"gunicorn exited ({self.process.returncode}):\n{self.log_text()[-3000:]}"
                )
            with suppress(requests.RequestException):
                healthy = requests.get(self.url + "/healthz", timeout=2).status_code == 200
                if healthy and len(self.worker_pids()) >= self.workers:
                    return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready after {timeout}s:\n{self.log_text()[-3000:]}")

    def wait_workers(self, timeout: float = 20) -> list[int]:
        """Wait until the master runs its full number of workers again; their pids."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) >= self.workers and not set(pids) & set(self.killed):
                return pids
            time.sleep(0.2)
        raise AssertionError(f"the master did not replace its workers: {self.worker_pids()}")

    def kill_one_worker(self) -> int:
        pid = self.worker_pids()[0]
        os.kill(pid, signal.SIGKILL)
        self.killed.append(pid)
        return pid

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


def spawn(target: str, port: int, log: Path, workers: int, env: dict[str, str]) -> Server:
    """gunicorn with gunicorn.conf.py serving `target` (module:app) with `env`, in its own process
    group, its output in `log`. Call wait_ready() before using it, stop() at the end."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), target],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(port=port, process=process, log=log, workers=workers)


@pytest.fixture
def start_server(tmp_path) -> Iterator:
    """start_server(database_url, workers=1, **env) -> a ready Server; all stopped at the end."""
    servers: list[Server] = []

    def _start(database_url: str, workers: int = 1, **env: str) -> Server:
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEST_", "PYTEST_", "GUNICORN_", "RATELIMIT_", "LOGIN_"))
        }
        environment.update(
            ACADEMY_ENV="production",
            SECRET_KEY=SECRET_KEY,
            PUBLIC_URL=f"http://127.0.0.1:{port}",
            DATABASE_URL=database_url,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            SESSION_COOKIE_SECURE="0",  # plain HTTP on loopback
            PYTHONUNBUFFERED="1",
        )
        if os.environ.get("TEST_CONTENT_ROOT"):
            environment["CONTENT_ROOT"] = os.environ["TEST_CONTENT_ROOT"]
        environment.update(env)
        server = spawn("app:app", port, log, workers, environment)
        servers.append(server)
        server.wait_ready()
        return server

    yield _start
    for server in servers:
        server.stop()


@pytest.fixture
def redis_url() -> Iterator[tuple[str, str]]:
    """(REDIS_URL, a key prefix of this run); the run's keys are deleted at the end."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis does not answer at {REDIS_URL} ({exc}); .ci/run starts it")
    prefix = f"academy-test-{uuid.uuid4().hex[:12]}"
    try:
        yield REDIS_URL, prefix
    finally:
        keys = list(client.scan_iter(match=f"*{prefix}*", count=500))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture
def fresh_database(tmp_path_factory) -> Iterator:
    """fresh_database(purpose) -> the URL of a database of this run alone, migrated and loaded as
    `flask setup` does (without demo accounts). On PostgreSQL its name carries a token of the run
    (two people running the suite on one server never share it) and it is dropped at the end."""

    from tests.conftest import _make_database, build_app
    from training.extensions import db

    made: list[str] = []

    def _make(purpose: str) -> str:
        url = _make_database(f"{purpose}_{uuid.uuid4().hex[:8]}", tmp_path_factory)
        made.append(url)
        app = build_app(url)
        with app.app_context():
            db.engine.dispose()
        return url

    yield _make
    for url in made:
        drop_database(url)


def drop_database(url: str) -> None:
    """A PostgreSQL database made for a run is dropped (a SQLite one goes with its folder)."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        admin.dispose()


def database_app(url: str):
    """An app bound to `url` for seeding and inspecting it from the test (no migrations)."""
    from training import create_app
    from training.config import TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config["SQLALCHEMY_DATABASE_URI"] = url
    return create_app(config)
