"""The worksheet service: a broken file names its field; the workbook never holds a formula. And
the scorecard sends a city weak on Essential 2 to the risk-assessment module."""

from __future__ import annotations

import copy
import io

import pytest
import yaml
from openpyxl import load_workbook

from tests import factories
from tests.content.conftest import REAL
from training.models import Role
from training.services import risk_worksheet
from training.services import scorecard as sc
from training.services.recommendations import recommend

SLUG = "urban-climate-risk-assessment"


@pytest.fixture
def data():
    return yaml.safe_load(risk_worksheet.worksheet_path(REAL, SLUG).read_text(encoding="utf-8"))


def test_a_missing_translation_is_named_by_its_field(data):
    broken = copy.deepcopy(data)
    del broken["rows"][2]["severe"]["zh"]
    with pytest.raises(risk_worksheet.WorksheetError, match=r"rows\[2\]\.severe\.zh"):
        risk_worksheet.parse_worksheet(broken, SLUG)
    broken = copy.deepcopy(data)
    broken["answers"][0]["score"] = 4
    with pytest.raises(risk_worksheet.WorksheetError, match=r"answers\[0\]\.score"):
        risk_worksheet.parse_worksheet(broken, SLUG)


def test_a_module_without_a_worksheet_has_none(tmp_path):
    assert risk_worksheet.get_worksheet(REAL, "climate-adaptation") is None
    assert risk_worksheet.get_worksheet(tmp_path, SLUG) is None


def test_text_that_looks_like_a_formula_stays_text(data):
    data["rows"][0]["probable"]["en"] = '=HYPERLINK("http://example.org","click")'
    data["answers"][0]["actions"]["zh"] = "+1 行动"
    book = load_workbook(
        io.BytesIO(risk_worksheet.build_workbook(risk_worksheet.parse_worksheet(data, SLUG)))
    )
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    values = {c.value for c in cells}
    assert '\'=HYPERLINK("http://example.org","click")' in values and "'+1 行动" in values


def test_a_city_weakest_on_essential_2_is_recommended_the_risk_assessment_module(db_session):
    trainer = factories.user(Role.TRAINER, city_name=None)
    cohort = factories.cohort(trainer, city_name="Chengdu")
    member = factories.member(cohort, name="Ann", city_name="Chengdu")
    assessment = sc.get_or_create_assessment(cohort.city)
    for qid, score in (("P2.1", 0), ("P2.4", 1), ("P1.1", 3), ("P3.1", 3), ("P5.1", 3)):
        sc.save_answer(member, assessment, sc.get_question(qid), {"score": score})
    advice = recommend(sc.get_scorecard(assessment))
    assert advice.essentials[0].essential.number == 2
    slugs = [m.slug for m in advice.modules]
    assert SLUG in slugs and "climate-adaptation" in slugs
