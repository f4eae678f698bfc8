"""The workshop burst (`make bench`): a hall of delegates on phones doing the same thing in the
same minute, with Locust (headless, tests/bench/burst_locust.py).

BURST_USERS delegates (default 300) in six cities — each city a cohort with its delegation —
arrive over BURST_ARRIVAL seconds (default 60) against gunicorn with BURST_WORKERS sync workers
(default 4), the production configuration and Redis (REDIS_URL / TEST_REDIS_URL, when it
answers). Each logs in, opens a lesson, submits the module's quiz, opens the workshop view, rates
two scorecard questions and opens the results, with human pauses (BURST_THINK, default 2-6 s).

Printed: the load average before the run; p50/p95/p99 and errors per step (a 409 on the ratings
is not an error: a colleague changed the city's answer first, the delegate is told and sends
again); then a check in the database that every quiz submission and every rating is stored
exactly once. Targets (issue 20): no errors, p95 under 500 ms for pages and under 1 s for
submissions. On SQLite, or PostgreSQL when TEST_DATABASE_URL is set. Loopback only; bounded.
"""

from __future__ import annotations

import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

from tests.bench.ratios import load_average
from tests.integration.conftest import REDIS_URL, SECRET_KEY, drop_database, free_port, spawn

USERS = int(os.environ.get("BURST_USERS", "300"))
ARRIVAL = float(os.environ.get("BURST_ARRIVAL", "60"))
ROUNDS = int(os.environ.get("BURST_ROUNDS", "3"))
WORKERS = int(os.environ.get("BURST_WORKERS", "4"))
CITIES = 6
PASSWORD = "burst-lantern-harbour"
MODULE = "climate-adaptation"
SUBMISSIONS = ("login (submit)", "quiz (submit)", "ratings (submit)", "ratings (submit again after 409)")
ROOT = Path(__file__).resolve().parents[2]


def _redis() -> str:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
        return REDIS_URL
    except Exception:  # noqa: BLE001 - no Redis: counters in each worker's memory, said below
        return ""


