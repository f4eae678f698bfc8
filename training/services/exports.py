"""Tables a trainer downloads: the progress matrix, every quiz attempt, the item analysis.

Builders turn domain objects into a `Table` (plain strings and numbers, headers in the
trainer's language); the writers in `training.services.spreadsheets` (`to_csv`, `to_xlsx`,
re-exported here) serialise any table and neutralise spreadsheet formula injection.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from training.content.question_types import get_question_type
from training.extensions import db
from training.models import Cohort, CohortMember, Question, Quiz, QuizAttempt
from training.models.base import pick
from training.services.cohort_records import AttendanceCount, Holder
from training.services.cohorts import list_members, list_modules
from training.services.evaluation import FEW_ANSWERS, NOT_DISCRIMINATING, TOO_EASY, TOO_HARD, ItemStats
from training.services.progress_matrix import Matrix
from training.services.quizzes.review import summarise_answer
from training.services.spreadsheets import (  # noqa: F401 - the writers, re-exported for callers
    FORMULA_STARTS,
    CellValue,
    Table,
    neutralise,
    safe_filename,
    sheet_title,
    to_csv,
    to_xlsx,
    utc_iso,
)

HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "name": "Name",
        "email": "Email",
        "organisation": "Organisation",
        "lessons": "{module}: lessons done (of {total})",
        "lessons_done": "{module}: lessons done",
        "best": "{module}: best %",
        "passed": "{module}: passed",
        "last_activity": "Last activity (UTC)",
        # The cell says what each column's total counts: a sum of lessons done would mean nothing.
        "totals": (
            "Totals ({count} trainees): lessons, how many did them all; best %, the mean; passed, how many"
        ),
        "trainee": "Trainee",
        "module": "Module",
        "kind": "Kind",
        "attempt": "Attempt",
        "submitted_at": "Submitted at (UTC)",
        "correct": "Correct",
        "total": "Questions",
        "percent": "Score %",
        "passed_quiz": "Passed",
        "key": "Question",
        "dont_know": "(don't know)",
        "pretest_dont_know": "Pre-test: don't know",
        "essential": "Essential",
        "text": "Question text",
        "n": "Answers",
        "correct_count": "Answered right",
        "facility": "Facility (share correct)",
        "discrimination": "Discrimination",
        "wrong_option": "Wrong answer chosen most",
        "wrong_count": "Times chosen",
        "flags": "Flags",
        "yes": "yes",
        "no": "no",
        QuizAttempt.PRETEST: "pre-test",
        QuizAttempt.FINAL: "final",
        "matrix_title": "Progress {cohort}",
        "attempts_title": "Quiz attempts {cohort}",
        "items_title": "Item analysis",
        "sessions_attended": "Sessions attended (of {total} held)",
        "certificate_code": "Certificate code",
        "certificate_date": "Certificate issued on",
    },
    "zh": {
        "name": "姓名",
        "email": "电子邮箱",
        "organisation": "单位",
        "lessons": "{module}：已学课时（共{total}课）",
        "lessons_done": "{module}：已学课时",
        "best": "{module}：测验最高分（%）",
        "passed": "{module}：测验是否及格",
        "last_activity": "最近学习时间（UTC）",
        "totals": "合计（{count}名学员）：课时列为全部学完的人数，最高分列为平均分，及格列为及格人数",
        "trainee": "学员",
        "module": "课程模块",
        "kind": "类型",
        "attempt": "第几次作答",
        "submitted_at": "提交时间（UTC）",
        "correct": "答对题数",
        "total": "题目总数",
        "percent": "得分（%）",
        "passed_quiz": "是否及格",
        "key": "题目编号",
        "dont_know": "（不知道）",
        "pretest_dont_know": "课前测试：不知道",
        "essential": "要素",
        "text": "题目",
        "n": "作答人数",
        "correct_count": "答对人数",
        "facility": "答对率",
        "discrimination": "区分度",
        "wrong_option": "最常选的错误答案",
        "wrong_count": "被选次数",
        "flags": "提示",
        "yes": "是",
        "no": "否",
        QuizAttempt.PRETEST: "课前测试",
        QuizAttempt.FINAL: "模块测验",
        "matrix_title": "学习进度 {cohort}",
        "attempts_title": "测验作答记录 {cohort}",
        "items_title": "题目分析",
        "sessions_attended": "出席现场课次数（已举办{total}次）",
        "certificate_code": "证书编号",
        "certificate_date": "证书颁发日期",
    },
}


FLAGS: dict[str, dict[str, str]] = {
    "en": {
        TOO_EASY: "too easy",
        TOO_HARD: "too hard",
        NOT_DISCRIMINATING: "does not discriminate",
        FEW_ANSWERS: "too few answers",
    },
    "zh": {TOO_EASY: "过易", TOO_HARD: "过难", NOT_DISCRIMINATING: "区分度低", FEW_ANSWERS: "作答人数过少"},
}


def _words(locale: str) -> dict[str, str]:
    return HEADERS["zh" if locale == "zh" else "en"]


# --- builders ------------------------------------------------------------------------------


def matrix_table(
    matrix: Matrix,
    locale: str,
    attendance: AttendanceCount | None = None,
    holders: dict[int, Holder] | None = None,
) -> Table:
    """One row per trainee, three columns per module, then a totals row.

    With `attendance` (cohort_records.attendance_counts) a column counts the live sessions held so
    far that each trainee attended; with `holders` (cohort_records.certificates_by_user) two columns give the
    certificate's code and date. The totals row sums attendance and counts certificates.

    Lessons done are a number, with the lesson count in the header ("… lessons done (of 5)"):
    a "3/5" text cell would turn into a date when Excel opens the CSV. "Passed" is empty for a
    module without a quiz. The totals row counts trainees who did every lesson, gives the mean
    best score and counts trainees who passed.
    """
    words = _words(locale)
    headers = [words["name"], words["email"], words["organisation"]]
    for index, module in enumerate(matrix.modules):
        title = module.title(locale)
        lessons = words["lessons_done"].format(module=title)
        if matrix.rows:  # the matrix knows lesson counts only through its cells
            lessons = words["lessons"].format(module=title, total=matrix.rows[0].cells[index].lessons_total)
        headers += [
            lessons,
            words["best"].format(module=title),
            words["passed"].format(module=title),
        ]
    headers.append(words["last_activity"])
    if attendance is not None:
        headers.append(words["sessions_attended"].format(total=attendance.sessions))
    if holders is not None:
        headers += [words["certificate_code"], words["certificate_date"]]

    table = Table(title=words["matrix_title"].format(cohort=matrix.cohort.name), headers=headers)
    for row in matrix.rows:
        cells: list[CellValue] = [row.user.name, row.user.email, row.user.organisation]
        for cell in row.cells:
            passed = (words["yes"] if cell.passed else words["no"]) if cell.has_quiz else ""
            cells += [cell.lessons_done, cell.best_percent, passed]
        cells.append(utc_iso(row.last_activity))
        if attendance is not None:
            cells.append(attendance.present.get(row.user.id, 0))
        if holders is not None:
            holder = holders.get(row.user.id)
            cells += [holder.code, holder.issued_on.isoformat()] if holder else ["", ""]
        table.rows.append(cells)

    totals: list[CellValue] = [words["totals"].format(count=len(matrix.rows)), "", ""]
    for index, module_totals in enumerate(matrix.totals):
        cells_of_module = [row.cells[index] for row in matrix.rows]
        totals += [
            sum(1 for c in cells_of_module if c.lessons_total and c.lessons_done >= c.lessons_total),
            module_totals.mean_best,
            sum(1 for c in cells_of_module if c.passed),
        ]
    totals.append("")
    members = {row.user.id for row in matrix.rows}
    if attendance is not None:
        totals.append(sum(n for user_id, n in attendance.present.items() if user_id in members))
    if holders is not None:
        totals += [sum(1 for user_id in holders if user_id in members), ""]
    table.rows.append(totals)
    return table


def attempts_table(cohort: Cohort, locale: str) -> Table:
    """Every quiz attempt (pre-test and final) of every member on the cohort's assigned modules.

    One column per question, with the answer in words as the attempt's snapshot recorded it;
    empty when the attempt did not show that question (a pre-test shows a subset). Five queries
    whatever the number of trainees and attempts.
    """
    words = _words(locale)
    modules = list_modules(cohort)
    members = list_members(cohort)
    quizzes: list[Quiz] = []
    questions: list[Question] = []
    attempts: list[QuizAttempt] = []
    if modules and members:
        quizzes = list(db.session.scalars(select(Quiz).where(Quiz.module_id.in_([m.id for m in modules]))))
    if quizzes:
        quiz_ids = [q.id for q in quizzes]
        member_ids = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort.id).scalar_subquery()
        questions = list(
            db.session.scalars(
                select(Question)
                .where(Question.quiz_id.in_(quiz_ids))
                .order_by(Question.position, Question.id)
            )
        )
        attempts = list(
            db.session.scalars(
                select(QuizAttempt).where(
                    QuizAttempt.quiz_id.in_(quiz_ids), QuizAttempt.user_id.in_(member_ids)
                )
            )
        )

    module_of_quiz = {q.id: next(m for m in modules if m.id == q.module_id) for q in quizzes}
    rank = {q.id: modules.index(module_of_quiz[q.id]) for q in quizzes}  # module order
    # Active questions in module and question order; keys only found in older attempts go last.
    where = {(q.quiz_id, q.key): (not q.active, rank[q.quiz_id], q.position) for q in questions}
    keys = {(q.quiz_id, q.key) for q in questions if q.active}
    keys |= {(a.quiz_id, key) for a in attempts for key in a.question_keys}
    columns = sorted(keys, key=lambda c: (*where.get(c, (True, rank[c[0]], 10**6)), c[1]))

    names = ("trainee", "email", "module", "kind", "attempt", "submitted_at", "correct", "total", "percent")
    headers = [words[name] for name in (*names, "passed_quiz")] + [key for _, key in columns]
    table = Table(title=words["attempts_title"].format(cohort=cohort.name), headers=headers)
    users = {u.id: u for u in members}
    member_rank = {u.id: i for i, u in enumerate(members)}
    kind_rank = {QuizAttempt.PRETEST: 0, QuizAttempt.FINAL: 1}

    def order(a: QuizAttempt) -> tuple[int, int, int, int]:
        return (member_rank[a.user_id], rank[a.quiz_id], kind_rank.get(a.kind, 2), a.number)

    for attempt in sorted(attempts, key=order):
        user = users[attempt.user_id]
        passed = words["yes"] if attempt.passed else words["no"]
        if attempt.kind != QuizAttempt.FINAL:
            passed = ""  # a pre-test has no pass mark
        cells: list[CellValue] = [
            user.name,
            user.email,
            module_of_quiz[attempt.quiz_id].title(locale),
            words.get(attempt.kind, attempt.kind),
            attempt.number,
            utc_iso(attempt.submitted_at),
            attempt.correct,
            attempt.total,
            attempt.percent,
            passed,
        ]
        shown = set(attempt.question_keys)
        for quiz_id, key in columns:
            cells.append(
                _answer(attempt, key, locale, words) if quiz_id == attempt.quiz_id and key in shown else ""
            )
        table.rows.append(cells)
    return table


def _answer(attempt: QuizAttempt, key: str, locale: str, words: dict[str, str]) -> str:
    """The answer in words, with the letter the trainee saw next to each option chosen; a
    pre-test question left as "don't know" says so."""
    snap = attempt.snapshot.get(key, {})
    response = attempt.answers.get(key)
    try:
        get_question_type(snap.get("type", "single"))
    except KeyError:  # a type retired since the attempt: show the raw answer
        return "" if response is None else str(response)
    if response is None:
        return words["dont_know"] if attempt.kind == QuizAttempt.PRETEST else ""
    return summarise_answer(attempt, key, locale)


def item_table(items: Iterable[ItemStats], locale: str) -> Table:
    """The item analysis (`evaluation.item_analysis(cohort)`), one row per question: facility and
    discrimination as decimals (2 places), the wrong answer chosen most and how often, flags in words,
    and how many pre-tests answered the question "don't know" (last column)."""
    words = _words(locale)
    flag_words = FLAGS["zh" if locale == "zh" else "en"]
    names = ("module", "key", "essential", "text", "n", "correct_count", "facility", "discrimination")
    headers = [words[name] for name in (*names, "wrong_option", "wrong_count", "flags", "pretest_dont_know")]
    table = Table(title=words["items_title"], headers=headers)
    for item in items:
        wrong = item.most_wrong
        table.rows.append(
            [
                item.module.title(locale),
                item.key,
                item.essential,
                pick(item.text_en, item.text_zh, locale),
                item.n,
                item.correct,
                _rounded(item.facility),
                _rounded(item.discrimination),
                pick(wrong.text_en, wrong.text_zh, locale) if wrong else "",
                wrong.count if wrong else None,
                "; ".join(flag_words.get(flag, flag) for flag in item.flags),
                item.dont_know,
            ]
        )
    return table


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
