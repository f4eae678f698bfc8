from __future__ import annotations

import re

import pytest

from tests import factories
from tests.conftest import register_and_confirm
from training.models import Role
from training.services import cohorts

ROLES = ["anonymous", "trainee", "editor", "other-trainer", "trainer", "admin"]
GETS = [
    "/cohorts/{id}/",
    "/cohorts/{id}/edit",
    "/cohorts/{id}/sessions",
    "/cohorts/{id}/trainees/{member}",
    "/cohorts/{id}/evaluation",
    "/cohorts/{id}/export/matrix.csv",
    "/cohorts/{id}/export/attempts.xlsx",
    "/cohorts/{id}/export/items.csv",
]
POSTS = [
    "/cohorts/{id}/invitations",
    "/cohorts/{id}/members/{member}/remove",
    "/cohorts/{id}/joining",
    "/cohorts/{id}/sessions",
]
EXPECTED = {
    "anonymous": 302,
    "trainee": 403,
    "editor": 403,
    "other-trainer": 404,
    "trainer": 200,
    "admin": 200,
}


def _as(role, login, trainer):
    if role == "anonymous":
        return None
    if role == "trainer":
        return login(trainer)
    if role == "other-trainer":
        return login(factories.user(Role.TRAINER))
    return login(factories.user(role))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", GETS)
def test_cohort_pages_role_matrix(client, login, role, route):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    member = factories.member(cohort)
    _as(role, login, trainer)
    response = client.get(route.format(id=cohort.id, member=member.id))
    assert response.status_code == EXPECTED[role], (role, route, response.status_code)


@pytest.mark.parametrize("role", ["anonymous", "trainee", "editor", "other-trainer"])
@pytest.mark.parametrize("route", POSTS)
def test_cohort_actions_are_refused_to_others_and_change_nothing(client, login, role, route):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    member = factories.member(cohort)
    _as(role, login, trainer)
    response = client.post(
        route.format(id=cohort.id, member=member.id),
        data={"email": "x@example.org", "open": "0", "title": "T", "held_on": "2026-12-01"},
    )
    assert response.status_code in (302, 403, 404)
    if role != "anonymous":
        assert response.status_code != 302
    assert cohorts.is_member(member, cohort) and cohort.joining_open
    assert cohorts.list_sessions(cohort) == []


@pytest.mark.parametrize(
    "role, expected", [("anonymous", 302), ("trainee", 403), ("editor", 403), ("trainer", 200)]
)
def test_cohort_list_and_create_access(client, login, role, expected):
    if role != "anonymous":
        login(factories.user(role))
    assert client.get("/cohorts/").status_code == expected
    assert client.get("/cohorts/new").status_code == expected


