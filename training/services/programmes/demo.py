"""The demo programme of `make run`: three fictional cities over two years, with cohorts,
trainees, quiz attempts, sessions and scorecard assessments, so that a newcomer sees the
programme page filled. Marked `is_demo`; made only by `flask setup` with demo accounts, never
by `flask setup --no-demo` (`make serve`). Idempotent: a second run changes nothing."""

from __future__ import annotations

import random
import secrets
from datetime import date, datetime

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from training.extensions import db
from training.models import (
    Assessment,
    AssessmentAnswer,
    Attendance,
    Certificate,
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
    ScorecardQuestion,
    ScorecardSharing,
    User,
)

NAME_EN, NAME_ZH = "Demo programme: three river cities, 2024–2025", "演示项目：三座河畔城市（2024—2025年）"
CITIES = [  # fictional: (en, zh, sharing)
    ("Lanxi (demo)", "兰溪（演示）", "named"),
    ("Qingshan (demo)", "青山（演示）", "anonymised"),
    ("Baihe (demo)", "白河（演示）", "private"),
]
DEPARTMENTS = [
    "Ecology and Environment Bureau",
    "Emergency Management Bureau",
    "Housing and Urban-Rural Development",
    "Meteorological Bureau",
    "Water Resources Bureau",
    "Finance Bureau",
]
MODULE_SLUGS = ["climate-adaptation", "nature-based-solutions", "climate-finance"]
TRAINEES_PER_COHORT = 8


def get_demo_programme() -> Programme | None:
    return db.session.scalar(select(Programme).where(Programme.is_demo, Programme.name_en == NAME_EN))


def _city(name_en: str, name_zh: str) -> City:
    city = db.session.scalar(select(City).where(City.name_en == name_en))
    if city is None:
        city = City(name_en=name_en, name_zh=name_zh, province_en="", province_zh="")
        db.session.add(city)
        db.session.flush()
    return city


def _attempt(
    rng, user_id: int, quiz: Quiz, keys: list[str], kind: str, skill: float, at: datetime, number: int
):
    results = {key: rng.random() < skill for key in keys}
    correct = sum(results.values())
    percent = round(100 * correct / len(keys))
    return QuizAttempt(
        user_id=user_id,
        quiz_id=quiz.id,
        kind=kind,
        number=number,
        content_version=quiz.version or "demo",
        question_keys=keys,
        results=results,
        correct=correct,
        total=len(keys),
        percent=percent,
        passed=kind == QuizAttempt.FINAL and percent >= quiz.pass_mark,
        submitted_at=at,
    )


def ensure_demo_programme(managers: list[User]) -> Programme | None:
    """Create the demo programme unless it exists; `managers` follow it (the demo trainer)."""
    if get_demo_programme() is not None:
        return None
    rng = random.Random(2024)  # noqa: S311 - made-up demo figures, repeatable on purpose
    modules = list(db.session.scalars(select(Module).where(Module.slug.in_(MODULE_SLUGS), Module.active)))
    modules.sort(key=lambda m: MODULE_SLUGS.index(m.slug))
    quizzes = {
        q.module_id: q
        for q in db.session.scalars(select(Quiz).where(Quiz.module_id.in_([m.id for m in modules])))
    }
    keys = {
        module_id: list(
            db.session.scalars(
                select(Question.key)
                .where(Question.quiz_id == quiz.id, Question.active)
                .order_by(Question.position)
            )
        )[:8]
        for module_id, quiz in quizzes.items()
    }
    lessons = {
        m.id: list(db.session.scalars(select(Lesson.id).where(Lesson.module_id == m.id, Lesson.active)))
        for m in modules
    }
    programme = Programme(name_en=NAME_EN, name_zh=NAME_ZH, start_year=2024, end_year=2025, is_demo=True)
    db.session.add(programme)
    db.session.flush()
    db.session.add_all(
        ProgrammeManager(programme_id=programme.id, user_id=u.id) for u in managers if u is not None
    )
    password = generate_password_hash(secrets.token_hex(16))  # the demo trainees never log in
    questions = list(db.session.scalars(select(ScorecardQuestion.id)))
    person = 0
    for c_index, (name_en, name_zh, level) in enumerate(CITIES):
        city = _city(name_en, name_zh)
        db.session.add(ProgrammeCity(programme_id=programme.id, city_id=city.id))
        db.session.add(ScorecardSharing(city_id=city.id, level=level, capacity="admin"))
        for year in (2024, 2025):
            cohort = Cohort(
                name=f"{name_en} {year} workshop",
                city_id=city.id,
                starts_on=date(year, 4 + c_index, 10),
                ends_on=date(year, 4 + c_index, 12),
                join_code=secrets.token_hex(5).upper(),
                joining_open=False,
                programme_id=programme.id,
            )
            db.session.add(cohort)
            db.session.flush()
            assigned = modules[: 2 + (year == 2025)]
            db.session.add_all(
                CohortModule(cohort_id=cohort.id, module_id=m.id, position=i) for i, m in enumerate(assigned)
            )
            sessions = [
                CohortSession(cohort_id=cohort.id, title=f"Day {d}", held_on=date(year, 4 + c_index, 10 + d))
                for d in range(2)
            ]
            db.session.add_all(sessions)
            db.session.flush()
            for _ in range(TRAINEES_PER_COHORT):
                person += 1
                user = User(
                    name=f"Demo official {person}",
                    email=f"demo-official-{person}@example.org",
                    password_hash=password,
                    city_id=city.id,
                    organisation=DEPARTMENTS[rng.randrange(len(DEPARTMENTS))],
                )
                db.session.add(user)
                db.session.flush()
                db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
                db.session.add_all(
                    Attendance(session_id=s.id, user_id=user.id, present=rng.random() < 0.85)
                    for s in sessions
                )
                complete = True
                for module in assigned:
                    quiz = quizzes.get(module.id)
                    if quiz is None or not keys.get(module.id):
                        continue
                    at = datetime(year, 4 + c_index, 10, 9)
                    db.session.add(
                        _attempt(
                            rng,
                            user.id,
                            quiz,
                            keys[module.id],
                            QuizAttempt.PRETEST,
                            0.35 + 0.1 * rng.random(),
                            at,
                            1,
                        )
                    )
                    final = _attempt(
                        rng,
                        user.id,
                        quiz,
                        keys[module.id],
                        QuizAttempt.FINAL,
                        0.6 + 0.35 * rng.random(),
                        at.replace(day=12),
                        1,
                    )
                    db.session.add(final)
                    if final.passed:
                        db.session.add_all(
                            LessonCompletion(user_id=user.id, lesson_id=lesson)
                            for lesson in lessons[module.id]
                        )
                    complete = complete and final.passed
                if complete:
                    db.session.add(
                        Certificate(
                            code=secrets.token_hex(6).upper(),
                            user_id=user.id,
                            cohort_id=cohort.id,
                            snapshot={"name": user.name, "cohort": cohort.name, "demo": True},
                        )
                    )
        for sequence, lift in ((1, 0.0), (2, 0.25)):
            assessment = Assessment(
                city_id=city.id,
                sequence=sequence,
                status="closed" if sequence == 1 else "open",
                started_at=datetime(2023 + sequence, 3, 1),
                source="demo",
            )
            db.session.add(assessment)
            db.session.flush()
            db.session.add_all(
                AssessmentAnswer(
                    assessment_id=assessment.id,
                    question_id=q,
                    score=min(3, int(rng.random() * 2.6 + lift * 3)),
                )
                for q in questions
            )
    db.session.commit()
    return programme
