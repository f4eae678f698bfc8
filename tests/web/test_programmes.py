"""Programme pages and files: who gets them, what a private city leaves in them (nothing), the
forms' errors, the sharing setting, and a formula-safe data pack."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from tests import factories
from tests.programme_world import PRIVATE_TOTAL, build_world
from training.extensions import db
from training.models import (
    Assessment,
    AssessmentAnswer,
    CohortMember,
    Programme,
    ProgrammeManager,
    Role,
    ScorecardSharing,
    User,
)


@pytest.fixture
def world(db_session):
    return build_world()


def _urls(programme_id: int) -> list[str]:
    base = f"/programmes/{programme_id}"
    return [f"{base}/", f"{base}/report", f"{base}/data.xlsx"]


def test_the_manager_and_admins_get_the_page_and_files(client, login, world):
    login(world.manager)
    for url in _urls(world.programme.id):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Test programme" in client.get("/programmes/").get_data(as_text=True)
    login(factories.user(Role.ADMIN, city_name=None))
    for url in _urls(world.programme.id):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "who", ["trainee", "trainer of a programme city", "manager of another programme", "editor"]
)
def test_others_get_403_and_an_empty_list(client, login, world, who):
    if who == "trainee":
        person = world.users["a1"]
        person.password_hash = factories.user(Role.TRAINEE, city_name=None).password_hash
    elif who == "trainer of a programme city":
        person = factories.user(Role.TRAINER, city_name="Alphaville")
    elif who == "editor":
        person = factories.user(Role.EDITOR, city_name=None)
    else:
        person = factories.user(Role.TRAINER, city_name=None)
        other = Programme(name_en="Other programme", start_year=2020, end_year=2021)
        db.session.add(other)
        db.session.flush()
        db.session.add(ProgrammeManager(programme_id=other.id, user_id=person.id))
    db.session.commit()
    login(person)
    for url in [*_urls(world.programme.id), f"/programmes/{world.programme.id}/report.pdf"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Alphaville" not in response.data
    listing = client.get("/programmes/").get_data(as_text=True)
    assert "Test programme" not in listing
    assert client.get("/programmes/new").status_code == 403
    assert client.get(f"/programmes/{world.programme.id}/edit").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in [*_urls(world.programme.id), "/programmes/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


# --- a private city leaves nothing ----------------------------------------------------------

TOKENS = re.compile(rb'(name="csrf_token" value=")[^"]*(")')


def _page_bytes(client, programme_id: int) -> dict[str, bytes]:
    return {url: TOKENS.sub(rb"\1\2", client.get(url).data) for url in _urls(programme_id)[:2]}


def _cells(client, programme_id: int) -> list[tuple]:
    book = load_workbook(io.BytesIO(client.get(f"/programmes/{programme_id}/data.xlsx").data))
    return [(sheet.title, row) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_a_private_citys_scorecard_leaves_no_byte_in_page_report_or_pack(client, login, world):
    """Rendered with the private city's scorecard, then with it deleted: the same bytes. Then the
    city shares: its scores appear — so the comparison can see them."""
    login(world.manager)
    gamma = world.cities["Gammaport"]
    with_private = _page_bytes(client, world.programme.id), _cells(client, world.programme.id)
    ids = list(db.session.scalars(select(Assessment.id).where(Assessment.city_id == gamma.id)))
    db.session.execute(delete(AssessmentAnswer).where(AssessmentAnswer.assessment_id.in_(ids)))
    db.session.execute(delete(Assessment).where(Assessment.id.in_(ids)))
    db.session.commit()
    without = _page_bytes(client, world.programme.id), _cells(client, world.programme.id)
    assert with_private == without
    resilience = [row for title, row in with_private[1] if title.startswith("Resilience")]
    assert all("Gammaport" not in str(row[0]) for row in resilience)
    # the control: restore a scorecard and share it by name — now it shows
    from tests.programme_world import _answers

    _answers(gamma, 1, {"P10.1": 3})
    db.session.add(ScorecardSharing(city_id=gamma.id, level="named"))
    db.session.commit()
    shared = _page_bytes(client, world.programme.id), _cells(client, world.programme.id)
    assert shared != without
    assert any("Gammaport" in str(row[0]) for title, row in shared[1] if title.startswith("Resilience"))


def test_the_private_total_never_appears_while_the_shared_ones_do(client, login, world):
    login(world.manager)
    rows = [row for title, row in _cells(client, world.programme.id) if title.startswith("Resilience")]
    totals = [row for row in rows if row[2] == "Total / 总分"]
    assert [(r[0], r[7], r[10], r[11]) for r in totals] == [
        ("Alphaville", 3, 8, 5),
        ("City A / 城市A", 2, 2, 0),
    ]
    assert all(PRIVATE_TOTAL not in row for row in rows)
    page = client.get(f"/programmes/{world.programme.id}/").get_data(as_text=True)
    assert "3 → 8" in page and f"{PRIVATE_TOTAL - 2} → {PRIVATE_TOTAL}" not in page
    assert "Betatown</th>" in page  # its training figures, by name
    assert "City A" in page


def test_the_private_count_is_said_only_when_a_city_keeps_its_scorecard_private(client, login, world):
    from training.services.programmes import sharing

    login(world.manager)
    page = client.get(f"/programmes/{world.programme.id}/").get_data(as_text=True)
    assert "1 city of the programme keeps its scorecard private" in page
    admin = factories.user(Role.ADMIN, city_name=None)
    sharing.set_sharing(admin, world.cities["Gammaport"], "named")
    for url in (f"/programmes/{world.programme.id}/", f"/programmes/{world.programme.id}/report"):
        page = client.get(url).get_data(as_text=True)
        assert "keep their scorecard private" not in page, url  # not "0 cities of the programme …"
        assert "Gammaport" in page


def test_small_groups_show_no_figure_in_page_or_pack(client, login, world):
    login(world.manager)
    page = client.get(f"/programmes/{world.programme.id}/").get_data(as_text=True)
    betatown_row = re.search(
        r"<th scope=\"row\">Betatown</th>(.*?)</tr>", page.split('id="gain-modules-caption"')[1], re.S
    )
    assert "fewer than 5" in betatown_row.group(1) and "%" not in betatown_row.group(1)
    rows = [row for title, row in _cells(client, world.programme.id) if title.startswith("Gain by module")]
    beta = [row for row in rows if row[0] == "Betatown" and row[1] != "All modules / 全部模块"][0]
    assert beta[2] == 3 and beta[3:] == ("fewer than 5 / 少于5人",) * 3


def test_the_pack_has_both_languages_and_the_page_totals(client, login, world):
    login(world.manager)
    book = load_workbook(io.BytesIO(client.get(f"/programmes/{world.programme.id}/data.xlsx").data))
    reach = book.worksheets[0]
    headers = [c.value for c in reach[1]]
    assert "Officials trained / 受训官员人数" in headers
    total = [row for row in reach.iter_rows(values_only=True) if row[0] == "All cities / 全部城市"][0]
    assert total[2:8] == (15, 4, 5, 1, 3, 11)
    assert [s.title for s in book.worksheets][-1] == "Methods 说明"


def test_the_pack_is_formula_safe(client, login, world):
    world.users["a1"].organisation = '=HYPERLINK("http://evil.example","x")'
    db.session.commit()
    login(world.manager)
    book = load_workbook(io.BytesIO(client.get(f"/programmes/{world.programme.id}/data.xlsx").data))
    departments = book.worksheets[1]
    names = [c for c in departments["A"] if str(c.value).lstrip("'").startswith("=HYPERLINK")]
    assert names and all(c.value.startswith("'=") and c.data_type == "s" for c in names)


def test_the_page_in_chinese(client, login, world):
    login(world.manager)
    client.post("/language", data={"lang": "zh", "next": "/"})
    page = client.get(f"/programmes/{world.programme.id}/").get_data(as_text=True)
    assert "测试项目" in page and "受训官员" in page and "城市A" in page and "少于5人" in page


def test_the_pdf_report(client, login, world):
    pytest.importorskip("weasyprint")
    login(world.manager)
    response = client.get(f"/programmes/{world.programme.id}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.mimetype == "application/pdf"


# --- forms ----------------------------------------------------------------------------------


def test_admin_form_errors_stay_next_to_the_fields_with_input_kept(client, login, world):
    login(factories.user(Role.ADMIN, city_name=None))
    response = client.post(
        "/programmes/new",
        data={
            "name_en": "Yangtze cities",
            "start_year": "2023",
            "end_year": "2019",
            "managers": "nobody@example.org",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The last year cannot come before the first." in page
    assert "No account has these addresses: nobody@example.org" in page
    assert 'value="Yangtze cities"' in page
    alpha = world.cities["Alphaville"]
    response = client.post(
        "/programmes/new",
        data={
            "name_en": "Yangtze cities",
            "start_year": "2019",
            "end_year": "2023",
            "cities": [str(alpha.id)],
            "managers": world.manager.email,
        },
    )
    assert response.status_code == 302
    made = db.session.scalar(select(Programme).where(Programme.name_en == "Yangtze cities"))
    assert made is not None and made.period == "2019–2023"


def test_sharing_form_for_the_citys_trainer_not_for_a_member(client, login, world):
    alpha = world.cities["Alphaville"]
    member = factories.user(Role.TRAINEE, city_name="Alphaville")
    login(member)
    assert client.get(f"/programmes/sharing/{alpha.id}").status_code == 403
    trainer = factories.user(Role.TRAINER, city_name="Alphaville")
    login(trainer)
    assert client.get(f"/programmes/sharing/{alpha.id}").status_code == 200
    assert client.post(f"/programmes/sharing/{alpha.id}", data={"level": "private"}).status_code == 302
    page = client.get(f"/programmes/sharing/{alpha.id}").get_data(as_text=True)
    assert trainer.name in page
    newest = db.session.scalar(
        select(ScorecardSharing)
        .where(ScorecardSharing.city_id == alpha.id)
        .order_by(ScorecardSharing.id.desc())
    )
    assert (newest.level, newest.set_by_id, newest.capacity) == ("private", trainer.id, "trainer")
    login(world.manager)
    assert "Alphaville" not in [
        row[0] for title, row in _cells(client, world.programme.id) if title.startswith("Resilience")
    ]
    bad = client.post(f"/programmes/sharing/{alpha.id}", data={"level": "public"})
    assert bad.status_code == 403  # the manager is not the city's


def test_the_delegation_lead_sets_sharing(client, login, world):
    lead = world.users["a2"]
    lead.password_hash = factories.user(Role.TRAINEE, city_name=None).password_hash
    db.session.scalar(select(CohortMember).where(CohortMember.user_id == lead.id)).is_lead = True
    factories.member_of(lead, "Alphaville")
    db.session.commit()
    login(lead)
    response = client.post(
        f"/programmes/sharing/{world.cities['Alphaville'].id}", data={"level": "anonymised"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(User.id).where(User.id == lead.id))


def test_no_pdf_for_programmes_too_big_to_draw_in_a_request(app, client, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "PROGRAMME_PDF_MAX_CITIES", 2)  # the world has three cities
    login(world.manager)
    assert client.get(f"/programmes/{world.programme.id}/report.pdf").status_code == 404
    assert "report.pdf" not in client.get(f"/programmes/{world.programme.id}/").get_data(as_text=True)
    assert "Save as PDF" in client.get(f"/programmes/{world.programme.id}/report").get_data(as_text=True)


def test_a_new_programme_without_cohorts_shows_empty_tables(client, login, db_session):
    admin = factories.user(Role.ADMIN, city_name=None)
    programme = Programme(name_en="Empty programme", start_year=2025, end_year=2025)
    db.session.add(programme)
    db.session.commit()
    login(admin)
    for url in _urls(programme.id):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/programmes/{programme.id}/").get_data(as_text=True)
    assert "Empty programme" in page and "No trainees yet." in page


def test_the_totals_row_names_a_single_year_once(client, login, db_session):
    """A programme whose cohorts all start in 2026: its totals row reads 2026, not 2026–2026."""
    from datetime import date

    from training.models import ProgrammeCity

    admin = factories.user(Role.ADMIN, city_name=None)
    cohort = factories.cohort(factories.user(Role.TRAINER, city_name=None), name="Chengdu 2026")
    cohort.starts_on = date(2026, 11, 30)
    factories.member(cohort)
    programme = Programme(name_en="One-year programme", start_year=2026, end_year=2028)
    db.session.add(programme)
    db.session.flush()
    db.session.add(ProgrammeCity(programme_id=programme.id, city_id=cohort.city_id))
    cohort.programme_id = programme.id
    db.session.commit()
    login(admin)
    page = client.get(f"/programmes/{programme.id}/").get_data(as_text=True)
    total = page[page.index("<tfoot><tr data-total>") :]
    total = total[: total.index("</tr>")]
    assert "<td>2026</td>" in total and "2026–2026" not in page
