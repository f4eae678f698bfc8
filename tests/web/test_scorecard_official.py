"""The official tool through the web: upload, preview, confirm; refusals in both languages; who
may import; export into the official file; the city profile on the report."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from tests import factories
from tests.official_tool import needs_official_tool
from tests.services.test_scorecard_official import _neither, blank, filled, official_scores
from training.models import Role
from training.services import scorecard as sc
from training.services import workshop


@pytest.fixture
def setup(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, city_name="Chengdu")
    member = factories.member(cohort, name="Member", city_name="Chengdu")
    lead = factories.member(cohort, name="Lead", city_name="Chengdu")
    workshop.set_lead(cohort, lead.id, True)
    return {"trainer": trainer, "city": cohort.city, "member": member, "lead": lead}


def _upload(client, city, data: bytes, name="tool.xlsm"):
    return client.post(
        f"/scorecard/city/{city.id}/import",
        data={"workbook": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _token(page: str) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


@needs_official_tool
def test_the_delegation_lead_imports_the_official_tool_after_a_preview(client, login, setup):
    city = setup["city"]
    data = filled()
    expected, total = official_scores(data)
    login(setup["lead"])
    preview = _upload(client, city, data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "official preliminary scorecard tool" in page
    assert f"{total} / 141" in page and "Organise for Disaster Resilience" in page
    assert "城市内涝" in page  # the Info sheet's most likely risk
    assert sc.get_current_assessment(city) is None  # nothing stored yet

    done = client.post(f"/scorecard/city/{city.id}/import/confirm", data={"token": _token(page)})
    assert done.status_code == 302
    card = sc.get_scorecard(sc.get_current_assessment(city))
    assert card.total == total and [e.score for e in card.essentials] == list(expected.values())
    results = client.get(f"/scorecard/city/{city.id}/results").get_data(as_text=True)
    assert f"{total} / 141" in results
    report = client.get(f"/scorecard/city/{city.id}/report").get_data(as_text=True)
    assert "21,000,000" in report and "Most likely disaster risk" in report


def test_a_member_who_is_not_the_lead_may_not_import(client, login, setup):
    login(setup["member"])
    page = client.get(f"/scorecard/city/{setup['city'].id}/import")
    assert page.status_code == 403
    html = page.get_data(as_text=True)
    assert 'id="import-not-allowed"' in html and "delegation lead" in html and 'type="file"' not in html


@needs_official_tool
def test_a_preview_token_is_bound_to_its_city_and_user(client, login, setup):
    city = setup["city"]
    login(setup["trainer"])
    page = _upload(client, city, filled()).get_data(as_text=True)
    login(setup["lead"])
    response = client.post(f"/scorecard/city/{city.id}/import/confirm", data={"token": _token(page)})
    assert response.status_code == 302 and sc.get_current_assessment(city) is None


@needs_official_tool
@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "neither of the two layouts"), ("zh", "两种格式")],
)
def test_a_workbook_of_neither_layout_gets_one_clear_message(client, login, setup, locale, expected):
    login(setup["trainer"])
    client.post("/language", data={"lang": locale, "next": "/learn/"})
    response = _upload(client, setup["city"], _neither(), "budget.xlsx")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and expected in page
    assert page.count("<li>") - page.split('class="error-summary"')[0].count("<li>") == 1
    assert sc.get_current_assessment(setup["city"]) is None


@needs_official_tool
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_blank_tool_is_refused_with_a_reason(client, login, setup, locale):
    login(setup["trainer"])
    client.post("/language", data={"lang": locale, "next": "/learn/"})
    page = _upload(client, setup["city"], blank()).get_data(as_text=True)
    assert ("nothing to import" if locale == "en" else "没有可导入的内容") in page


@needs_official_tool
def test_export_into_the_official_tool_downloads_the_filled_file(client, login, setup):
    city, trainer = setup["city"], setup["trainer"]
    assessment = sc.get_or_create_assessment(city)
    sc.save_answer(trainer, assessment, sc.get_question("P9.1"), {"score": 3, "evidence": "预警覆盖率评估"})
    login(setup["member"])
    response = client.post(
        f"/scorecard/city/{city.id}/export-official",
        data={"workbook": (io.BytesIO(blank()), "blank.xlsm")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsm"')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert "xl/vbaProject.bin" in archive.namelist()
    assert official_scores(response.data)[1] == 3


def test_the_city_profile_is_edited_and_kept_with_the_assessment(client, login, setup):
    city = setup["city"]
    login(setup["member"])  # no assessment yet: saving the profile starts the first one
    form = client.get(f"/scorecard/city/{city.id}/profile").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    data = {"population": "16,000,000", "likely_risk": "暴雨内涝"}
    if csrf:
        data["csrf_token"] = csrf.group(1)
    assert client.post(f"/scorecard/city/{city.id}/profile", data=data).status_code == 302
    assert sc.get_current_assessment(city).profile == {"population": "16,000,000", "likely_risk": "暴雨内涝"}
    assert "暴雨内涝" in client.get(f"/scorecard/city/{city.id}/report").get_data(as_text=True)


def test_every_refusal_reads_in_both_languages(app):
    from flask_babel import force_locale

    from training.services.scorecard.official import OfficialRefused
    from training.web.scorecard.official_views import REFUSED, refusal_text

    with app.test_request_context():
        for code in REFUSED:
            with force_locale("en"):
                en = refusal_text(OfficialRefused(code, ["E01!E7"]))
            with force_locale("zh"):
                zh = refusal_text(OfficialRefused(code, ["E01!E7"]))
            assert en != zh and re.search(r"[\u4e00-\u9fff]", zh), code
            assert "%(" not in en and "%(" not in zh


@needs_official_tool
def test_export_leaves_the_info_sheet_alone_when_there_is_no_profile(db_session):
    from tests.services.test_scorecard_official import filled as filled_tool
    from training.services.scorecard import official, official_export

    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    card = sc.get_scorecard(sc.get_or_create_assessment(trainer.city))
    earlier = filled_tool()
    exported = official_export.export_into_official(earlier, card, {})
    before, after = zipfile.ZipFile(io.BytesIO(earlier)), zipfile.ZipFile(io.BytesIO(exported))
    assert after.read("xl/worksheets/sheet2.xml") == before.read("xl/worksheets/sheet2.xml")
    assert official.read_upload(exported).profile["city_name"] == "成都"


def test_the_answer_sheet_shows_the_official_name_the_banded_levels_and_the_local_help(client, login, setup):
    login(setup["member"])
    page = client.get(f"/scorecard/city/{setup['city'].id}/essential/7").get_data(as_text=True)
    assert "Understand and Strengthen Societal Capacity for Resilience" in page
    assert "every six months" in page  # P7.2, as the official indicator
    assert "Between 60 % and 100 % of businesses" in page  # P7.3's official band
    assert "residents&#39; committees or grid workers" in page  # help: the local examples


@pytest.mark.parametrize("route", ["import", "export-official", "profile"])
def test_the_new_pages_are_the_citys_own(client, login, setup, route):
    url = f"/scorecard/city/{setup['city'].id}/{route}"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(factories.user(city_name="Wuhan"))
    assert client.get(url).status_code == 404  # another city's people do not learn it exists
    login(setup["member"])
    assert client.get(url).status_code == (403 if route == "import" else 200)
    login(setup["trainer"])
    assert client.get(url).status_code == 200


@needs_official_tool
def test_the_preview_warns_when_the_workbook_names_another_city(client, login, setup):
    """QA: a file whose Info sheet names Wuhan previewed into Chengdu's scorecard without a word."""
    from tests.services.test_scorecard_official import PROFILE

    city = setup["city"]
    login(setup["lead"])
    page = _upload(client, city, filled(profile={**PROFILE, "city_name": "Wuhan"})).get_data(as_text=True)
    assert 'id="other-city"' in page and "Wuhan" in page
    for same in ("Chengdu", "成都市", " chengdu "):
        page = _upload(client, city, filled(profile={**PROFILE, "city_name": same})).get_data(as_text=True)
        assert 'id="other-city"' not in page, same


@needs_official_tool
def test_a_text_too_long_is_refused_with_the_limits_named(client, login, setup):
    from tests.services.test_scorecard_official import QIDS, pattern

    answers = {q: pattern(q, i) for i, q in enumerate(QIDS)}
    answers["P1.1"] = {**answers["P1.1"], "timescale": "x" * (sc.TEXT_LIMITS["timescale"] + 1)}
    login(setup["lead"])
    page = _upload(client, setup["city"], filled(answers)).get_data(as_text=True)
    assert "Some texts are longer than the platform keeps" in page
    assert f"{sc.TEXT_LIMITS['timescale']} for the timescale" in page
    assert sc.get_current_assessment(setup["city"]) is None
