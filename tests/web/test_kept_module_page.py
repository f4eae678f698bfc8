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
from tests.services.test_case_studies import complete
from training.models import CaseStudy, QuizAttempt, Role
from training.services import curriculum_cache, learning, library
from training.services.case_studies import editing as cs
from training.services.case_studies import workflow

URL = "/learn/climate-adaptation/"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _page(client, path=URL) -> str:
    html = client.get(path).get_data(as_text=True)
    assert "__ACADEMY_" not in html
    return html


def _pages_kept(memo: dict) -> int:
    """The module pages kept in a copy's `memo` (which also keeps the cards chosen per revision
    of the case studies)."""
    return sum(1 for key in memo if key[0] == "learn/module.html")


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
    assert _pages_kept(kept.memo) == 1

    one, other = factories.user(name="One"), factories.user(name="Other")
    first, second = client_of(app, one), client_of(app, other)
    fresh = _page(first)
    assert f"Lessons done: 0 / {total}" in fresh and "Start the first lesson" in fresh
    assert "Take the pre-test" in fresh and "Take the quiz" in fresh
    assert _pages_kept(kept.memo) == 2
    assert _page(second).replace(TOKEN.findall(_page(second))[0], "") == fresh.replace(
        TOKEN.findall(fresh)[0], ""
    )  # the same point: the same kept page, with each visitor's own token
    assert _pages_kept(kept.memo) == 2 and TOKEN.findall(_page(first)) != TOKEN.findall(_page(second))

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


def _title(study_title: str, html: str) -> bool:
    return str(escape(study_title)) in html


def test_an_editors_publish_edit_and_archive_show_on_the_kept_module_page_at_once_for_everyone(
    app, db_session, monkeypatch
):
    """The cards are chosen once per revision of the case studies (which every write to one
    raises, in its transaction), not once per request: an editor's publish, edit and archive
    each show at the next request to every visitor, in each language and role."""
    cache = curriculum_cache.CurriculumCache(3600)
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, cache)
    chosen = []
    choose = library.list_case_studies_for_module
    monkeypatch.setattr(library, "list_case_studies_for_module", lambda m: chosen.append(m.slug) or choose(m))
    module, _quiz = factories.adaptation()
    trainee, other = client_of(app, factories.user(name="One")), client_of(app, factories.user(name="Two"))
    chinese = client_of(app, factories.user(name="Zhang", locale="zh"))
    trainer = client_of(app, factories.user(role=Role.TRAINER, name="Trainer"))
    anonymous = app.test_client()
    visitors = [trainee, other, chinese, trainer, anonymous]
    english = "Cooling corridors in Chongqing"
    for client in visitors:
        assert not _title(english, _page(client)) and "重庆通风降温廊道" not in _page(client)
    assert len(chosen) == 1  # five visitors, two views each: chosen once

    author, reviewer = (
        factories.user(Role.EDITOR, name="Author"),
        factories.user(Role.EDITOR, name="Reviewer"),
    )
    data = complete(topics=[module.topic], essentials=list(module.essentials))
    study = cs.create_case_study(author, "chongqing-cooling-corridors", data)
    workflow.submit_case_study(author, study)
    assert not _title(english, _page(trainee))  # in review: not published
    workflow.publish_case_study(reviewer, study, study.version)
    for client in (trainee, other, trainer, anonymous):
        assert _title(english, _page(client))
    assert "重庆通风降温廊道" in _page(chinese) and not _title(english, _page(chinese))

    cs.save_case_study(author, study, {**data, "title_en": "Cooler Chongqing"}, study.version)
    assert _title(english, _page(trainee))  # saved, not yet published: trainees see the old text
    workflow.submit_case_study(author, study)
    workflow.publish_case_study(reviewer, study, study.version)
    for client in (trainee, other, trainer, anonymous):
        html = _page(client)
        assert "Cooler Chongqing" in html and not _title(english, html)

    workflow.archive_case_study(reviewer, study)
    for client in visitors:
        html = _page(client)
        assert "Cooler Chongqing" not in html and "重庆通风降温廊道" not in html
    mine = _page(trainee)
    assert "Your best score" not in _page(trainer) and "Cohorts" not in mine and "Cohorts" in _page(trainer)


def test_a_sync_of_a_case_study_shows_on_the_kept_module_page_before_the_caches_window_ends(
    app, db_session, tmp_path, monkeypatch
):
    cache = curriculum_cache.CurriculumCache(3600)
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, cache)
    client, chinese = (
        client_of(app, factories.user()),
        client_of(app, factories.user(name="Zhang", locale="zh")),
    )
    old = 'The Zhengzhou "7·20" rainstorm, 2021'
    assert _title(old, _page(client))
    assert "郑州“7·20”特大暴雨灾害（2021年）" in _page(chinese)
    new = "The Zhengzhou rainstorm of July 2021"
    sync_revised(
        tmp_path, "library/case-studies/zhengzhou-2021-rainstorm.en.md", f"title: {old}", f"title: {new}"
    )
    # The module's copy is kept for the cache's hour; the case study's change shows at once.
    assert _title(new, _page(client)) and not _title(old, _page(client))
    assert "郑州“7·20”特大暴雨灾害（2021年）" in _page(chinese)


def test_every_write_to_a_case_study_raises_the_revision_in_its_own_transaction(db_session):
    revision = library.get_case_studies_revision()
    study = db_session.scalar(select(CaseStudy).where(CaseStudy.slug == "zhengzhou-2021-rainstorm"))
    study.title_en = "Edited"
    db_session.flush()
    assert library.get_case_studies_revision() == revision + 1
    added = CaseStudy(slug="added", title_en="Added", status=CaseStudy.DRAFT)
    db_session.add(added)
    db_session.flush()
    assert library.get_case_studies_revision() == revision + 2
    db_session.delete(added)
    db_session.flush()
    assert library.get_case_studies_revision() == revision + 3
    nested = db_session.begin_nested()
    study.title_en = "Rolled back"
    db_session.flush()
    assert library.get_case_studies_revision() == revision + 4
    nested.rollback()
    assert library.get_case_studies_revision() == revision + 3  # undone with the write
