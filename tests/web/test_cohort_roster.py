"""Issue 16: a delegate from another city (warned, kept or removed; rates the cohort's city),
and a trainee's rights when leaving or being removed (learning records kept; workshop ratings
kept, marked and excluded from the spread, the trainer told)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.services.test_certificates import _complete
from training.extensions import db
from training.models import Certificate, CohortMember, LessonCompletion, QuizAttempt, Rating, Role
from training.services import certificates, cohort_invitations, cohorts, workshop
from training.services import scorecard as sc


@pytest.fixture
def wuhan(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, city_name="Wuhan", name="Wuhan workshop")
    local = factories.member(cohort, name="Local Delegate", city_name="Wuhan")
    shenzhen = factories.user(name="Shenzhen Official", email="sz.official@example.org", city_name="Shenzhen")
    issued = cohort_invitations.invite(cohort, shenzhen.email, trainer)
    cohort_invitations.accept(issued.token, shenzhen)
    return {"trainer": trainer, "cohort": cohort, "local": local, "shenzhen": shenzhen}


def test_the_trainer_is_warned_about_a_member_of_another_city_and_may_keep_them(client, login, wuhan):
    cohort = wuhan["cohort"]
    login(wuhan["trainer"])
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    assert 'id="other-city-members"' in html
    warning = html[html.index('id="other-city-members"') :]
    assert "Shenzhen Official" in warning and "profile city: Shenzhen" in warning
    assert "Local Delegate" not in warning.split("</div>")[0]
    response = client.post(f"/cohorts/{cohort.id}/members/{wuhan['shenzhen'].id}/confirm-city")
    assert response.status_code == 302
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    assert 'id="other-city-members"' not in html  # overridden: no warning any more
    assert cohorts.is_member(wuhan["shenzhen"], cohort)
    # the workshop's delegation list still names the profile city for the trainer
    workshop_html = client.get(f"/scorecard/cohort/{cohort.id}/").get_data(as_text=True)
    assert "profile city: Shenzhen" in workshop_html


def test_a_delegate_of_another_city_rates_the_cohorts_city_and_counts(client, login, wuhan):
    cohort, shenzhen = wuhan["cohort"], wuhan["shenzhen"]
    login(shenzhen)
    my = client.get("/learn/my").get_data(as_text=True)
    link = f'href="/scorecard/city/{cohort.city_id}/"'
    assert link in my and "Rate the questions of Wuhan" in my
    assert client.get(f"/scorecard/city/{cohort.city_id}/").status_code == 200
    page = client.get(f"/scorecard/cohort/{cohort.id}/").get_data(as_text=True)
    assert 'id="other-city-note"' in page and link in page
    sheet = f"/scorecard/city/{cohort.city_id}/essential/1"
    assert client.post(sheet, data={"P1.1-score": "2", "P1.1-version": "0"}).status_code == 302
    data = workshop.build_workshop(cohort, sc.get_current_assessment(cohort.city))
    assert data.rated_by == 1 and data.rows[0].scores == [2]
    assert "1 of 2 delegates have rated" in client.get(f"/scorecard/cohort/{cohort.id}/").get_data(
        as_text=True
    )


def _rate(user, cohort, qid, score):
    workshop.save_rating(user, sc.get_or_create_assessment(cohort.city), sc.get_question(qid), score)


def test_leaving_keeps_learning_records_and_excludes_ratings(client, login, wuhan):
    cohort, local, trainer = wuhan["cohort"], wuhan["local"], wuhan["trainer"]
    _complete(local, "climate-adaptation")
    certificates.issue_certificates(cohort)
    _rate(local, cohort, "P2.1", 0)
    _rate(wuhan["shenzhen"], cohort, "P2.1", 3)
    before = workshop.build_workshop(cohort, sc.get_current_assessment(cohort.city))
    assert next(r for r in before.rows if r.question.id == "P2.1").disagreement

    login(local)
    assert "Leave this cohort" in client.get("/learn/my").get_data(as_text=True)
    response = client.post(f"/cohorts/{cohort.id}/leave", follow_redirects=True)
    assert "Your progress, quiz attempts and certificates are kept." in response.get_data(as_text=True)
    assert not cohorts.is_member(local, cohort)
    assert db.session.scalar(
        select(func.count(LessonCompletion.id)).where(LessonCompletion.user_id == local.id)
    )
    assert db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.user_id == local.id))
    assert db.session.scalar(select(func.count(Certificate.id)).where(Certificate.user_id == local.id)) == 1
    rating = db.session.scalar(select(Rating).where(Rating.user_id == local.id))
    assert rating.score == 0 and rating.excluded_at is not None and rating.excluded_reason == "left"

    after = workshop.build_workshop(cohort, sc.get_current_assessment(cohort.city))
    row = next(r for r in after.rows if r.question.id == "P2.1")
    assert row.scores == [3] and not row.disagreement  # excluded from the spread
    login(trainer)
    html = client.get(f"/scorecard/cohort/{cohort.id}/?essential=2").get_data(as_text=True)
    notice = html[html.index('id="former-delegates"') :]
    assert "Local Delegate" in notice and "left the cohort" in notice


def test_a_trainer_removing_someone_keeps_their_ratings_marked_and_is_told(client, login, wuhan):
    cohort, shenzhen = wuhan["cohort"], wuhan["shenzhen"]
    _rate(shenzhen, cohort, "P3.1", 1)
    login(wuhan["trainer"])
    response = client.post(
        f"/cohorts/{cohort.id}/members/{shenzhen.id}/remove", data={"confirm": "1"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Their 1 workshop rating is kept, marked, and no longer counted in the spread." in html
    rating = db.session.scalar(select(Rating).where(Rating.user_id == shenzhen.id))
    assert rating.excluded_reason == "removed"
    page = client.get(f"/scorecard/cohort/{cohort.id}/?essential=3").get_data(as_text=True)
    assert "removed from the cohort" in page[page.index('id="former-delegates"') :]


def test_a_member_who_rejoins_counts_again(wuhan):
    cohort, local = wuhan["cohort"], wuhan["local"]
    _rate(local, cohort, "P4.1", 2)
    from training.services import cohort_roster

    cohort_roster.leave_cohort(local, cohort)
    cohorts.add_member(cohort, local)
    data = workshop.build_workshop(cohort, sc.get_current_assessment(cohort.city))
    assert next(r for r in data.rows if r.question.id == "P4.1").scores == [2] and data.former == []


# --- permissions of the new routes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("trainee", 403), ("other-trainer", 404), ("trainer", 302)],
)
def test_confirm_city_permissions(client, login, wuhan, who, status):
    cohort, shenzhen = wuhan["cohort"], wuhan["shenzhen"]
    if who == "trainee":
        login(wuhan["local"])
    elif who == "other-trainer":
        other = factories.user(Role.TRAINER, city_name=None)
        factories.cohort(other, city_name="Wuhan", name="Another Wuhan cohort")
        login(other)
    elif who == "trainer":
        login(wuhan["trainer"])
    response = client.post(f"/cohorts/{cohort.id}/members/{shenzhen.id}/confirm-city")
    assert response.status_code == status
    member = db.session.scalar(select(CohortMember).where(CohortMember.user_id == shenzhen.id))
    db.session.refresh(member)
    assert (member.other_city_confirmed_at is not None) == (who == "trainer")  # only the trainer's counts


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("non-member", 404), ("trainer", 404), ("other-trainer", 404)],
)
def test_leave_permissions(client, login, wuhan, who, status):
    cohort = wuhan["cohort"]
    if who == "non-member":
        login(factories.user(city_name="Wuhan"))
    elif who == "trainer":
        login(wuhan["trainer"])
    elif who == "other-trainer":
        login(factories.user(Role.TRAINER, city_name="Wuhan"))
    assert client.post(f"/cohorts/{cohort.id}/leave").status_code == status
    assert len(cohorts.list_members(cohort)) == 2


def test_remove_asks_first_saying_what_is_kept(client, login, wuhan):
    """The Remove button on the cohort page does not remove at once: it asks, on a page that
    names the person and says their progress is kept and they can be enrolled again (found by
    the trainer review: one click removed)."""
    cohort, local = wuhan["cohort"], wuhan["local"]
    login(wuhan["trainer"])
    url = f"/cohorts/{cohort.id}/members/{local.id}/remove"
    # The page is also reached by GET (switching the language reloads it): it only asks.
    assert f"Remove {local.name} from the cohort?" in client.get(url).get_data(as_text=True)
    response = client.post(url)
    assert response.status_code == 200 and cohorts.is_member(local, cohort)
    html = response.get_data(as_text=True)
    assert f"Remove {local.name} from the cohort?" in html
    assert "Their own progress is kept" in html and "They can be enrolled again" in html
    assert 'name="confirm" value="1"' in html and f'action="{url}"' in html
    response = client.post(url, data={"confirm": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#members")
    assert not cohorts.is_member(local, cohort)
    assert client.post(url).status_code == 404  # no longer a member: nothing to confirm


def test_the_confirmation_in_chinese(client, login, wuhan):
    cohort, local, trainer = wuhan["cohort"], wuhan["local"], wuhan["trainer"]
    trainer.locale = "zh"
    db.session.commit()
    login(trainer)
    html = client.post(f"/cohorts/{cohort.id}/members/{local.id}/remove").get_data(as_text=True)
    assert f"将{local.name}移出培训班？" in html and "可以重新将其加入培训班" in html
    assert cohorts.is_member(local, cohort)
