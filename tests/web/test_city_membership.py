"""Belonging to a city's delegation is vouched for, not declared — through real requests."""

from __future__ import annotations

from tests import factories
from training.models import Role
from training.services import city_access, city_requests, cohorts, trainer_cities, workshop
from training.services import scorecard as sc


def _change_profile_city(client, city) -> None:
    response = client.post(
        "/auth/profile", data={"name": "Changed", "city": str(city.id), "organisation": "", "locale": "en"}
    )
    assert response.status_code == 302


def test_a_trainee_who_changes_their_profile_city_cannot_read_nor_answer_that_city(client, login):
    beijing = factories.city("Beijing")
    delegate = factories.user(Role.TRAINEE, city_name="Beijing")
    assessment = sc.get_or_create_assessment(beijing)
    sc.save_answer(delegate, assessment, sc.get_question("P1.1"), {"score": 1, "comments": "Beijing only"})

    intruder = login(factories.user(Role.TRAINEE, city_name="Changsha"))
    _change_profile_city(client, beijing)
    assert intruder.city_id == beijing.id

    for page in ("/", "/results", "/essential/1", "/history", "/action-plan", "/report", "/export.xlsx"):
        assert client.get(f"/scorecard/city/{beijing.id}{page}").status_code == 404, page
    response = client.post(
        f"/scorecard/city/{beijing.id}/essential/1", data={"P1.1-score": "3", "P1.1-comments": "overwritten"}
    )
    assert response.status_code == 404
    answer = sc.get_scorecard(sc.get_current_assessment(beijing)).rows(["P1.1"])[0].answer
    assert (answer.score, answer.comments) == (1, "Beijing only")
    # /scorecard/ offers the city they do belong to and a request to join the declared one
    index = client.get("/scorecard/")
    html = index.get_data(as_text=True)
    assert index.status_code == 200
    assert f"/scorecard/city/{factories.city('Changsha').id}/" in html
    assert f"/scorecard/city/{beijing.id}/request" in html
    assert client.post(f"/scorecard/city/{beijing.id}/request").status_code == 302
    assert city_requests.get_pending_request(intruder, beijing) is not None
    assert client.get(f"/scorecard/city/{beijing.id}/").status_code == 404  # asking opens nothing


