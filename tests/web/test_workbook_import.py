"""The scorecard import page answers every malformed or pathological workbook with its clear
message and the form (never a 500), lists at most 50 problems, and does not hold the database
while a file is read: another user's login during an import succeeds (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import threading

import openpyxl
import pytest
from openpyxl.reader.excel import ExcelReader

from tests import factories
from tests.conftest import IsolatedClient, _make_database, build_app
from tests.services.test_workbook_limits import CASES
from training.extensions import db
from training.models import Role
from training.services import accounts, cities
from training.services import scorecard as sc
from training.services.scorecard import xlsx as scorecard_xlsx

MESSAGES = {
    "not_a_workbook": "This is not an Excel workbook (.xlsm or .xlsx), or it is damaged.",
    "too_many_cells": "A sheet is far larger than this layout",
    "too_compressed": "compressed far more than a workbook can be",
    "member_too_large": "A part of the file is too large once unpacked.",
    "too_large": "The file is larger than 2 MB.",
    "forbidden_xml": "contains XML that is not accepted",
    # the import takes UNDRR's official tool, an .xlsm: macros are no reason to refuse, the layout is
    "macros": "in neither of the two layouts the platform understands",
}


def _post(client, city, data: bytes, name: str = "scores.xlsx"):
    return client.post(
        f"/scorecard/city/{city.id}/import",
        data={"workbook": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def admin(db_session, login):
    return login(factories.user(Role.ADMIN, city_name="Chengdu"))


@pytest.mark.parametrize("make, reason", CASES.values(), ids=list(CASES))
def test_a_malformed_workbook_gets_the_page_with_its_message(client, admin, make, reason):
    city = admin.city
    response = _post(client, city, make())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    expected = MESSAGES["too_large"] if reason == "member_too_large" else MESSAGES[reason]
    assert "The workbook was not imported; nothing changed." in page
    assert expected in page.replace("&#34;", '"').replace("&#39;", "'")
    assert 'type="file"' in page and sc.get_current_assessment(city) is None


def test_the_problem_list_is_capped(client, admin):
    city = admin.city
    book = openpyxl.load_workbook(
        io.BytesIO(scorecard_xlsx.export_workbook(city, sc.get_scorecard(None), "en"))
    )
    for row in range(20, 500):
        book["E01"][f"A{row}"] = f"X{row}"  # unknown ids; only rows 2–200 of the layout are read
    out = io.BytesIO()
    book.save(out)
    response = _post(client, city, out.getvalue())
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert page.count("This question id is not in the scorecard.") == 50
    assert "… and 131 more problems." in page  # 181 rows (20–200) are read, 50 shown


# --- a login while a workbook is read ---------------------------------------------------------


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A database of its own (file-backed SQLite, or PostgreSQL): requests really commit."""
    app = build_app(_make_database("import_lock", tmp_path_factory))
    app.test_client_class = IsolatedClient
    with app.app_context():
        city = cities.list_cities()[0]
        for email, role in (("importer@example.org", Role.ADMIN), ("visitor@example.org", Role.TRAINEE)):
            accounts.register_user(name=email, email=email, password=factories.PASSWORD, city=city, role=role)
        data = scorecard_xlsx.export_workbook(city, sc.get_scorecard(None), "en")
        city_id = city.id
    yield app, city_id, data
    with app.app_context():
        db.engine.dispose()


def test_a_login_succeeds_while_a_workbook_is_being_read(live, monkeypatch):
    app, city_id, data = live
    reading, login_done = threading.Event(), threading.Event()
    read = ExcelReader.read

    def slow_read(self):  # the file takes as long to read as the login takes
        reading.set()
        login_done.wait(timeout=20)
        return read(self)

    monkeypatch.setattr(ExcelReader, "read", slow_read)
    importer, visitor = app.test_client(), app.test_client()
    assert importer.post(
        "/auth/login", data={"email": "importer@example.org", "password": factories.PASSWORD}
    )
    answers = {}

    def run_import():
        answers["import"] = importer.post(
            f"/scorecard/city/{city_id}/import",
            data={"workbook": (io.BytesIO(data), "scores.xlsx")},
            content_type="multipart/form-data",
        )

    thread = threading.Thread(target=run_import)
    thread.start()
    try:
        assert reading.wait(timeout=20), "the import started reading the file"
        login = visitor.post(
            "/auth/login", data={"email": "visitor@example.org", "password": factories.PASSWORD}
        )
    finally:
        login_done.set()
        thread.join(timeout=30)
    assert login.status_code == 302, login.status_code
    assert answers["import"].status_code == 200  # the preview, before the city confirms
    assert "confirm" in answers["import"].get_data(as_text=True).lower()
