"""Steps of the browser journeys, shared by the e2e tests: content read from the files the app
loads, the interface text as the catalogs translate it, and what a person does (register, log
in and out, answer a quiz or the scorecard) with what they should then see."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

import yaml
from playwright.sync_api import Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
MODULE = "climate-adaptation"
PASSWORD = "e2e-password-12345"
PHONE_WIDTH = 390  # the viewport of @pytest.mark.phone tests
CJK_TEXT = re.compile(r"[\u4e00-\u9fff]")  # "contains Chinese characters", for expect(...)


# --- content read from the files the app loads --------------------------------------------


def _quiz() -> dict:
    return yaml.safe_load((ROOT / "quizzes" / f"{MODULE}.yaml").read_text(encoding="utf-8"))


def correct_answers() -> dict[str, list[str]]:
    """Question id -> the input values that answer it correctly."""
    answers = {}
    for q in _quiz()["questions"]:
        if q["type"] == "true_false":
            answers[q["id"]] = ["true" if q["answer"] else "false"]
        else:
            answers[q["id"]] = [o["id"] for o in q["options"] if o.get("correct")]
    return answers


def module_meta() -> dict:
    return yaml.safe_load((ROOT / "modules" / MODULE / "module.yaml").read_text(encoding="utf-8"))


def lesson_titles(lang: str) -> dict[str, str]:
    """Lesson slug -> title in `lang`, from the lesson files' front matter."""
    titles = {}
    for path in sorted((ROOT / "modules" / MODULE).glob(f"*.{lang}.md")):
        front = path.read_text(encoding="utf-8").split("---", 2)[1]
        titles[path.name[: -len(f".{lang}.md")]] = yaml.safe_load(front)["title"]
    return titles


# --- interface text, as the catalogs translate it --------------------------------------------


@dataclass(frozen=True)
class UI:
    lang: str
    html_lang: str
    mark_done_continue: str
    mark_done_quiz: str
    passed: str
    apply: str
    complete: str
    question_n: str  # "Question %d"
    results_title: str  # "Scorecard results: %s"


EN = UI(
    lang="en",
    html_lang="en",
    mark_done_continue="Mark as done and continue",
    mark_done_quiz="Mark as done and go to the quiz",
    passed="Passed.",
    apply="Apply to your city",
    complete="Complete",
    question_n="Question {n}",
    results_title="Scorecard results: {city}",
)
ZH = UI(
    lang="zh",
    html_lang="zh-Hans",
    mark_done_continue="标记为学完并继续",
    mark_done_quiz="标记为学完并前往测验",
    passed="已及格。",
    apply="应用到本市",
    complete="已完成",
    question_n="第{n}题",
    results_title="记分卡结果：{city}",
)


# --- steps ------------------------------------------------------------------------------------


def unique_email(tag: str) -> str:
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.org"


def trainer_of_a_cohort(city, trainer_name: str, cohort_name: str, starts_on=None, ends_on=None):
    """In an app context: an admin, and a trainer the admin assigned to `city`, with a cohort of
    theirs in that city on the climate-adaptation module. Returns (admin, trainer, module, cohort)."""
    from training.models import Role
    from training.services import accounts, cohorts, learning, trainer_cities

    admin = accounts.register_user(
        name="Admin Ai", email=unique_email("admin"), password=PASSWORD, city=None, role=Role.ADMIN
    )
    trainer = accounts.register_user(
        name=trainer_name, email=unique_email("trainer"), password=PASSWORD, city=None, role=Role.TRAINER
    )
    trainer_cities.assign_trainer_city(trainer, city, admin)
    module = learning.get_module("climate-adaptation")
    values = cohorts.CohortValues(cohort_name, city, starts_on, ends_on, [module.id], [trainer.id])
    return admin, trainer, module, cohorts.create_cohort(trainer, values)


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SIZES = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def shoot_at_both_sizes(page: Page, name: str) -> None:
    """Screenshots of the whole page at phone and desktop width (test-artifacts/screenshots/
    <name>-phone.png, …), checking that nothing sticks out sideways on a phone; ends at desktop."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"), full_page=True)
    page.set_viewport_size(SIZES["phone"])
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than a phone"
    page.set_viewport_size(SIZES["desktop"])


def switch_language(page: Page, lang: str) -> None:
    """Switch with the header's button, unless the page speaks `lang` already."""
    button = page.locator(f'header button[name="lang"][value="{lang}"]')
    if button.count():
        button.click()


