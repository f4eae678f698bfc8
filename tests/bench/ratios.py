"""Each trainee page against a bare "Hello, World!" (`make bench`), measured with wrk.

The academy and, at /bare/, a bare Flask "Hello, World!" are served by the same gunicorn with the
same workers (BENCH_WORKERS, default 2 sync workers) in the same run; wrk (a light C client, so the
load generator does not eat the server's share of the cores — a Python client slows the bare
endpoint more than the pages and flatters every ratio) sends `wrk -t2 -c16 -d<BENCH_SECONDS>s`
to each page, logged in as a trainee of a city with some progress. A round measures the bare
endpoint, then each page followed by the bare endpoint again; a page's ratio in a round is its
req/s over the mean of the bare measurements on either side. BENCH_ROUNDS rounds (default 3):
the table gives the median ratio and its range, so a disturbed measurement widens the range
instead of moving the figure. The targets (issue 20): 25 % for the catalogue, the module page,
My learning, the scorecard answer sheet and results; 40 % for the lesson page.

Run on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set (`make bench` runs both). The
load average is printed first: on a busy machine the absolute figures mean little, the ratios
of one run still compare. Not a pass/fail. Loopback only, bounded by BENCH_SECONDS per run.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import requests

from tests.integration.conftest import SECRET_KEY, csrf_token, drop_database, free_port, spawn

SECONDS = int(float(os.environ.get("BENCH_SECONDS", "8")))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PASSWORD = "bench-lantern-harbour"
USER_AGENT = "academy-bench/1"  # the login's browser name, as a browser sends it every time
MODULE = "climate-adaptation"
TARGETS = {"lesson": 0.40, "floor": None}
DEFAULT_TARGET = 0.25
# Not a page: a logged-in endpoint that draws nothing (tests/bench/production_app.py). What it
# costs every page costs too (session, user, headers), so its ratio bounds every page's.
FLOOR = ("floor", "/_bench/nothing")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def prepare(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """A database for the run (SQLite in `path`, or PostgreSQL next to TEST_DATABASE_URL) with a
    trainee of a city: two lessons done, a scorecard answer. Returns its URL and the pages."""
    from tests.bench.profile_pages import seed_trainee, trainee_pages
    from tests.conftest import _make_database, build_app
    from training.extensions import db

    if os.environ.get("TEST_DATABASE_URL"):
        url = _make_database("bench_ratios", SimpleNamespace(mktemp=lambda _name: path))
    else:
        url = f"sqlite:///{path / 'bench.sqlite3'}"
    app = build_app(url)
    with app.app_context():
        city_id, lesson = seed_trainee("bench@example.org", PASSWORD)
        db.engine.dispose()
    return url, [FLOOR, *trainee_pages(city_id, lesson)]


def wrk(url: str, cookie: str) -> float:
    """Requests per second answered 2xx/3xx by `url` under wrk; non-2xx answers are not counted."""
    out = subprocess.run(
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            "-H",
            f"User-Agent: {USER_AGENT}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS + 60,
        check=True,
    ).stdout
    total = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests_done = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad and requests_done:
        total *= 1 - int(bad.group(1)) / requests_done
    return total


def _check(session: requests.Session, base: str, path: str) -> None:
    """The load is what the table says: a logged-in page, answered without a new session cookie."""
    response = session.get(base + path, timeout=30, allow_redirects=False)
    assert response.status_code == 200 and "/auth/logout" in response.text, (path, response.status_code)
    assert "Set-Cookie" not in response.headers, f"{path}: every answer sends the session cookie again"


def measure(database_url: str, pages: list[tuple[str, str]], tmp: Path) -> list[tuple]:
    port = free_port()
    env = {
        **os.environ,
        "ACADEMY_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "SESSION_COOKIE_SECURE": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(WORKERS),
        "GUNICORN_MAX_REQUESTS": "0",
        "ACCESS_LOG": "",
    }
    server = spawn("tests.bench.production_app:app", port, tmp / "gunicorn.log", WORKERS, env)
    try:
        server.wait_ready()
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        token = csrf_token(session.get(server.url + "/auth/login", timeout=10).text)
        session.post(
            server.url + "/auth/login",
            data={"email": "bench@example.org", "password": PASSWORD, "csrf_token": token},
            timeout=10,
        )
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        for _name, path in pages:
            _check(session, server.url, path)
        assert session.get(server.url + "/bare/", timeout=10).text == "Hello, World!"
        ratios: dict[str, list[float]] = {name: [] for name, _ in pages}
        rates: dict[str, list[float]] = {name: [] for name, _ in pages}
        bares: list[float] = []
        for _round in range(ROUNDS):
            before = wrk(server.url + "/bare/", cookie)
            bares.append(before)
            for name, path in pages:
                page = wrk(server.url + path, cookie)
                after = wrk(server.url + "/bare/", cookie)
                bares.append(after)
                rates[name].append(page)
                ratios[name].append(page / ((before + after) / 2))
                before = after
    finally:
        server.stop()
    median = statistics.median
    return [
        (name, path, median(rates[name]), median(bares), median(ratios[name]), min(ratios[name]),
         max(ratios[name]), TARGETS.get(name, DEFAULT_TARGET))
        for name, path in pages
    ]  # fmt: skip


def main() -> None:
    print(f"\n== trainee pages against a bare endpoint (wrk), {load_average()} before the run")
    with tempfile.TemporaryDirectory() as tmp:
        url, pages = prepare(Path(tmp))
        try:
            rows = measure(url, pages, Path(tmp))
        finally:
            drop_database(url)
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"gunicorn, {WORKERS} sync workers, {database}, wrk -t2 -c{CONNECTIONS} -d{SECONDS}s, "
        f"{ROUNDS} rounds: median (range); bare endpoint median {rows[0][3]:.0f} req/s"
    )
    print(f"{'page':<13} {'req/s':>7} {'ratio':>6}  {'range':>9}  {'target':>6}")
    for name, _path, page, _bare, ratio, low, high, target in rows:
        if target is None:
            print(f"{name:<13} {page:>7.0f} {ratio:>6.1%}  {low:.0%}–{high:.0%}  (logged in, draws nothing)")
            continue
        met = "met" if ratio >= target else "NOT met"
        print(f"{name:<13} {page:>7.0f} {ratio:>6.1%}  {low:.0%}–{high:.0%}  {target:>6.0%} {met}")
    # One machine-readable line for the README's table (tests/bench/readme_table.py).
    cells = (f"{r[0].replace(' ', '_')}={r[4]:.3f}:{r[5]:.3f}:{r[6]:.3f}" for r in rows)
    print(f"RATIOS {database} " + " ".join(cells))


if __name__ == "__main__":
    sys.exit(main())
