"""Who speaks for a city: memberships vouched for by someone accountable, trainers' cities."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from training.extensions import db
from training.models import CityMembership, Role
from training.services import accounts, city_access, city_requests, cohorts, trainer_cities, workshop
from training.services import scorecard as sc
from training.services.scorecard import history


def test_a_profile_city_alone_opens_no_scorecard(db_session):
    declared = factories.user(Role.TRAINEE, city_name="Beijing", member=False)
    beijing = factories.city("Beijing")
    assert not city_access.is_city_member(declared, beijing)
    assert not sc.can_view_city_scorecard(declared, beijing)
    assert not sc.can_edit_city_scorecard(declared, beijing)
    # changing one's profile city grants nothing either
    member = factories.user(Role.TRAINEE, city_name="Changsha")
    accounts.update_profile(member, name=member.name, city=beijing, organisation="", locale="en")
    assert not sc.can_view_city_scorecard(member, beijing)
    assert sc.can_view_city_scorecard(member, factories.city("Changsha"))
    assert city_access.scorecard_city_for(member).name_en == "Changsha"


def test_editors_and_unassigned_trainers_get_nothing_admins_everything(db_session):
    chengdu = factories.city("Chengdu")
    assert not sc.can_view_city_scorecard(factories.user(Role.EDITOR, city_name="Chengdu"), chengdu)
    assert not sc.can_view_city_scorecard(
        factories.user(Role.TRAINER, city_name="Chengdu", assigned=False), chengdu
    )
    assert sc.can_view_city_scorecard(factories.user(Role.TRAINER, city_name="Chengdu"), chengdu)
    assert sc.can_view_city_scorecard(factories.user(Role.ADMIN, city_name=None), chengdu)


def test_joining_a_cohort_grants_membership_vouched_by_its_creator(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, city_name="Wuhan")
    trainee = factories.user(Role.TRAINEE, city_name="Beijing", member=False)
    cohorts.join_cohort(trainee, cohort.join_code)
    membership = city_access.get_membership(trainee, cohort.city)
    assert membership.how == "cohort" and membership.cohort_id == cohort.id
    assert membership.granted_by_id == trainer.id and membership.granted_at is not None
    (row,) = city_access.list_members(cohort.city)
    assert row.user.id == trainee.id and row.granted_by == trainer.name and row.cohort == cohort.name


def test_leaving_a_cohort_revokes_only_the_membership_that_cohort_granted(db_session):
    first = factories.cohort(city_name="Wuhan", name="First")
    second = factories.cohort(city_name="Wuhan", name="Second")
    trainee = factories.user(Role.TRAINEE, city_name=None)
    cohorts.add_member(first, trainee)
    cohorts.add_member(second, trainee)
    cohorts.remove_member(first, trainee.id)
    # the second cohort still vouches for them
    membership = city_access.get_membership(trainee, first.city)
    assert membership is not None and membership.cohort_id == second.id
    cohorts.remove_member(second, trainee.id)
    assert city_access.get_membership(trainee, first.city) is None
    # an admin-granted membership is not the cohort's to revoke
    admin = factories.user(Role.ADMIN, city_name=None)
    other = factories.user(Role.TRAINEE, city_name=None)
    city_access.grant_membership(first.city, other, admin, "admin")
    cohorts.add_member(first, other)
    cohorts.remove_member(first, other.id)
    assert city_access.get_membership(other, first.city).how == "admin"
    revoked = db.session.scalars(select(CityMembership).where(CityMembership.revoked_at.is_not(None))).all()
    assert {m.user_id for m in revoked} == {trainee.id}


def test_who_may_grant_approve_and_revoke(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, city_name="Wuhan")
    wuhan = cohort.city
    lead, plain = factories.member(cohort, city_name=None), factories.member(cohort, city_name=None)
    workshop.set_lead(cohort, lead.id, True)
    other_trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    editor = factories.user(Role.EDITOR, city_name="Wuhan")

    asking = factories.user(Role.TRAINEE, city_name="Wuhan", member=False)
    request = city_requests.request_membership(asking, wuhan)
    assert city_requests.request_membership(asking, wuhan).id == request.id  # asking twice: one request
    for refused in (plain, other_trainer, editor, asking):
        with pytest.raises(city_access.NotAllowed):
            city_requests.approve_request(request, refused)
        with pytest.raises(city_access.NotAllowed):
            city_access.grant_membership(wuhan, asking, refused, "lead")
    assert city_access.get_membership(asking, wuhan) is None

    membership = city_requests.approve_request(request, lead)
    assert membership.how == "lead" and membership.granted_by_id == lead.id
    assert city_requests.list_pending_requests(wuhan) == []
    with pytest.raises(city_requests.AlreadyDecided):
        city_requests.approve_request(request, trainer)

    with pytest.raises(city_access.NotAllowed):
        city_access.revoke_membership(membership, plain)
    city_access.revoke_membership(membership, trainer)
    assert not sc.can_view_city_scorecard(asking, wuhan)
    assert membership.revoked_by_id == trainer.id

    # a lead whose own membership was revoked vouches for nobody
    city_access.revoke_membership(city_access.get_membership(lead, wuhan), trainer)
    again = city_requests.request_membership(asking, wuhan)
    with pytest.raises(city_access.NotAllowed):
        city_requests.approve_request(again, lead)
    city_requests.refuse_request(again, trainer)
    assert again.approved is False and city_access.get_membership(asking, wuhan) is None


def test_a_revoked_member_leaves_the_workshop_too(db_session):
    cohort = factories.cohort(city_name="Wuhan")
    trainee = factories.member(cohort, city_name=None)
    assert workshop.can_view_workshop(trainee, cohort)
    city_access.revoke_membership(
        city_access.get_membership(trainee, cohort.city), factories.user(Role.ADMIN, city_name=None)
    )
    assert not workshop.can_view_workshop(trainee, cohort)
    # joining again with the code does not undo the revocation (they are still in the cohort)
    cohorts.join_cohort(trainee, cohort.join_code)
    assert not city_access.is_city_member(trainee, cohort.city)


def test_trainers_act_only_in_assigned_cities(db_session):
    admin = factories.user(Role.ADMIN, city_name=None)
    trainer = factories.user(Role.TRAINER, city_name=None)
    module, _quiz = factories.adaptation()
    beijing = factories.city("Beijing")
    values = cohorts.CohortValues("Beijing", beijing, None, None, [module.id], [trainer.id])
    assert not cohorts.can_create_cohort(trainer, beijing)
    with pytest.raises(cohorts.CohortRefused):
        cohorts.create_cohort(trainer, values)
    with pytest.raises(city_access.NotAllowed):
        history.start_new_assessment(trainer, beijing)

    with pytest.raises(city_access.NotAllowed):
        trainer_cities.approve_trainer_city(trainer_cities.request_trainer_city(trainer, beijing), trainer)
    request = trainer_cities.request_trainer_city(trainer, beijing)
    assignment = trainer_cities.approve_trainer_city(request, admin)
    assert assignment.how == "request" and assignment.granted_by_id == admin.id
    cohort = cohorts.create_cohort(trainer, values)
    assert cohorts.can_manage_cohort(trainer, cohort) and sc.can_view_city_scorecard(trainer, beijing)

    # naming a co-trainer who is not assigned to the city is refused
    stranger = factories.user(Role.TRAINER, city_name=None)
    with pytest.raises(cohorts.CohortRefused) as refused:
        cohorts.update_cohort(
            cohort, cohorts.CohortValues("Beijing", beijing, None, None, [module.id], [stranger.id]), trainer
        )
    assert refused.value.names == [stranger.name]

    trainer_cities.revoke_trainer_city(assignment, admin)
    assert not cohorts.can_manage_cohort(trainer, cohort)
    assert not sc.can_view_city_scorecard(trainer, beijing)
    with pytest.raises(city_access.NotAllowed):
        trainer_cities.assign_trainer_city(trainer, beijing, trainer)
    trainer_cities.assign_trainer_city(trainer, beijing, admin)
    assert sc.can_view_city_scorecard(trainer, beijing)


def test_admins_create_cohorts_anywhere(db_session):
    admin = factories.user(Role.ADMIN, city_name=None)
    module, _quiz = factories.adaptation()
    values = cohorts.CohortValues("Lhasa", factories.city("Lhasa"), None, None, [module.id], [])
    assert cohorts.create_cohort(admin, values).city.name_en == "Lhasa"


def test_demo_access_is_given_once_and_never_revived(db_session):
    admin = factories.user(Role.ADMIN, city_name=None)
    trainee = factories.user(Role.TRAINEE, city_name="Chengdu", member=False)
    trainer = factories.user(Role.TRAINER, city_name=None)
    chengdu = factories.city("Chengdu")
    city_access.ensure_demo_access(trainee, trainer, admin, chengdu)
    city_access.ensure_demo_access(trainee, trainer, admin, chengdu)
    assert sc.can_view_city_scorecard(trainee, chengdu) and sc.can_view_city_scorecard(trainer, chengdu)
    assert city_access.get_membership(trainee, chengdu).granted_by_id == admin.id
    city_access.revoke_membership(city_access.get_membership(trainee, chengdu), admin)
    city_access.ensure_demo_access(trainee, trainer, admin, chengdu)
    assert not city_access.is_city_member(trainee, chengdu)


def test_flask_setup_lets_the_demo_trainee_and_trainer_into_chengdu(db_session):
    from training.cli import _demo_access

    accounts.ensure_demo_accounts("demo-pass-1234")
    _demo_access()
    chengdu = factories.city("Chengdu")
    trainee = accounts.get_user_by_email(accounts.DEMO_EMAILS[Role.TRAINEE])
    trainer = accounts.get_user_by_email(accounts.DEMO_EMAILS[Role.TRAINER])
    editor = accounts.get_user_by_email(accounts.DEMO_EMAILS[Role.EDITOR])
    assert city_access.scorecard_city_for(trainee).id == chengdu.id
    assert city_access.is_assigned_trainer(trainer, chengdu)
    assert not sc.can_view_city_scorecard(editor, chengdu)


def test_a_deleted_account_leaves_every_delegation_and_city(db_session):
    from training.services import privacy

    trainee = factories.user(Role.TRAINEE, city_name="Wuhan")
    trainer = factories.user(Role.TRAINER, city_name="Wuhan")
    city_requests.request_membership(trainee, factories.city("Beijing"))
    privacy.delete_account(trainee)
    privacy.delete_account(trainer)
    wuhan = factories.city("Wuhan")
    assert city_access.list_members(wuhan) == [] and trainer_cities.list_assignments() == []
    assert city_requests.list_pending_requests() == []
