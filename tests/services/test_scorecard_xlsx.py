from __future__ import annotations

import io

import openpyxl
import pytest

from tests import factories
from training.models import Role
from training.services import scorecard as sc
from training.services.scorecard import xlsx as sx


def _filled(db_session):
    trainer = factories.user(Role.TRAINER, city_name="Chengdu")
    city = trainer.city
    assessment = sc.get_or_create_assessment(city)
    sc.save_answer(
        trainer, assessment, sc.get_question("P1.1"), {"score": 2, "actions": "=SUM(A1)", "timescale": "2027"}
    )
    sc.save_answer(trainer, assessment, sc.get_question("P10.2"), {"score": 1, "comments": "复盘报告"})
    return trainer, city, assessment


def test_export_has_a_summary_and_a_sheet_per_essential(db_session):
    _trainer, city, assessment = _filled(db_session)
    book = openpyxl.load_workbook(io.BytesIO(sx.export_workbook(city, sc.get_scorecard(assessment), "en")))
    assert book.sheetnames == ["Summary"] + [f"E{n:02d}" for n in range(1, 11)] + ["Profile"]
    e01 = book["E01"]
    assert [c.value for c in e01[1]][:4] == ["ID", "Topic", "Question", "Score (0–3)"]
    assert e01["A2"].value == "P1.1" and e01["D2"].value == 2 and e01["G2"].value == "'=SUM(A1)"
    assert book["E10"].max_row == 3 and book["E10"]["E3"].value == "复盘报告"
    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    assert ["Total", None, 3, 141] in summary


def test_round_trip_into_a_new_assessment(db_session):
    trainer, city, first = _filled(db_session)
    data = sx.export_workbook(city, sc.get_scorecard(first), "zh")
    second = sx.import_workbook(trainer, city, data)
    assert second.sequence == 2 and second.source == "import" and not first.is_open
    card = sc.get_scorecard(second)
    p11, p102 = card.rows(["P1.1", "P10.2"])
    assert (p11.score, p11.answer.actions, p11.answer.timescale) == (2, "=SUM(A1)", "2027")
    assert p102.answer.comments == "复盘报告" and card.total == 3


def _broken(data: bytes, change) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda b: b["E03"].__setitem__("D2", 7), ("E03", 2, "D", "bad_score")),
        (lambda b: b["E05"].__setitem__("A3", "P5.9"), ("E05", 3, "A", "unknown_question")),
        (lambda b: b.remove(b["E08"]), ("E08", None, "", "missing_sheet")),
        (lambda b: b["E02"].__setitem__("H2", "x" * 400), ("E02", 2, "H", "too_long")),
    ],
)
def test_a_wrong_file_is_refused_with_the_place_and_changes_nothing(db_session, change, expected):
    trainer, city, first = _filled(db_session)
    data = _broken(sx.export_workbook(city, sc.get_scorecard(first), "en"), change)
    with pytest.raises(sx.ImportRefused) as refused:
        sx.import_workbook(trainer, city, data)
    assert expected in [(p.sheet, p.row, p.column, p.message) for p in refused.value.problems]
    assert sc.get_current_assessment(city).id == first.id and first.is_open


def test_a_damaged_file_is_refused(db_session):
    trainer, city, first = _filled(db_session)
    with pytest.raises(sx.ImportRefused) as refused:
        sx.import_workbook(trainer, city, b"PK\x03\x04 not really a zip")
    assert refused.value.problems[0].message == "not_a_workbook"
    assert sc.get_current_assessment(city).id == first.id
