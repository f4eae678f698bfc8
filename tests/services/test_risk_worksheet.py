"""The worksheet service: a broken file names its field; the workbook never holds a formula."""

from __future__ import annotations

import copy
import io

import pytest
import yaml
from openpyxl import load_workbook

from tests.content.conftest import REAL
from training.services import risk_worksheet

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
