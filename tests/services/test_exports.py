from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.services.test_learning import _right
from tests.services.test_quizzes import _wrong
from training.models import QuizAttempt, Role
from training.services import cohorts, evaluation, exports, learning, quizzes
from training.services.progress_matrix import build_cohort_matrix

FINAL, PRETEST = QuizAttempt.FINAL, QuizAttempt.PRETEST
HYPERLINK = '=HYPERLINK("http://evil.example/x","Click")'


def _table() -> exports.Table:
    return exports.Table(
        title="Chengdu: progress [draft] / 2025 * a very long cohort name?",
        headers=["Name", "单位", "Score"],
        rows=[
            [HYPERLINK, "+86 123", 5],
            ["-5", "@SUM(A1:A2)", -3],
            ["\tTabbed", "成都市应急管理局", 2.5],
            [None, "line one\nline two", 0],
        ],
    )


# --- writers -------------------------------------------------------------------------------


def test_csv_has_a_bom_crlf_chinese_and_neutralised_formulas():
    data = exports.to_csv(_table())
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.startswith("Name,单位,Score\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["Name", "单位", "Score"]
    assert rows[1] == ["'" + HYPERLINK, "'+86 123", "5"]
    assert rows[2] == ["'-5", "'@SUM(A1:A2)", "-3"]  # the number -3 stays a number
    assert rows[3] == ["'\tTabbed", "成都市应急管理局", "2.5"]
    assert rows[4] == ["", "line one\nline two", "0"]


def test_neutralise_leaves_numbers_and_plain_text_alone():
    assert exports.neutralise(-5) == -5 and exports.neutralise(0.25) == 0.25
    assert exports.neutralise(None) is None
    assert exports.neutralise("Chengdu = 成都") == "Chengdu = 成都"
    assert exports.neutralise("\rx") == "'\rx"


def test_xlsx_opens_with_header_values_and_text_not_formulas():
    data = exports.to_xlsx(_table())
    sheet = load_workbook(io.BytesIO(data)).active
    assert len(sheet.title) <= 31 and not set(sheet.title) & set("[]:*?/\\")
    assert sheet.title.startswith("Chengdu")
    assert [c.value for c in sheet[1]] == ["Name", "单位", "Score"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    formula_cell = sheet["A2"]
    assert formula_cell.value == "'" + HYPERLINK and formula_cell.data_type == "s"
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("'+86 123", "s")
    assert (sheet["A3"].value, sheet["B3"].value) == ("'-5", "'@SUM(A1:A2)")
    assert [sheet["C2"].value, sheet["C3"].value, sheet["C4"].value] == [5, -3, 2.5]
    assert sheet["C3"].data_type == "n"
    assert sheet["B4"].value == "成都市应急管理局"
    assert sheet["A5"].value is None
    assert sheet.column_dimensions["B"].width >= len("成都市应急管理局") * 2


def test_xlsx_drops_characters_xml_cannot_hold():
    table = exports.Table("t", ["Name"], [["bell\x07 name"]])
    sheet = load_workbook(io.BytesIO(exports.to_xlsx(table))).active
    assert sheet["A2"].value == "bell name"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Progress: Q1 [2025]", "Progress Q1 2025"),
        ("'Quoted'", "Quoted"),
        ("成都 " * 20, ("成都 " * 20)[:31].rstrip()),
        ("'''", "Export"),
    ],
)
def test_sheet_titles_follow_excels_rules(title, expected):
    assert exports.sheet_title(title) == expected


def test_safe_filename_is_an_ascii_slug_with_the_date():
    day = date(2025, 3, 1)
    assert exports.safe_filename("Chengdu — Spring 2025 / progress", "CSV", day) == (
        "chengdu-spring-2025-progress-2025-03-01.csv"
    )
    assert exports.safe_filename("成都培训班", ".xlsx", day) == "export-2025-03-01.xlsx"
    assert exports.safe_filename("../../etc/passwd", "csv", day) == "etc-passwd-2025-03-01.csv"
    assert exports.safe_filename("Zürich", "csv").startswith("zurich-")