def register(page: Page, *, name: str, email: str, city: str, lang: str) -> str:
    """Register through the form, from the home page. Returns the chosen city's id."""
    page.goto("/")
    page.locator('main a[href="/auth/register"]').click()
    expect(page).to_have_url(re.compile(r"/auth/register$"))
    form = page.locator("main form")
    # CSRF is on for these tests: the form carries a real token.
    expect(form.locator('input[name="csrf_token"]')).to_have_value(re.compile(r".{20,}"))
    form.locator('input[name="name"]').fill(name)
    form.locator('input[name="email"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('input[name="confirm"]').fill(PASSWORD)
    options = form.locator('select[name="city"] option')
    labels = options.all_inner_texts()
    index = next(i for i, text in enumerate(labels) if text.strip().startswith(city))
    city_id = options.nth(index).get_attribute("value")
    assert city_id and city_id != "0"
    form.locator('select[name="city"]').select_option(value=city_id)
    form.locator('select[name="locale"]').select_option(value=lang)
    form.locator('button[type="submit"]').click()
    confirm_email(page, email)
    expect(page).to_have_url(re.compile(r"/learn/start$"))  # the guided start, which lists the modules
    expect(page.locator(f'main a[href="/learn/{MODULE}/"]').first).to_be_visible()
    return city_id


def confirm_email(page: Page, email: str) -> None:
    """After the registration form: the "check your email" page, then the link of the email
    (read from the live app's captured mail) and its "Create my account" button."""
    from tests.conftest import confirmation_path
    from tests.e2e.conftest import LIVE

    expect(page).to_have_url(re.compile(r"/auth/register(\?.*)?$"))
    expect(page.locator("main")).to_contain_text(email.lower())
    path = confirmation_path(LIVE["app"], email)
    assert path, f"no confirmation email to {email}"
    page.goto(path)
    page.locator('main form button[type="submit"]').click()


def vouch(app, email: str, city_id: str) -> None:
    """The city on a profile opens no scorecard: an administrator makes the new trainee a member
    of their city's delegation (as the city's lead or trainer would on the scorecard page)."""
    from training.extensions import db
    from training.models import Role
    from training.services import accounts, cities, city_access

    with app.app_context():
        admin = accounts.get_user_by_email("journeys-admin@example.org") or accounts.register_user(
            name="Admin Journeys",
            email="journeys-admin@example.org",
            password=PASSWORD,
            city=None,
            role=Role.ADMIN,
        )
        user = accounts.get_user_by_email(email)
        city_access.grant_membership(cities.get_city(int(city_id)), user, admin, "admin")
        db.session.remove()


def log_out(page: Page) -> None:
    click_log_out(page)
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))  # the home page
    expect(page.locator('header a[href="/auth/login"]')).to_be_attached()  # in the Menu on a phone


def click_log_out(page: Page) -> None:
    """Log out from the header: the button sits in the Account menu (desktop) or the Menu (phone)."""
    # The page a click just asked for must be there, styled, before we look at what is visible
    # (while it loads, the Menu's summary is briefly visible at desktop width too).
    page.wait_for_load_state("load")
    button = page.locator('header form[action="/auth/logout"] button[type="submit"]')
    if not button.is_visible():
        # The phone Menu folds the header below 70rem (static/css/academy.css); above, the
        # Account menu holds the button. Chosen by width, not by a visibility read mid-load.
        narrow = (page.viewport_size or {"width": 1280})["width"] < 70 * 16
        menu = "header details.nav-menu > summary" if narrow else "header details.account-menu > summary"
        page.locator(menu).click()  # on a phone the Account links are open inside the Menu
    button.click()


def submit(page: Page, button: Locator) -> None:
    """Click a button that posts a form and wait until the page it leads to has loaded. A goto or
    a reload straight after the click can cut the post off mid-flight ("Not attached to an active
    page"), or run before the post is stored."""
    with page.expect_navigation():
        button.click()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    form = page.locator("main form")
    form.locator('input[name="email"]').fill(email)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()


