"""Issue 16: certificates and attendance in view for the trainer — the holders on the cohort
page, an honest count after issuing, a trainee's answers and attendance on their page, and the
attendance and certificate columns of the exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import openpyxl
import pytest

from tests import factories
from tests.web.test_cohort_reports import _complete_module
from training.models import Role
from training.services import certificates, cohorts


@pytest.fixture
def records(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, name="Chengdu records")
    done = factories.member(cohort, name="Done Trainee")
    busy = factories.member(cohort, name="Busy Trainee")
    _complete_module(done)
    (certificate,) = certificates.issue_for_user(done)  # issued as soon as they complete
    first = cohorts.add_session(cohort, "Opening", date(2026, 3, 2), "City hall")
    second = cohorts.add_session(cohort, "Field visit", date(2026, 3, 9), "")
    member_ids = [done.id, busy.id]
    cohorts.record_attendance(first, {done.id, busy.id}, member_ids)
    cohorts.record_attendance(second, {busy.id}, member_ids)
    return {
        "trainer": trainer,
        "cohort": cohort,
        "done": done,
        "busy": busy,
        "code": certificates.format_code(certificate.code),
    }


def test_the_cohort_page_lists_holders_and_issuing_tells_the_truth(client, login, records):
    cohort, code = records["cohort"], records["code"]
    login(records["trainer"])
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    panel = html[html.index('id="certificates"') :]
    panel = panel[: panel.index("</section>")]
    assert "Done Trainee" in panel and code in panel and "Busy Trainee" not in panel
    assert f'href="/certificates/{code}"' in panel and date.today().isoformat() in panel
    response = client.post(f"/cohorts/{cohort.id}/certificates", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "0 certificates issued" not in page
    assert "No new certificate: the 1 trainee who completed every module already holds one" in page
    assert client.get(f"/certificates/{code}").status_code == 200  # the public check the link opens


def test_issuing_reports_new_and_total(client, login, records):
    cohort = records["cohort"]
    _complete_module(records["busy"])  # completed, but no certificate yet
    login(records["trainer"])
    page = client.post(f"/cohorts/{cohort.id}/certificates", follow_redirects=True).get_data(as_text=True)
    assert "1 new certificate issued; 2 in all" in page


def test_the_trainee_page_shows_answers_as_reviewed_and_attendance(client, login, records):
    cohort, done = records["cohort"], records["done"]
    login(records["trainer"])
    html = client.get(f"/cohorts/{cohort.id}/trainees/{done.id}").get_data(as_text=True)
    assert 'class="options-seen"' in html and "data-letter=" in html  # as on the review page
    assert "(their answer)" in html and "data-correct" in html
    attendance = html[html.index('id="attendance"') :]
    assert "Present at 1 of the 2 sessions held so far." in attendance
    assert "Opening" in attendance and "absent" in attendance
    assert records["code"] in html[html.index('id="certificate"') :]


def test_the_progress_exports_have_attendance_and_certificate_columns(client, login, records):
    cohort, code = records["cohort"], records["code"]
    login(records["trainer"])
    body = client.get(f"/cohorts/{cohort.id}/export/matrix.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    header = rows[0]
    assert header[-3:] == ["Sessions attended (of 2 held)", "Certificate code", "Certificate issued on"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Done Trainee"][-3:] == ["1", code, date.today().isoformat()]
    assert by_name["Busy Trainee"][-3:] == ["2", "", ""]
    assert rows[-1][-3:] == ["3", "1", ""]  # totals: sessions attended, certificates
    xlsx = client.get(f"/cohorts/{cohort.id}/export/matrix.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][-2] == "Certificate code" and code in [row[-2] for row in values]


def test_the_chinese_export_names_the_new_columns(client, login, records):
    from training.services import exports
    from training.services.cohort_records import attendance_counts, certificates_by_user
    from training.services.progress_matrix import build_cohort_matrix

    cohort = records["cohort"]
    table = exports.matrix_table(
        build_cohort_matrix(cohort), "zh", attendance_counts(cohort), certificates_by_user(cohort)
    )
    assert table.headers[-3:] == ["出席现场课次数（已举办2次）", "证书编号", "证书颁发日期"]


def test_a_session_still_to_come_is_not_counted_as_missed(client, login, records):
    """Busy attended both sessions held; the next one is still to come. The trainee page and the
    progress export count the sessions held (as the programme report does), not the future one."""
    cohort, busy = records["cohort"], records["busy"]
    cohorts.add_session(cohort, "Closing", date.today() + timedelta(days=10), "")
    login(records["trainer"])
    html = client.get(f"/cohorts/{cohort.id}/trainees/{busy.id}").get_data(as_text=True)
    attendance = html[html.index('id="attendance"') :]
    assert "Present at 2 of the 2 sessions held so far." in attendance and "Closing" in attendance
    body = client.get(f"/cohorts/{cohort.id}/export/matrix.csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][-3] == "Sessions attended (of 2 held)"
    assert {row[0]: row[-3] for row in rows[1:-1]} == {"Done Trainee": "1", "Busy Trainee": "2"}


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("trainee", 403), ("other-trainer", 404), ("admin", 200)]
)
@pytest.mark.parametrize(
    "route", ["/cohorts/{c}/", "/cohorts/{c}/trainees/{u}", "/cohorts/{c}/export/matrix.csv"]
)
def test_who_sees_the_records(client, login, records, who, status, route):
    if who == "trainee":
        login(records["done"])
    elif who == "other-trainer":
        other = factories.user(Role.TRAINER, city_name=None)
        factories.cohort(other, name="Another Chengdu cohort")
        login(other)
    elif who == "admin":
        login(factories.user(Role.ADMIN, city_name=None))
    url = route.format(c=records["cohort"].id, u=records["done"].id)
    response = client.get(url)
    assert response.status_code == status
    if status != 200:
        assert records["code"] not in response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("trainee", 403), ("other-trainer", 404)])
def test_who_may_issue(client, login, records, who, status):
    _complete_module(records["busy"])
    if who == "trainee":
        login(records["done"])
    elif who == "other-trainer":
        other = factories.user(Role.TRAINER, city_name=None)
        factories.cohort(other, name="Another Chengdu cohort")
        login(other)
    assert client.post(f"/cohorts/{records['cohort'].id}/certificates").status_code == status
    assert certificates.get_user_certificate(records["busy"], records["cohort"]) is None
