"""Evaluation, exports and certificates through the web."""

from __future__ import annotations

import io
import re

import openpyxl

from tests import factories
from tests.quiz_forms import form_value
from tests.services.test_learning import _right
from training.extensions import db
from training.models import QuizAttempt, Role
from training.services import certificates, learning, quizzes


def _wrong(q):
    if q.type == "true_false":
        return not q.body["answer"]
    wrong = [o["id"] for o in q.body["options"] if not o["correct"]]
    return wrong[0] if q.type == "single" else wrong[:1]


def _complete_module(user):
    """A pre-test with two right answers, every lesson, then a perfect final quiz."""
    module, quiz = factories.adaptation()
    drawn = quizzes.list_questions(quiz, QuizAttempt.PRETEST, user)
    pre = {q.key: (_right(q) if i < 2 else _wrong(q)) for i, q in enumerate(drawn)}
    quizzes.submit_attempt(user, quiz, QuizAttempt.PRETEST, drawn, pre)
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(user, lesson)
    questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, user)
    return quizzes.submit_attempt(
        user, quiz, QuizAttempt.FINAL, questions, {q.key: _right(q) for q in questions}
    )


def test_evaluation_page_shows_gain_and_items(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    _complete_module(factories.member(cohort, name="Graduate"))
    login(trainer)
    html = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    assert "Knowledge gain" in html and "Item analysis" in html
    assert "100%" in html  # the final quiz mean
    assert "too few answers" in html  # one trainee is not enough to judge a question
    assert '<svg viewBox="0 0 100 100"' in html


def test_the_mean_gain_says_its_unit(client, login):
    """Percentage points, as the means beside it are percentages: "+60 points", "+60 个百分点",
    not a bare "+60" (found by the trainer review)."""
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    graduate = factories.member(cohort, name="Graduate")
    _complete_module(graduate)
    _module, quiz = factories.adaptation()
    (pre,) = [a for a in quizzes.list_attempts(graduate, quiz) if a.kind == QuizAttempt.PRETEST]
    gain = 100 - 100 * pre.correct / pre.total  # a perfect final quiz, minus the pre-test
    expected = f"{gain:+.0f}"
    login(trainer)
    html = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    row = html[html.index('id="gain-modules"') :]
    assert f'<td class="nowrap">{expected} points</td>' in row
    trainer.locale = "zh"
    db.session.commit()
    html = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    assert f"{expected} 个百分点" in html


def _pretest_and_final(user, slug):
    """A pre-test with one right answer, then a perfect final quiz, on the module `slug`."""
    from sqlalchemy import select

    from training.extensions import db
    from training.models import Module, Quiz

    module = db.session.scalar(select(Module).where(Module.slug == slug))
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    drawn = quizzes.list_questions(quiz, QuizAttempt.PRETEST, user)
    pre = {q.key: (_right(q) if i < 1 else _wrong(q)) for i, q in enumerate(drawn)}
    quizzes.submit_attempt(user, quiz, QuizAttempt.PRETEST, drawn, pre)
    questions = quizzes.list_questions(quiz, QuizAttempt.FINAL, user)
    quizzes.submit_attempt(user, quiz, QuizAttempt.FINAL, questions, {q.key: _right(q) for q in questions})
    return module


def test_the_all_modules_row_counts_trainees_not_trainee_module_pairs(client, login):
    """Two trainees who each took both tests of two modules: the cohort-wide row says 2 trainees
    (under "Trainees with both tests"), not 4 — the cohort has only two."""
    trainer = factories.user(Role.TRAINER)
    modules = [factories.adaptation()[0]]
    cohort = factories.cohort(trainer)
    first, second = factories.member(cohort, name="First"), factories.member(cohort, name="Second")
    for user in (first, second):
        _pretest_and_final(user, "climate-adaptation")
        other = _pretest_and_final(user, "climate-finance")
    modules.append(other)
    from training.services import cohorts

    cohorts.update_cohort(
        cohort,
        cohorts.CohortValues(cohort.name, cohort.city, None, None, [m.id for m in modules], [trainer.id]),
        trainer,
    )
    login(trainer)
    html = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    table = html[html.index('id="gain-modules"') :]
    table = table[: table.index("</table>")]
    overall = table[table.index("All modules") :]
    cells = re.findall(r"<td>(.*?)</td>", overall, re.S)
    assert cells[0] == "2"  # trainees, as in each module's row
    assert cells[-1] == "—"  # the repeats are counted per module, in the rows above
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(\d+)</td>', table, re.S)
    assert [n for _label, n in rows] == ["2", "2", "2"]


def test_exports_are_real_files_with_only_the_cohort(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    member = factories.member(cohort, name="王芳", organisation="=cmd|' /C calc'!A0")
    outsider = factories.user(name="Not In Cohort")
    _complete_module(member)
    _complete_module(outsider)
    login(trainer)
    csv_response = client.get(f"/cohorts/{cohort.id}/export/matrix.csv")
    assert csv_response.mimetype == "text/csv"
    assert "attachment;" in csv_response.headers["Content-Disposition"]
    body = csv_response.data
    assert body.startswith(b"\xef\xbb\xbf")
    text = body.decode("utf-8-sig")
    assert "王芳" in text and "Not In Cohort" not in text
    assert "'=cmd" in text  # neutralised against formula injection
    xlsx = client.get(f"/cohorts/{cohort.id}/export/attempts.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert any("王芳" in str(v) for row in values for v in row)
    assert not any("Not In Cohort" in str(v) for row in values for v in row)
    items = client.get(f"/cohorts/{cohort.id}/export/items.csv")
    assert items.status_code == 200 and items.data.startswith(b"\xef\xbb\xbf")
    assert client.get(f"/cohorts/{cohort.id}/export/secrets.csv").status_code == 404


def test_a_long_cohort_name_leaves_each_download_its_table_name(client, login):
    """A real workshop name is long: the file names still tell the three tables apart."""
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer, name="Chengdu delegation — climate resilience workshop, Dec 2026")
    login(trainer)
    for table in ("matrix", "attempts", "items"):
        disposition = client.get(f"/cohorts/{cohort.id}/export/{table}.csv").headers["Content-Disposition"]
        name = rf'attachment; filename="{table}-chengdu-delegation-[a-z0-9-]+\.csv"'
        assert re.fullmatch(name, disposition), disposition


def test_certificate_is_issued_on_completion_and_verifiable_by_anyone(client, login, app):
    cohort = factories.cohort()
    trainee = factories.member(cohort, name="Zhang Wei")
    login(trainee)
    module, quiz = factories.adaptation()
    for lesson in learning.list_lessons(module):
        client.post(f"/learn/{module.slug}/{lesson.slug}/done")
    assert certificates.list_certificates(trainee) == []
    layout = quizzes.plan_attempt(trainee, quiz, "final")
    data = {f"q-{q.key}": form_value(q, _right(q), layout) for q in layout.questions}
    response = client.post(f"/quizzes/{module.slug}/final", data=data, follow_redirects=True)
    assert "you have earned a certificate" in response.get_data(as_text=True)
    (certificate,) = certificates.list_certificates(trainee)
    code = certificates.format_code(certificate.code)
    assert code in client.get("/learn/my").get_data(as_text=True)
    client.post("/auth/logout")
    page = client.get(f"/certificates/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Zhang Wei" in html and "结业证书" in html and "<svg" in html
    assert trainee.email not in html and "Chengdu" in html
    assert client.get(f"/certificates/{certificate.code.lower()}").status_code == 301
    assert client.get("/certificates/AAAA-BBBB-CCCC").status_code == 404