def quiz_questions(page: Page) -> list[str]:
    """The question ids shown on the quiz page, in order."""
    fieldsets = page.locator("form.quiz fieldset.question")
    ids = [fieldsets.nth(i).get_attribute("id") for i in range(fieldsets.count())]
    assert ids and all(i and i.startswith("q-") for i in ids), ids
    return [i[2:] for i in ids]


def _words(text: str) -> str:
    return " ".join(text.split())


def displayed_options(page: Page, key: str) -> list[tuple[str, str]]:
    """(posted value, option id) of question `key` in the order the form shows them. The form
    posts the letter shown next to an option (option ids would give the key away, so the page
    has none): the id is found from the option's text, read from the page."""
    by_text: dict[str, str] = {}
    for q in _quiz()["questions"]:
        if q["id"] == key:
            by_text = {_words(t): o["id"] for o in q.get("options", []) for t in o["text"].values()}
    labels = page.locator(f'form.quiz fieldset[id="q-{key}"] label.choice:not(.dont-know)')
    shown = []
    for i in range(labels.count()):
        label = labels.nth(i)
        value = label.locator("input").get_attribute("value")
        text = _words(re.sub(r"^[A-Z]\.\s*", "", label.inner_text().strip()))
        shown.append((value, by_text.get(text, value)))  # true/false: the value is the answer
    return shown


def answer(page: Page, key: str, values: list[str]) -> None:
    """Check exactly `values` (option ids, or true/false) for question `key` (others unchecked)."""
    value_of = {oid: value for value, oid in displayed_options(page, key)}
    for oid in values:
        page.locator(f'form.quiz input[name="q-{key}"][value="{value_of[oid]}"]').check()
    for oid in set(checked_answers(page).get(key, [])) - set(values):
        page.locator(f'form.quiz input[name="q-{key}"][value="{value_of[oid]}"]').uncheck()


def checked_answers(page: Page) -> dict[str, list[str]]:
    """Question id -> the checked option ids (or true/false), sorted (the form shows options in a
    per-attempt order)."""
    checked: dict[str, list[str]] = {}
    boxes = page.locator("form.quiz input:checked")
    ids: dict[str, dict[str, str]] = {}
    for i in range(boxes.count()):
        box = boxes.nth(i)
        key = box.get_attribute("name")[2:]
        if key not in ids:
            ids[key] = dict(displayed_options(page, key))
        value = box.get_attribute("value")
        checked.setdefault(key, []).append(ids[key].get(value, value))
    return {key: sorted(values) for key, values in checked.items()}


def submit_quiz(page: Page) -> None:
    page.locator('form.quiz button[type="submit"]').click()


