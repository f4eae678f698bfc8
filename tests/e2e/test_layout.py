"""The first hour on a phone (375 px) and a desktop (1280 px), in English and Chinese, for every
role: each role's home, a lesson with a table, the scorecard results and the progress matrix.

What must hold: the header, with its search box, is one line on a desktop and compact on a phone
(its menu, search box included, folds into a button that opens without JavaScript); no page
scrolls sideways; an English table cell never breaks inside a word; the radar names every
Essential; the matrix of six modules fits a desktop.
Screenshots of every page × width × language are kept in test-artifacts/layout/ (git-ignored)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import PASSWORD
from tests.e2e.world import ARTIFACTS, CITY, LANGS, get_world, log_in_as

SHOTS = ARTIFACTS / "layout"
WIDTHS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}
# One line of header: the brand, the links and the tools at 1280 px; on a phone the brand (which
# may take two lines), the Menu button and the language switch.
HEADER_MAX = {"phone": 72, "desktop": 60}
LESSON_WITH_TABLE = "/learn/resilient-cities-mcr2030/01-what-makes-a-city-resilient"
SHORT_LABELS = {
    "en": ["1 Organise", "5 Natural buffers", "10 Recovery"],
    "zh": ["1 组织", "5 自然屏障", "10 恢复重建"],
}

# The visible lines of each axis label (its tspans), joined.
LABEL_LINES_JS = "els => els.map(el => [...el.querySelectorAll('tspan')].map(t => t.textContent).join(' '))"
# Words of English table cells drawn on two lines (a word's characters with more than one line box).
BROKEN_WORDS_JS = """() => {
    const broken = [];
    for (const cell of document.querySelectorAll("main .prose td, main .prose th")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const re = /[A-Za-z]{2,}/g;
            let match;
            while ((match = re.exec(node.data))) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (tops.size > 1) { broken.push(match[0]); }
            }
        }
    }
    return broken;
}"""


# Each visible item of the header row, in document order: [left, right, vertical middle].
HEADER_ITEMS_JS = """() => [...document.querySelectorAll(
    "header .brand, header .site-search input, header .site-search button, header nav.main-nav > ul > li,"
    + " header .lang-switch button"
)].filter(el => el.offsetParent !== null).map(el => {
    const r = el.getBoundingClientRect();
    return [r.left, r.right, Math.round(r.top + r.height / 2)];
})"""

_EXTRA: dict[int, dict] = {}


def _extra_people(app) -> dict:
    """An editor per language, and a cohort of the world's city with all six modules and three
    trainees of its own (the world's cohort has one module; its members stay as they are)."""
    from sqlalchemy import select

    from training.extensions import db
    from training.models import City, Module, Role
    from training.services import accounts, cohorts, learning

    world = get_world(app)  # first: it opens its own app context and session
    with app.app_context():
        if accounts.get_user_by_email("layout-editor-en@example.org") is None:
            for lang in LANGS:
                accounts.register_user(
                    name="Editor Ma" if lang == "en" else "马编辑",
                    email=f"layout-editor-{lang}@example.org",
                    password=PASSWORD,
                    city=None,
                    organisation="",
                    locale=lang,
                    role=Role.EDITOR,
                )
        city = db.session.scalar(select(City).where(City.name_en == CITY))
        if id(app) not in _EXTRA:
            trainers = [accounts.get_user_by_email(world.email("trainer", lang)) for lang in LANGS]
            trainer = trainers[0]
            modules = list(db.session.scalars(select(Module).where(Module.active).order_by(Module.position)))
            cohort = cohorts.create_cohort(
                trainer,
                cohorts.CohortValues(
                    name="Six modules",
                    city=city,
                    starts_on=date(2026, 9, 1),
                    ends_on=None,
                    module_ids=[m.id for m in modules],
                    trainer_ids=[t.id for t in trainers],
                ),
            )
            for i, name in enumerate(["Alexandra Konstantinopoulou-Whitfield", "欧阳晓明", "Li Wei"]):
                user = accounts.register_user(
                    name=name,
                    email=f"layout-trainee-{i}@example.org",
                    password=PASSWORD,
                    city=city,
                    organisation="Hangzhou Emergency Management Bureau",
                    locale="en",
                    role=Role.TRAINEE,
                )
                cohorts.add_member(cohort, user)
                for module in modules[: i + 2]:
                    for lesson in learning.list_lessons(module)[: i + 1]:
                        learning.record_lesson_done(user, lesson)
            _EXTRA[id(app)] = {"cohort_id": cohort.id}
        db.session.remove()
    return _EXTRA[id(app)]


@pytest.fixture(scope="module")
def people(live_app):
    return _extra_people(live_app)


def _email(world, role: str, lang: str) -> str:
    return f"layout-editor-{lang}@example.org" if role == "editor" else world.email(role, lang)


def _pages(world, people, role: str) -> dict[str, str]:
    pages = {"home": "/", "lesson with a table": LESSON_WITH_TABLE}
    if role in ("trainee", "trainer", "admin"):
        pages["results"] = f"/scorecard/city/{world.city_id}/results"
    if role in ("trainer", "admin"):
        pages["progress matrix"] = f"/cohorts/{people['cohort_id']}/"
    return pages


def _check_header(page: Page, width: str, where: str) -> None:
    height = page.evaluate("document.querySelector('header.site-header').getBoundingClientRect().height")
    assert height <= HEADER_MAX[width], f"{where}: the header is {height:.0f} px high"
    menu = page.locator("details.nav-menu > summary")
    search = page.locator('header [role="search"] input[name="q"]')
    if width == "desktop":
        expect(menu).to_be_hidden()
        expect(page.locator("header nav.main-nav a").first).to_be_visible()
        expect(search).to_be_visible()
        # one line: the brand, the search box, every link and the language switch side by side,
        # each wholly left of the next and inside the window
        items = page.evaluate(HEADER_ITEMS_JS)
        middles = [middle for _, _, middle in items]
        assert max(middles) - min(middles) < 20, f"{where}: the header items are on several lines: {items}"
        for before, after in zip(items, items[1:], strict=False):
            assert before[1] <= after[0] + 0.5, f"{where}: header items overlap: {before} {after}"
        assert items[-1][1] <= WIDTHS["desktop"]["width"], f"{where}: the header is cut off: {items[-1]}"
        row = page.evaluate("(r => [r.scrollWidth, r.clientWidth])(document.querySelector('.header-row'))")
        assert row[0] <= row[1], f"{where}: the header row overflows ({row})"
    else:
        expect(menu).to_be_visible()
        expect(page.locator("header nav.main-nav a").first).to_be_hidden()
        expect(search).to_be_hidden()  # in the Menu


def _check_phone_menu(page: Page, where: str) -> None:
    """The Menu opens over the page with the search box first, then the links."""
    page.locator("details.nav-menu > summary").click()
    search = page.locator('header [role="search"] input[name="q"]')
    expect(search).to_be_visible()
    expect(page.locator("header nav.main-nav a").first).to_be_visible()
    box = search.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTHS["phone"]["width"], f"{where}: {box}"
    _check_no_sideways_scroll(page, f"{where} (menu open)")


def _check_no_sideways_scroll(page: Page, where: str) -> None:
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{where}: the page scrolls sideways ({scroll} > {inner})"


@pytest.mark.parametrize("role", ["trainee", "trainer", "editor", "admin"])
@pytest.mark.parametrize("lang", LANGS)
def test_each_role_first_pages_at_phone_and_desktop_width(page: Page, live_app, people, role, lang):
    world = get_world(live_app)
    log_in_as(page, _email(world, role, lang))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in _pages(world, people, role).items():
        for width, size in WIDTHS.items():
            where = f"{role} {lang} {width} {name}"
            page.set_viewport_size(size)
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", "zh-Hans" if lang == "zh" else "en")
            _check_header(page, width, where)
            _check_no_sideways_scroll(page, where)
            if name == "lesson with a table":
                expect(page.locator("main .prose table").first).to_be_visible()
                if lang == "en":
                    assert page.evaluate(BROKEN_WORDS_JS) == [], f"{where}: words broken inside a table cell"
            if name == "results":
                labels = page.locator("svg.radar text.label")
                expect(labels).to_have_count(10)
                shown = labels.evaluate_all(LABEL_LINES_JS)
                for short in SHORT_LABELS[lang]:
                    assert short in shown, f"{where}: no axis label {short!r} in {shown}"
                expect(page.locator("svg.radar text.label title").first).not_to_be_empty()
                expect(page.locator("svg.radar circle.dot.unanswered").first).to_be_attached()
            if name == "progress matrix":
                expect(page.locator("table.matrix thead th.module-col")).to_have_count(6)
                if width == "desktop":
                    box = page.locator(".table-scroll:has(table.matrix)")
                    scroll, client = box.evaluate("el => [el.scrollWidth, el.clientWidth]")
                    assert scroll <= client, f"{where}: the matrix scrolls sideways ({scroll} > {client})"
            page.screenshot(
                path=str(SHOTS / f"{role}-{lang}-{width}-{name.replace(' ', '-')}.png"), full_page=True
            )
            if name == "home" and width == "desktop":
                header = SHOTS / f"{role}-{lang}-desktop-header.png"
                page.locator("header.site-header").screenshot(path=str(header))
            if name == "home" and width == "phone":
                _check_phone_menu(page, where)
                page.screenshot(path=str(SHOTS / f"{role}-{lang}-phone-menu-open.png"))
                page.locator("details.nav-menu > summary").click()


@pytest.mark.no_js
def test_the_phone_menu_opens_without_javascript(page: Page, live_app):
    world = get_world(live_app)
    page.set_viewport_size(WIDTHS["phone"])
    log_in_as(page, world.email("admin", "en"))
    links = page.locator("header nav.main-nav")
    expect(links.get_by_role("link", name="Administration")).to_be_hidden()
    page.locator("details.nav-menu > summary").click()
    expect(links.get_by_role("link", name="Administration")).to_be_visible()
    expect(links.get_by_role("link", name="Profile")).to_be_visible()  # the account links, flat
    expect(links.get_by_role("button", name="Log out")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-en-phone-menu-open-no-js.png"))
    search = page.get_by_role("search").get_by_label("Search lessons, glossary and case studies")
    search.fill("green bond")
    search.press("Enter")
    expect(page.locator("ol.search-results > li").first).to_be_visible()


def test_the_account_menu_on_a_desktop(page: Page, live_app):
    world = get_world(live_app)
    log_in_as(page, world.email("trainer", "en"))
    account = page.locator("header details.account-menu")
    expect(account.get_by_role("link", name="Profile")).to_be_hidden()
    account.locator("summary").click()
    expect(account.get_by_role("link", name="Profile")).to_be_visible()
    account.get_by_role("button", name="Log out").click()
    expect(page.locator("header").get_by_role("link", name="Log in")).to_be_visible()
