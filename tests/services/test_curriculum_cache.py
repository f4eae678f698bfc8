"""The curriculum kept in each worker's memory: right until a sync changes it, then reloaded."""

from __future__ import annotations

from sqlalchemy import select

from tests import factories
from tests.content.conftest import REAL, copy_content
from training.content import load_curriculum
from training.models import ContentRevision
from training.services import curriculum_cache
from training.services.content_sync import sync_curriculum
from training.services.curriculum_cache import CurriculumCache
from training.services.learning import list_lessons, record_lesson_done
from training.services.learning import list_modules as list_modules_from_db

SLUG = "climate-adaptation"


def _revision(db_session) -> int:
    return db_session.scalar(select(ContentRevision.number))


def test_a_sync_raises_the_revision_only_when_something_changed(db_session, tmp_path):
    before = _revision(db_session)
    sync_curriculum(load_curriculum(REAL))
    assert _revision(db_session) == before
    copy_content(tmp_path)
    lesson_file = next((tmp_path / f"modules/{SLUG}").glob("01-*.en.md"))
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + "\n\nNew paragraph.\n", encoding="utf-8")
    sync_curriculum(load_curriculum(tmp_path))
    assert _revision(db_session) == before + 1


def test_the_cache_serves_copies_without_queries_and_reloads_after_a_sync(
    db_session, tmp_path, count_queries, monkeypatch
):
    cache = CurriculumCache(seconds=5)
    clock = [1000.0]
    monkeypatch.setattr(curriculum_cache.time, "monotonic", lambda: clock[0])
    first = cache.module(SLUG)
    assert first is not None and [lesson.slug for lesson in first.lessons] == [
        lesson.slug for lesson in list_lessons(factories.adaptation()[0])
    ]
    with count_queries() as again:
        assert cache.module(SLUG) is first
    assert again.count == 0

    copy_content(tmp_path)
    lesson_file = next((tmp_path / f"modules/{SLUG}").glob("01-*.en.md"))
    lesson_file.write_text(lesson_file.read_text(encoding="utf-8") + "\n\nNew paragraph.\n", encoding="utf-8")
    sync_curriculum(load_curriculum(tmp_path))

    clock[0] += 4  # within the window: still the copy it holds, no query
    assert "New paragraph." not in cache.module(SLUG).lessons[0].html_en
    clock[0] += 2  # the window is over: one look at the revision, then the new text
    assert "New paragraph." in cache.module(SLUG).lessons[0].html_en


def test_unknown_modules_are_not_kept_and_zero_seconds_means_no_cache(db_session, count_queries):
    """The cache holds the active curriculum only; a lookup of anything else keeps nothing."""
    cache = CurriculumCache(seconds=60)
    assert cache.module("no-such-module") is None
    assert "no-such-module" not in cache._by_slug
    off = CurriculumCache(seconds=0)
    with count_queries() as reads:
        off.module(SLUG)
        off.module(SLUG)
    assert reads.count == 4  # module and lessons, twice


def test_done_marks_are_read_for_the_user_only(db_session):
    one, other = factories.user(), factories.user()
    module = CurriculumCache(0).module(SLUG)
    lessons = list_lessons(factories.adaptation()[0])
    record_lesson_done(one, lessons[1])
    assert curriculum_cache.done_lesson_ids(one, module) == {lessons[1].id}
    assert curriculum_cache.done_lesson_ids(other, module) == set()
    assert curriculum_cache.done_lesson_ids(None, module) == set()


def test_a_lesson_copy_falls_back_to_the_other_language():
    lesson = curriculum_cache.LessonView(1, "a", 10, "Title", "", "<p>en</p>", "", ())
    assert lesson.title("zh") == "Title" and lesson.html("zh") == "<p>en</p>"
    assert lesson.is_fallback("zh") and not lesson.is_fallback("en")


def test_a_module_copy_says_what_the_module_says_in_both_languages(db_session):
    module, quiz = factories.adaptation()
    view = CurriculumCache(0).module(SLUG)
    for locale in ("en", "zh"):
        assert view.title(locale) == module.title(locale)
        assert view.summary(locale) == module.summary(locale)
        assert view.objectives_in(locale) == module.objectives_in(locale)
    assert list(view.essentials) == module.essentials and list(view.case_studies) == module.case_studies
    assert (view.quiz.id, view.quiz.pass_mark, view.quiz.max_attempts, view.quiz.pretest_questions) == (
        quiz.id,
        quiz.pass_mark,
        quiz.max_attempts,
        quiz.pretest_questions,
    )


def test_the_catalogue_lists_every_active_module_in_order_from_two_queries(db_session, count_queries):
    cache = CurriculumCache(seconds=60)
    with count_queries() as cold:
        modules = cache.modules()
    assert cold.count == 3  # the revision, the modules with their quizzes, every lesson
    assert [m.slug for m in modules] == [m.slug for m in list_modules_from_db()]
    assert cache.module(SLUG) is next(m for m in modules if m.slug == SLUG)
    assert all(m.lessons for m in modules)
