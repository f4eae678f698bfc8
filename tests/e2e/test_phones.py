"""Phones: at 375 px wide no page scrolls sideways, in English and in Chinese, for every role,
and axe's phone-sensitive rules pass there (a table that scrolls sideways must be reachable by
keyboard, touch targets big enough, zoom allowed). Screenshots of the main pages at phone (375 px)
and desktop (1280 px) width are written to test-artifacts/screenshots/ (artefacts, git-ignored)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.e2e.axe import AXE_JS, axe_violations
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.world import LANGS, World, get_world, log_in_as, set_anonymous_language

PHONE_375 = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
ROLES = ("anonymous", "trainee", "trainer", "admin")
PHONE_RULES = ["scrollable-region-focusable", "target-size", "meta-viewport"]  # the rest: test_accessibility

# The elements that stick out of the screen (not inside a container that scrolls on its own),
# to say what to fix.
OVERFLOW_JS = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const clipped = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const overflow = getComputedStyle(p).overflowX;
            if (overflow !== "visible" && p.getBoundingClientRect().right <= width + 1) { return true; }
        }
        return false;
    };
    const classes = (el) => typeof el.className === "string" && el.className
        ? "." + el.className.trim().replace(/ +/g, ".") : "";
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes(el);
    const culprits = [...document.body.querySelectorAll("*")]
        .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el))
        .slice(0, 5)
        .map(el => name(el) + " right=" + Math.round(el.getBoundingClientRect().right));
    // Within the screen but out of their box (a table wider than its card): cut off or overlapping.
    const boxed = "table, pre, img, svg, input, select, textarea, button, .card, .panel, fieldset";
    const spilling = [...document.querySelectorAll("main " + boxed.replace(/, /g, ", main "))]
        .filter(el => {
            const parent = el.parentElement;
            if (getComputedStyle(parent).overflowX !== "visible" || clipped(el)) { return false; }
            const style = getComputedStyle(parent);
            const inner = parent.getBoundingClientRect().right - parseFloat(style.borderRightWidth);
            return el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().right > inner + 1;
        })
        .slice(0, 5)
        .map(el => name(el) + " sticks out of " + name(el.parentElement));
    return {scrollWidth: root.scrollWidth, clientWidth: width, culprits, spilling};
}"""


def pages_for(world: World, role: str, lang: str) -> dict[str, str]:
    if role == "anonymous":
        return world.anonymous_pages()
    if role == "trainee":
        return world.trainee_pages(lang)
    if role == "trainer":
        return world.trainer_pages()
    return {**world.admin_pages(), **world.trainer_pages()}


def enter_as(page: Page, world: World, role: str, lang: str) -> None:
    if role == "anonymous":
        set_anonymous_language(page, lang)
    else:
        log_in_as(page, world.email(role, lang))


@pytest.mark.phone
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_375px_phone(page: Page, live_app, console, role: str, lang: str):
    world = get_world(live_app)
    console.allow(r"status of 40[34]\b")  # the 403 and 404 pages are in the list
    page.set_viewport_size(PHONE_375)
    enter_as(page, world, role, lang)
    too_wide = []
    for name, path in pages_for(world, role, lang).items():
        page.goto(path)
        found = page.evaluate(OVERFLOW_JS)
        if found["scrollWidth"] > found["clientWidth"]:
            too_wide.append(f"{name} {path}: {found['scrollWidth']}px; {', '.join(found['culprits'])}")
        too_wide += [f"{name} {path}: {line}" for line in found["spilling"]]
        if AXE_JS.exists():  # (test_accessibility reports a missing axe-core)
            too_wide += [f"{name} {path}: {line}" for line in axe_violations(page, rules=PHONE_RULES)]
    assert not too_wide, f"pages that do not fit a 375px screen ({role}, {lang}):\n" + "\n".join(too_wide)


MAIN_PAGES = (
    "home",
    "catalogue",
    "lesson",
    "case study",
    "certificate",
    "quiz",
    "my learning",
    "answer sheet (module)",
    "results",
    "matrix",
)


@pytest.mark.parametrize("lang", LANGS)
def test_screenshots_of_the_main_pages_at_phone_and_desktop_width(page: Page, live_app, lang: str):
    world = get_world(live_app)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    written = []
    for role in ("trainee", "trainer"):
        page.context.clear_cookies()
        log_in_as(page, world.email(role, lang))
        pages = {**world.anonymous_pages(), **pages_for(world, role, lang)}
        for name in MAIN_PAGES:
            if name not in pages or (role == "trainer") != (name in world.trainer_pages()):
                continue
            page.goto(pages[name])
            for label, size in (("phone-375", PHONE_375), ("desktop-1280", DESKTOP)):
                page.set_viewport_size(size)
                target = SCREENSHOTS / f"{lang}-{label}-{re.sub(r'[^a-z0-9]+', '-', name).strip('-')}.png"
                page.screenshot(path=str(target), full_page=True)
                written.append(target)
    assert len(written) == 2 * len(MAIN_PAGES)
    assert all(path.stat().st_size > 5_000 for path in written)


# Chinese table cells narrower than two and a half characters (a label drawn one character a line).
NARROW_CHINESE_CELLS_JS = """() => [...document.querySelectorAll("main .prose td, main .prose th")]
    .filter(cell => /[\\u4e00-\\u9fff]{2}/.test(cell.textContent))
    .filter(cell => {
        const style = getComputedStyle(cell);
        const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return inner < 2.5 * parseFloat(style.fontSize);
    })
    .map(cell => cell.textContent.trim().slice(0, 12))"""


@pytest.mark.phone
def test_chinese_lesson_tables_keep_their_label_columns_readable_on_a_375px_phone(page: Page, live_app):
    """Chinese breaks between any two characters: a lesson table's label column (阶段: 灾前, 灾中,
    灾后) was squeezed to one character a line on a phone."""
    page.set_viewport_size(PHONE_375)
    set_anonymous_language(page, "zh")
    narrow = {}
    for path in (
        "/learn/resilient-cities-mcr2030/01-what-makes-a-city-resilient",
        "/learn/resilient-cities-mcr2030/04-mcr2030-and-chinese-cities",
        "/learn/climate-mitigation/02-greenhouse-gas-inventories",
    ):
        page.goto(path)
        if cells := page.evaluate(NARROW_CHINESE_CELLS_JS):
            narrow[path] = cells
    assert not narrow, f"Chinese table cells squeezed to one or two characters a line: {narrow}"