def test_trainer_creates_a_cohort(client, login):
    trainer = login(factories.user(Role.TRAINER, city_name="Wuhan"))  # assigned to Wuhan
    module, _ = factories.adaptation()
    city = factories.city("Wuhan")
    response = client.post(
        "/cohorts/new",
        data={
            "name": "Wuhan delegation",
            "city": str(city.id),
            "starts_on": "2026-12-01",
            "ends_on": "2026-12-03",
            "modules": [str(module.id)],
            "inactive_days": "5",
        },
    )
    assert response.status_code == 302
    (cohort,) = cohorts.list_cohorts_for(trainer)
    assert cohort.name == "Wuhan delegation" and cohort.inactive_days == 5
    assert [u.id for u in cohorts.list_trainers(cohort)] == [trainer.id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert cohort.join_code in page and "/cohorts/join/" in page


def test_cohort_form_errors_keep_input(client, login):
    login(factories.user(Role.TRAINER, city_name="Wuhan"))
    city = factories.city("Wuhan")
    response = client.post(
        "/cohorts/new",
        data={
            "name": "Kept name",
            "city": str(city.id),
            "starts_on": "2026-12-05",
            "ends_on": "2026-12-01",
            "inactive_days": "7",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Kept name"' in html and 'id="ends_on-error"' in html and 'id="modules-error"' in html


def test_trainee_joins_with_the_code_and_link(client, login):
    cohort = factories.cohort()
    trainee = login(factories.user())
    link = client.get(f"/cohorts/join/{cohort.join_code}")
    assert link.headers["Location"].endswith(f"/cohorts/join?code={cohort.join_code}")
    wrong = client.post("/cohorts/join", data={"code": "WRONG123"})
    assert wrong.status_code == 422 and "No cohort has this code" in wrong.get_data(as_text=True)
    response = client.post("/cohorts/join", data={"code": cohort.join_code})
    assert response.status_code == 302 and cohorts.is_member(trainee, cohort)
    my = client.get("/learn/my").get_data(as_text=True)
    assert cohort.name in my and "Assigned by your cohort" in my


def test_invitation_link_sends_anonymous_users_to_log_in(client):
    cohort = factories.cohort()
    response = client.get(f"/cohorts/join/{cohort.join_code}")
    assert "/auth/login?next=" in response.headers["Location"]


def test_trainer_invites_removes_members_and_closes_joining(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    login(trainer)
    trainee = factories.user(name="Liu Yang")
    page = client.post(
        f"/cohorts/{cohort.id}/invitations", data={"email": trainee.email}, follow_redirects=True
    ).get_data(as_text=True)
    # An invitation, not a membership: the person joins when they accept it.
    assert f"Invitation recorded for {trainee.email}" in page and not cohorts.is_member(trainee, cohort)
    factories.member(cohort, name="Zhao Min")
    (member,) = cohorts.list_members(cohort)
    client.post(f"/cohorts/{cohort.id}/members/{member.id}/remove", data={"confirm": "1"})
    assert not cohorts.is_member(member, cohort)
    client.post(f"/cohorts/{cohort.id}/joining", data={"open": "0"})
    assert not cohort.joining_open


def _register_from(client, page_url: str, email: str, *, confirm: bool = True):
    """Follow the "Create an account" link of `page_url`, register there and (`confirm`) confirm
    the address through the emailed link, as a person would."""
    import re

    html = client.get(page_url).get_data(as_text=True)
    main = html[html.index("<main") :]  # the page's own link, not the header's
    href = re.search(r'href="(/auth/register[^"]*)"', main).group(1).replace("&amp;", "&")
    city = factories.city("Chengdu")
    data = {
        "name": "Wang Fang",
        "email": email,
        "password": "a-long-password",
        "confirm": "a-long-password",
        "city": str(city.id),
        "organisation": "Chengdu Water Authority",
        "locale": "en",
    }
    return register_and_confirm(client, data, url=href) if confirm else client.post(href, data=data)


def test_join_link_survives_registration(client):
    """Issue 16: someone without an account follows the join link, registers from the login page
    it leads to, and is taken back to join the cohort."""
    cohort = factories.cohort()
    login_page = client.get(f"/cohorts/join/{cohort.join_code}").headers["Location"]
    # Registered, then confirmed through the emailed link: back to the join page.
    registered = _register_from(client, login_page, "new.official@example.org")
    assert registered.status_code == 302
    assert registered.headers["Location"].endswith(f"/cohorts/join?code={cohort.join_code}")
    confirm = client.get(registered.headers["Location"])
    assert f'value="{cohort.join_code}"' in confirm.get_data(as_text=True)
    client.post("/cohorts/join", data={"code": cohort.join_code})
    from training.services import accounts

    assert cohorts.is_member(accounts.get_user_by_email("new.official@example.org"), cohort)


def test_sessions_and_attendance(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    present, absent = factories.member(cohort), factories.member(cohort)
    login(trainer)
    client.post(
        f"/cohorts/{cohort.id}/sessions",
        data={"title": "Scorecard day", "held_on": "2026-12-02", "place": "Chengdu"},
    )
    (session,) = cohorts.list_sessions(cohort)
    outsider = factories.user()
    client.post(
        f"/cohorts/{cohort.id}/sessions/{session.id}/attendance",
        data={"present": [str(present.id), str(outsider.id)]},
    )
    marks = cohorts.attendance_map(cohort)
    assert marks == {(session.id, present.id): True, (session.id, absent.id): False}
    html = client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    assert "Scorecard day" in html and f'value="{present.id}" checked' in html


def test_trainee_page_of_a_non_member_is_404(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    login(trainer)
    assert client.get(f"/cohorts/{cohort.id}/trainees/{factories.user().id}").status_code == 404


def test_matrix_page_queries_do_not_grow(client, login, count_queries):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    login(trainer)
    factories.member(cohort)
    url = f"/cohorts/{cohort.id}/"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for _ in range(15):
        factories.member(cohort)
    with count_queries() as many:
        client.get(url)
    assert few.count == many.count


def test_matrix_is_paged_for_large_cohorts(client, login):
    from tests.services.test_cohorts import _bulk_members

    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    _bulk_members(cohort, 60)
    login(trainer)
    first = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    assert first.count(f"/cohorts/{cohort.id}/trainees/") == 50
    assert "Page 1 of 2 (60 trainees)" in first
    second = client.get(f"/cohorts/{cohort.id}/?page=2").get_data(as_text=True)
    assert second.count(f"/cohorts/{cohort.id}/trainees/") == 10 and "Page 2 of 2" in second


def test_the_members_list_names_everyone_whatever_the_table_shows(client, login):
    """The progress table is filtered and paged; the Members list under it (with each person's
    Remove button) is the whole cohort: a trainer looking at the inactive few, or at page 1 of
    a large cohort, still finds everyone there."""
    from tests.services.test_cohorts import _bulk_members

    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    _bulk_members(cohort, 60)
    login(trainer)
    remove = re.compile(rf"/cohorts/{cohort.id}/members/\d+/remove")
    for query in ("", "?page=2", "?only=complete"):  # the table: 50, 10 and none of the 60
        page = client.get(f"/cohorts/{cohort.id}/{query}").get_data(as_text=True)
        members = page[page.index('id="members"') :]
        assert len(set(remove.findall(members))) == 60, query
