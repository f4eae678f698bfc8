"""The answer sheet's question sections and the results page's body are drawn once per what they
show and kept with the worker's copy of the scorecard (training/web/scorecard/kept.py). A second
reader, another city, another language, another role, a reader without rights, a colleague's
save (also one that meets the reader's own save: 409), the reader's own rating of an agreed
question and a content sync each show their own right page, at once."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import without_csrf_tokens
from tests.content.conftest import sync_revised
from training.models import CaseStudy, Role
from training.services import scorecard as sc
from training.services import workshop

QUESTION = "scorecard/_question.html"
BODY = "scorecard/_results_body.html"
SHEET_QUESTIONS = 14  # climate-adaptation prepares 14 scorecard questions


@pytest.fixture
def draws(app, monkeypatch):
    """The names of the kept parts' templates each time one is drawn (not taken from the kept)."""
    drawn: list[str] = []
    env = app.jinja_env
    original = env.get_template

    def get_template(name, *args, **kwargs):
        if name in (QUESTION, BODY):
            drawn.append(name)
        return original(name, *args, **kwargs)

    monkeypatch.setattr(env, "get_template", get_template)
    return drawn


def _sheet(client, city_id: int, status: int = 200) -> str:
    response = client.get(f"/scorecard/city/{city_id}/module/climate-adaptation")
    assert response.status_code == status
    return response.get_data(as_text=True)


def _results(client, city_id: int) -> str:
    response = client.get(f"/scorecard/city/{city_id}/results")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _checked(html: str, qid: str) -> str | None:
    found = re.search(rf'name="{re.escape(qid)}-score" value="(\d?)" checked', html)
    return found.group(1) if found else None


def _version(html: str, qid: str) -> str:
    return re.search(rf'name="{re.escape(qid)}-version" value="(\d+)"', html).group(1)


def _save(user, qid: str, **values):
    return sc.save_answer(user, sc.get_or_create_assessment(user.city), sc.get_question(qid), values)


def test_the_sheet_is_drawn_once_and_a_colleagues_save_is_seen_at_once(client, login, kept, draws):
    li = factories.user(name="Li", city_name="Chengdu")
    wang = factories.user(name="Wang", city_name="Chengdu")
    _save(li, "P2.1", score=1, comments="Li's first draft")
    login(li)
    first = _sheet(client, li.city_id)
    assert draws.count(QUESTION) == SHEET_QUESTIONS
    again = _sheet(client, li.city_id)
    assert without_csrf_tokens(again) == without_csrf_tokens(first)
    assert draws.count(QUESTION) == SHEET_QUESTIONS
    assert "Li&#39;s first draft" in first and _checked(first, "P2.1") == "1"

    _save(wang, "P2.1", score=3, comments="Wang's evidence")  # a colleague, in another request
    page = _sheet(client, li.city_id)
    assert "Wang&#39;s evidence" in page and "Li&#39;s first draft" not in page
    assert _checked(page, "P2.1") == "3" and _version(page, "P2.1") != _version(first, "P2.1")
    assert draws.count(QUESTION) == SHEET_QUESTIONS + 1  # only the changed question drawn again

    login(wang)  # the colleague's page: the same kept sections, their own form
    theirs = _sheet(client, wang.city_id)
    assert draws.count(QUESTION) == SHEET_QUESTIONS + 1
    assert f'data-autosave="scorecard-{wang.id}-' in theirs and f"scorecard-{li.id}-" not in theirs
    assert "Wang&#39;s evidence" in theirs


def test_each_city_language_role_and_reader_without_rights_sees_their_own_sheet(client, login, kept):
    li = factories.user(name="Li", city_name="Chengdu")
    zhao = factories.user(name="Zhao", city_name="Wuhan", locale="zh")
    _save(li, "P2.1", score=2, comments="Chengdu plan")
    _save(zhao, "P2.1", score=0, comments="Wuhan plan")
    question = sc.get_question("P2.1")

    login(li)
    chengdu = _sheet(client, li.city_id)
    assert "Chengdu plan" in chengdu and "Wuhan plan" not in chengdu and _checked(chengdu, "P2.1") == "2"
    assert question.topic("en") in chengdu
    _sheet(client, zhao.city_id, status=404)  # another city's sheet: not even its existence

    login(zhao)
    wuhan = _sheet(client, zhao.city_id)
    assert "Wuhan plan" in wuhan and "Chengdu plan" not in wuhan and _checked(wuhan, "P2.1") == "0"
    assert question.topic("zh") in wuhan and question.topic("en") not in wuhan

    login(factories.user(role=Role.ADMIN, name="Admin", city_name=None))
    assert "Chengdu plan" in _sheet(client, li.city_id) and "Wuhan plan" in _sheet(client, zhao.city_id)
    login(factories.user(role=Role.TRAINER, name="Trainer", city_name="Chengdu"))  # assigned
    assert "Chengdu plan" in _sheet(client, li.city_id)
    _sheet(client, zhao.city_id, status=404)
    for outsider in (
        factories.user(role=Role.TRAINER, name="Elsewhere", city_name="Chengdu", assigned=False),
        factories.user(name="Declared only", city_name="Chengdu", member=False),
        factories.user(role=Role.EDITOR, name="Editor", city_name="Chengdu"),
    ):
        login(outsider)
        _sheet(client, li.city_id, status=404)
        url = f"/scorecard/city/{li.city_id}/module/climate-adaptation"
        assert client.post(url, data={"P2.1-score": "0"}).status_code == 404
    assert sc.get_question_rows(sc.get_current_assessment(li.city), ["P2.1"])[0].answer.score == 2


