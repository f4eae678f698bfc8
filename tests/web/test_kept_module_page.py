"""The module page is drawn once per variant and kept with the module's copy of the curriculum
(training/web/chrome.py `kept_page`), as lesson pages are. What belongs to the visitor — logged
in or not, role, language, the lessons they have done, their standing on the quiz, their CSRF
token, path, flashes and unread count — is never served to another; an editor's change to the
case studies and a content sync show at once."""

from __future__ import annotations

import re

from markupsafe import escape
from sqlalchemy import select

from tests import factories
from tests.conftest import client_of
from tests.content.conftest import sync_revised
from training.models import CaseStudy, QuizAttempt, Role
from training.services import curriculum_cache, learning, library

URL = "/learn/climate-adaptation/"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _page(client, path=URL) -> str:
    html = client.get(path).get_data(as_text=True)
    assert "__ACADEMY_" not in html
    return html


def test_a_kept_module_page_shows_each_visitor_their_own_progress_standing_role_and_language(
    app, db_session, monkeypatch
):
    cache = curriculum_cache.CurriculumCache(3600)
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, cache)
    module, quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    total = len(lessons)

    anonymous = _page(app.test_client())
    assert "to record your progress and take the quiz" in anonymous and "Lessons done" not in anonymous
    kept = cache.module("climate-adaptation")
    assert len(kept.memo) == 1

    one, other = factories.user(name="One"), factories.user(name="Other")
    first, second = client_of(app, one), client_of(app, other)
    fresh = _page(first)
    assert f"Lessons done: 0 / {total}" in fresh and "Start the first lesson" in fresh
    assert "Take the pre-test" in fresh and "Take the quiz" in fresh
    assert len(kept.memo) == 2
    assert _page(second).replace(TOKEN.findall(_page(second))[0], "") == fresh.replace(
        TOKEN.findall(fresh)[0], ""
    )  # the same point: the same kept page, with each visitor's own token
    assert len(kept.memo) == 2 and TOKEN.findall(_page(first)) != TOKEN.findall(_page(second))

    learning.record_lesson_done(one, lessons[0])
    db_session.add(
        QuizAttempt(user_id=one.id, quiz_id=quiz.id, content_version="t", percent=40, passed=False)
    )
    db_session.flush()
    mine = _page(first)
    assert f"Lessons done: 1 / {total}" in mine and "✓ Done" in mine and "Continue" in mine
    assert "Your best score: 40%." in mine and "Retake the quiz" in mine and "Take the pre-test" not in mine
    theirs = _page(second)
    assert f"Lessons done: 0 / {total}" in theirs and "Your best score" not in theirs
    assert "Take the pre-test" in theirs and "✓ Done" not in theirs

    quizzer = factories.user(name="Quizzer")  # no lesson done, like `other`: only the quiz differs
    quizzing = client_of(app, quizzer)
    db_session.add(QuizAttempt(user_id=quizzer.id, quiz_id=quiz.id, content_version="t", percent=70))
    db_session.flush()
    standing = _page(quizzing)
    assert f"Lessons done: 0 / {total}" in standing, standing[standing.index("<main") :]
    assert "Your best score: 70%." in standing, standing[standing.index("<main") :]
    assert "Your best score" not in _page(second)

    trainer = _page(client_of(app, factories.user(role=Role.TRAINER, name="Trainer")))
    assert "Cohorts" in trainer and "Cohorts" not in mine and "Your best score" not in trainer

    chinese = _page(client_of(app, factories.user(name="Zhang", locale="zh")))
    assert str(escape(module.title("zh"))) in chinese and str(escape(module.title("en"))) not in chinese
    assert "Your best score" not in chinese


def test_a_kept_module_page_shows_an_editors_case_study_change_and_a_sync_at_once(
    app, db_session, tmp_path, monkeypatch
):
    cache = curriculum_cache.CurriculumCache(3600)
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, cache)
    client = client_of(app, factories.user())
    before = _page(client)
    cards = library.list_case_studies_for_module(cache.module("climate-adaptation"))
    assert cards and str(escape(cards[0].title("en"))) in before

    study = db_session.scalar(select(CaseStudy).where(CaseStudy.slug == cards[0].slug))
    study.status = CaseStudy.ARCHIVED
    db_session.flush()
    assert str(escape(cards[0].title("en"))) not in _page(client)  # no longer published: gone

    old, new = "en: Climate adaptation for cities", "en: Climate adaptation for cities, revised"
    sync_revised(tmp_path, "modules/climate-adaptation/module.yaml", old, new)
    cache._checked = float("-inf")  # the cache's window is over
    assert "Climate adaptation for cities, revised" in _page(client)
