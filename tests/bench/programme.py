"""Programme benchmark: the programme page, its XLSX data pack and its printable report on a
generated programme of 3 cities × 2 years × 60 trainees and of 30 cities × 5 years × 2,000
trainees — time and query count, on SQLite and (with TEST_DATABASE_URL set) on PostgreSQL; and
the PDF on the small one (bigger programmes get no PDF: docs/programmes.md). Printed by
`make bench`; never a pass/fail.

Where the time goes on the large programme (profiled, docs/programmes.md "Speed"): loading
≈ 40 % of a request — mostly the 12,000 quiz attempts with their results text —, the learning
tables ≈ 10 %, resilience and reach ≈ 5 % each, the data pack's openpyxl writing ≈ 30 % of
that request (nearly all of it XML serialising, the same in write-only mode), the report's
template ≈ 15 % of its request. Wall times follow the machine's load: compare the CPU column."""

from __future__ import annotations

import os
import random
import re
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event, insert, select
from werkzeug.security import generate_password_hash

from tests.conftest import build_app
from training.config import normalise_database_url
from training.extensions import db
from training.models import (
    Assessment,
    AssessmentAnswer,
    Attendance,
    City,
    Cohort,
    CohortMember,
    CohortModule,
    CohortSession,
    Lesson,
    LessonCompletion,
    Module,
    Programme,
    ProgrammeCity,
    ProgrammeManager,
    Question,
    Quiz,
    QuizAttempt,
    Role,
    ScorecardQuestion,
    ScorecardSharing,
    User,
)

SIZES = ((3, 2, 60), (30, 5, 2000))  # cities, years, trainees
REPEAT = 3
PASSWORD = "Bench-password-2026!"
DEPARTMENTS = ["Ecology", "Emergency", "Housing", "Meteorology", "Transport", "Finance", "Security", "Water"]


def populate(cities: int, years: int, trainees: int) -> tuple[int, str]:
    rng = random.Random(19)  # noqa: S311 - generated data
    hashed = generate_password_hash(PASSWORD)
    manager = User(
        name="Bench manager", email="bench-manager@example.org", password_hash=hashed, role=Role.TRAINER
    )
    db.session.add(manager)
    programme = Programme(name_en="Bench programme", start_year=2019, end_year=2018 + years)
    db.session.add(programme)
    db.session.flush()
    db.session.add(ProgrammeManager(programme_id=programme.id, user_id=manager.id))
    city_ids = []
    for c in range(cities):
        city = City(name_en=f"Bench city {c}", name_zh=f"测试城市{c}")
        db.session.add(city)
        db.session.flush()
        city_ids.append(city.id)
        db.session.add(ProgrammeCity(programme_id=programme.id, city_id=city.id))
        level = "private" if c % 6 == 5 else ("anonymised" if c % 6 == 4 else "named")
        db.session.add(ScorecardSharing(city_id=city.id, level=level))
    modules = list(db.session.scalars(select(Module).order_by(Module.position)))[:3]
    quizzes = {
        q.module_id: q
        for q in db.session.scalars(select(Quiz).where(Quiz.module_id.in_([m.id for m in modules])))
    }
    keys = {
        m: list(db.session.scalars(select(Question.key).where(Question.quiz_id == q.id)))[:8]
        for m, q in quizzes.items()
    }
    lessons = {
        m.id: list(db.session.scalars(select(Lesson.id).where(Lesson.module_id == m.id))) for m in modules
    }
    cohort_ids = []
    for c, city_id in enumerate(city_ids):
        for y in range(years):
            cohort = Cohort(
                name=f"C{c}-{y}", city_id=city_id, join_code=f"B{c:02d}{y}", programme_id=programme.id,
                starts_on=date(2019 + y, 5, 1),
            )  # fmt: skip
            db.session.add(cohort)
            db.session.flush()
            cohort_ids.append(cohort.id)
            db.session.add_all(
                CohortModule(cohort_id=cohort.id, module_id=m.id, position=i) for i, m in enumerate(modules)
            )
    db.session.execute(
        insert(User),
        [{"name": f"T{i}", "email": f"bench-t{i}@example.org", "password_hash": hashed, "role": "trainee",
          "locale": "en", "session_version": 1, "organisation": DEPARTMENTS[i % len(DEPARTMENTS)]}
         for i in range(trainees)],
    )  # fmt: skip
    users = list(db.session.scalars(select(User.id).where(User.email.like("bench-t%")).order_by(User.id)))
    placement = {u: cohort_ids[i % len(cohort_ids)] for i, u in enumerate(users)}
    db.session.execute(insert(CohortMember), [{"cohort_id": c, "user_id": u} for u, c in placement.items()])
    attempts, completions = [], []
    when = datetime(2020, 1, 1)
    for u in users:
        for m, quiz in quizzes.items():
            for kind, skill in (("pretest", 0.4), ("final", 0.8)):
                results = {k: rng.random() < skill for k in keys[m]}
                right = sum(results.values())
                attempts.append(
                    {
                        "user_id": u, "quiz_id": quiz.id, "kind": kind, "number": 1, "content_version": "b",
                        "question_keys": keys[m], "results": results, "correct": right, "total": len(keys[m]),
                        "percent": 100 * right // len(keys[m]), "passed": kind == "final" and right >= 6,
                        "submitted_at": when, "answers": {}, "snapshot": {},
                    }
                )  # fmt: skip
                if kind == "final" and right >= 6:
                    completions += [{"user_id": u, "lesson_id": lesson} for lesson in lessons[m]]
    db.session.execute(insert(QuizAttempt), attempts)
    db.session.execute(insert(LessonCompletion), completions)
    for cohort_id in cohort_ids:
        for d in range(2):
            session = CohortSession(cohort_id=cohort_id, title=f"Day {d}", held_on=date(2020, 5, 1 + d))
            db.session.add(session)
            db.session.flush()
            members = [u for u, c in placement.items() if c == cohort_id]
            db.session.add_all(
                Attendance(session_id=session.id, user_id=u, present=rng.random() < 0.8) for u in members
            )
    questions = list(db.session.scalars(select(ScorecardQuestion.id)))
    for city_id in city_ids:
        for sequence in (1, 2):
            assessment = Assessment(city_id=city_id, sequence=sequence)
            db.session.add(assessment)
            db.session.flush()
            db.session.execute(
                insert(AssessmentAnswer),
                [
                    {
                        "assessment_id": assessment.id,
                        "question_id": q,
                        "score": rng.randrange(4),
                        "version": 1,
                    }
                    for q in questions
                ],
            )
    db.session.commit()
    return programme.id, manager.email


