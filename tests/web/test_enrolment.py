"""Enrolment at workshop scale, through the pages (issue 16): paste or upload → preview → confirm,
who may do it, and the invited person who opens an account from the invitation."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.services.test_enrolment import xlsx
from training.extensions import db
from training.models import CohortInvitation, Role
from training.services import accounts, city_access, cohort_invitations, cohorts

LIST = """姓名,邮箱,部门,城市
王伟,wang@example.org,应急管理局,武汉
Li Na,li@example.org,Housing bureau,Wuhan
,noname@example.org,Water,Wuhan
Bad Mail,not-an-email,Water,Wuhan
"""


@pytest.fixture
def outbox(app):
    app.extensions["outbox"] = []
    return app.extensions["outbox"]


@pytest.fixture
def wuhan(db_session):
    trainer = factories.user(Role.TRAINER, city_name="Wuhan", name="Trainer Zhou")
    return factories.cohort(trainer, city_name="Wuhan", name="Wuhan workshop"), trainer


def _count(cohort) -> int:
    return db.session.scalar(
        select(func.count(CohortInvitation.id)).where(CohortInvitation.cohort_id == cohort.id)
    )


def _post(client, cohort, text="", action="preview", digest="", overrides=(), upload=None, **kw):
    data = {"text": text, "action": action, "digest": digest, "override": list(overrides)}
    if upload is not None:
        data["upload"] = upload
    return client.post(f"/cohorts/{cohort.id}/enrol", data=data, content_type="multipart/form-data", **kw)


def _digest(html: str) -> str:
    return re.search(r'name="digest" value="([^"]*)"', html).group(1)


def test_preview_shows_every_problem_keeps_the_input_and_stores_nothing(client, login, wuhan, outbox):
    cohort, trainer = wuhan
    login(trainer)
    page = client.get(f"/cohorts/{cohort.id}/")
    assert f"/cohorts/{cohort.id}/enrol" in page.get_data(as_text=True)
    assert client.get(f"/cohorts/{cohort.id}/enrol").status_code == 200

    html = _post(client, cohort, LIST).get_data(as_text=True)
    assert "Row 4, name:" in html and "The name is missing." in html
    assert "Row 5, email:" in html and "This is not a valid email address." in html
    assert "2 rows have an error" in html
    assert "wang@example.org" in html and "王伟" in html  # the input is kept, in the box and the table
    assert "王伟,wang@example.org,应急管理局,武汉" in html
    assert _count(cohort) == 0 and outbox == []

    # Confirming the list as it is imports nothing: every row or none.
    refused = _post(client, cohort, LIST, action="import", digest=_digest(html)).get_data(as_text=True)
    assert "Nothing was imported." in refused and _count(cohort) == 0 and outbox == []


def test_fixed_rows_then_confirm_invites_everyone_and_mails_them(client, login, wuhan, outbox):
    cohort, trainer = wuhan
    existing = factories.user(email="li@example.org", name="Li Na", city_name="Wuhan")
    login(trainer)
    fixed = LIST.replace(",noname@", "Zhao Lei,noname@").replace("not-an-email", "bad@example.org")
    preview = _post(client, cohort, fixed).get_data(as_text=True)
    assert "4 people are ready to be invited" in preview and "Invite 4 people" in preview
    done = _post(client, cohort, fixed, action="import", digest=_digest(preview))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cohorts/{cohort.id}/#members")
    assert _count(cohort) == 4
    assert sorted(m["To"] for m in outbox) == sorted(
        ["wang@example.org", "li@example.org", "noname@example.org", "bad@example.org"]
    )
    assert not cohorts.is_member(existing, cohort)  # consent: they join when they accept
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "4 invitations recorded" in page and "noname@example.org" in page
    assert "<td>Zhao Lei</td>" in page  # the trainer sees who is who, as the list named them


def test_someone_already_in_the_cohort_is_flagged_not_invited_again(client, login, wuhan, outbox):
    """A delegation's list often names people who joined with the code already: the trainer sees
    who, instead of sending them an invitation to a cohort they are in."""
    cohort, trainer = wuhan
    factories.member(cohort, email="wang@example.org", name="王伟", city_name="Wuhan")
    login(trainer)
    text = "王伟,WANG@example.org,应急管理局,\n李娜,li@example.org,水务局,\n"
    html = _post(client, cohort, text).get_data(as_text=True)
    assert "Row 1, email:" in html and "Already a member of this cohort: delete this row." in html
    assert "Row 2" not in html
    refused = _post(client, cohort, text, action="import", digest=_digest(html)).get_data(as_text=True)
    assert "Nothing was imported." in refused and _count(cohort) == 0 and outbox == []


def test_a_list_changed_after_the_preview_is_previewed_again(client, login, wuhan, outbox):
    cohort, trainer = wuhan
    login(trainer)
    text = "name,email\nLi Na,li@example.org\n"
    digest = _digest(_post(client, cohort, text).get_data(as_text=True))
    html = _post(client, cohort, text + "Wang Wei,wang@example.org\n", action="import", digest=digest)
    assert "The list changed since the preview" in html.get_data(as_text=True)
    assert _count(cohort) == 0 and outbox == []


def test_another_city_is_a_warning_the_trainer_overrides_per_row(client, login, wuhan, outbox):
    cohort, trainer = wuhan
    login(trainer)
    text = "name,email,city\nGuest,guest@example.org,深圳\nHost,host@example.org,Wuhan\n"
    html = _post(client, cohort, text).get_data(as_text=True)
    assert "Row 2, city:" in html and "Another city than the cohort" in html
    assert 'name="override" value="2:guest@example.org"' in html
    digest = _digest(html)
    refused = _post(client, cohort, text, action="import", digest=digest)
    assert "Nothing was imported." in refused.get_data(as_text=True) and _count(cohort) == 0
    done = _post(client, cohort, text, action="import", digest=digest, overrides=["2:guest@example.org"])
    assert done.status_code == 302 and _count(cohort) == 2


def test_an_xlsx_upload_fills_the_box_for_corrections(client, login, wuhan, outbox):
    cohort, trainer = wuhan
    login(trainer)
    data = xlsx([["Name", "Email", "Department", "City"], ["Li Na", "li@example.org", "Housing", "Atlantis"]])
    html = _post(client, cohort, upload=(io.BytesIO(data), "officials.xlsx")).get_data(as_text=True)
    assert "Row 2, city:" in html and "Unknown city" in html
    assert "Li Na,li@example.org,Housing,Atlantis" in html  # in the text box, to correct
    damaged = _post(client, cohort, upload=(io.BytesIO(b"PK\x03\x04 damaged"), "officials.xlsx"))
    assert "This is not an Excel workbook" in damaged.get_data(as_text=True) and _count(cohort) == 0


def test_list_refusals_name_row_and_column(client, login, wuhan):
    cohort, trainer = wuhan
    login(trainer)
    text = "name,email,dept\nLi,li@example.org," + "x" * 600 + "\n"
    html = _post(client, cohort, text).get_data(as_text=True)
    assert "Row 2, column 3: the cell is longer than 500 characters." in html
    assert "Nothing was imported." in _post(client, cohort, "").get_data(as_text=True)


def test_the_pages_are_in_chinese(client, login, wuhan):
    cohort, trainer = wuhan
    trainer.locale = "zh"
    db.session.commit()
    login(trainer)
    html = _post(client, cohort, LIST, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "导入官员名单" in html and "第 4 行" in html


@pytest.mark.parametrize("who", ["other_trainer", "trainee", "member", "anonymous"])
def test_only_the_cohorts_trainers_may_import(client, login, wuhan, who):
    cohort, _trainer = wuhan
    if who == "other_trainer":
        other = factories.user(Role.TRAINER, city_name="Wuhan")
        factories.cohort(other, city_name="Wuhan", name="Another cohort")
        login(other)
    elif who == "trainee":
        login(factories.user(city_name="Wuhan"))
    elif who == "member":
        login(factories.member(cohort, city_name="Wuhan"))
    for response in (
        client.get(f"/cohorts/{cohort.id}/enrol"),
        _post(client, cohort, "name,email\nLi,li@example.org\n"),
        _post(client, cohort, "name,email\nLi,li@example.org\n", action="import"),
    ):
        if who == "anonymous":
            assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
        else:
            assert response.status_code in (403, 404)
    assert _count(cohort) == 0


def test_the_form_needs_a_csrf_token(app, client, login, wuhan, monkeypatch):
    cohort, trainer = wuhan
    login(trainer)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = _post(client, cohort, "name,email\nLi,li@example.org\n", action="import")
    assert response.status_code == 400 and _count(cohort) == 0


# --- the invited person without an account ---------------------------------------------------


def _import(client, login, cohort, trainer, text):
    login(trainer)
    digest = _digest(_post(client, cohort, text).get_data(as_text=True))
    assert _post(client, cohort, text, action="import", digest=digest).status_code == 302
    client.post("/auth/logout")


def _link(mail) -> str:
    link = re.search(r"https?://\S+/cohorts/invitations/\S+", mail.get_body(("plain",)).get_content()).group(
        0
    )
    return link[link.index("/cohorts/invitations/") :]


def test_a_new_official_sets_a_password_and_lands_in_the_cohort(client, login, wuhan, outbox):
    cohort, trainer = wuhan
    _import(client, login, cohort, trainer, "姓名,邮箱,部门\n刘洋,liu@example.org,住房和城乡建设局\n")
    path = _link(outbox[0])
    invitation_page = client.get(path).get_data(as_text=True)
    assert "Set my password and join" in invitation_page
    account_path = path + "/account"
    form = client.get(account_path).get_data(as_text=True)
    assert 'value="刘洋"' in form and 'value="住房和城乡建设局"' in form and "liu@example.org" in form

    data = {"name": "刘洋", "password": "password1", "confirm": "password1",
            "city": cohort.city_id, "organisation": "住建局", "locale": "zh"}  # fmt: skip
    weak = client.post(account_path, data=data)
    assert weak.status_code == 200 and accounts.get_user_by_email("liu@example.org") is None
    assert 'value="住建局"' in weak.get_data(as_text=True)  # the input is kept

    done = client.post(account_path, data={"name": "刘洋", "password": "Wuhan-Resilience-2026",
                                           "confirm": "Wuhan-Resilience-2026", "city": cohort.city_id,
                                           "organisation": "住建局", "locale": "zh"})  # fmt: skip
    assert done.status_code == 302 and done.headers["Location"].endswith("/learn/my")
    user = accounts.get_user_by_email("liu@example.org")
    assert cohorts.is_member(user, cohort) and city_access.is_city_member(user, cohort.city)
    assert user.organisation == "住建局" and user.locale == "zh"
    assert cohort.name in client.get("/learn/my").get_data(as_text=True)  # logged in, in the cohort

    # The link is used: no second account, no second answer.
    client.post("/auth/logout")
    again = client.get(account_path)
    assert again.status_code == 410
    assert client.post(account_path, data={"name": "x"}).status_code == 410


def test_an_expired_or_unknown_invitation_opens_no_account(client, login, wuhan, outbox, monkeypatch):
    cohort, trainer = wuhan
    _import(client, login, cohort, trainer, "name,email\nLiu Yang,liu@example.org\n")
    path = _link(outbox[0]) + "/account"
    (invitation,) = cohort_invitations.list_invitations(cohort)
    invitation.expires_at = invitation.created_at
    db.session.commit()
    assert client.get(path).status_code == 410
    data = {"name": "Liu", "password": "Wuhan-Resilience-2026", "confirm": "Wuhan-Resilience-2026",
            "city": cohort.city_id, "locale": "en"}  # fmt: skip
    assert client.post(path, data=data).status_code == 410
    assert client.get("/cohorts/invitations/not-a-token/account").status_code == 404
    assert accounts.get_user_by_email("liu@example.org") is None


def test_an_address_with_an_account_is_sent_to_log_in(client, login, wuhan, outbox):
    cohort, trainer = wuhan
    factories.user(email="liu@example.org", city_name="Wuhan")
    _import(client, login, cohort, trainer, "name,email\nLiu Yang,liu@example.org\n")
    path = _link(outbox[0])
    assert "Set my password and join" not in client.get(path).get_data(as_text=True)
    response = client.get(path + "/account")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
