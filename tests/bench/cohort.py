"""Cohort page benchmark: 100 and 2,000 trainees × 6 modules — time and query count of the
progress matrix page and of its exports. Printed by `make bench`; never a pass/fail."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert, select

from tests.conftest import build_app
from training.extensions import db
from training.models import CohortMember, Lesson, LessonCompletion, Module, Quiz, QuizAttempt, Role, User
from training.services import accounts, cities, cohorts

SIZES = (100, 2000)
REPEAT = 5
PASSWORD = "Bench-password-2026!"


def _populate(n: int) -> tuple[int, str]:
    city = cities.list_cities()[0]
    # The curriculum's six modules (a made-up sixth filled the place until the real one came).
    modules = list(db.session.scalars(select(Module).order_by(Module.position)))
    trainer = accounts.register_user(
        name="Bench Trainer",
        email="bench-trainer@example.org",
        password=PASSWORD,
        city=None,
        role=Role.TRAINER,
    )
    from training.services import trainer_cities

    trainer_cities._add_assignment(trainer, city, "admin", None)  # as an admin would
    values = cohorts.CohortValues("Bench cohort", city, None, None, [m.id for m in modules], [trainer.id])
    cohort = cohorts.create_cohort(trainer, values)
    db.session.execute(
        insert(User),
        [
            {"name": f"Trainee {i}", "email": f"t{i}@example.org", "password_hash": trainer.password_hash,
             "role": "trainee", "locale": "en", "session_version": 1, "city_id": city.id}
            for i in range(n)
        ],
    )  # fmt: skip
    ids = list(db.session.scalars(select(User.id).where(User.email.like("t%@example.org"))))
    db.session.execute(insert(CohortMember), [{"cohort_id": cohort.id, "user_id": u} for u in ids])
    lessons = list(db.session.scalars(select(Lesson)))
    db.session.execute(
        insert(LessonCompletion),
        [{"user_id": u, "lesson_id": lesson.id} for u in ids for lesson in lessons[:8]],
    )
    quizzes = list(db.session.scalars(select(Quiz)))
    db.session.execute(
        insert(QuizAttempt),
        [
            {"user_id": u, "quiz_id": q.id, "kind": "final", "number": 1, "content_version": q.version,
             "percent": 80, "passed": True, "correct": 10, "total": 12}
            for u in ids for q in quizzes
        ],
    )  # fmt: skip
    db.session.commit()
    return cohort.id, trainer.email


def _measure(client, engine, url: str) -> tuple[float, int, int]:
    statements: list[int] = []

    def count(*_args):
        statements.append(1)

    client.get(url)
    times = []
    size = 0
    for _ in range(REPEAT):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
        size = len(response.data)
    return statistics.median(times), len(statements), size


def main() -> None:
    rows = []
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            app = build_app(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            with app.app_context():
                cohort_id, email = _populate(n)
                engine = db.engine
            client = app.test_client()
            client.post("/auth/login", data={"email": email, "password": PASSWORD})
            for url in (
                f"/cohorts/{cohort_id}/",
                f"/cohorts/{cohort_id}/export/matrix.csv",
                f"/cohorts/{cohort_id}/export/matrix.xlsx",
                f"/cohorts/{cohort_id}/evaluation",
            ):
                rows.append((n, url.replace(str(cohort_id), "<id>"), *_measure(client, engine, url)))
            with app.app_context():
                db.engine.dispose()
    print(f"{'trainees':>8}  {'page (6 modules)':<34} {'median ms':>9}  {'queries':>7}  {'bytes':>9}")
    for n, url, ms, queries, size in rows:
        print(f"{n:>8}  {url:<34} {ms:>9.1f}  {queries:>7}  {size:>9}")


if __name__ == "__main__":
    main()
