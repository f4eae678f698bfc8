from __future__ import annotations

from tests import factories
from training.models import LessonCompletion, QuizAttempt
from training.services import learning, quizzes


def test_progress_counts_lessons_and_the_quiz(db_session):
    user = factories.user()
    module, quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    progress = learning.list_progress(user, [module])[0]
    assert (progress.lessons_done, progress.lessons_total, progress.percent) == (0, len(lessons), 0)

    assert learning.record_lesson_done(user, lessons[0]) is True
    progress = learning.list_progress(user, [module])[0]
    assert progress.lessons_done == 1
    assert progress.percent == round(100 * 1 / (len(lessons) + 1))
    assert not progress.complete


def test_marking_a_lesson_twice_records_one_completion(db_session):
    user = factories.user()
    module, _ = factories.adaptation()
    lesson = learning.list_lessons(module)[0]
    assert learning.record_lesson_done(user, lesson) is True
    assert learning.record_lesson_done(user, lesson) is False
    rows = db_session.query(LessonCompletion).filter_by(user_id=user.id, lesson_id=lesson.id).count()
    assert rows == 1


def _pass_quiz(user, quiz):
    questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, user)
    responses = {q.key: _right(q) for q in questions}
    return quizzes.submit_attempt(user, quiz, QuizAttempt.FINAL, questions, responses)


def _right(q):
    if q.type == "true_false":
        return q.body["answer"]
    ids = [o["id"] for o in q.body["options"] if o["correct"]]
    return ids[0] if q.type == "single" else ids


def test_a_module_is_complete_with_all_lessons_and_a_passed_quiz(db_session):
    user = factories.user()
    module, quiz = factories.adaptation()
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(user, lesson)
    assert not learning.list_progress(user, [module])[0].complete
    attempt = _pass_quiz(user, quiz)
    assert attempt.passed
    progress = learning.list_progress(user, [module])[0]
    assert progress.complete and progress.percent == 100 and progress.best_percent == 100


def test_progress_of_one_user_is_not_anothers(db_session):
    one, two = factories.user(), factories.user()
    module, _ = factories.adaptation()
    learning.record_lesson_done(one, learning.list_lessons(module)[0])
    assert learning.list_progress(two, [module])[0].lessons_done == 0


def test_the_catalogue_from_memory_counts_what_the_database_counts(db_session):
    user = factories.user()
    module, quiz = factories.adaptation()
    for lesson in learning.list_lessons(module)[:2]:
        learning.record_lesson_done(user, lesson)
    questions = quizzes.list_questions(quiz, "final", user)
    quizzes.submit_attempt(user, quiz, "final", questions, {q.key: _right(q) for q in questions})

    def facts(rows):
        return [
            (r.module.slug, r.lessons_total, r.lessons_done, r.minutes, r.best_percent, r.passed, r.has_quiz)
            for r in rows
        ]

    assert facts(learning.catalogue_progress(user)) == facts(learning.list_progress(user))
    assert facts(learning.catalogue_progress(None)) == facts(learning.list_progress(None))
    assert any(r.lessons_done == 2 and r.best_percent == 100 for r in learning.catalogue_progress(user))
    by_lesson = learning.catalogue_progress(user, lesson_ids=True)
    assert facts(by_lesson) == facts(learning.list_progress(user))  # the same counts, read by lesson
    done = {r.module.slug: r.done_lesson_ids for r in by_lesson}
    assert done[module.slug] == {lesson.id for lesson in learning.list_lessons(module)[:2]}
    assert all(ids == frozenset() for slug, ids in done.items() if slug != module.slug)


def test_the_next_step_is_the_first_lesson_not_done_of_the_module_begun(db_session):
    user, other = factories.user(), factories.user(name="Other")
    module, _quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    learning.record_lesson_done(user, lessons[1])  # out of order: the first is still to do
    learning.record_lesson_done(other, lessons[0])  # another trainee's marks are not theirs
    step = learning.next_step(learning.catalogue_progress(user, lesson_ids=True))
    assert (step.module.slug, step.kind, step.lesson.id) == (module.slug, "lesson", lessons[0].id)
    learning.record_lesson_done(user, lessons[0])
    step = learning.next_step(learning.catalogue_progress(user, lesson_ids=True))
    assert (step.kind, step.lesson.id) == ("lesson", lessons[2].id)
    for lesson in lessons[2:]:
        learning.record_lesson_done(user, lesson)
    step = learning.next_step(learning.catalogue_progress(user, lesson_ids=True))
    assert (step.module.slug, step.kind, step.lesson) == (module.slug, "quiz", None)
    fresh = learning.next_step(learning.catalogue_progress(other, lesson_ids=True))
    assert (fresh.module.slug, fresh.lesson.id) == (module.slug, lessons[1].id)
