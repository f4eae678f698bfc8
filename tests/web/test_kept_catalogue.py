"""The catalogue is drawn once per variant and kept with the curriculum's copy
(training/web/chrome.py `kept_page`), as lesson and module pages are. What belongs to the
visitor — logged in or not, role, language, each module's numbers (lessons done, best score,
passed), their CSRF token, flashes and unread count — is never served to another, and a content
sync shows at once."""

from __future__ import annotations

import re

from markupsafe import escape

from tests import factories
from tests.conftest import client_of, without_csrf_tokens
from tests.content.conftest import sync_revised
from training.models import QuizAttempt, Role
from training.services import curriculum_cache, learning, notifications

URL = "/learn/"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _page(client) -> str:
    html = client.get(URL).get_data(as_text=True)
    assert "__ACADEMY_" not in html  # every slot filled
    return html


def test_the_kept_catalogue_shows_each_visitor_their_own_numbers_role_and_language(app, db_session, kept):
    module, quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    anonymous = _page(app.test_client())
    assert "Log in" in anonymous and "Lessons done" not in anonymous
    _modules, memo = curriculum_cache.kept_catalogue()
    assert len(memo) == 1

    one, other = factories.user(name="One"), factories.user(name="Other")
    first, second = client_of(app, one), client_of(app, other)
    fresh = _page(first)
    assert f"Lessons done: 0 / {len(lessons)}" in fresh and "Log in" not in fresh
    assert without_csrf_tokens(_page(second)) == without_csrf_tokens(fresh)  # the same point
    assert len(memo) == 2 and TOKEN.findall(_page(first)) != TOKEN.findall(_page(second))

    learning.record_lesson_done(one, lessons[0])
    db_session.add(QuizAttempt(user_id=one.id, quiz_id=quiz.id, content_version="t", percent=90, passed=True))
    db_session.flush()
    mine = _page(first)
    assert f"Lessons done: 1 / {len(lessons)}" in mine and "Best quiz score: 90%" in mine
    assert "Quiz passed" in mine
    theirs = _page(second)
    assert f"Lessons done: 0 / {len(lessons)}" in theirs and "Best quiz score" not in theirs

    trainer = _page(client_of(app, factories.user(role=Role.TRAINER, name="Trainer")))
    assert "Cohorts" in trainer and "Cohorts" not in mine and "Best quiz score" not in trainer

    chinese = _page(client_of(app, factories.user(name="Zhang", locale="zh")))
    assert str(escape(module.title("zh"))) in chinese and str(escape(module.title("en"))) not in chinese


def test_the_kept_catalogue_shows_the_visitors_flashes_and_unread_count(app, db_session, kept):
    reader, other = factories.user(name="Reader"), factories.user(name="Other")
    quiet = client_of(app, other)
    _page(quiet)  # kept at this point
    for k in range(2):
        notifications.notify(reader, notifications.CERTIFICATE_ISSUED, {"n": k}, email=False)
    db_session.commit()
    client = client_of(app, reader)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "A message for the reader only")]
    page = _page(client)
    assert 'aria-label="2 unread"' in page and "A message for the reader only" in page
    assert "A message for the reader only" not in _page(client)  # shown once
    theirs = _page(quiet)
    assert "unread" not in theirs and "A message for the reader only" not in theirs


def test_a_content_sync_shows_in_the_kept_catalogue(app, db_session, tmp_path, kept):
    client = client_of(app, factories.user())
    assert "Climate adaptation for cities, revised" not in _page(client)
    old, new = "en: Climate adaptation for cities", "en: Climate adaptation for cities, revised"
    sync_revised(tmp_path, "modules/climate-adaptation/module.yaml", old, new)
    kept[0] += 6  # the cache's window is over: the worker looks at the content revision again
    assert "Climate adaptation for cities, revised" in _page(client)
