"""Enrolment with consent, in a browser: the trainer invites an address that has no account, the
official follows the link of the email, registers from the invitation, comes back to it, accepts,
and is in the cohort (issue 16: the link used to lose the cohort on registration)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests import factories
from tests.e2e.steps import PASSWORD, log_in, log_out, unique_email


def _trainer_and_cohort(app, email: str) -> str:
    from training.models import Role
    from training.services import accounts, cities, cohorts, learning, trainer_cities

    with app.app_context():
        trainer = accounts.register_user(
            name="Trainer Tang", email=email, password=PASSWORD, city=None, role=Role.TRAINER
        )
        admin = accounts.register_user(
            name="Admin Assigning", email=f"admin-{email}", password=PASSWORD, city=None, role=Role.ADMIN
        )
        city = next(c for c in cities.list_cities() if c.name_en == "Kunming")
        trainer_cities.assign_trainer_city(trainer, city, admin)  # a trainer runs cohorts of their cities
        module = next(m for m in learning.list_modules() if m.slug == "climate-adaptation")
        factories.assign(trainer, city.name_en)  # trainers act in the cities an admin assigned
        values = cohorts.CohortValues(
            name="Kunming invitations", city=city, starts_on=None, ends_on=None,
            module_ids=[module.id], trainer_ids=[trainer.id],
        )  # fmt: skip
        return f"/cohorts/{cohorts.create_cohort(trainer, values).id}/"


def test_an_official_without_an_account_registers_through_the_invitation(page: Page, live_app):
    trainer_email, official = unique_email("trainer"), unique_email("official")
    cohort_url = _trainer_and_cohort(live_app, trainer_email)
    outbox = live_app.extensions.setdefault("outbox", [])

    page.goto("/auth/login")
    log_in(page, trainer_email)
    page.goto(cohort_url)
    members = page.locator("#members")
    members.locator('input[name="email"]').fill(official)
    members.locator('button[type="submit"]', has_text="Invite").click()
    expect(page.locator(".flash-success")).to_contain_text(f"Invitation recorded for {official}")
    expect(page.locator("table.invitations")).to_contain_text(official)
    log_out(page)

    mail = next(m for m in reversed(outbox) if m["To"] == official)
    link = re.search(
        r"https?://\S+(/cohorts/invitations/\S+)", mail.get_body(("plain",)).get_content()
    ).group(1)
    page.goto(link)
    expect(page.locator("main")).to_contain_text("Kunming invitations")
    page.locator("main a", has_text="Create an account").click()
    form = page.locator("main form")
    form.locator('input[name="name"]').fill("Official Ou")
    form.locator('input[name="email"]').fill(official)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('input[name="confirm"]').fill(PASSWORD)
    options = form.locator('select[name="city"] option')
    index = next(i for i, t in enumerate(options.all_inner_texts()) if t.strip().startswith("Kunming"))
    form.locator('select[name="city"]').select_option(value=options.nth(index).get_attribute("value"))
    form.locator('button[type="submit"]').click()

    # The invitation email proved the address: registering with it from the invitation opens the
    # account at once (any other address confirms by email first, docs/security-accounts.md).
    expect(page).to_have_url(re.compile(re.escape(link) + "$"))  # back on the invitation
    page.locator("main button", has_text="Accept and join").click()
    expect(page).to_have_url(re.compile(r"/learn/my$"))
    expect(page.locator("main")).to_contain_text("Kunming invitations")
    log_out(page)

    page.goto("/auth/login")
    log_in(page, trainer_email)
    page.goto(cohort_url)
    expect(page.locator("table.matrix")).to_contain_text("Official Ou")
    expect(page.locator("table.invitations")).to_contain_text("accepted")
