"""The module cards of the catalogue and My learning keep what every visitor sees alike (link,
title, summary, Essentials, size) drawn once per content and language (training/web/fragments.py
`module_card_head`); the progress under it is each visitor's. A second user, another language,
another role and a content sync each see their own right page."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tests import factories
from tests.conftest import without_csrf_tokens
from tests.content.conftest import sync_revised
from training.models import QuizAttempt, Role
from training.services import learning
from training.web import fragments

HEAD = "learn/_module_card_head.html"


@pytest.fixture
def head_draws(app, monkeypatch):
    """The slugs of the card heads drawn (not taken from the kept ones)."""
    app.extensions.setdefault(fragments.EXTENSION, {}).clear()
    drawn = []
    env = app.jinja_env
    original = env.get_template

    def get_template(name, *args, **kwargs):
        template = original(name, *args, **kwargs)
        if name != HEAD:
            return template
        make_module = template.make_module

        class Recording:
            def __getattr__(self, attr):
                return getattr(template, attr)

            def make_module(self, context=None, *a, **k):
                drawn.append(context["row"].module.slug)
                return make_module(context, *a, **k)

        return Recording()

    monkeypatch.setattr(env, "get_template", get_template)
    return drawn


def test_card_heads_are_drawn_once_and_the_page_is_the_same(client, login, head_draws):
    login(factories.user())
    first = client.get("/learn/").get_data(as_text=True)
    drawn = len(head_draws)
    assert drawn == len(learning.list_modules()) and drawn >= 3
    second = client.get("/learn/").get_data(as_text=True)
    assert len(head_draws) == drawn  # kept: not drawn again
    assert without_csrf_tokens(second) == without_csrf_tokens(first)
    my = client.get("/learn/my").get_data(as_text=True)
    assert len(head_draws) == drawn  # My learning shows the same kept heads
    module, _quiz = factories.adaptation()
    for page in (first, my):
        assert str(escape(module.title("en"))) in page and 'href="/learn/climate-adaptation/"' in page
        assert "Essential 1<" in page and "lessons" in page


def test_a_second_user_another_role_and_another_language_see_their_own_cards(client, login, head_draws):
    module, _quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    one = login(factories.user(name="One"))
    learning.record_lesson_done(one, lessons[0])
    page_one = client.get("/learn/").get_data(as_text=True)
    assert f"Lessons done: 1 / {len(lessons)}" in page_one
    login(factories.user(name="Two"))
    page_two = client.get("/learn/").get_data(as_text=True)
    assert f"Lessons done: 0 / {len(lessons)}" in page_two and "Lessons done: 1 /" not in page_two
    login(factories.user(role=Role.ADMIN, name="Admin", city_name=None))
    page_admin = client.get("/learn/").get_data(as_text=True)
    assert "Administration" in page_admin and "Administration" not in page_one
    assert "Lessons done: 1 /" not in page_admin
    login(factories.user(name="Zhang", locale="zh"))
    page_zh = client.get("/learn/").get_data(as_text=True)
    assert str(escape(module.title("zh"))) in page_zh and module.summary("zh")[:20] in page_zh
    assert str(escape(module.title("en"))) not in page_zh and "Essential 1<" not in page_zh
    client.post("/auth/logout")
    anonymous = client.get("/learn/").get_data(as_text=True)
    assert str(escape(module.title("en"))) in anonymous and "Lessons done" not in anonymous


def test_a_content_sync_shows_the_new_card(client, login, db_session, tmp_path, head_draws):
    login(factories.user())
    assert "Climate adaptation for cities" in client.get("/learn/").get_data(as_text=True)
    old, new = "en: Climate adaptation for cities", "en: Climate adaptation for cities, revised"
    sync_revised(tmp_path, "modules/climate-adaptation/module.yaml", old, new)
    drawn = len(head_draws)
    page = client.get("/learn/").get_data(as_text=True)
    assert "Climate adaptation for cities, revised" in page
    assert head_draws[drawn:] == ["climate-adaptation"]  # only the changed card drawn again


CARD = "learn/_module_card.html"


def _cards(page: str) -> str:
    """The page's cards (the header holds the visitor's own CSRF token)."""
    return page[page.index('<div class="cards">') : page.index("</main>")]


@pytest.fixture
def card_draws(app, monkeypatch):
    """How many catalogue cards were drawn (not taken from the kept ones)."""
    app.extensions.setdefault(fragments.EXTENSION, {}).clear()
    drawn = []
    original = fragments.kept

    def kept(context, template_name, value, **extra):
        store = app.extensions[fragments.EXTENSION]
        if template_name == CARD and (template_name, value, context.get("locale"), "") not in store:
            drawn.append(extra["row"].module.slug)
        return original(context, template_name, value, **extra)

    monkeypatch.setattr(fragments, "kept", kept)
    return drawn


def test_catalogue_cards_are_kept_whole_and_each_visitor_sees_their_own_quiz_standing(
    client, login, db_session, card_draws
):
    """The catalogue's cards are kept whole, progress included, under the numbers they show:
    trainees at the same point share one; a passed quiz, a score, lessons done each draw their
    own, and another language its own."""
    module, quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    login(factories.user(name="Fresh"))
    fresh = _cards(client.get("/learn/").get_data(as_text=True))
    drawn = len(card_draws)
    assert drawn == len(learning.list_modules())
    login(factories.user(name="Also fresh"))
    assert _cards(client.get("/learn/").get_data(as_text=True)) == fresh
    assert len(card_draws) == drawn  # the same point: the same kept cards
    passer = login(factories.user(name="Passer"))
    learning.record_lesson_done(passer, lessons[0])
    db_session.add(
        QuizAttempt(user_id=passer.id, quiz_id=quiz.id, content_version="test", percent=90, passed=True)
    )
    db_session.flush()
    passed = client.get("/learn/").get_data(as_text=True)
    assert card_draws[drawn:] == ["climate-adaptation"]  # only their changed card drawn
    assert "Best quiz score: 90%" in passed and "Quiz passed" in passed
    assert f"Lessons done: 1 / {len(lessons)}" in passed
    assert "Best quiz score: 90%" not in fresh and "Quiz passed" not in fresh
    login(factories.user(name="Fresh again"))
    again = _cards(client.get("/learn/").get_data(as_text=True))
    assert again == fresh and "Quiz passed" not in again
    login(factories.user(name="Zhang", locale="zh"))
    zh = client.get("/learn/").get_data(as_text=True)
    assert str(escape(module.title("zh"))) in zh and "Quiz not taken yet" not in zh
