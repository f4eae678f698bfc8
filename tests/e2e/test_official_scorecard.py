"""A city's journey with UNDRR's official Excel tool, in English and in Chinese: upload the filled
official file, check the preview, confirm, see the results; then export into the blank official
file and download it (opened and checked)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import PASSWORD, log_in, unique_email
from tests.official_tool import needs_official_tool
from tests.services.test_scorecard_official import blank, filled, official_scores

pytestmark = needs_official_tool

WORDS = {
    "en": {
        "preview": "Preview the import",
        "confirm": "Import as a new assessment",
        "fill": "Fill in and download",
    },
    "zh": {"preview": "预览导入内容", "confirm": "导入为新的评估", "fill": "填写并下载"},
}


def _make_admin(app, email: str, locale: str) -> int:
    from sqlalchemy import select

    from training.extensions import db
    from training.models import City, Role
    from training.services import accounts

    with app.app_context():
        city = db.session.scalar(select(City).where(City.name_en == "Kunming"))
        accounts.register_user(
            name="Admin An", email=email, password=PASSWORD, city=city, role=Role.ADMIN, locale=locale
        )
        return city.id


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_official_tool_in_and_out(page: Page, live_app, console, tmp_path: Path, lang: str):
    email = unique_email(f"official-{lang}")
    city_id = _make_admin(live_app, email, lang)
    words = WORDS[lang]
    data = filled()
    _expected, total = official_scores(data)
    upload = tmp_path / "chengdu-2023.xlsm"
    upload.write_bytes(data)

    page.goto("/auth/login")
    log_in(page, email)
    page.goto(f"/scorecard/city/{city_id}/history")
    page.locator(f'main a[href="/scorecard/city/{city_id}/import"]').click()
    page.locator('main input[type="file"]').set_input_files(str(upload))
    page.get_by_role("button", name=words["preview"]).click()
    expect(page.locator("#import-total")).to_have_text(f"{total} / 141")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page).to_have_url(re.compile(rf"/scorecard/city/{city_id}/results"))
    expect(page.locator("main")).to_contain_text(f"{total} / 141")

    template = tmp_path / "blank.xlsm"
    template.write_bytes(blank())
    page.goto(f"/scorecard/city/{city_id}/export-official")
    page.locator('main input[type="file"]').set_input_files(str(template))
    with page.expect_download() as download:
        page.get_by_role("button", name=words["fill"]).click()
    assert download.value.suggested_filename.endswith(".xlsm")
    exported = Path(download.value.path()).read_bytes()
    assert official_scores(exported)[1] == total