def take_pretest(page: Page) -> None:
    """From the module page: the optional pre-test, first option of every question."""
    page.locator(f'main a[href="/quizzes/{MODULE}/pretest"]').click()
    expect(page).to_have_url(re.compile(rf"/quizzes/{MODULE}/pretest$"))
    fieldsets = page.locator("form.quiz fieldset.question")
    count = fieldsets.count()
    assert count == _quiz()["pretest_questions"]
    for i in range(count):
        fieldsets.nth(i).locator("input").first.check()
    submit_quiz(page)
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+$"))
    expect(page.locator(".result-summary .big-number")).to_have_text(re.compile(rf"^\d+ / {count}\b"))
    page.locator(f'main .actions a[href="/learn/{MODULE}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/learn/{MODULE}/$"))


def read_all_lessons(page: Page, ui: UI) -> None:
    """From the module page: open the first lesson and mark every lesson done, in order."""
    titles = lesson_titles(ui.lang)
    page.locator("main ol.lesson-list a").first.click()
    for number in range(1, len(titles) + 1):
        slug = page.url.rstrip("/").rsplit("/", 1)[-1]
        expect(page).to_have_url(re.compile(rf"/learn/{MODULE}/{re.escape(slug)}$"))
        expect(page.locator("main h1")).to_have_text(titles[slug])  # content in this language
        expect(page.locator("main .prose")).not_to_be_empty()
        expect(page.locator('main p.notice[role="note"]')).to_have_count(0)  # no fallback notice
        last = number == len(titles)
        button = page.get_by_role("button", name=ui.mark_done_quiz if last else ui.mark_done_continue)
        expect(button).to_be_visible()
        button.click()
    expect(page).to_have_url(re.compile(rf"/learn/{MODULE}/#quiz$"))


def pass_final_quiz(page: Page, ui: UI, console, *, blank_first: bool = True) -> None:
    """From the module page: the final quiz, answered correctly (first with one blank)."""
    page.locator(f'main a[href="/quizzes/{MODULE}/final"]').click()
    expect(page).to_have_url(re.compile(rf"/quizzes/{MODULE}/final$"))
    answers = correct_answers()
    keys = quiz_questions(page)
    assert set(keys) <= set(answers), "the page shows questions the YAML does not have"
    if blank_first:
        blank = 2  # the third question stays blank
        for i, key in enumerate(keys):
            if i != blank:
                answer(page, key, answers[key])
        # The refused submission is a 422 page; Chromium logs that as a console error.
        console.allow(rf"status of 422 .*/quizzes/{MODULE}/final")
        submit_quiz(page)
        summary = page.get_by_role("alert")
        expect(summary).to_be_visible()
        expect(summary.locator("a")).to_have_count(1)
        expect(summary.locator("a")).to_have_attribute("href", f"#q-{keys[blank]}")
        expect(summary.locator("a")).to_have_text(ui.question_n.format(n=blank + 1))
        expect(page.locator(f'fieldset[id="q-{keys[blank]}"]')).to_have_class(re.compile(r"\bhas-error\b"))
        # Every other answer is still checked, and only those.
        assert checked_answers(page) == {k: sorted(answers[k]) for i, k in enumerate(keys) if i != blank}
    for key in keys:
        answer(page, key, answers[key])
    submit_quiz(page)
    expect(page).to_have_url(re.compile(r"/quizzes/attempts/\d+$"))
    summary = page.locator(".result-summary")
    expect(summary).to_have_class(re.compile(r"\bpass\b"))
    percent = "（100%）" if ui.lang == "zh" else " (100%)"  # the page's brackets
    score = re.compile(rf"^{len(keys)} / {len(keys)}{re.escape(percent)}")
    expect(summary.locator(".big-number")).to_have_text(score)
    expect(summary).to_contain_text(ui.passed)


def apply_to_city(page: Page, ui: UI, city_id: str) -> list[str]:
    """From the quiz result: 'Apply to your city'. Returns the scorecard question ids shown."""
    page.get_by_role("link", name=ui.apply, exact=True).first.click()  # in the summary and at the end
    expect(page).to_have_url(re.compile(rf"/scorecard/city/{city_id}/module/{MODULE}$"))
    sections = page.locator("main section.sc-question")
    qids = [sections.nth(i).get_attribute("id") for i in range(sections.count())]
    assert qids == module_meta()["scorecard_questions"]
    return qids


def answer_scorecard(page: Page, qids: list[str], scores: list[int], comment: str) -> None:
    for qid, score in zip(qids, scores):
        page.locator(f'input[name="{qid}-score"][value="{score}"]').check()
    first = page.locator(f'section[id="{qids[0]}"]')
    first.locator("details > summary").click()
    first.locator(f'textarea[name="{qids[0]}-comments"]').fill(comment)


def expect_results(page: Page, ui: UI, city_id: str, city_name: str, total: int) -> None:
    expect(page).to_have_url(re.compile(rf"/scorecard/city/{city_id}/results$"))
    expect(page.locator("main h1")).to_have_text(ui.results_title.format(city=city_name))
    expect(page.locator("#total-score")).to_have_text(f"{total} / 141")
    radar = page.locator("main svg.radar")
    expect(radar).to_be_visible()
    expect(radar.locator("> title")).not_to_be_empty()
    expect(radar.locator("polygon.shape")).to_have_count(1)


def expect_module_complete(page: Page, ui: UI) -> None:
    page.locator('header a.brand[href="/learn/my"]').click()
    expect(page).to_have_url(re.compile(r"/learn/my$"))
    card = page.locator("main article.card").filter(has=page.locator(f'a[href="/learn/{MODULE}/"]'))
    expect(card).to_have_count(1)
    expect(card.locator("strong.ok")).to_have_text(ui.complete)
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("html")).to_have_attribute("lang", ui.html_lang)
