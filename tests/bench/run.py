"""Benchmarks: page time and SQL query count at growing data sizes. Run with `make bench`.

Not part of the test suite and never a pass/fail on time: it prints a table to compare runs.
Data: one city with N trainees, each with every lesson done, two quiz attempts and scorecard
changes, so pages that should not grow with the data can be seen not to.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, insert, select

from tests.conftest import build_app
from training.extensions import db
from training.models import (
    AnswerChange,
    AssessmentAnswer,
    City,
    Lesson,
    LessonCompletion,
    Module,
    Quiz,
    QuizAttempt,
    ScorecardQuestion,
    User,
)
from training.services.scorecard import get_or_create_assessment

SIZES = (100, 2000)
REPEAT = 15


def populate(n: int) -> User:
    city = db.session.scalar(select(City).where(City.name_en == "Chengdu"))
    lessons = list(db.session.scalars(select(Lesson)))
    quiz = db.session.scalar(select(Quiz))
    questions = list(db.session.scalars(select(ScorecardQuestion)))
    first = User(name="Bench 0", email="bench0@example.org", city=city)
    first.set_password("bench-password-1")
    db.session.add(first)
    db.session.flush()
    hashed = first.password_hash
    db.session.execute(
        insert(User),
        [
            {
                "name": f"Bench {i}",
                "email": f"bench{i}@example.org",
                "city_id": city.id,
                "password_hash": hashed,
                "role": "trainee",
                "locale": "en",
                "session_version": 1,
            }
            for i in range(1, n)
        ],
    )
    ids = list(db.session.scalars(select(User.id).where(User.email.like("bench%"))))
    db.session.execute(
        insert(LessonCompletion), [{"user_id": u, "lesson_id": lesson.id} for u in ids for lesson in lessons]
    )
    db.session.execute(
        insert(QuizAttempt),
        [
            {
                "user_id": u,
                "quiz_id": quiz.id,
                "kind": "final",
                "number": k,
                "content_version": quiz.version,
                "percent": 60 + 10 * k,
                "passed": k == 2,
                "correct": 8,
                "total": 12,
            }
            for u in ids
            for k in (1, 2)
        ],
    )
    assessment = get_or_create_assessment(city)
    db.session.execute(
        insert(AssessmentAnswer),
        [
            {"assessment_id": assessment.id, "question_id": q.id, "score": 2, "updated_by_id": first.id}
            for q in questions
        ],
    )
    answers = list(db.session.scalars(select(AssessmentAnswer.id)))
    db.session.execute(
        insert(AnswerChange),
        [
            {
                "answer_id": answers[i % len(answers)],
                "user_id": ids[i % len(ids)],
                "changes": {"score": [1, 2]},
            }
            for i in range(n)
        ],
    )
    db.session.commit()
    return first


def measure(client, engine, url: str) -> tuple[float, int]:
    statements = []

    def count(*_args):
        statements.append(1)

    client.get(url)  # warm up
    times = []
    for _ in range(REPEAT):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(statements)


def main() -> None:
    rows = []
    for n in SIZES:
        with tempfile.TemporaryDirectory() as tmp:
            app = build_app(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
            with app.app_context():
                user = populate(n)
                city_id = user.city_id
                lesson = db.session.scalar(
                    select(Lesson)
                    .join(Module, Module.id == Lesson.module_id)
                    .where(Module.slug == "climate-adaptation")
                    .order_by(Lesson.position)
                )
                engine = db.engine
            client = app.test_client()
            client.post("/auth/login", data={"email": "bench0@example.org", "password": "bench-password-1"})
            for url in (
                "/learn/my",
                "/learn/climate-adaptation/",
                f"/learn/climate-adaptation/{lesson.slug}",
                "/quizzes/climate-adaptation/final",
                f"/scorecard/city/{city_id}/results",
                f"/scorecard/city/{city_id}/essential/8",
            ):
                ms, queries = measure(client, engine, url)
                rows.append((n, url, ms, queries))
            with app.app_context():
                db.engine.dispose()
    print(f"{'trainees':>8}  {'page':<52} {'median ms':>9}  {'queries':>7}")
    for n, url, ms, queries in rows:
        print(f"{n:>8}  {url:<52} {ms:>9.1f}  {queries:>7}")


if __name__ == "__main__":
    main()
