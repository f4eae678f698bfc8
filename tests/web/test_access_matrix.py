"""Role × route: who gets what. Anonymous users are sent to log in; wrong roles get 403;
another city's scorecard is a 404 (it does not even confirm the city has one)."""

from __future__ import annotations

import pytest

from tests import factories

ANON, TRAINEE, TRAINER, EDITOR, ADMIN = "anonymous", "trainee", "trainer", "editor", "admin"
ROLES = [ANON, TRAINEE, TRAINER, EDITOR, ADMIN]
LESSON = "/learn/climate-adaptation/01-urban-climate-risks"

# route -> expected status per role (302 = redirect to log in)
PUBLIC = dict.fromkeys(ROLES, 200)
MEMBERS = {ANON: 302, TRAINEE: 200, TRAINER: 200, EDITOR: 200, ADMIN: 200}
ADMINS = {ANON: 302, TRAINEE: 403, TRAINER: 403, EDITOR: 403, ADMIN: 200}
OTHER_CITY = {ANON: 302, TRAINEE: 404, TRAINER: 404, EDITOR: 404, ADMIN: 200}
# The factory makes the trainee a vouched member of Chengdu and the trainer assigned to it; the
# editor only declares Chengdu on their profile, which opens no scorecard.
OWN_CITY = {ANON: 302, TRAINEE: 200, TRAINER: 200, EDITOR: 404, ADMIN: 200}

MATRIX = [
    ("/", {**PUBLIC, TRAINEE: 302, TRAINER: 302, EDITOR: 302, ADMIN: 302}),
    ("/healthz", PUBLIC),
    ("/learn/", PUBLIC),
    ("/learn/climate-adaptation/", PUBLIC),
    (LESSON, PUBLIC),
    ("/learn/urban-climate-risk-assessment/worksheet", PUBLIC),
    ("/learn/urban-climate-risk-assessment/worksheet.xlsx", PUBLIC),
    ("/learn/no-such-module/", dict.fromkeys(ROLES, 404)),
    ("/learn/my", MEMBERS),
    ("/auth/profile", MEMBERS),
    ("/quizzes/climate-adaptation/final", MEMBERS),
    ("/quizzes/climate-adaptation/pretest", MEMBERS),
    ("/scorecard/city/{own}/", OWN_CITY),
    ("/scorecard/city/{own}/results", OWN_CITY),
    ("/scorecard/city/{own}/essential/2", OWN_CITY),
    ("/scorecard/city/{own}/module/climate-adaptation", OWN_CITY),
    ("/scorecard/city/{other}/", OTHER_CITY),
    ("/scorecard/city/{other}/results", OTHER_CITY),
    ("/scorecard/city/{other}/essential/2", OTHER_CITY),
    ("/scorecard/city/{other}/module/climate-adaptation", OTHER_CITY),
    ("/admin/users", ADMINS),
    ("/admin/cities", ADMINS),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route, expected", MATRIX, ids=[m[0] for m in MATRIX])
def test_role_route_matrix(client, login, role, route, expected):
    own, other = factories.city("Chengdu"), factories.city("Wuhan")
    if role != ANON:
        login(factories.user(role, city_name="Chengdu"))
    response = client.get(route.format(own=own.id, other=other.id))
    assert response.status_code == expected[role], (role, route)
    if expected[role] == 302 and role == ANON:
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [TRAINEE, TRAINER, EDITOR])
def test_posting_to_another_citys_scorecard_is_refused_and_stores_nothing(client, login, role):
    from training.services import scorecard as sc

    other = factories.city("Wuhan")
    login(factories.user(role, city_name="Chengdu"))
    response = client.post(f"/scorecard/city/{other.id}/essential/1", data={"P1.1-score": "3"})
    assert response.status_code == 404
    assert sc.get_current_assessment(other) is None


def test_non_admin_cannot_change_roles(client, login):
    trainee = login(factories.user(TRAINEE))
    response = client.post("/admin/users", data={"user_id": trainee.id, "role": "admin"})
    assert response.status_code == 403
    assert trainee.role == "trainee"


