"""Chinese pages read as Chinese: no space after a full-width 。，；：！？、 (neither in the catalog nor
where a template joins a translated sentence to the next one), interface words in Chinese while
names people typed stay as typed, and labels that say what they mean."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from tests import factories
from training.config import ROOT
from training.models import Role

CATALOG = ROOT / "training" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
# A full-width mark followed by a space and more text on the same line (a spaced separator such
# as " · " or " | " between items is not a stray space).
STRAY_SPACE = re.compile(r"[。，；：！？、][ \u00a0]+(?=[^\s·|/—–-])")
BLOCKS = {
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "legend", "li", "main", "nav", "ol", "option", "p", "section", "select", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul", "button", "label", "textarea",
}  # fmt: skip


class _Lines(HTMLParser):
    """The visible text of a page, one line per block (where a browser starts a new line)."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = [""]
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag in BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag in BLOCKS:
            self.lines.append("")

    def handle_data(self, data):
        if not self._skip:
            self.lines[-1] += data


def stray_spaces(html: str) -> list[str]:
    parser = _Lines()
    parser.feed(html)
    found = []
    for line in parser.lines:
        text = " ".join(line.split())
        if STRAY_SPACE.search(text):
            found.append(text)
    return found


def test_the_chinese_catalog_has_no_space_after_full_width_punctuation():
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    bad = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        bad += [s for s in strings if s and STRAY_SPACE.search(s)]
    assert bad == []


def test_the_checker_sees_a_stray_space_and_not_a_line_break():
    assert stray_spaces("<p>你好。 <a href='#'>下一步</a></p>") == ["你好。 下一步"]
    assert stray_spaces("<p>你好。</p>\n<p>下一步</p>") == []
    assert stray_spaces("<p>Hello. <a href='#'>Next</a></p>") == []


@pytest.fixture
def zh(client):
    client.post("/language", data={"lang": "zh", "next": "/"})
    return client


def _report(problems: dict[str, list[str]]) -> str:
    return "a space after full-width punctuation:\n" + "\n".join(
        f"{path}: {line}" for path, lines in problems.items() for line in sorted(set(lines))
    )


def _pages(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        yield path, response.get_data(as_text=True)


def test_chinese_pages_of_a_trainee_have_no_stray_spaces(client, login, db_session):
    cohort = factories.cohort(name="Chengdu workshop 2026")
    trainee = factories.member(cohort, locale="zh")
    login(trainee)
    client.post("/language", data={"lang": "zh", "next": "/"})
    city = trainee.city_id
    paths = [
        "/learn/",
        "/learn/my",
        "/learn/start",
        "/learn/climate-adaptation/",
        "/learn/climate-adaptation/01-urban-climate-risks",
        "/learn/glossary/",
        "/case-studies/",
        f"/scorecard/city/{city}/",
        f"/scorecard/city/{city}/results",
        "/cohorts/join",
        "/auth/profile",
    ]
    problems = {path: found for path, html in _pages(client, paths) if (found := stray_spaces(html))}
    assert not problems, _report(problems)


def test_chinese_pages_of_a_trainer_and_an_admin_have_no_stray_spaces(client, login, db_session):
    trainer = factories.user(Role.TRAINER, locale="zh")
    cohort = factories.cohort(trainer)
    factories.member(cohort)
    login(trainer)
    client.post("/language", data={"lang": "zh", "next": "/"})
    paths = ["/cohorts/", f"/cohorts/{cohort.id}/", f"/cohorts/{cohort.id}/evaluation"]
    problems = {path: found for path, html in _pages(client, paths) if (found := stray_spaces(html))}
    login(factories.user(Role.ADMIN, city_name=None))
    client.post("/language", data={"lang": "zh", "next": "/"})
    admin_pages = _pages(client, ["/admin/users"])
    problems |= {path: found for path, html in admin_pages if (found := stray_spaces(html))}
    assert not problems, _report(problems)


def test_the_answers_column_and_a_cohort_name_on_a_chinese_page(client, login, db_session):
    """The item-analysis column counts who answered (作答人数); "Answers" alone is never that."""
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer, name="Chengdu delegation")
    login(trainer)
    client.post("/language", data={"lang": "zh", "next": "/"})
    html = client.get(f"/cohorts/{cohort.id}/evaluation").get_data(as_text=True)
    assert "Chengdu delegation" in html  # a name someone typed stays as typed
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    answers = catalog.get("Answers")  # gone from the interface, or at least not this
    assert answers is None or answers.string != "作答人数"
    assert catalog.get("Answered by").string == "作答人数"


def test_chinese_pages_before_logging_in_have_no_stray_spaces(zh):
    """Registration (the password hint, "Already registered? Log in"), log-in and the search
    page's examples and "Or browse" links."""
    paths = ["/auth/register", "/auth/login", "/search", "/search?q=zzzzqq"]
    problems = {path: found for path, html in _pages(zh, paths) if (found := stray_spaces(html))}
    assert not problems, _report(problems)


def test_chinese_quiz_and_notification_pages_have_no_stray_spaces(client, login, db_session):
    """The pre-test's two opening sentences, the quiz's pass mark and attempt number (also when
    it comes back with a blank question), and the notifications' hint and email-choices link."""
    trainee = factories.member(factories.cohort(), locale="zh")
    login(trainee)
    paths = ["/quizzes/climate-adaptation/pretest", "/quizzes/climate-adaptation/final", "/notifications/"]
    problems = {path: found for path, html in _pages(client, paths) if (found := stray_spaces(html))}
    blank = client.post("/quizzes/climate-adaptation/final", data={})
    assert blank.status_code == 422
    if found := stray_spaces(blank.get_data(as_text=True)):
        problems["/quizzes/climate-adaptation/final (sent blank)"] = found
    assert not problems, _report(problems)


def test_english_pages_keep_the_space_between_sentences(client, login, db_session):
    response = client.get("/auth/register").get_data(as_text=True)
    assert "At least 10 characters. Common or easily guessed" in response
    assert "Already registered? <a" in response
    assert 'Try: <a href="/search?q=early+warning">' in client.get("/search").get_data(as_text=True)
    trainee = factories.member(factories.cohort(), locale="en")
    login(trainee)
    html = " ".join(client.get("/quizzes/climate-adaptation/final").get_data(as_text=True).split())
    assert "Pass mark: 70%. This is attempt 1 of 3." in html


def test_a_cohort_has_one_chinese_name_in_the_catalog():
    """A trainee reads 我的培训班 and, next to it, "Leave this cohort": one word for a cohort
    (培训班), not 学员组 or 班级 on some pages."""
    with CATALOG.open("rb") as f:
        catalog = read_po(f)
    others = []
    for message in catalog:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        others += [s for s in strings if s and ("学员组" in s or "班级" in s)]
    assert others == []


def test_the_chinese_pretest_result_names_lessons_as_lessons_and_its_percent_in_full_width_brackets(
    client, login, db_session
):
    """A lesson is 课时 on every page (课程 reads as "course", and the modules are 课程模块)."""
    login(factories.member(factories.cohort(), locale="zh"))
    result = client.post("/quizzes/climate-adaptation/pretest", data={}, follow_redirects=True)
    html = result.get_data(as_text=True)
    assert "按课时看您已掌握的内容" in html and '<th scope="col">课时</th>' in html
    assert "（0%）" in html and "(0%)" not in html
