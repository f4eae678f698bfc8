from __future__ import annotations

from tests import factories
from training.services import learning
from training.services import scorecard as sc


def _sheet_url(city, slug="climate-adaptation"):
    return f"/scorecard/city/{city.id}/module/{slug}"


def test_module_sheet_shows_exactly_the_modules_questions_with_current_answers(client, login):
    user = login(factories.user(city_name="Chengdu"))
    module, _ = factories.adaptation()
    assessment = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, assessment, sc.get_question("P2.1"), {"score": "2", "comments": "Maps from 2019"})
    html = client.get(_sheet_url(user.city)).get_data(as_text=True)
    for qid in module.scorecard_questions:
        assert f'id="{qid}"' in html
    others = [
        r.question.id
        for r in sc.get_scorecard(None).rows()
        if r.question.id not in module.scorecard_questions
    ]
    assert others and not any(f'id="{qid}"' in html for qid in others)
    assert 'name="P2.1-score" value="2" checked' in html and "Maps from 2019" in html


def test_saving_answers_from_the_sheet(client, login):
    user = login(factories.user(city_name="Chengdu"))
    data = {"P2.1-score": "3", "P2.1-evidence": "Risk atlas 2024", "P9.1-score": "1", "after": "results"}
    response = client.post(_sheet_url(user.city), data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/results")
    card = sc.get_scorecard(sc.get_current_assessment(user.city))
    assert card.total == 4 and card.answered == 2
    assert {r.question.id: r.answer.evidence for r in card.rows(["P2.1"])} == {"P2.1": "Risk atlas 2024"}


def test_a_bad_field_is_shown_next_to_it_and_nothing_is_saved(client, login):
    user = login(factories.user(city_name="Chengdu"))
    data = {"P2.1-score": "3", "P9.1-score": "7", "P9.1-comments": "keep me", "P2.3-responsible": "x" * 400}
    response = client.post(_sheet_url(user.city), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="P9.1-score-error"' in html and 'id="P2.3-responsible-error"' in html
    assert "keep me" in html and 'name="P2.1-score" value="3" checked' in html
    assessment = sc.get_current_assessment(user.city)
    assert sc.get_scorecard(assessment).answered == 0


def test_results_page_shows_total_essentials_radar_bars_and_unanswered(client, login):
    user = login(factories.user(city_name="Chengdu"))
    assessment = sc.get_or_create_assessment(user.city)
    for qid, score in (("P1.1", 3), ("P5.2", 2), ("P10.2", 1)):
        sc.save_answer(user, assessment, sc.get_question(qid), {"score": score})
    html = client.get(f"/scorecard/city/{user.city_id}/results").get_data(as_text=True)
    assert '<p class="big-number" id="total-score">6 / 141</p>' in html
    assert "44 questions are still unanswered" in html
    assert '<svg class="chart radar"' in html and "<title" in html and "<desc" in html
    assert html.count('class="chart bar"') == 47
    assert "1. " in html and "3 / 9" in html  # Essential 1: 3 of 9


def test_results_in_chinese(client, login):
    user = login(factories.user(city_name="Chengdu", locale="zh"))
    html = client.get(f"/scorecard/city/{user.city_id}/results").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "0 / 141" in html
    assert "要素" in html
    assessment = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, assessment, sc.get_question("P1.1"), {"score": 1, "comments": "已有规划"})
    html = client.get(f"/scorecard/city/{user.city_id}/results").get_data(as_text=True)
    changes = html.split('class="changes"')[1]
    assert "comments" not in changes and "score" not in changes and "备注" in changes


def test_results_page_queries_do_not_grow_with_answers(client, login, count_queries):
    user = login(factories.user(city_name="Chengdu"))
    assessment = sc.get_or_create_assessment(user.city)
    url = f"/scorecard/city/{user.city_id}/results"
    sc.save_answer(user, assessment, sc.get_question("P5.1"), {"score": 1})
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for qid in ("P1.1", "P2.2", "P3.3", "P4.4", "P6.1", "P7.2", "P8.8", "P9.7"):
        sc.save_answer(user, assessment, sc.get_question(qid), {"score": 2})
    with count_queries() as many:
        client.get(url)
    assert few.count == many.count


def test_every_module_links_to_existing_scorecard_questions(db_session):
    for module in learning.list_modules():
        for qid in module.scorecard_questions:
            assert sc.get_question(qid) is not None


def test_the_bars_drawn_by_the_view_are_the_macros_bars(app):
    """results.html takes each question's bar from bar_rows (training/web/scorecard/charts.py)
    instead of calling the score_bar macro per row: the same SVG, label escaped."""
    import re

    from training.web.scorecard.charts import score_bar

    def norm(html) -> str:
        return re.sub(r">\s+<", "><", str(html).strip())

    with app.test_request_context("/"):
        macro = app.jinja_env.get_template("macros/charts.html").module.score_bar
        for score, max_score, label in (
            (None, 3, "P1.1: not answered"), (0, 3, "P1.2: 0 / 3"), (2, 3, "P1.3：2 / 3"),
            (3, 3, 'a <b>"label"</b>'), (1, 0, "no maximum"), (1, 7, "x"),
        ):  # fmt: skip
            assert norm(score_bar(score, max_score, label)) == norm(macro(score, max_score, label))


def test_results_question_rows_in_each_language(client, login):
    user = login(factories.user(city_name="Chengdu"))
    assessment = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, assessment, sc.get_question("P1.1"), {"score": 0})
    html = client.get(f"/scorecard/city/{user.city_id}/results").get_data(as_text=True)
    assert 'aria-label="P1.1: 0 / 3"' in html and 'class="fill zero"' in html
    assert 'aria-label="P1.2: not answered"' in html
    assert sc.get_question("P1.2").topic("en") in html
    client.post("/auth/logout")
    login(factories.user(name="Wang", city_name="Chengdu", locale="zh"))
    html = client.get(f"/scorecard/city/{user.city_id}/results").get_data(as_text=True)
    assert 'aria-label="P1.1： 0 / 3"' in html and 'aria-label="P1.2： ' in html
    assert "not answered" not in html
    assert sc.get_question("P1.2").topic("zh") in html