# --- builders on a real cohort ---------------------------------------------------------------


def _cohort(slugs=("climate-adaptation",), name="Chengdu spring"):
    trainer = factories.user(Role.TRAINER)
    values = cohorts.CohortValues(
        name=name,
        city=factories.city(),
        starts_on=None,
        ends_on=None,
        module_ids=[learning.get_module(slug).id for slug in slugs],
        trainer_ids=[],
    )
    return cohorts.create_cohort(trainer, values)


def _member(cohort, **kw):
    user = factories.user(**kw)
    cohorts.add_member(cohort, user)
    return user


def _final(user, quiz, answer=_right):
    questions = quizzes.list_questions(quiz, FINAL, user)
    return quizzes.submit_attempt(user, quiz, FINAL, questions, {q.key: answer(q) for q in questions})


def _pretest(user, quiz):
    questions = quizzes.list_questions(quiz, PRETEST, user)
    return quizzes.submit_attempt(user, quiz, PRETEST, questions, {q.key: _wrong(q) for q in questions})


def test_matrix_table_has_a_row_per_trainee_module_columns_and_totals(db_session):
    cohort = _cohort(("climate-adaptation", "climate-finance"))
    module, quiz = factories.adaptation()
    lessons = learning.list_lessons(module)
    alice = _member(cohort, name="Alice", organisation="Chengdu EMB")
    bob = _member(cohort, name="Bob", organisation="+86 123")
    _member(cohort, name=HYPERLINK)
    for lesson in lessons:
        learning.record_lesson_done(alice, lesson)
    _final(alice, quiz)
    learning.record_lesson_done(bob, lessons[0])
    failed = _final(bob, quiz, _wrong)

    table = exports.matrix_table(build_cohort_matrix(cohort), "en")
    assert table.title == "Progress Chengdu spring"
    assert table.headers[:3] == ["Name", "Email", "Organisation"]
    assert table.headers[3:6] == [
        f"{module.title('en')}: lessons done (of {len(lessons)})",
        f"{module.title('en')}: best %",
        f"{module.title('en')}: passed",
    ]
    assert table.headers[-1] == "Last activity (UTC)" and len(table.headers) == 3 + 2 * 3 + 1
    by_name = {row[0]: row for row in table.rows}
    assert by_name["Alice"][1:8] == [alice.email, "Chengdu EMB", len(lessons), 100, "yes", 0, None]
    finance_has_quiz = quizzes.get_quiz(learning.get_module("climate-finance")) is not None
    assert by_name["Alice"][8] == ("no" if finance_has_quiz else "")  # empty when a module has no quiz
    assert by_name["Bob"][3:6] == [1, failed.percent, "no"]
    assert by_name["Alice"][-1].endswith("Z") and by_name[HYPERLINK][-1] == ""
    totals = table.rows[-1]
    assert (
        totals[0] == "Totals (3 trainees): lessons, how many did them all; best %, the mean; passed, how many"
    )
    assert totals[3:6] == [1, round((100 + failed.percent) / 2), 1]

    csv_rows = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"), newline="")))
    assert [row[2] for row in csv_rows if row[0] == "Bob"] == ["'+86 123"]
    assert any(row[0] == "'" + HYPERLINK for row in csv_rows)

    zh = exports.matrix_table(build_cohort_matrix(cohort), "zh")
    assert zh.headers[:3] == ["姓名", "电子邮箱", "单位"]
    assert zh.headers[3] == f"{module.title('zh')}：已学课时（共{len(lessons)}课）"
    assert {row[0]: row[5] for row in zh.rows}["Alice"] == "是"
    assert zh.rows[-1][0] == "合计（3名学员）：课时列为全部学完的人数，最高分列为平均分，及格列为及格人数"