def prepare(path: Path) -> tuple[str, dict]:
    """The database of the run and the plan the delegates follow."""
    from werkzeug.security import generate_password_hash

    from tests.conftest import _make_database, build_app
    from training.extensions import db
    from training.models import (
        CityMembership,
        Cohort,
        CohortMember,
        Lesson,
        Module,
        Question,
        Quiz,
        ScorecardQuestion,
        User,
    )
    from training.services import cities

    if os.environ.get("TEST_DATABASE_URL"):
        url = _make_database("bench_burst", SimpleNamespace(mktemp=lambda _name: path))
    else:
        url = f"sqlite:///{path / 'burst.sqlite3'}"
    app = build_app(url)
    with app.app_context():
        towns = cities.list_cities()[:CITIES]
        cohorts = []
        for n, city in enumerate(towns):
            cohort = Cohort(name=f"Workshop {city.name_en}", city_id=city.id, join_code=f"BURST{n:04d}")
            db.session.add(cohort)
            cohorts.append(cohort)
        hashed = generate_password_hash(PASSWORD)  # once: 300 scrypt runs would dominate the setup
        users = [
            User(
                name=f"Delegate {n}",
                email=f"delegate{n}@example.org",
                password_hash=hashed,
                city_id=towns[n % CITIES].id,
                locale="zh" if n % 3 == 0 else "en",
            )
            for n in range(USERS)
        ]
        db.session.add_all(users)
        db.session.flush()
        db.session.add_all(CityMembership(user_id=u.id, city_id=u.city_id, how="admin") for u in users)
        db.session.add_all(
            CohortMember(cohort_id=cohorts[n % CITIES].id, user_id=u.id) for n, u in enumerate(users)
        )
        db.session.commit()
        module = db.session.scalar(sa.select(Module).where(Module.slug == MODULE))
        lesson = db.session.scalar(
            sa.select(Lesson.slug)
            .where(Lesson.module_id == module.id, Lesson.active)
            .order_by(Lesson.position)
        )
        quiz = db.session.scalar(sa.select(Quiz).where(Quiz.module_id == module.id))
        answers = {}
        for q in db.session.scalars(sa.select(Question).where(Question.quiz_id == quiz.id, Question.active)):
            if q.type == "true_false":
                answers[q.key] = [["true" if q.body["answer"] else "false"]]
            else:
                answers[q.key] = [list(o["text"].values()) for o in q.body["options"] if o["correct"]]
        by_essential: dict[int, list[str]] = {}
        for number, qid in db.session.execute(
            sa.select(ScorecardQuestion.essential_number, ScorecardQuestion.id).order_by(
                ScorecardQuestion.essential_number, ScorecardQuestion.position
            )
        ):
            by_essential.setdefault(number, []).append(qid)
        essentials = sorted(n for n, qids in by_essential.items() if len(qids) >= 2)
        delegates = []
        for n, u in enumerate(users):
            essential = essentials[(n // CITIES) % len(essentials)]
            two = by_essential[essential][:2]
            delegates.append(
                {
                    "id": u.id,
                    "email": u.email,
                    "city": u.city_id,
                    "cohort": cohorts[n % CITIES].id,
                    "essential": essential,
                    "ratings": {qid: (n + i) % 4 for i, qid in enumerate(two)},
                }
            )
        db.engine.dispose()
    plan = {
        "module": MODULE,
        "lesson": lesson,
        "password": PASSWORD,
        "answers": answers,
        "delegates": delegates,
        "expected": USERS,
    }
    return url, plan


def run_locust(base: str, plan_file: Path, out: Path) -> Path:
    env = {**os.environ, "BURST_PLAN": str(plan_file)}
    rate = max(USERS / ARRIVAL, 0.1)
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(ROOT / "tests" / "bench" / "burst_locust.py"),
        "--headless",
        "--host",
        base,
        "-u",
        str(USERS),
        "-r",
        f"{rate:.3f}",
        "--run-time",
        f"{int(ARRIVAL + 180)}s",
        "--stop-timeout",
        "30",
        "--csv",
        str(out / "burst"),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    log = out / "locust.log"
    with log.open("wb") as output:
        done = subprocess.run(
            command, cwd=ROOT, env=env, timeout=ARRIVAL + 300, check=False, stdout=output, stderr=output
        )
    text = log.read_text(encoding="utf-8", errors="replace")
    if "Traceback" in text or done.returncode not in (0, 1):  # 1: Locust saw failed requests
        print(f"Locust (exit {done.returncode}):\n{text[-3000:]}")
    return out / "burst_stats.csv"


def check_database(url: str, plan: dict) -> list[str]:
    """Every delegate's quiz attempt stored once, each of their two ratings once, with its score."""
    from training.config import normalise_database_url
    from training.models import QuizAttempt, Rating

    engine = sa.create_engine(normalise_database_url(url))
    problems = []
    ids = [d["id"] for d in plan["delegates"]]
    with engine.connect() as conn:
        attempts = dict(
            conn.execute(
                sa.select(QuizAttempt.user_id, sa.func.count())
                .where(QuizAttempt.user_id.in_(ids))
                .group_by(QuizAttempt.user_id)
            ).all()
        )
        ratings = {
            (user_id, qid): (count, score)
            for user_id, qid, count, score in conn.execute(
                sa.select(Rating.user_id, Rating.question_id, sa.func.count(), sa.func.max(Rating.score))
                .where(Rating.user_id.in_(ids))
                .group_by(Rating.user_id, Rating.question_id)
            )
        }
    engine.dispose()
    for d in plan["delegates"]:
        if attempts.get(d["id"], 0) != 1:
            problems.append(f"{d['email']}: {attempts.get(d['id'], 0)} quiz attempts")
        for qid, score in d["ratings"].items():
            if ratings.get((d["id"], qid)) != (1, score):
                problems.append(
                    f"{d['email']} {qid}: {ratings.get((d['id'], qid))} (count, score), not (1, {score})"
                )
    return problems


def _number(text: str) -> float | None:
    return None if text in ("N/A", "") else float(text)


def read_stats(stats_file: Path) -> dict[str, dict]:
    """Per step (and "all steps"): requests, errors, p50, p95, p99 in milliseconds."""
    steps = {}
    for row in csv.DictReader(stats_file.open(encoding="utf-8")):
        name = "all steps" if row["Name"] == "Aggregated" else row["Name"]
        steps[name] = {
            "requests": int(row["Request Count"]),
            "errors": int(row["Failure Count"]),
            **{p: _number(row[f"{p[1:]}%"]) for p in ("p50", "p95", "p99")},
        }
    return steps


def _cell(values: list[float | None]) -> str:
    """The median of the rounds, and their range when there are several."""
    known = [v for v in values if v is not None]
    if not known:
        return "–"
    median = f"{statistics.median(known):.0f}"
    return median if len(known) == 1 else f"{median} ({min(known):.0f}–{max(known):.0f})"


def report(rounds: list[dict[str, dict]], database: str, redis_url: str) -> None:
    print(
        f"\nworkshop burst, {database}: {USERS} delegates arriving over {ARRIVAL:.0f} s, gunicorn "
        f"{WORKERS} sync workers, {'Redis' if redis_url else 'no Redis'}; milliseconds, median "
        f"(range) of {len(rounds)} round(s)"
    )
    print(f"{'step':<34} {'requests':>8} {'errors':>6} {'p50':>16} {'p95':>16} {'p99':>16}  target")
    names = sorted({name for steps in rounds for name in steps}, key=lambda n: (n == "all steps", n))
    cells = []
    for name in names:
        got = [steps[name] for steps in rounds if name in steps]
        requests = statistics.median(g["requests"] for g in got)
        errors = sum(g["errors"] for g in got)
        p95s = [g["p95"] for g in got]
        target = 1000 if name in SUBMISSIONS else 500
        known = [v for v in p95s if v is not None]
        met = "met" if known and statistics.median(known) < target else "NOT met"
        goal = "" if name == "all steps" else f"p95 < {target} {met}"
        p50, p95, p99 = (_cell([g[p] for g in got]) for p in ("p50", "p95", "p99"))
        print(f"{name:<34} {requests:>8.0f} {errors:>6} {p50:>16} {p95:>16} {p99:>16}  {goal}")
        cells.append(f"{name.replace(' ', '_')}={p50}:{p95}:{p99}:{errors}".replace(" ", ""))
    print(f"BURST {database} " + " ".join(cells))


def one_round(tmp_path: Path, redis_url: str) -> tuple[dict[str, dict], list[str], float, int, str]:
    """A fresh database, a fresh gunicorn, the burst, then the database check."""
    url, plan = prepare(tmp_path)
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    port = free_port()
    env = {
        **os.environ,
        "ACADEMY_ENV": "production",
        "SECRET_KEY": SECRET_KEY,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": url,
        "SESSION_COOKIE_SECURE": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(WORKERS),
        "ACCESS_LOG": "",
        "RATELIMIT_KEY_PREFIX": f"burst{port}",  # each round's counters its own
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    server = spawn("app:app", port, tmp_path / "gunicorn.log", WORKERS, env)
    try:
        server.wait_ready()
        started = time.monotonic()
        stats = run_locust(server.url, plan_file, tmp_path)
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    try:
        steps = read_stats(stats)
        problems = check_database(url, plan)
    finally:
        drop_database(url)
    tracebacks = server.log_text().count("Traceback")
    database = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    return steps, problems, elapsed, tracebacks, database


def main() -> None:
    print(f"\n== workshop burst (Locust), {load_average()} before the run")
    redis_url = _redis()
    rounds, database = [], ""
    for n in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            steps, problems, elapsed, tracebacks, database = one_round(Path(tmp), redis_url)
        rounds.append(steps)
        stored = f"{USERS} quiz submissions and {2 * USERS} ratings"
        check = (
            f"{len(problems)} problem(s), e.g. " + "; ".join(problems[:5])
            if problems
            else f"every one of {stored} stored exactly once"
        )
        log = f"{tracebacks} traceback(s) in the server log"
        print(f"round {n + 1} on {database}: {elapsed:.0f} s, {log}; {check}")
    report(rounds, database, redis_url)


if __name__ == "__main__":
    sys.exit(main())