def test_each_reader_sees_their_own_rating_of_an_agreed_question(client, login, kept, draws):
    li = factories.user(name="Li", city_name="Chengdu")
    wang = factories.user(name="Wang", city_name="Chengdu")
    assessment = sc.get_or_create_assessment(li.city)
    question = sc.get_question("P2.1")
    workshop.record_agreed(li, assessment, question, 2, "agreed in the hall", expected_version=0)
    workshop.save_rating(li, assessment, question, 1)
    workshop.save_rating(wang, assessment, question, 3)
    login(li)
    mine = _sheet(client, li.city_id)
    login(wang)
    theirs = _sheet(client, wang.city_id)
    assert "agreed in the hall" in mine and "agreed in the hall" in theirs
    assert _checked(mine, "P2.1") == "1" and _checked(theirs, "P2.1") == "3"
    workshop.save_rating(wang, assessment, question, 0)  # their own rating changes: seen at once
    assert _checked(_sheet(client, wang.city_id), "P2.1") == "0"
    login(li)
    assert _checked(_sheet(client, li.city_id), "P2.1") == "1"


def test_a_conflicting_save_is_answered_409_and_then_the_colleagues_answer_is_shown(client, login, kept):
    li = factories.user(name="Li", city_name="Chengdu")
    wang = factories.user(name="Wang", city_name="Chengdu")
    login(li)
    loaded = _sheet(client, li.city_id)
    url = f"/scorecard/city/{li.city_id}/module/climate-adaptation"
    versions = dict(re.findall(r'name="([^"]+-version)" value="(\d+)"', loaded))
    # Wang saves first, through his own page; Li's save of the same question was loaded before.
    login(wang)
    saved = client.post(url, data={**versions, "P2.1-score": "3", "P2.1-comments": "Wang first"})
    assert saved.status_code == 302
    login(li)
    # Li's change of the shared evidence only (no rating of her own): nothing of it is saved.
    refused = client.post(url, data={**versions, "P2.1-evidence": "Li's evidence"})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert 'id="P2.1-conflict"' in html and "Wang first" in html and "Li&#39;s evidence" in html
    # Li's own rating with it: her rating is saved, the city's answer shown as Wang left it.
    overtaken = client.post(url, data={**versions, "P2.1-score": "1", "P2.1-comments": "Li second"})
    assert overtaken.status_code == 200
    html = overtaken.get_data(as_text=True)
    assert 'id="P2.1-shared"' in html and "Wang first" in html and _checked(html, "P2.1") == "1"
    again = _sheet(client, li.city_id)  # neither is kept; the city's answer is Wang's
    assert 'id="P2.1-conflict"' not in again and 'id="P2.1-shared"' not in again
    assert _checked(again, "P2.1") == "3" and "Wang first" in again and "Li&#39;s evidence" not in again
    # Li saves again over Wang's answer, knowingly: Wang's next page shows it at once.
    versions = dict(re.findall(r'name="([^"]+-version)" value="(\d+)"', again))
    data = {**versions, "P2.1-score": "1", "P2.1-comments": "Li second"}
    assert client.post(url, data=data).status_code == 302
    login(wang)
    assert _checked(_sheet(client, wang.city_id), "P2.1") == "1"


def test_a_content_sync_shows_the_new_wording_on_both_pages(client, login, db_session, tmp_path, kept, draws):
    user = login(factories.user(city_name="Chengdu"))
    _save(user, "P1.1", score=2)
    assert "Plan making" in _sheet(client, user.city_id) and "Plan making" in _results(client, user.city_id)
    sync_revised(
        tmp_path, "quizzes/scorecard/essential-01.yaml", 'en: "Plan making"', 'en: "Plan making, revised"'
    )
    kept[0] += 6  # past the window: the worker looks at the revision again
    drawn = len(draws)
    assert "Plan making, revised" in _sheet(client, user.city_id)
    assert "Plan making, revised" in _results(client, user.city_id)
    assert len(draws) == drawn + SHEET_QUESTIONS + 1  # a new copy: everything drawn anew


