"""Two app servers, one PostgreSQL, one Redis: what a load balancer in front of several machines
needs. A login made on one instance is valid on the other (sessions are signed cookies, the
database is shared), and the login rate limit is shared (its counters live in Redis)."""

from __future__ import annotations

import json
import os

import pytest
import requests

from tests.integration.conftest import SECRET_KEY, csrf_token, database_app
from training.extensions import db
from training.services import accounts, cities

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL"),
        reason="needs PostgreSQL: two instances cannot share a SQLite file across machines; "
        "set TEST_DATABASE_URL (CI does)",
    ),
]
PASSWORD = "lantern-bridge-harbour"


def _login(session: requests.Session, server, email: str, password: str) -> requests.Response:
    token = csrf_token(session.get(server.url + "/auth/login", timeout=10).text)
    return session.post(
        server.url + "/auth/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )


@pytest.fixture
def shared(fresh_database, redis_url):
    url = fresh_database("two_instances")
    app = database_app(url)
    with app.app_context():
        city = cities.list_cities()[0]
        for name in ("Gao Ming", "Victim Account"):
            email = name.lower().replace(" ", ".") + "@example.org"
            accounts.register_user(name=name, email=email, password=PASSWORD, city=city)
        db.engine.dispose()
    yield url, redis_url
    with app.app_context():
        db.engine.dispose()


def test_a_login_on_one_instance_is_valid_on_the_other(shared, start_server):
    url, (redis, prefix) = shared
    env = {"REDIS_URL": redis, "RATELIMIT_KEY_PREFIX": prefix}
    a, b = start_server(url, **env), start_server(url, **env)
    assert a.port != b.port
    browser = requests.Session()
    response = _login(browser, a, "gao.ming@example.org", PASSWORD)
    assert response.status_code == 302
    page = browser.get(b.url + "/learn/my", allow_redirects=False, timeout=10)
    assert page.status_code == 200 and 'action="/auth/logout"' in page.text  # logged in on B
    # Logging out on B ends the session on A too (it is the browser's cookie that is cleared).
    token = csrf_token(page.text)
    browser.post(b.url + "/auth/logout", data={"csrf_token": token}, timeout=10)
    assert browser.get(a.url + "/learn/my", allow_redirects=False, timeout=10).status_code == 302

    # The production configuration: security headers, JSON logs without personal data.
    headers = browser.get(a.url + "/learn/", timeout=10).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" in headers
    for server in (a, b):
        log = server.log_text()
        assert "gao.ming@example.org" not in log and "Gao Ming" not in log
        lines = [json.loads(line) for line in log.splitlines() if line.strip()]  # all of them JSON
        access = [entry for entry in lines if "path" in entry]
        assert access and all("127.0.0.1" not in json.dumps(entry) for entry in access)
        assert SECRET_KEY not in log
    a_access = [json.loads(line) for line in a.log_text().splitlines() if '"path"' in line]
    assert any(entry["path"] == "/auth/login" and entry["status"] == "302" for entry in a_access)
    # The user is named by id in the access log of the instance that served them.
    b_access = [json.loads(line) for line in b.log_text().splitlines() if '"path"' in line]
    assert any(entry["path"] == "/learn/my" and entry["user_id"].isdigit() for entry in b_access)


def test_the_login_rate_limit_is_shared_between_instances(shared, start_server):
    url, (redis, prefix) = shared
    env = {
        "REDIS_URL": redis,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_FREE_FAILURES_ACCOUNT": "4",
        "LOGIN_FREE_FAILURES_ADDRESS": "10",
        "LOGIN_DELAY_MAX": "600",
    }
    a, b = start_server(url, **env), start_server(url, **env)
    attacker = requests.Session()
    victim = "victim.account@example.org"
    # Four wrong passwords, spread over both instances: each instance alone saw only two.
    for server in (a, b, a, b):
        assert _login(attacker, server, victim, "wrong-guess-123").status_code == 401
    for server in (a, b):
        blocked = _login(attacker, server, victim, PASSWORD)  # the next attempt must wait
        assert blocked.status_code == 429 and "Too many failed attempts" in blocked.text
        assert 0 < int(blocked.headers["Retry-After"]) <= 2
    # The address counter is shared too: six more failures on other accounts reach ten in all.
    for n, server in enumerate((a, b, a, b, a, b)):
        assert _login(attacker, server, f"nobody{n}@example.org", "wrong-guess-123").status_code == 401
    for server in (a, b):
        assert _login(attacker, server, "gao.ming@example.org", PASSWORD).status_code == 429

    import redis as redis_client

    keys = redis_client.Redis.from_url(redis).keys(f"*{prefix}*")
    assert keys and not any(b"example.org" in key or b"127.0.0.1" in key for key in keys)
