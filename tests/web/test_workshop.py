from __future__ import annotations

import re

import pytest

from tests import factories
from training.models import Role
from training.services import scorecard as sc
from training.services import workshop
from training.services.scorecard import history

ROLES = ["anonymous", "member", "lead", "trainer", "other-city-trainer", "other-city-trainee", "admin"]


@pytest.fixture
def setup(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, city_name="Chengdu")
    member = factories.member(cohort, name="Member", city_name="Chengdu")
    lead = factories.member(cohort, name="Lead", city_name="Chengdu")
    workshop.set_lead(cohort, lead.id, True)
    other = factories.cohort(factories.user(Role.TRAINER, city_name=None), city_name="Wuhan", name="Wuhan")
    return {"trainer": trainer, "cohort": cohort, "member": member, "lead": lead, "other": other}


def _login_as(role, setup, login):
    if role == "anonymous":
        return None
    if role == "other-city-trainer":
        trainer = factories.user(Role.TRAINER, city_name=None)
        factories.cohort(trainer, city_name="Wuhan", name="Other")
        return login(trainer)
    if role == "other-city-trainee":
        return login(factories.user(city_name="Wuhan"))
    if role == "admin":
        return login(factories.user(Role.ADMIN, city_name=None))
    return login(setup[role])


VIEW = {
    "anonymous": 302,
    "member": 200,
    "lead": 200,
    "trainer": 200,
    "other-city-trainer": 404,
    "other-city-trainee": 404,
    "admin": 200,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "route",
    [
        "/scorecard/cohort/{cohort}/",
        "/scorecard/city/{city}/history",
        "/scorecard/city/{city}/action-plan",
        "/scorecard/city/{city}/results",
    ],
)
def test_workshop_and_history_pages_role_matrix(client, login, setup, role, route):
    _login_as(role, setup, login)
    url = route.format(cohort=setup["cohort"].id, city=setup["cohort"].city_id)
    assert client.get(url).status_code == VIEW[role]


