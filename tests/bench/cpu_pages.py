"""CPU time a trainee's page costs in process, against a bare Flask "Hello, World!" (`make bench`).

On a machine other work shares, wall-clock rates (tests/bench/ratios.py) move with the load;
the CPU time this process spends on a request does not. Each page is requested
BENCH_CPU_REQUESTS times (default 200, after a warm-up) through a test client, logged in as a
trainee with some progress, and timed with time.process_time(); so are a bare Flask app's
"Hello, World!" and a logged-in page that draws nothing (the fixed cost every logged-in request
pays: loading the user, the session, the headers), registered on the academy for this run only.
The ratio bare/page is what the wrk ratio would be if the server's CPU were the only limit.
Best of BENCH_CPU_ROUNDS rounds (default 3). SQLite in a temporary directory.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from flask import Flask
from flask_login import login_required

from tests.bench.profile_pages import PASSWORD, seed_trainee, trainee_pages
from tests.conftest import build_app
from training.extensions import db

REQUESTS = int(os.environ.get("BENCH_CPU_REQUESTS", "200"))
ROUNDS = int(os.environ.get("BENCH_CPU_ROUNDS", "3"))


def cpu_ms(client, path: str) -> float:
    """Best of ROUNDS: CPU milliseconds a request of `path` costs."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    best = float("inf")
    for _ in range(ROUNDS):
        start = time.process_time()
        for _ in range(REQUESTS):
            client.get(path)
        best = min(best, (time.process_time() - start) / REQUESTS * 1000)
    return best


def prepare(url: str):
    app = build_app(url, CONTENT_CACHE_SECONDS=5.0, DATABASE_AUTOCOMMIT_READS=True, TESTING=False)

    @login_required
    def logged_in_nothing():
        return "Hello, trainee!"

    app.add_url_rule("/_bench/nothing", "bench_nothing", logged_in_nothing)
    with app.app_context():
        city_id, lesson = seed_trainee("cpu@example.org", PASSWORD)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "cpu@example.org", "password": PASSWORD})
    assert response.status_code == 302
    app.config["WTF_CSRF_ENABLED"] = True  # as served: the pages make a token
    return app, client, trainee_pages(city_id, lesson)


def main() -> None:
    bare = Flask("bare")
    bare.get("/")(lambda: "Hello, World!")
    bare_ms = cpu_ms(bare.test_client(), "/")
    with tempfile.TemporaryDirectory() as tmp:
        app, client, pages = prepare(f"sqlite:///{Path(tmp) / 'cpu.sqlite3'}")
        print(f"\nCPU time a request, in process, best of {ROUNDS} rounds of {REQUESTS} (SQLite)")
        print(f"{'page':<22} {'CPU ms':>7} {'bare/page':>9}")
        print(f"{'bare Hello, World!':<22} {bare_ms:>7.3f} {1:>9.1%}")
        for name, path in [("logged-in, no page", "/_bench/nothing"), *pages]:
            ms = cpu_ms(client, path)
            print(f"{name:<22} {ms:>7.3f} {bare_ms / ms:>9.1%}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