def test_results_are_drawn_once_and_a_save_or_a_new_case_study_is_seen_at_once(
    client, login, db_session, kept, draws
):
    li = factories.user(name="Li", city_name="Chengdu")
    wang = factories.user(name="Wang", city_name="Chengdu")
    zhao = factories.user(name="Zhao", city_name="Chengdu", locale="zh")
    _save(li, "P1.1", score=0)
    login(li)
    first = _results(client, li.city_id)
    assert 'id="total-score">0 / 141<' in first and draws.count(BODY) == 1
    again = _results(client, li.city_id)
    assert without_csrf_tokens(again) == without_csrf_tokens(first) and draws.count(BODY) == 1  # kept
    assert "Kept advice study" not in first

    db_session.add(CaseStudy(slug="kept-advice", title_en="Kept advice study", essentials=[1], topics=[]))
    db_session.commit()  # an editor publishes a case study on the weakest Essential
    assert "Kept advice study" in _results(client, li.city_id)

    _save(wang, "P1.1", score=3)  # a colleague's save
    after = _results(client, li.city_id)
    assert 'id="total-score">3 / 141<' in after and 'aria-label="P1.1: 3 / 3"' in after
    assert "Wang" in after  # the recent changes, drawn per request, name who changed it

    login(zhao)
    chinese = _results(client, zhao.city_id)
    assert 'id="total-score">3 / 141<' in chinese and 'aria-label="P1.1： 3 / 3"' in chinese
    assert sc.get_question("P1.1").topic("en") not in chinese
    login(factories.user(role=Role.TRAINER, name="Trainer", city_name="Chengdu"))
    assert 'id="total-score">3 / 141<' in _results(client, li.city_id)
    login(factories.user(name="Elsewhere", city_name="Wuhan"))
    assert client.get(f"/scorecard/city/{li.city_id}/results").status_code == 404


def test_my_learnings_scores_are_the_current_assessments(db_session, kept):
    """My learning's advice reads only the scores of the city's current assessment (one query):
    the same scores as the whole card, never those of an earlier, closed assessment's answers."""
    from training.services.scorecard import history as scorecard_history

    user = factories.user(city_name="Chengdu")
    other = factories.user(city_name="Wuhan")
    assert sc.get_kept_scores(user.city).answered == 0  # no assessment yet
    _save(user, "P1.1", score=0)
    _save(user, "P4.3", score=3)
    _save(other, "P1.1", score=2)
    admin = factories.user(role=Role.ADMIN, city_name=None)
    assessment = scorecard_history.start_new_assessment(admin, user.city, source="blank")
    sc.save_answer(user, assessment, sc.get_question("P2.1"), {"score": 1})
    scores = sc.get_kept_scores(user.city)
    card = sc.get_kept_scorecard(sc.get_current_assessment(user.city))
    pairs = [(r.question.id, r.score) for r in scores.rows()]
    assert pairs == [(r.question.id, r.score) for r in card.rows()]
    assert {qid: score for qid, score in pairs if score is not None} == {"P2.1": 1}
    theirs = {r.question.id: r.score for r in sc.get_kept_scores(other.city).rows() if r.score is not None}
    assert theirs == {"P1.1": 2}


def test_the_results_advice_case_studies_are_read_once_per_revision_and_follow_every_write(
    client, login, db_session, kept, monkeypatch
):
    """The recommended case studies are read from the library once per revision of the case
    studies and Essentials, not per request; an editor's publish, edit and archive each show at
    once, to each reader in their language."""
    from training.services import library

    reads = []
    read = library.list_case_study_cards_on
    monkeypatch.setattr(library, "list_case_study_cards_on", lambda numbers: reads.append(1) or read(numbers))
    li = factories.user(name="Li", city_name="Chengdu")
    zhao = factories.user(name="Zhao", city_name="Chengdu", locale="zh")
    _save(li, "P1.1", score=0)
    login(li)
    _results(client, li.city_id)
    login(zhao)
    _results(client, zhao.city_id)
    assert len(reads) == 1  # two readers, two languages: read once

    study = CaseStudy(
        slug="kept-advice", title_en="Kept advice study", title_zh="保留的建议案例", essentials=[1], topics=[]
    )
    db_session.add(study)
    db_session.commit()
    assert "保留的建议案例" in _results(client, zhao.city_id)
    login(li)
    assert "Kept advice study" in _results(client, li.city_id)
    study.title_en = "Renamed advice study"
    db_session.commit()
    assert "Renamed advice study" in _results(client, li.city_id)
    study.status = CaseStudy.ARCHIVED
    db_session.commit()
    assert "Renamed advice study" not in _results(client, li.city_id)
    login(zhao)
    assert "保留的建议案例" not in _results(client, zhao.city_id)
