"""The scorecard's Essentials and questions kept in each worker's memory (curriculum_cache
`scorecard_content`, read by `get_kept_scorecard`) for the results page and My learning: each
city's answers, each reader's language and role, and a content sync all show right."""

from __future__ import annotations

from tests import factories
from tests.content.conftest import sync_revised
from training.models.user import Role
from training.services import scorecard as sc


def _results(client, city_id: int) -> str:
    response = client.get(f"/scorecard/city/{city_id}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_city_reader_language_and_role_sees_their_own_card(client, login, kept):
    chengdu = factories.user(name="Li", city_name="Chengdu")
    wuhan = factories.user(name="Wang", city_name="Wuhan", locale="zh")
    sc.save_answer(chengdu, sc.get_or_create_assessment(chengdu.city), sc.get_question("P1.1"), {"score": 3})
    sc.save_answer(wuhan, sc.get_or_create_assessment(wuhan.city), sc.get_question("P1.2"), {"score": 1})
    question = sc.get_question("P1.1")

    login(chengdu)
    html = _results(client, chengdu.city_id)
    assert 'id="total-score">3 / 141<' in html and question.topic("en") in html
    assert 'aria-label="P1.1: 3 / 3"' in html and 'aria-label="P1.2: not answered"' in html
    assert client.get("/learn/my").status_code == 200  # its advice reads the kept card

    login(wuhan)
    html = _results(client, wuhan.city_id)
    assert 'id="total-score">1 / 141<' in html and question.topic("zh") in html
    assert 'aria-label="P1.1： 未作答"' in html and 'aria-label="P1.2： 1 / 3"' in html
    assert question.topic("en") not in html

    admin = login(factories.user(role=Role.ADMIN, name="Admin", city_name=None))
    assert admin.role == "admin"
    html = _results(client, chengdu.city_id)
    assert 'id="total-score">3 / 141<' in html and 'aria-label="P1.1: 3 / 3"' in html
    html = _results(client, wuhan.city_id)
    assert 'id="total-score">1 / 141<' in html and 'aria-label="P1.2: 1 / 3"' in html


def test_the_kept_card_is_the_databases_card(db_session, kept):
    user = factories.user(city_name="Chengdu")
    assessment = sc.get_or_create_assessment(user.city)
    for qid, score in (("P1.1", 2), ("P4.3", 0), ("P10.2", 3)):
        sc.save_answer(user, assessment, sc.get_question(qid), {"score": score})
    for wanted in (assessment, None):
        fresh, kept_card = sc.get_scorecard(wanted), sc.get_kept_scorecard(wanted)
        assert (kept_card.total, kept_card.max_score, kept_card.answered) == (
            fresh.total, fresh.max_score, fresh.answered
        )  # fmt: skip
        for old, new in zip(fresh.rows(), kept_card.rows(), strict=True):
            assert (new.question.id, new.score) == (old.question.id, old.score)
            for locale in ("en", "zh"):
                assert new.question.topic(locale) == old.question.topic(locale)
                assert new.question.text(locale) == old.question.text(locale)
                assert new.question.level(2, locale) == old.question.level(2, locale)
        assert [(e.essential.number, e.essential.title("zh"), e.score) for e in kept_card.essentials] == [
            (e.essential.number, e.essential.title("zh"), e.score) for e in fresh.essentials
        ]


def test_a_content_sync_shows_the_new_wording_on_the_results_page(
    client, login, db_session, tmp_path, kept, count_queries
):
    user = login(factories.user(city_name="Chengdu"))
    sc.save_answer(user, sc.get_or_create_assessment(user.city), sc.get_question("P1.1"), {"score": 2})
    assert "Plan making" in _results(client, user.city_id)
    with count_queries() as again:  # the copy is kept: the answers only, not the questions
        _results(client, user.city_id)
    sync_revised(
        tmp_path, "quizzes/scorecard/essential-01.yaml", 'en: "Plan making"', 'en: "Plan making, revised"'
    )
    kept[0] += 6  # past the window: the worker looks at the revision again
    html = _results(client, user.city_id)
    assert "Plan making, revised" in html and 'aria-label="P1.1: 2 / 3"' in html
    with count_queries() as after:
        _results(client, user.city_id)
    assert after.count == again.count
