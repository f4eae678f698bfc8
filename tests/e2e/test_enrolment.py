"""Enrolment at workshop scale, in a browser (issue 16), in English and Chinese: the trainer
imports an Excel list of 20 officials, sees the two rows with problems, fixes them in the box,
lets one official of another city in, and confirms; a new official follows the link of the email,
sets a password (name and department already filled in) and lands in the cohort."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, require_axe
from tests.e2e.steps import PASSWORD, log_in, log_out, unique_email

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = {
    "en": {
        "import_link": "Import a list of officials",
        "check": "Check the list",
        "check_again": "Check again",
        "name_error": "Row 5, name:",
        "email_error": "Row 9, email:",
        "two_errors": "2 rows have an error",
        "other_city": "Row 12, city:",
        "override": "Invite anyway",
        "invite": "Invite 20 people",
        "recorded": "20 invitations recorded",
        "set_password": "Set my password and join",
        "open": "Open my account and join",
        "joined": "You have joined",
    },
    "zh": {
        "import_link": "导入官员名单",
        "check": "检查名单",
        "check_again": "重新检查",
        "name_error": "第 5 行，姓名：",
        "email_error": "第 9 行，邮箱：",
        "two_errors": "2 行有错误",
        "other_city": "第 12 行，城市：",
        "override": "仍然邀请",
        "invite": "邀请 20 人",
        "recorded": "已记录 20 份邀请",
        "set_password": "设置密码并加入",
        "open": "开通账户并加入",
        "joined": "您已加入",
    },
}


def _setup(app, trainer_email: str, lang: str, tag: str) -> tuple[str, list[str]]:
    """A trainer of a Wuhan cohort, three officials who already have accounts; the cohort's URL
    and the 20 addresses of the list."""
    from tests import factories
    from training.models import Role
    from training.services import accounts, cities, cohorts, learning

    with app.app_context():
        wuhan = next(c for c in cities.list_cities() if c.name_en == "Wuhan")
        trainer = accounts.register_user(
            name="Trainer Tian",
            email=trainer_email,
            password=PASSWORD,
            city=None,
            role=Role.TRAINER,
            locale=lang,
        )
        factories.assign(trainer, "Wuhan")
        module = next(m for m in learning.list_modules() if m.slug == "climate-adaptation")
        values = cohorts.CohortValues(
            name=f"Wuhan workshop {tag}", city=wuhan, starts_on=None, ends_on=None,
            module_ids=[module.id], trainer_ids=[trainer.id],
        )  # fmt: skip
        cohort = cohorts.create_cohort(trainer, values)
        emails = [unique_email(f"official{i}") for i in range(20)]
        for email in emails[:3]:
            accounts.register_user(name="Has Account", email=email, password=PASSWORD, city=wuhan)
        return f"/cohorts/{cohort.id}/", emails


def _workbook(emails: list[str]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "邮箱", "部门", "城市"])
    for i, email in enumerate(emails):
        name = f"官员{i}" if i % 2 else f"Official {i}"
        city = "深圳" if i == 10 else ("武汉" if i % 3 else "Wuhan")
        sheet.append([name, email, "应急管理局" if i % 2 else "Water bureau", city])
    # Two rows with problems: row 5 has no name, row 9 a broken address.
    sheet["A5"] = None
    sheet["B9"] = emails[7].replace("@example.org", "@example")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_trainer_imports_twenty_officials_and_a_new_one_joins(page: Page, live_app, lang: str):
    from training.services import accounts, cohorts

    trainer_email = unique_email("trainer")
    cohort_url, emails = _setup(live_app, trainer_email, lang, unique_email("c")[:10])
    outbox = live_app.extensions.setdefault("outbox", [])

    page.goto("/auth/login")
    log_in(page, trainer_email)
    import_the_list(page, cohort_url, emails, lang)
    log_out(page)
    accept_the_invitation(page, outbox, emails[5], lang)

    with live_app.app_context():
        official = accounts.get_user_by_email(emails[5])
        cohort = cohorts.get_cohort(int(cohort_url.strip("/").split("/")[-1]))
        assert cohorts.is_member(official, cohort) and official.organisation == "应急管理局"
        already = accounts.get_user_by_email(emails[0])
        assert not cohorts.is_member(already, cohort)  # an existing account joins when it accepts


def import_the_list(page: Page, cohort_url: str, emails: list[str], lang: str) -> None:
    """The trainer (logged in) imports the workbook of `_workbook(emails)`, sees the two rows with
    problems, fixes them in the box, lets the official of another city in and invites all 20."""
    t = TEXT[lang]
    page.goto(cohort_url)
    page.locator("#members a", has_text=t["import_link"]).click()
    page.set_input_files(
        'input[name="upload"]',
        files=[{"name": "officials.xlsx", "mimeType": XLSX_TYPE, "buffer": _workbook(emails)}],
    )
    page.locator("main button", has_text=t["check"]).click()

    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(t["two_errors"])
    expect(summary).to_contain_text(t["name_error"])
    expect(summary).to_contain_text(t["email_error"])
    expect(summary).to_contain_text(t["other_city"])
    expect(page.locator("tr.has-error")).to_have_count(2)
    require_axe()
    assert axe_violations(page) == []
    page.screenshot(path=f"test-artifacts/screenshots/enrolment-preview-{lang}.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=f"test-artifacts/screenshots/enrolment-preview-{lang}-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Fixed in the box the file filled: a name for row 5, the whole address on row 9.
    box = page.locator('textarea[name="text"]')
    text = box.input_value()
    assert text.count("\n") == 21  # the header and the 20 rows
    text = text.replace(f"\n,{emails[3]},", f"\nZhou Min,{emails[3]},")
    text = text.replace(emails[7].replace("@example.org", "@example,"), emails[7] + ",")
    box.fill(text)
    page.locator("main button", has_text=t["check_again"]).click()
    expect(page.locator("tr.has-error")).to_have_count(0)
    expect(page.locator("tr.has-warning")).to_have_count(1)
    page.locator("tr.has-warning label", has_text=t["override"]).click()
    page.locator("main button", has_text=t["invite"]).click()

    expect(page.locator(".flash-success")).to_contain_text(t["recorded"])
    expect(page.locator("table.invitations")).to_contain_text(emails[5])


def accept_the_invitation(page: Page, outbox: list, email: str, lang: str) -> None:
    """The new official `email` (logged out) follows the link of their invitation email, sets a
    password (name and department already filled in) and lands on My learning, in the cohort."""
    t = TEXT[lang]
    # A new official opens the link of their email, in Chinese or English as the browser asks.
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh" if lang == "zh" else "en"})
    mail = next(m for m in reversed(outbox) if m["To"] == email)
    link = re.search(
        r"https?://\S+(/cohorts/invitations/\S+)", mail.get_body(("plain",)).get_content()
    ).group(1)
    page.goto(link)
    page.locator("main a", has_text=t["set_password"]).click()
    form = page.locator("main form")
    expect(form.locator('input[name="name"]')).to_have_value("官员5")
    expect(form.locator('input[name="organisation"]')).to_have_value("应急管理局")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=f"test-artifacts/screenshots/enrolment-account-{lang}-375.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('input[name="confirm"]').fill(PASSWORD)
    form.locator("button", has_text=t["open"]).click()
    expect(page).to_have_url(re.compile(r"/learn/my$"))
    expect(page.locator(".flash-success")).to_contain_text(t["joined"])
    expect(page.locator("main")).to_contain_text("Wuhan workshop")
    page.screenshot(path=f"test-artifacts/screenshots/enrolment-joined-{lang}.png", full_page=True)
