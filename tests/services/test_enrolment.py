"""Enrolment at workshop scale (issue 16): reading a list of officials, each row's problems, the
trainer's override of another city, and an import that stores every invitation or none."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests import factories
from training.extensions import db
from training.models import CohortInvitation, Role
from training.models.base import utcnow
from training.services import accounts, city_access, cohort_invitations, cohorts, enrolment
from training.services.enrolment_file import MAX_CELL_CHARS, MAX_ROWS, MAX_TEXT_CHARS


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _invitations(cohort) -> int:
    return db.session.scalar(
        select(func.count(CohortInvitation.id)).where(CohortInvitation.cohort_id == cohort.id)
    )


@pytest.fixture
def wuhan(db_session):
    trainer = factories.user(Role.TRAINER, city_name="Wuhan")
    return factories.cohort(trainer, city_name="Wuhan", name="Wuhan workshop"), trainer


# --- reading ---------------------------------------------------------------------------------


def test_english_headers_in_any_order_and_a_paste_from_excel_with_tabs():
    raw = enrolment.read_text("Email\tName\tCity\tDepartment\nli@example.org\tLi Na\tWuhan\tWater bureau\n")
    (row,) = raw.rows
    assert (row.number, row.name, row.email, row.department, row.city) == (
        2,
        "Li Na",
        "li@example.org",
        "Water bureau",
        "Wuhan",
    )


def test_chinese_headers_and_no_header_row():
    raw = enrolment.read_text("姓名,邮箱,部门,城市\n王伟,wang@example.org,应急管理局,武汉市\n")
    (row,) = raw.rows
    assert (row.name, row.city, row.department) == ("王伟", "武汉市", "应急管理局")
    bare = enrolment.read_text("Zhang San,zhang@example.org,Housing,Wuhan\n\nLi Si,li@example.org\n")
    assert not bare.had_header
    assert [(r.number, r.name, r.email) for r in bare.rows] == [
        (1, "Zhang San", "zhang@example.org"),
        (3, "Li Si", "li@example.org"),
    ]


def test_a_workbook_first_sheet_and_a_gb18030_csv_file():
    data = xlsx(
        [["姓名", "邮箱", "部门", "城市"], ["王伟", "wang@example.org", "应急管理局", "Wuhan"], [None, None]]
    )
    raw = enrolment.read_file(data, "list.xlsx")
    assert [(r.number, r.name, r.city) for r in raw.rows] == [(2, "王伟", "Wuhan")]
    # What the page's box shows after a file: read again, the same rows with the same numbers.
    for locale in ("en", "zh"):
        again = enrolment.read_text(raw.as_text(locale))
        assert again.rows == raw.rows and again.had_header
    csv_bytes = "姓名,邮箱\n李娜,li@example.org\n".encode("gb18030")
    assert enrolment.read_file(csv_bytes, "list.csv").rows[0].name == "李娜"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("name,email\n", "empty"),
        ("name,department\nLi,Water\n", "no_email_column"),
        ("email,city\nli@example.org,Wuhan\n", "no_name_column"),
        ("name,email,邮箱\nLi,li@example.org,x\n", "duplicate_column"),
    ],
)
def test_lists_refused_whole_say_why(text, code):
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.read_text(text)
    assert refused.value.code == code


def test_bounded_input_names_the_row_and_column():
    too_many = "name,email\n" + "".join(f"P{i},p{i}@example.org\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.read_text(too_many)
    assert refused.value.code == "too_many_rows" and refused.value.details["row"] == MAX_ROWS + 2
    long_cell = "name,email,department\nLi,li@example.org," + "x" * (MAX_CELL_CHARS + 1) + "\n"
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.read_text(long_cell)
    assert refused.value.code == "cell_too_long" and refused.value.details == {
        "row": 2,
        "position": 3,
        "limit": MAX_CELL_CHARS,
    }
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.read_text("x" * (MAX_TEXT_CHARS + 1))
    assert refused.value.code == "too_long"


def test_a_hostile_or_damaged_workbook_is_refused_by_the_workbook_limits():
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.read_file(b"PK\x03\x04 not really a zip", "list.xlsx")
    assert refused.value.code == "workbook" and refused.value.details["reason"] == "not_a_workbook"
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.read_file(b"x" * (enrolment.MAX_FILE_BYTES + 1), "list.csv")
    assert refused.value.code == "too_large"
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.read_file(b"\x00\x01\xff\xfe\x00binary", "list.csv")
    assert refused.value.code == "encoding"


# --- checking --------------------------------------------------------------------------------

LIST = """name,email,department,city
Wang Wei,wang@example.org,Emergency management,Wuhan
,noname@example.org,Housing,Wuhan
Bad Mail,not-an-email,Water,武汉
Wang Again,WANG@example.org,Finance,
Far Away,far@example.org,Ecology,Atlantis
Shenzhen Guest,guest@example.org,Planning,深圳市
"""


def _problems(checked):
    return {
        row.number: ([(p.column, p.code, p.ref) for p in row.errors], [p.code for p in row.warnings])
        for row in checked.rows
    }


def test_each_row_gets_its_problems_and_another_city_is_a_warning(wuhan):
    cohort, _trainer = wuhan
    checked = enrolment.check_rows(cohort, enrolment.read_text(LIST))
    assert _problems(checked) == {
        2: ([], []),
        3: ([("name", "missing", None)], []),
        4: ([("email", "invalid", None)], []),
        5: ([("email", "duplicate", 2)], []),
        6: ([("city", "unknown_city", None)], []),
        7: ([], ["other_city"]),
    }
    assert checked.rows[0].city.name_en == "Wuhan"
    assert checked.rows[3].city == cohort.city  # no city given: the cohort's
    assert checked.rows[5].city.name_en == "Shenzhen"
    assert not checked.ok and checked.error_count == 4 and checked.warning_count == 1


def test_the_other_city_can_be_overridden_row_by_row(wuhan):
    cohort, _trainer = wuhan
    text = "name,email,city\nGuest,guest@example.org,Shenzhen\nHost,host@example.org,wuhan city\n"
    raw = enrolment.read_text(text)
    assert not enrolment.check_rows(cohort, raw).ok
    assert not enrolment.check_rows(cohort, raw, {"3:guest@example.org"}).ok  # another row's key
    checked = enrolment.check_rows(cohort, raw, {"2:guest@example.org"})
    assert checked.ok and checked.rows[0].overridden and checked.rows[1].city.name_en == "Wuhan"
    assert checked.digest == enrolment.check_rows(cohort, raw).digest  # overrides are not the list


# --- importing -------------------------------------------------------------------------------


def test_import_invites_every_row_in_one_transaction_and_keeps_name_department_city(wuhan):
    cohort, trainer = wuhan
    existing = factories.user(email="wang@example.org", name="Wang Wei (own profile)", city_name="Wuhan")
    text = (
        "name,email,department,city\nWang Wei,wang@example.org,Emergency,Wuhan\n"
        "Guest,guest@example.org,Planning,Shenzhen\n"
    )
    checked = enrolment.check_rows(cohort, enrolment.read_text(text), {"3:guest@example.org"})
    issued = enrolment.import_rows(checked, trainer)
    assert [i.invitation.email for i in issued] == ["wang@example.org", "guest@example.org"]
    guest = issued[1].invitation
    assert (guest.name, guest.department, guest.city_id) == (
        "Guest",
        "Planning",
        factories.city("Shenzhen").id,
    )
    # Consent: nobody is a member yet, an existing account included; its profile is untouched.
    assert not cohorts.is_member(existing, cohort) and existing.name == "Wang Wei (own profile)"
    assert cohort_invitations.find_by_token(issued[0].token) is issued[0].invitation
    # Importing again renews the pending invitations instead of doubling them.
    again = enrolment.import_rows(checked, trainer)
    assert _invitations(cohort) == 2 and cohort_invitations.find_by_token(issued[0].token) is None
    assert cohort_invitations.find_by_token(again[0].token) is not None


def test_a_list_with_a_problem_stores_nothing(wuhan):
    cohort, trainer = wuhan
    checked = enrolment.check_rows(cohort, enrolment.read_text(LIST))
    with pytest.raises(enrolment.ListRefused) as refused:
        enrolment.import_rows(checked, trainer)
    assert refused.value.code == "not_ready" and _invitations(cohort) == 0


def test_a_failure_midway_rolls_back_the_whole_list(wuhan, monkeypatch):
    cohort, trainer = wuhan
    text = "name,email\n" + "".join(f"P{i},p{i}@example.org\n" for i in range(5))
    checked = enrolment.check_rows(cohort, enrolment.read_text(text))
    calls = []

    def failing(token):
        calls.append(token)
        if len(calls) == 4:
            raise RuntimeError("the database went away")
        return cohort_invitations.hash_token(token)

    monkeypatch.setattr(enrolment, "hash_token", failing)
    with pytest.raises(RuntimeError):
        enrolment.import_rows(checked, trainer)
    assert _invitations(cohort) == 0


def test_only_the_cohorts_trainers_and_admins_may_import(wuhan):
    cohort, _trainer = wuhan
    checked = enrolment.check_rows(cohort, enrolment.read_text("name,email\nLi,li@example.org\n"))
    other_trainer = factories.user(Role.TRAINER, city_name="Wuhan")
    factories.cohort(other_trainer, city_name="Wuhan", name="Another cohort")
    for someone in (other_trainer, factories.user(city_name="Wuhan")):
        with pytest.raises(enrolment.NotAllowed):
            enrolment.import_rows(checked, someone)
    assert _invitations(cohort) == 0
    enrolment.import_rows(checked, factories.user(Role.ADMIN, city_name=None))
    assert _invitations(cohort) == 1


# --- the invited person opens an account -----------------------------------------------------


def _one_invitation(cohort, trainer, text="name,email,department\nLiu Yang,liu@example.org,Housing bureau\n"):
    checked = enrolment.check_rows(cohort, enrolment.read_text(text))
    (issued,) = enrolment.import_rows(checked, trainer)
    return issued.invitation


def test_accepting_opens_the_account_and_joins_the_cohort_and_its_city(wuhan):
    cohort, trainer = wuhan
    invitation = _one_invitation(cohort, trainer)
    assert enrolment.can_open_account(invitation)
    prefill = enrolment.prefill(invitation)
    assert prefill == {"name": "Liu Yang", "department": "Housing bureau", "city": cohort.city}
    user = enrolment.open_account_and_join(
        invitation, name="Liu Yang", department="Housing bureau", city=cohort.city, locale="zh",
        password="Resilient-Wuhan-2026",
    )  # fmt: skip
    assert accounts.authenticate("liu@example.org", "Resilient-Wuhan-2026") == user
    assert (user.organisation, user.locale, user.city) == ("Housing bureau", "zh", cohort.city)
    assert cohorts.is_member(user, cohort)
    assert city_access.is_city_member(user, cohort.city)
    assert invitation.status(utcnow()) == "accepted" and not enrolment.can_open_account(invitation)


def test_an_expired_or_used_invitation_opens_no_account(wuhan):
    cohort, trainer = wuhan
    invitation = _one_invitation(cohort, trainer)
    later = utcnow() + cohort_invitations.VALID_FOR + timedelta(minutes=1)
    with pytest.raises(cohort_invitations.InvitationRefused) as refused:
        enrolment.open_account_and_join(
            invitation, name="Liu", department="", city=None, locale="en",
            password="Resilient-Wuhan-2026", now=later,
        )  # fmt: skip
    assert refused.value.reason == "expired" and accounts.get_user_by_email("liu@example.org") is None
    enrolment.open_account_and_join(
        invitation, name="Liu", department="", city=None, locale="en", password="Resilient-Wuhan-2026"
    )
    with pytest.raises(cohort_invitations.InvitationRefused) as refused:
        enrolment.open_account_and_join(
            invitation, name="Liu 2", department="", city=None, locale="en", password="Resilient-Wuhan-2027"
        )
    assert refused.value.reason == "accepted"


def test_a_weak_password_opens_nothing(wuhan):
    cohort, trainer = wuhan
    invitation = _one_invitation(cohort, trainer)
    with pytest.raises(accounts.WeakPassword):
        enrolment.open_account_and_join(
            invitation, name="Liu Yang", department="", city=None, locale="en", password="password123"
        )
    assert accounts.get_user_by_email("liu@example.org") is None
    assert invitation.status(utcnow()) == "pending"
