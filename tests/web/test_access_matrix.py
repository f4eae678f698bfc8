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
    ("/scorecard/city/{own}/", MEMBERS),
    ("/scorecard/city/{own}/results", MEMBERS),
    ("/scorecard/city/{own}/essential/2", MEMBERS),
    ("/scorecard/city/{own}/module/climate-adaptation", MEMBERS),
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
