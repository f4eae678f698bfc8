"""PostgreSQL goes away and comes back: meanwhile a clear 503 page, afterwards recovery without
restarting the app servers (pooled connections are checked before use).

The shared PostgreSQL server is never stopped: the test's own database is closed to connections
and its sessions are ended, which is what the app servers see during a restart."""

from __future__ import annotations

import os
import time

import pytest
import requests
import sqlalchemy as sa

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL: set TEST_DATABASE_URL (CI does)"
    ),
]
PAGES = ["/learn/", "/learn/climate-adaptation/", "/case-studies/", "/learn/glossary/"]
# The anonymous catalogue needs no database once a worker holds the curriculum in memory
# (training/services/curriculum_cache.py): during an outage it may still be served from there.
FROM_MEMORY = {"/learn/"}


def _end_sessions(admin: sa.Engine, name: str, allow: bool | None = None) -> None:
    with admin.connect() as conn:
        if allow is not None:
            conn.execute(sa.text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}'))
        conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )


def _get(server, path):
    return requests.get(server.url + path, timeout=15)


def test_a_database_outage_shows_503_and_the_service_recovers_by_itself(fresh_database, start_server):
    url = fresh_database("restart")
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(sa.engine.make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    server = start_server(url, workers=2)
    try:
        for _ in range(3):  # both workers hold pooled connections
            assert all(_get(server, path).status_code == 200 for path in PAGES)

        # The server restarts: every connection is cut and new ones are refused for a while.
        _end_sessions(admin, name, allow=False)
        for path in PAGES:
            down = _get(server, path)
            if path in FROM_MEMORY and down.status_code == 200:
                assert "Climate adaptation" in down.text, path
                continue
            assert down.status_code == 503, path
            assert "cannot reach its database" in down.text and down.headers["Retry-After"] == "30"
            assert "Traceback" not in down.text
        health = _get(server, "/healthz")
        assert health.status_code == 503 and health.json()["database"] == "unavailable"

        # Back up: the same app servers answer again, without a restart.
        _end_sessions(admin, name, allow=True)
        deadline = time.monotonic() + 20
        while _get(server, "/healthz").status_code != 200:
            assert time.monotonic() < deadline, "the app did not recover"
            time.sleep(0.2)
        # Connections cut while idle (a quick restart, a failover): not a single request fails.
        for _ in range(3):
            _end_sessions(admin, name)
            assert [_get(server, path).status_code for path in PAGES * 2] == [200] * (2 * len(PAGES))
    finally:
        _end_sessions(admin, name, allow=True)
        admin.dispose()
