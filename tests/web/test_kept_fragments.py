"""The case-study cards of a module page are drawn once per content and language and kept
(training/web/fragments.py). Each visitor still sees their own right page: a second user, another
language, another role, and a case study changed by an editor or a content sync."""

from __future__ import annotations

import pytest
from markupsafe import escape

from tests import factories
from training.models import CaseStudy, Role
from training.services import learning, library
from training.web import fragments

MODULE = "/learn/climate-adaptation/"


@pytest.fixture
def card_draws(app, monkeypatch):
    """The slugs of the cards drawn (not taken from the kept ones)."""
    drawn = []
    env = app.jinja_env
    original = env.get_template

    def get_template(name, *args, **kwargs):
        template = original(name, *args, **kwargs)
        if name == "case_studies/_card.html":
            make_module = template.make_module

            class Recording:
                def __getattr__(self, attr):
                    return getattr(template, attr)

                def make_module(self, context=None, *a, **k):
                    drawn.append(context["study"].slug)
                    return make_module(context, *a, **k)

            return Recording()
        return template

    monkeypatch.setattr(env, "get_template", get_template)
    return drawn


def _first_card(db_session) -> CaseStudy:
    module, _ = factories.adaptation()
    slug = library.list_case_studies_for_module(module)[0].slug
    return db_session.query(CaseStudy).filter_by(slug=slug).one()


def test_cards_are_drawn_once_and_the_page_is_the_same(app, client, db_session, login, card_draws):
    app.extensions.setdefault(fragments.EXTENSION, {}).clear()
    login(factories.user())
    first = client.get(MODULE).get_data(as_text=True)
    drawn = len(card_draws)
    assert drawn >= 3  # the module's case studies
    second = client.get(MODULE).get_data(as_text=True)
    assert len(card_draws) == drawn  # kept: not drawn again
    cut = first.index('<div class="cards">')
    assert second[cut : second.index("</div>", cut)] == first[cut : first.index("</div>", cut)]
    study = _first_card(db_session)
    assert str(escape(study.title("en"))) in first and f'href="/case-studies/{study.slug}"' in first


def test_a_second_user_and_another_role_see_their_own_page(app, client, db_session, login):
    module, _ = factories.adaptation()
    lessons = learning.list_lessons(module)
    one = login(factories.user())
    learning.record_lesson_done(one, lessons[0])
    page_one = client.get(MODULE).get_data(as_text=True)
    assert f"Lessons done: 1 / {len(lessons)}" in page_one
    login(factories.user(role=Role.ADMIN, city_name=None))
    page_admin = client.get(MODULE).get_data(as_text=True)
    assert f"Lessons done: 0 / {len(lessons)}" in page_admin and "Administration" in page_admin
    assert "Administration" not in page_one
    study = _first_card(db_session)
    for page in (page_one, page_admin):
        assert str(escape(study.title("en"))) in page
    client.post("/auth/logout")
    anonymous = client.get(MODULE).get_data(as_text=True)
    assert "Lessons done" not in anonymous and str(escape(study.title("en"))) in anonymous


def test_each_language_sees_its_own_cards(client, db_session, login):
    study = _first_card(db_session)
    study.title_zh, study.summary_zh = "中文标题：城市适应", "中文摘要。"
    db_session.commit()
    login(factories.user(locale="en"))
    english = client.get(MODULE).get_data(as_text=True)
    login(factories.user(locale="zh"))
    chinese = client.get(MODULE).get_data(as_text=True)
    assert str(escape(study.title_en)) in english and "中文标题：城市适应" not in english
    assert "中文标题：城市适应" in chinese and "中文摘要。" in chinese
    assert "案例" in chinese  # the card's labels are Chinese too


def test_a_changed_case_study_is_shown_changed_at_once(app, client, db_session, login, card_draws):
    login(factories.user())
    study = _first_card(db_session)
    before = client.get(MODULE).get_data(as_text=True)
    assert str(escape(study.title_en)) in before
    # What an editor's published change or a content sync writes.
    study.title_en, study.summary_en, study.cautionary = "Retitled by a sync", "A new summary.", True
    db_session.commit()
    card_draws.clear()
    after = client.get(MODULE).get_data(as_text=True)
    assert "Retitled by a sync" in after and "A new summary." in after and "Cautionary case" in after
    assert card_draws == [study.slug]  # only the changed card is drawn again
    study.status = CaseStudy.DRAFT if hasattr(CaseStudy, "DRAFT") else "draft"
    db_session.commit()
    assert "Retitled by a sync" not in client.get(MODULE).get_data(as_text=True)  # unpublished: gone
