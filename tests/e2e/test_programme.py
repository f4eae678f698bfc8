"""A programme manager, in English and in Chinese: opens the programme, prints the report (print
media emulated: the site's chrome is hidden, charts and tables are there, nothing wider than the
page), downloads the data pack, and the pack opens in openpyxl with the same totals as the page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, require_axe
from tests.e2e.steps import PASSWORD
from tests.e2e.world import ARTIFACTS, HTML_LANG, LANGS, log_in_as

_MANAGERS: dict[int, tuple[int, dict[str, str]]] = {}


def _programme(app) -> tuple[int, dict[str, str]]:
    """The hand-built programme of tests/programme_world.py, followed by a manager per language."""
    if id(app) not in _MANAGERS:
        from werkzeug.security import generate_password_hash

        from tests.programme_world import build_world
        from training.extensions import db
        from training.models import ProgrammeManager, User

        with app.app_context():
            emails = {lang: f"e2e-programme-manager-{lang}@example.org" for lang in LANGS}
            users = {
                lang: User(
                    name=f"Manager {lang}",
                    email=email,
                    locale=lang,
                    password_hash=generate_password_hash(PASSWORD),
                )
                for lang, email in emails.items()
            }
            db.session.add_all(users.values())
            db.session.commit()
            world = build_world(manager=users["en"])
            db.session.add(ProgrammeManager(programme_id=world.programme.id, user_id=users["zh"].id))
            db.session.commit()
            _MANAGERS[id(app)] = (world.programme.id, emails)
            db.session.remove()
    return _MANAGERS[id(app)]


FIGURES = ("trainees", "departments", "modules_completed", "certificates")


@pytest.mark.parametrize("lang", LANGS)
def test_manager_opens_prints_and_downloads(page: Page, live_app, lang: str):
    programme_id, emails = _programme(live_app)
    log_in_as(page, emails[lang])
    page.goto("/programmes/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    page.get_by_role("link", name="测试项目" if lang == "zh" else "Test programme").click()
    expect(page.locator("main h1")).to_contain_text("测试项目" if lang == "zh" else "Test programme")
    on_page = {name: int(page.locator(f'[data-total="{name}"]').inner_text()) for name in FIGURES}
    assert on_page == {"trainees": 15, "departments": 4, "modules_completed": 5, "certificates": 1}
    expect(page.locator("svg.hbars")).to_have_count(3)
    for svg in page.locator("svg.hbars").all():
        assert (svg.locator("title").first.text_content() or "").strip()  # a text alternative
    assert (
        "Gammaport" not in page.locator("#resilience-caption").locator("xpath=ancestor::table").inner_text()
    )
    shots = ARTIFACTS / "programme"
    shots.mkdir(parents=True, exist_ok=True)
    resilience = page.locator("#resilience-caption").locator("xpath=ancestor::div[1]")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("section[aria-labelledby=resilience-heading]").screenshot(
            path=str(shots / f"resilience-{lang}-{width}.png")
        )
        # the city's total and how many questions were answered are on screen before any scrolling
        answered = resilience.locator("td[data-figure=answered]").first.bounding_box()
        assert answered["x"] + answered["width"] <= width, (width, answered)
    # on a desktop the whole table fits: the ten Essentials too
    assert resilience.evaluate("e => e.scrollWidth <= e.clientWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    require_axe()
    found = {"programme": axe_violations(page)}
    # on a phone each chart keeps a readable size and scrolls inside its own (focusable) frame
    page.set_viewport_size({"width": 375, "height": 800})
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes[0] <= sizes[1], sizes
    assert page.locator("svg.hbars").first.bounding_box()["width"] >= 500
    found["programme (phone)"] = axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/programmes/")
    found["programme list"] = axe_violations(page)
    page.goto(f"/programmes/{programme_id}/")
    assert not any(found.values()), found

    # the printable report, as paper
    page.get_by_role("link", name="可打印报告" if lang == "zh" else "Printable report").click()
    expect(page.get_by_role("button", name="打印" if lang == "zh" else "Print")).to_be_visible()
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape at 96 dpi
    page.emulate_media(media="print")
    for chrome in (
        "header.site-header",
        "footer.site-footer",
        "main button[data-print]",
        "main nav.breadcrumb",
    ):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator("svg.hbars").first).to_be_visible()
    expect(page.locator("section.methods")).to_be_visible()
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], width
    out = ARTIFACTS / "print"
    out.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(out / f"programme-report-{lang}.pdf"), landscape=True, print_background=True)
    page.emulate_media(media="screen")

    # the data pack, downloaded from the programme page
    page.goto(f"/programmes/{programme_id}/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="数据包（Excel）" if lang == "zh" else "Data pack (Excel)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    reach = book.worksheets[0]
    headers = [cell.value for cell in reach[1]]
    total = next(row for row in reach.iter_rows(values_only=True) if row[0] == "All cities / 全部城市")
    in_pack = {
        "trainees": total[headers.index("Officials trained / 受训官员人数")],
        "departments": total[headers.index("Departments represented / 涉及部门数")],
        "modules_completed": total[headers.index("Modules completed / 完成模块人次")],
        "certificates": total[headers.index("Certificates / 证书数")],
    }
    assert in_pack == on_page
