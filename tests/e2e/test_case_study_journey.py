"""The editors' journey in a real browser (issue 5, "done when"): an editor adds a case study with
an image in both languages, a second editor publishes it, and a trainee finds it by searching in
Chinese and on the module page it belongs to."""

from __future__ import annotations

import io
import re
import uuid

import pytest
import yaml
from PIL import Image
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.steps import CJK_TEXT, PASSWORD, ROOT, log_in, log_out, register, unique_email

MODULE = "nature-based-solutions"


@pytest.fixture
def created_slugs(live_app):
    """Slugs of the case studies a test creates; removed afterwards, so that the other browser
    tests sharing this server see the shipped library only."""
    slugs: list[str] = []
    yield slugs
    from sqlalchemy import delete

    from training.extensions import db
    from training.models import CaseStudy

    with live_app.app_context():
        db.session.execute(delete(CaseStudy).where(CaseStudy.slug.in_(slugs)))
        db.session.commit()


def make_user(app, role: str, name: str) -> str:
    from training.models import Role
    from training.services import accounts

    email = unique_email(role)
    with app.app_context():
        accounts.register_user(name=name, email=email, password=PASSWORD, city=None, role=Role(role))
    return email


def login(page: Page, email: str) -> None:
    page.goto("/auth/login")
    log_in(page, email)
    expect(page.locator('header form[action="/auth/logout"]')).to_be_attached()  # in the Account menu


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1800, 1000), (40, 120, 90)).save(out, "JPEG", quality=90)
    return out.getvalue()


def module_essentials() -> list[int]:
    meta = yaml.safe_load((ROOT / "modules" / MODULE / "module.yaml").read_text(encoding="utf-8"))
    return list(meta["essentials"])


def fill(form, values: dict[str, str]) -> None:
    for name, value in values.items():
        form.locator(f'[name="{name}"]').fill(value)


def image_loaded(page: Page, selector: str) -> bool:
    """Whether the image arrives and decodes within ten seconds (it may still be on its way when
    the page is shown, and it is lazy-loaded: it is scrolled to first)."""
    image = page.locator(selector).first
    image.scroll_into_view_if_needed()
    try:
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=10_000
        )
    except PlaywrightTimeout:
        return False
    return True


def test_editor_adds_a_case_study_a_second_editor_publishes_a_trainee_finds_it(
    page: Page, live_app, created_slugs
):
    slug = f"kunming-wetland-{uuid.uuid4().hex[:6]}"
    created_slugs.append(slug)
    author = make_user(live_app, "editor", "Editor Ai")
    reviewer = make_user(live_app, "editor", "Editor Bo")

    # 1. The first editor writes the case study in both languages, with a photo.
    login(page, author)
    page.goto("/case-studies/")
    page.locator('main a[href="/case-studies/editor/"]').click()
    page.locator('main a[href="/case-studies/editor/new"]').click()
    form = page.locator("form.case-study-form")
    fill(
        form,
        {
            "slug": slug,
            "title_en": "Wetland parks around Dianchi Lake",
            "title_zh": "滇池湖滨湿地公园",
            "summary_en": "Kunming restored lakeside wetlands to clean water and hold floods.",
            "summary_zh": "昆明修复湖滨湿地，净化水质、调蓄洪水。",
            "city_en": "Kunming",
            "city_zh": "昆明",
            "country_en": "China",
            "country_zh": "中国",
            "years": "2008–2020",
            "body_en": "## Context\n\nDianchi Lake was heavily polluted.\n\n## Key figures\n\n"
            "| figure | value |\n|---|---|\n| wetland restored | 3,600 ha |\n",
            "body_zh": "## 背景\n\n滇池曾经污染严重，湖滨湿地修复后水质好转。\n\n## 关键数据\n\n"
            "| 指标 | 数值 |\n|---|---|\n| 修复湿地 | 3600公顷 |\n",
            "sources-0-title": "An example source",
            "sources-0-url": "https://example.org/dianchi",
            "sources-0-accessed": "2026-11-01",
            "cover_alt_en": "Reeds along the lake shore",
            "cover_alt_zh": "湖岸的芦苇",
        },
    )
    form.locator('select[name="region"]').select_option("east-asia")
    form.locator('input[name="hazards"][value="flood"]').check()
    form.locator('input[name="topics"][value="nbs"]').check()
    for number in module_essentials():
        form.locator(f'input[name="essentials"][value="{number}"]').check()
    form.locator('input[name="cover_upload"]').set_input_files(
        files=[{"name": "reeds.jpg", "mimeType": "image/jpeg", "buffer": photo()}]
    )
    # The live preview (the small script) renders both languages with the real renderer.
    preview = page.locator("#preview")
    expect(preview.locator("h3", has_text="滇池湖滨湿地公园")).to_be_visible()
    expect(preview.locator(".prose table").first).to_be_visible()
    form.locator('button[name="action"][value="save"]').click()
    expect(page).to_have_url(re.compile(r"/case-studies/editor/\d+/$"))
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "draft")
    assert image_loaded(page, "figure.cover img")
    page.locator('button[data-action="submit"]').click()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "review")
    expect(page.locator('button[data-action="publish"]')).to_have_count(0)  # four eyes
    editor_url = page.url
    log_out(page)

    # 2. A second editor reviews and publishes it.
    login(page, reviewer)
    page.goto("/case-studies/editor/?status=review")
    page.locator(f'tr[data-slug="{slug}"] a').click()
    expect(page).to_have_url(editor_url)
    expect(page.locator(".case-study h3").first).to_have_text("Wetland parks around Dianchi Lake")
    page.locator('button[data-action="publish"]').click()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "published")
    log_out(page)

    # 3. A trainee reading Chinese finds it by a Chinese word and on the module page.
    register(page, name="学员", email=unique_email("trainee"), city="Kunming", lang="zh")
    page.goto("/case-studies/")
    page.locator('main form[role="search"] input[name="q"]').fill("湖滨湿地")
    page.locator('main form[role="search"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"q=%E6%B9%96"))
    card = page.locator(f'main article.card a[href="/case-studies/{slug}"]')
    expect(card).to_have_text("滇池湖滨湿地公园")
    card.click()
    expect(page.locator("main h1")).to_have_text(CJK_TEXT)
    expect(page.locator("figure.cover img")).to_have_attribute("alt", "湖岸的芦苇")
    assert image_loaded(page, "figure.cover img")
    page.goto(f"/learn/{MODULE}/")
    expect(page.locator(f'main a[href="/case-studies/{slug}"]')).to_be_visible()