AGREE = {
    "anonymous": 302,
    "member": 403,
    "lead": 302,
    "trainer": 302,
    "other-city-trainer": 404,
    "other-city-trainee": 404,
    "admin": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_trainers_admins_and_the_lead_record_agreed_scores(client, login, setup, role):
    _login_as(role, setup, login)
    cohort = setup["cohort"]
    response = client.post(f"/scorecard/cohort/{cohort.id}/agree/P1.1", data={"score": "2", "version": "0"})
    assert response.status_code == AGREE[role]
    assessment = sc.get_current_assessment(cohort.city)
    agreed = assessment is not None and sc.get_scorecard(assessment).rows(["P1.1"])[0].score == 2
    assert agreed == (AGREE[role] == 302 and role != "anonymous")


def test_workshop_shows_spread_and_records_agreement(client, login, setup):
    cohort, member, lead = setup["cohort"], setup["member"], setup["lead"]
    assessment = sc.get_or_create_assessment(cohort.city)
    workshop.save_rating(member, assessment, sc.get_question("P2.2"), 0)
    workshop.save_rating(lead, assessment, sc.get_question("P2.2"), 3)
    login(setup["trainer"])
    html = client.get(f"/scorecard/cohort/{cohort.id}/?only=disagreements").get_data(as_text=True)
    assert 'id="w-P2.2"' in html and "disagreement" in html and 'id="w-P1.1"' not in html
    client.post(
        f"/scorecard/cohort/{cohort.id}/agree/P2.2", data={"score": "1", "note": "maps exist", "version": "0"}
    )
    row = sc.get_scorecard(assessment).rows(["P2.2"])[0]
    assert row.score == 1 and row.answer.agreed and row.answer.agreed_note == "maps exist"
    stale = client.post(
        f"/scorecard/cohort/{cohort.id}/agree/P2.2",
        data={"score": "3", "version": "0"},
        follow_redirects=True,
    )
    assert "was changed by someone else meanwhile" in stale.get_data(as_text=True)
    assert sc.get_scorecard(assessment).rows(["P2.2"])[0].score == 1


def test_the_median_reads_as_the_scores_do(client, login, setup):
    """Two delegates who both say 1: the median is 1, not "1.0"; 0 and 3 give 1.5."""
    cohort, member, lead = setup["cohort"], setup["member"], setup["lead"]
    assessment = sc.get_or_create_assessment(cohort.city)
    for user, score in ((member, 1), (lead, 1)):
        workshop.save_rating(user, assessment, sc.get_question("P2.1"), score)
    for user, score in ((member, 0), (lead, 3)):
        workshop.save_rating(user, assessment, sc.get_question("P2.2"), score)
    login(setup["trainer"])
    html = client.get(f"/scorecard/cohort/{cohort.id}/?essential=2").get_data(as_text=True)

    def cells(qid):
        section = html[html.index(f'id="w-{qid}"') :]
        return re.findall(r"<td>([^<]*)</td>", section[: section.index("</tbody>")])

    assert cells("P2.1")[4] == "1" and cells("P2.2")[4] == "1.5"


def test_the_sheet_saves_own_rating_and_keeps_agreed_answers(client, login, setup):
    cohort, member = setup["cohort"], setup["member"]
    assessment = sc.get_or_create_assessment(cohort.city)
    workshop.record_agreed(setup["trainer"], assessment, sc.get_question("P1.1"), 2, "agreed", 0)
    login(member)
    url = f"/scorecard/city/{cohort.city_id}/essential/1"
    html = client.get(url).get_data(as_text=True)
    assert "Agreed city score: 2" in html
    response = client.post(url, data={"P1.1-score": "0", "P1.2-score": "1", "P1.2-version": "0"})
    assert response.status_code == 302
    card = sc.get_scorecard(assessment)
    assert card.rows(["P1.1"])[0].score == 2  # the agreed score stays
    assert card.rows(["P1.2"])[0].score == 1
    assert workshop.get_ratings(member, assessment)["P1.1"].score == 0


def test_a_concurrent_sheet_change_is_shown_and_not_overwritten(client, login, setup):
    """Only evidence changed (no rating): the colleague's answer wins and the delegate is told
    that nothing of that question was saved."""
    cohort, member, lead = setup["cohort"], setup["member"], setup["lead"]
    assessment = sc.get_or_create_assessment(cohort.city)
    login(member)
    url = f"/scorecard/city/{cohort.city_id}/essential/4"
    client.get(url)  # the form shows version 0: no answer yet
    sc.save_answer(lead, assessment, sc.get_question("P4.1"), {"score": "3", "comments": "Lead's evidence"})
    response = client.post(url, data={"P4.1-evidence": "mine", "P4.1-version": "0"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert (
        "A colleague changed this answer" in html
        and "Lead&#39;s evidence" in html
        and ">mine</textarea>" in html
    )
    assert sc.get_scorecard(assessment).rows(["P4.1"])[0].score == 3


def test_a_rating_saved_while_a_colleague_saved_the_city_answer_is_no_failure(client, login, setup):
    """Issue 16: the delegate's own rating is stored, so they are told it is saved (no red "not
    saved"); the colleague's city answer is shown next to their input, not overwritten."""
    cohort, member, lead = setup["cohort"], setup["member"], setup["lead"]
    assessment = sc.get_or_create_assessment(cohort.city)
    login(member)
    url = f"/scorecard/city/{cohort.city_id}/essential/4"
    client.get(url)
    sc.save_answer(lead, assessment, sc.get_question("P4.1"), {"score": "3", "comments": "Lead's evidence"})
    sc.save_answer(lead, assessment, sc.get_question("P4.2"), {"score": "2"})
    response = client.post(
        url,
        data={
            "P4.1-score": "1",
            "P4.1-comments": "mine",
            "P4.1-version": "0",
            "P4.2-score": "2",
            "P4.2-version": "0",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "not saved" not in html and "error-summary" not in html
    assert "Your ratings are saved." in html and 'id="P4.1-shared"' in html
    assert 'id="P4.2-shared"' not in html  # the same answer as the colleague's: nothing to say
    assert "Lead&#39;s evidence" in html and ">mine</textarea>" in html
    assert workshop.get_ratings(member, assessment)["P4.1"].score == 1
    assert sc.get_scorecard(assessment).rows(["P4.1"])[0].score == 3


def test_history_new_assessment_and_compare(client, login, setup):
    cohort, trainer = setup["cohort"], setup["trainer"]
    first = sc.get_or_create_assessment(cohort.city)
    sc.save_answer(trainer, first, sc.get_question("P6.1"), {"score": 1})
    login(setup["member"])
    assert client.post(f"/scorecard/city/{cohort.city_id}/assessments/new").status_code == 403
    client.post("/auth/logout")
    login(trainer)
    assert client.post(f"/scorecard/city/{cohort.city_id}/assessments/new").status_code == 302
    second = sc.get_current_assessment(cohort.city)
    assert second.sequence == 2
    sc.save_answer(trainer, second, sc.get_question("P6.1"), {"score": 3})
    html = client.get(f"/scorecard/city/{cohort.city_id}/compare").get_data(as_text=True)
    assert "1 → 3" in html and "▲ +2" in html
    snapshot = client.get(f"/scorecard/city/{cohort.city_id}/results?assessment={first.id}").get_data(
        as_text=True
    )
    assert (
        "a closed snapshot" in snapshot and '<p class="big-number" id="total-score">1 / 141</p>' in snapshot
    )
    history_html = client.get(f"/scorecard/city/{cohort.city_id}/history").get_data(as_text=True)
    assert "Trend per Essential" in history_html and "<polyline" in history_html
    assert len(history.list_assessments(cohort.city)) == 2


def test_results_recommend_modules_and_my_learning_too(client, login, setup):
    cohort, member = setup["cohort"], setup["member"]
    assessment = sc.get_or_create_assessment(cohort.city)
    sc.save_answer(member, assessment, sc.get_question("P3.2"), {"score": 0})
    sc.save_answer(member, assessment, sc.get_question("P1.1"), {"score": 3})
    login(member)
    results = client.get(f"/scorecard/city/{cohort.city_id}/results").get_data(as_text=True)
    assert "the weakest Essentials" in results and "/learn/climate-finance/" in results
    my = client.get("/learn/my").get_data(as_text=True)
    assert "Recommended for your city" in my and "/learn/climate-finance/" in my


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "route",
    ["/scorecard/city/{city}/export.xlsx", "/scorecard/city/{city}/report", "/scorecard/city/{city}/compare"],
)
def test_exports_and_report_role_matrix(client, login, setup, role, route):
    _login_as(role, setup, login)
    response = client.get(route.format(city=setup["cohort"].city_id))
    expected = VIEW[role] if "compare" not in route or VIEW[role] != 200 else 302  # one assessment only
    assert response.status_code == expected


def test_import_through_the_web(client, login, setup):
    import io

    from training.services.scorecard import xlsx as scorecard_xlsx

    cohort, trainer = setup["cohort"], setup["trainer"]
    city = cohort.city
    login(setup["member"])
    assert client.get(f"/scorecard/city/{city.id}/import").status_code == 403
    login(trainer)
    bad = client.post(
        f"/scorecard/city/{city.id}/import",
        data={"workbook": (io.BytesIO(b"not a workbook"), "scores.xlsx")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "nothing changed" in bad.get_data(as_text=True)
    assert sc.get_current_assessment(city) is None
    first = sc.get_or_create_assessment(city)
    sc.save_answer(trainer, first, sc.get_question("P7.1"), {"score": 2})
    data = scorecard_xlsx.export_workbook(city, sc.get_scorecard(first), "en")
    preview = client.post(
        f"/scorecard/city/{city.id}/import",
        data={"workbook": (io.BytesIO(data), "scores.xlsx")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200 and "2 / 141" in preview.get_data(as_text=True)
    assert sc.get_current_assessment(city).sequence == 1  # nothing stored before the confirmation
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    good = client.post(f"/scorecard/city/{city.id}/import/confirm", data={"token": token})
    assert good.status_code == 302
    assert sc.get_current_assessment(city).sequence == 2


def test_the_chinese_count_of_raters_does_not_say_they_finished(client, login, setup):
    """One delegate rated one question of 47: in Chinese they "took part" (参与), not "finished" (完成)."""
    cohort, member = setup["cohort"], setup["member"]
    workshop.save_rating(member, sc.get_or_create_assessment(cohort.city), sc.get_question("P1.1"), 2)
    login(setup["trainer"])
    client.post("/language", data={"lang": "zh", "next": "/cohorts/"})
    html = client.get(f"/scorecard/cohort/{cohort.id}/").get_data(as_text=True)
    assert "中已有1名参与评分" in html and "完成评分" not in html
