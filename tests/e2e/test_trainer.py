"""The trainer's journey: create a cohort, a trainee joins with the code and completes the module,
the trainer sees it in the matrix, downloads both export formats (opened and checked), reads the
evaluation, and the trainee's certificate verifies publicly."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from tests.e2e.steps import (
    EN,
    MODULE,
    PASSWORD,
    log_in,
    log_out,
    pass_final_quiz,
    read_all_lessons,
    register,
    unique_email,
)


def _make_trainer(app, email: str, cities: tuple[str, ...] = ("Kunming", "Nanning", "Lhasa")) -> None:
    """A trainer an admin assigned to the cities the journeys use."""
    from training.models import Role
    from training.services import accounts, city_access, trainer_cities

    with app.app_context():
        trainer = accounts.register_user(
            name="Trainer Tang", email=email, password=PASSWORD, city=None, role=Role.TRAINER
        )
        admin = accounts.register_user(
            name="Admin Assigning", email=f"admin-{email}", password=PASSWORD, city=None, role=Role.ADMIN
        )
        for name in cities:
            trainer_cities.assign_trainer_city(trainer, city_access.get_city_by_name(name), admin)


def test_trainer_runs_a_cohort(page: Page, live_app, console):
    trainer_email = unique_email("trainer")
    _make_trainer(live_app, trainer_email)

    # The trainer creates a cohort for Kunming with the adaptation module.
    page.goto("/auth/login")
    log_in(page, trainer_email)
    page.locator('header a.brand[href="/cohorts/"]').click()
    page.locator('main a[href="/cohorts/new"]').click()
    form = page.locator("main form")
    form.locator('input[name="name"]').fill("Kunming delegation")
    options = form.locator('select[name="city"] option')
    index = next(i for i, t in enumerate(options.all_inner_texts()) if t.startswith("Kunming"))
    form.locator('select[name="city"]').select_option(value=options.nth(index).get_attribute("value"))
    for box in form.locator('input[name="modules"]').all():
        box.uncheck()
    module_box = form.locator("fieldset", has_text="Modules").locator("label", has_text="Climate adaptation")
    module_box.locator("input").check()
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/cohorts/\d+/$"))
    code = page.locator("code.join-code").inner_text().strip()
    cohort_url = page.url
    log_out(page)

    # A trainee registers, joins with the code and completes the module.
    register(page, name="Trainee Tian", email=unique_email("tian"), city="Kunming", lang="en")
    page.goto("/cohorts/join")
    page.locator('input[name="code"]').fill(code.lower())
    page.locator('main form button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/learn/my$"))
    expect(page.locator("main")).to_contain_text("Kunming delegation")
    expect(page.locator(".tag").first).to_contain_text("Assigned by your cohort")
    page.goto(f"/learn/{MODULE}/")
    read_all_lessons(page, EN)
    pass_final_quiz(page, EN, console, blank_first=False)
    expect(page.locator(".flash-success")).to_contain_text("certificate")
    page.goto("/learn/my")
    certificate_link = page.locator('a[href^="/certificates/"]').first
    certificate_url = certificate_link.get_attribute("href")
    log_out(page)

    # The trainer sees the completion in the matrix and downloads both formats.
    page.goto("/auth/login")
    log_in(page, trainer_email)
    page.goto(cohort_url)
    row = page.locator("table.matrix tbody tr", has_text="Trainee Tian")
    expect(row.locator("td.heat-4")).to_have_count(1)
    with page.expect_download() as csv_download:
        page.locator("a", has_text="CSV").first.click()
    raw = Path(csv_download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] and any(r and r[0] == "Trainee Tian" for r in rows)
    with page.expect_download() as xlsx_download:
        page.locator("a", has_text="Excel").first.click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    names = [r[0].value for r in sheet.iter_rows(min_row=2)]
    assert "Trainee Tian" in names

    page.locator('nav.subnav a[href$="/evaluation"]').click()
    expect(page.locator("h2", has_text="Item analysis")).to_be_visible()
    expect(page.locator("table.items tbody tr")).not_to_have_count(0)
    log_out(page)

    # Anyone can verify the certificate; it shows the name, nothing else about the person.
    page.goto(certificate_url)
    expect(page.locator(".cert-name").first).to_have_text("Trainee Tian")
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("@example.org")