def _measure(client, engine, url: str, repeat: int = REPEAT) -> tuple[float, float, int, int, float]:
    statements: list[int] = []

    def count(*_args):
        statements.append(1)

    client.get(url)
    times, cpu, size = [], [], 0
    for _ in range(repeat):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
    return statistics.median(times), statistics.median(cpu), len(statements), size, os.getloadavg()[0]


def _databases(tmp: str):
    yield "sqlite", f"sqlite:///{Path(tmp) / 'bench-programme.sqlite3'}"
    base = os.environ.get("TEST_DATABASE_URL")
    if base:
        base = normalise_database_url(base)
        # the base database's name is part of the name (as in tests/conftest.py): two checkouts
        # benchmarking at once on one server do not drop each other's database
        base_name = sa.engine.make_url(base).database or ""
        name = re.sub(r"[^a-z0-9_]", "_", f"academy_{base_name}_bench_programme".lower())
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        yield "postgresql", str(sa.engine.make_url(base).set(database=name).render_as_string(False))


def main() -> None:
    rows = []
    for cities, years, trainees in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            for engine_name, url in _databases(tmp):
                app = build_app(url)
                with app.app_context():
                    programme_id, email = populate(cities, years, trainees)
                    engine = db.engine
                client = app.test_client()
                client.post("/auth/login", data={"email": email, "password": PASSWORD})
                size = f"{cities}×{years}×{trainees}"
                for path in ("/", "/data.xlsx", "/report"):
                    full = f"/programmes/{programme_id}{path}"
                    rows.append(
                        (
                            engine_name,
                            size,
                            full.replace(str(programme_id), "<id>"),
                            *_measure(client, engine, full),
                        )
                    )
                if cities <= 8 and engine_name == "sqlite":  # bigger ones get no PDF (docs/programmes.md)
                    full = f"/programmes/{programme_id}/report.pdf"
                    rows.append(
                        (
                            engine_name,
                            size,
                            full.replace(str(programme_id), "<id>"),
                            *_measure(client, engine, full, 1),
                        )
                    )
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
    # wall: time to answer; CPU: this process's own CPU time (SQLite runs in it, PostgreSQL does
    # not) — on a shared machine under load the wall time is several times the CPU time.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("where the time goes: this file's docstring and docs/programmes.md (Speed)")
    print(f"{'database':<10} {'programme':<12} {'page':<30} {'wall ms':>9} {'CPU ms':>8}", end="")
    print(f"  {'queries':>7}  {'bytes':>9}  {'load':>5}")
    for engine_name, size, url, ms, cpu_ms, queries, nbytes, load in rows:
        print(f"{engine_name:<10} {size:<12} {url:<30} {ms:>9.1f} {cpu_ms:>8.1f}", end="")
        print(f"  {queries:>7}  {nbytes:>9}  {load:>5.1f}")


if __name__ == "__main__":
    main()