# --- who speaks for a city: persona × scorecard route -------------------------------------------
# member: joined a Chengdu cohort with its code; former: the same, then an admin revoked it;
# declared: a trainee (and an editor) whose profile says Chengdu, nothing more; other_trainer:
# assigned to Wuhan only, though listed as a trainer of the Chengdu cohort; assigned: the trainer
# an admin assigned to Chengdu; admin.
MEMBER, FORMER, DECLARED, DECLARED_EDITOR = "member", "former", "declared", "declared_editor"
OTHER_TRAINER, ASSIGNED, ADMIN_P = "other_trainer", "assigned", "admin"
PERSONAS = [MEMBER, FORMER, DECLARED, DECLARED_EDITOR, OTHER_TRAINER, ASSIGNED, ADMIN_P]
SEES = {MEMBER: "ok", FORMER: 404, DECLARED: 404, DECLARED_EDITOR: 404, OTHER_TRAINER: 404,
        ASSIGNED: "ok", ADMIN_P: "ok"}  # fmt: skip
STARTS = {**SEES, MEMBER: 403}  # a new assessment or an import: trainers and admins of the city

CITY_ROUTES = [
    ("GET", "/scorecard/city/{city}/", SEES),
    ("GET", "/scorecard/city/{city}/results", SEES),
    ("GET", "/scorecard/city/{city}/essential/2", SEES),
    ("GET", "/scorecard/city/{city}/module/climate-adaptation", SEES),
    ("GET", "/scorecard/city/{city}/history", SEES),
    ("GET", "/scorecard/city/{city}/compare", SEES),
    ("GET", "/scorecard/city/{city}/action-plan", SEES),
    ("GET", "/scorecard/city/{city}/report", SEES),
    ("GET", "/scorecard/city/{city}/export.xlsx", SEES),
    ("GET", "/scorecard/city/{city}/import", STARTS),
    ("POST", "/scorecard/city/{city}/import", STARTS),
    ("POST", "/scorecard/city/{city}/assessments/new", STARTS),
    ("POST", "/scorecard/city/{city}/essential/1", SEES),
    ("GET", "/scorecard/cohort/{cohort}/", SEES),
    ("POST", "/scorecard/cohort/{cohort}/agree/P1.1", {**SEES, MEMBER: 403}),
]


def _persona(name: str):
    """Log-in-able user for the persona, and the Chengdu cohort (with its trainers)."""
    from training.extensions import db
    from training.models import CohortTrainer, Role
    from training.services import city_access, cohorts

    admin = factories.user(Role.ADMIN, city_name=None)
    assigned = factories.user(Role.TRAINER, city_name="Chengdu")
    cohort = factories.cohort(assigned, city_name="Chengdu")
    if name == ADMIN_P:
        return admin, cohort
    if name == ASSIGNED:
        return assigned, cohort
    if name == OTHER_TRAINER:
        other = factories.user(Role.TRAINER, city_name="Wuhan")
        db.session.add(CohortTrainer(cohort_id=cohort.id, user_id=other.id))
        db.session.commit()
        other.city_id = factories.city("Chengdu").id  # and declares Chengdu on the profile
        db.session.commit()
        return other, cohort
    if name == DECLARED_EDITOR:
        return factories.user(Role.EDITOR, city_name="Chengdu", member=False), cohort
    trainee = factories.user(Role.TRAINEE, city_name="Chengdu", member=False)
    if name in (MEMBER, FORMER):
        cohorts.join_cohort(trainee, cohort.join_code)
    if name == FORMER:
        city_access.revoke_membership(city_access.get_membership(trainee, cohort.city), admin)
    return trainee, cohort


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method, route, expected", CITY_ROUTES, ids=[f"{m} {r}" for m, r, _e in CITY_ROUTES])
def test_city_membership_matrix(client, login, persona, method, route, expected):
    from sqlalchemy import func, select

    from training.extensions import db
    from training.models import Assessment, AssessmentAnswer

    user, cohort = _persona(persona)
    login(user)
    url = route.format(city=cohort.city_id, cohort=cohort.id)
    answers_before = db.session.scalar(select(func.count(AssessmentAnswer.id)))
    assessments_before = db.session.scalar(select(func.count(Assessment.id)))
    if method == "GET":
        response = client.get(url)
    else:
        data = {"P1.1-score": "3", "score": "3", "version": "0"}
        if url.endswith("/import"):
            data = {}  # no file: a refused form, never a 404 for those who may import
        response = client.post(url, data=data)
    want = expected[persona]
    if want == "ok":
        assert response.status_code in (200, 302, 422), (persona, method, route)
        if response.status_code == 302:
            assert "/auth/login" not in response.headers["Location"]
    else:
        assert response.status_code == want, (persona, method, route)
        assert db.session.scalar(select(func.count(AssessmentAnswer.id))) == answers_before
        if method == "POST":
            assert db.session.scalar(select(func.count(Assessment.id))) == assessments_before