def test_recent_changes_are_dated_in_the_citys_time_with_chinese_punctuation(client, login):
    """A Chengdu official reads when a colleague changed an answer in Beijing time, not UTC, and
    "P1.1：得分、备注" with a full-width colon on a Chinese page."""
    from datetime import datetime

    from training.extensions import db
    from training.models import AnswerChange

    user = login(factories.user(city_name="Chengdu", locale="zh"))
    assessment = sc.get_or_create_assessment(user.city)
    sc.save_answer(user, assessment, sc.get_question("P1.1"), {"score": 1, "comments": "已有规划"})
    change = next(iter(sc.list_changes(assessment, limit=1)))[0]
    assert isinstance(change, AnswerChange)
    change.changed_at = datetime(2026, 12, 7, 23, 17)
    db.session.commit()
    changes = client.get(f"/scorecard/city/{user.city_id}/results").get_data(as_text=True)
    changes = changes.split('class="changes"')[1].split("</ul>")[0]
    assert "2026年12月8日" in changes and "07:17（北京时间，UTC+8）" in changes and "UTC —" not in changes
    assert "P1.1：得分、备注" in changes


def test_an_assessment_is_dated_in_the_citys_time_on_every_scorecard_page(client, login):
    """An assessment started at 23:17 UTC on 7 December began on 8 December in Chengdu: the
    results, the report, the history and the comparison all say so, in the page's language."""
    from datetime import datetime

    from training.extensions import db

    user = login(factories.user(city_name="Chengdu", locale="zh"))
    assessment = sc.get_or_create_assessment(user.city)
    assessment.started_at = datetime(2026, 12, 7, 23, 17)
    db.session.commit()
    base = f"/scorecard/city/{user.city_id}"
    for path in ("/results", "/report", "/history"):
        page = client.get(base + path).get_data(as_text=True)
        assert "2026年12月8日" in page and "2026-12-07" not in page, path
    client.post("/language", data={"lang": "en", "next": base + "/results"})
    page = client.get(base + "/results").get_data(as_text=True)
    assert "started Tue 8 Dec 2026" in page, page[page.index("<main") :][:600]