def test_the_scorecard_index_asks_a_non_member_to_join_in_both_languages(client, login):
    wuhan = factories.city("Wuhan")
    user = login(factories.user(Role.TRAINEE, city_name="Wuhan", member=False))
    page = client.get("/scorecard/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ask to join your city" in html
    assert client.get(f"/scorecard/city/{wuhan.id}/").status_code == 404

    response = client.post(f"/scorecard/city/{wuhan.id}/request")
    assert response.status_code == 302
    assert city_requests.get_pending_request(user, wuhan) is not None
    assert "waiting for an answer" in client.get("/scorecard/").get_data(as_text=True)
    # one may ask only for the city on one's profile
    assert client.post(f"/scorecard/city/{factories.city('Beijing').id}/request").status_code == 404

    client.post("/language", data={"lang": "zh", "next": "/scorecard/"})
    assert "申请加入本市代表团" in client.get("/scorecard/").get_data(as_text=True)


def test_the_scorecard_index_lists_several_memberships(client, login):
    user = login(factories.user(Role.TRAINEE, city_name=None))
    factories.member_of(user, "Wuhan")
    factories.member_of(user, "Beijing")
    html = client.get("/scorecard/").get_data(as_text=True)
    for name in ("Wuhan", "Beijing"):
        assert f"/scorecard/city/{factories.city(name).id}/" in html


def test_the_lead_approves_a_request_on_the_scorecard_page_and_can_revoke(client, login):
    cohort = factories.cohort(city_name="Wuhan")
    lead = factories.member(cohort, city_name="Wuhan", member=False, organisation="Water Bureau")
    workshop.set_lead(cohort, lead.id, True)
    plain = factories.member(cohort, city_name="Wuhan", member=False)
    asking = factories.user(Role.TRAINEE, city_name="Wuhan", member=False, name="Asking Person")
    request = city_requests.request_membership(asking, cohort.city)
    base = f"/scorecard/city/{cohort.city_id}"

    login(plain)  # a plain member sees the delegation but not the requests, and may not approve
    html = client.get(f"{base}/").get_data(as_text=True)
    assert "Water Bureau" in html and "Asking Person" not in html
    assert client.post(f"{base}/requests/{request.id}/approve").status_code == 403
    assert city_access.get_membership(asking, cohort.city) is None

    login(lead)
    html = client.get(f"{base}/").get_data(as_text=True)
    assert "Asking Person" in html and f"/requests/{request.id}/approve" in html
    assert client.post(f"{base}/requests/{request.id}/approve").status_code == 302
    membership = city_access.get_membership(asking, cohort.city)
    assert membership.how == "lead" and membership.granted_by_id == lead.id
    html = client.get(f"{base}/").get_data(as_text=True)
    assert "approved by the delegation lead" in html and lead.name in html

    assert client.post(f"{base}/members/{membership.id}/revoke").status_code == 302
    login(asking)
    assert client.get(f"{base}/").status_code == 404


def test_a_trainer_cannot_create_a_cohort_in_a_city_they_are_not_assigned_to(client, login):
    trainer = login(factories.user(Role.TRAINER, city_name="Changsha"))
    beijing = factories.city("Beijing")
    module, _quiz = factories.adaptation()
    form = client.get("/cohorts/new").get_data(as_text=True)
    changsha = factories.city("Changsha")
    assert f'<option value="{changsha.id}"' in form and f'<option value="{beijing.id}"' not in form
    response = client.post(
        "/cohorts/new",
        data={
            "name": "Beijing grab",
            "city": str(beijing.id),
            "modules": [str(module.id)],
            "inactive_days": "7",
        },
    )
    assert response.status_code == 422
    assert cohorts.list_cohorts_for(trainer) == []
    for page in ("/", "/export.xlsx", "/import", "/history"):
        assert client.get(f"/scorecard/city/{beijing.id}{page}").status_code == 404, page
    response = client.post(f"/scorecard/city/{beijing.id}/import", data={})
    assert response.status_code == 404
    assert sc.get_current_assessment(beijing) is None


def test_a_trainer_asks_for_a_city_and_an_admin_approves(client, login):
    trainer = login(factories.user(Role.TRAINER, city_name=None))
    lhasa = factories.city("Lhasa")
    assert "Ask to train in a city" in client.get("/cohorts/").get_data(as_text=True)
    assert client.post("/cohorts/cities/request", data={"city": str(lhasa.id)}).status_code == 302
    (row,) = city_requests.list_pending_requests(kind=city_access.TRAINER)
    assert client.get("/admin/trainers").status_code == 403

    login(factories.user(Role.ADMIN, city_name=None))
    html = client.get("/admin/trainers").get_data(as_text=True)
    assert trainer.name in html and f"/trainers/requests/{row.request.id}/approve" in html
    assert client.post(f"/admin/trainers/requests/{row.request.id}/approve").status_code == 302
    assert city_access.is_assigned_trainer(trainer, lhasa)

    other = factories.user(Role.TRAINER, city_name=None)
    assert (
        client.post("/admin/trainers", data={"trainer": str(other.id), "city": str(lhasa.id)}).status_code
        == 302
    )
    (assignment,) = [a for a in trainer_cities.list_assignments() if a.trainer.id == other.id]
    assert client.post(f"/admin/trainers/{assignment.assignment.id}/revoke").status_code == 302
    assert not city_access.is_assigned_trainer(other, lhasa)

    login(trainer)
    assert f'<option value="{lhasa.id}"' in client.get("/cohorts/new").get_data(as_text=True)


def test_my_learning_does_not_show_advice_from_a_declared_city(client, login):
    beijing = factories.city("Beijing")
    delegate = factories.user(Role.TRAINEE, city_name="Beijing")
    assessment = sc.get_or_create_assessment(beijing)
    sc.save_answer(delegate, assessment, sc.get_question("P1.1"), {"score": 0})
    login(factories.user(Role.TRAINEE, city_name="Beijing", member=False))
    html = client.get("/learn/my").get_data(as_text=True)
    assert "Recommended for your city" not in html
    assert f"/scorecard/city/{beijing.id}/results" not in html


def test_admins_see_every_citys_pending_requests_in_one_list(client, login):
    """QA: an admin had to open each city's page to find the requests waiting."""
    wuhan, lhasa = factories.city("Wuhan"), factories.city("Lhasa")
    for name, city in (("Asker Wu", "Wuhan"), ("Asker La", "Lhasa")):
        login(factories.user(Role.TRAINEE, city_name=city, member=False, name=name))
        client.post(f"/scorecard/city/{factories.city(city).id}/request")
    login(factories.user(Role.ADMIN, city_name=None))
    html = client.get("/admin/trainers").get_data(as_text=True)
    assert "Asker Wu" in html and "Asker La" in html
    for city in (wuhan, lhasa):
        assert f"/scorecard/city/{city.id}/#delegation" in html