def test_matrix_table_of_an_empty_cohort_has_headers_and_a_totals_row(db_session):
    table = exports.matrix_table(build_cohort_matrix(_cohort()), "en")
    assert table.headers[3].endswith(": lessons done")
    assert table.rows[0][0].startswith("Totals (0 trainees): ")
    assert table.rows[0][1:] == ["", "", 0, None, 0, ""]


def test_attempts_table_lists_every_attempt_with_answers_in_words(db_session):
    cohort = _cohort()
    module, quiz = factories.adaptation()
    alice, bob = _member(cohort, name="Alice"), _member(cohort, name="Bob")
    outsider = factories.user(name="Outsider")
    pre = _pretest(alice, quiz)
    final = _final(alice, quiz)
    failed = _final(bob, quiz, _wrong)
    _final(outsider, quiz)
    keys = [q.key for q in quizzes.list_questions(quiz, FINAL, alice)]

    table = exports.attempts_table(cohort, "en")
    assert table.headers[:10] == [
        "Trainee",
        "Email",
        "Module",
        "Kind",
        "Attempt",
        "Submitted at (UTC)",
        "Correct",
        "Questions",
        "Score %",
        "Passed",
    ]
    assert table.headers[10:] == keys
    assert [(row[0], row[3], row[4]) for row in table.rows] == [
        ("Alice", "pre-test", 1),
        ("Alice", "final", 1),
        ("Bob", "final", 1),
    ]
    pre_row, final_row, failed_row = table.rows
    assert final_row[1:10] == [
        alice.email,
        module.title("en"),
        "final",
        1,
        final.submitted_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        final.correct,
        final.total,
        100,
        "yes",
    ]
    assert failed_row[6:10] == [failed.correct, failed.total, failed.percent, "no"]
    assert pre_row[9] == ""  # a pre-test is not passed or failed
    answers = dict(zip(keys, final_row[10:]))
    assert answers == {item.key: item.your_answer for item in quizzes.review_attempt(final, "en")}
    shown = dict(zip(keys, pre_row[10:]))
    assert {k for k, v in shown.items() if v} == set(pre.question_keys)

    zh = exports.attempts_table(cohort, "zh")
    assert zh.rows[0][3] == "课前测试" and zh.rows[1][3] == "模块测验"
    zh_answers = dict(zip(keys, zh.rows[1][10:]))
    assert zh_answers == {item.key: item.your_answer for item in quizzes.review_attempt(final, "zh")}


def test_attempts_table_reads_a_fixed_number_of_queries(db_session, count_queries):
    _, quiz = factories.adaptation()
    counts = []
    for size in (3, 20):
        cohort = _cohort(name=f"Cohort of {size}")
        for _ in range(size):
            _final(_member(cohort), quiz, _wrong)
        name = cohort.name  # load the cohort before counting
        with count_queries() as counter:
            table = exports.attempts_table(cohort, "en")
        assert len(table.rows) == size and name in table.title
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 5


def test_item_table_from_the_item_analysis(db_session):
    cohort = _cohort()
    module, quiz = factories.adaptation()
    alice, bob = _member(cohort, name="Alice"), _member(cohort, name="Bob")
    _final(alice, quiz)
    _final(bob, quiz, _wrong)
    items = evaluation.item_analysis(cohort)

    table = exports.item_table(items, "en")
    assert table.headers[:4] == ["Module", "Question", "Essential", "Question text"]
    assert len(table.rows) == len(items) > 0
    first, row = items[0], table.rows[0]
    assert row[:8] == [module.title("en"), first.key, first.essential, first.text_en, 2, 1, 0.5, None]
    assert row[8] == first.most_wrong.text_en and row[9] == 1
    assert row[10] == "too few answers"

    zh = exports.item_table(items, "zh")
    assert zh.headers[0] == "课程模块" and zh.rows[0][3] == first.text_zh
    assert zh.rows[0][8] == first.most_wrong.text_zh and zh.rows[0][10] == "作答人数过少"
    assert exports.to_xlsx(zh)  # serialises without error
