"""A scorecard workshop in a real browser: the delegation rates on phones, the group sees where it
disagrees, the trainer records the agreed scores, prints the report, a year later compares a new
assessment with this one, and the city's trainees see which modules its weakest Essentials call for."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import log_in, log_out, register, submit, unique_email
from tests.e2e.test_trainer import _make_trainer

CITY = "Nanning"


def _create_cohort(page: Page) -> tuple[str, str]:
    page.goto("/cohorts/new")
    form = page.locator("main form")
    form.locator('input[name="name"]').fill("Nanning scorecard workshop")
    options = form.locator('select[name="city"] option')
    index = next(i for i, t in enumerate(options.all_inner_texts()) if t.startswith(CITY))
    form.locator('select[name="city"]').select_option(value=options.nth(index).get_attribute("value"))
    form.locator('button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/cohorts/\d+/$"))
    cohort_id = re.search(r"/cohorts/(\d+)/", page.url).group(1)
    return cohort_id, page.locator("code.join-code").inner_text().strip()


def _delegate_rates(page: Page, code: str, name: str, score: str) -> str:
    city_id = register(page, name=name, email=unique_email(name.split()[-1].lower()), city=CITY, lang="en")
    page.goto(f"/cohorts/join?code={code}")
    submit(page, page.locator('main form button[type="submit"]'))
    page.goto(f"/scorecard/city/{city_id}/essential/1")
    page.locator(f'input[name="P1.1-score"][value="{score}"]').check()
    page.locator('button[name="after"][value="stay"]').click()
    expect(page.locator(".flash-success")).to_be_visible()
    log_out(page)
    return city_id


def _agree(page: Page, cohort_id: str, qid: str, score: str) -> None:
    essential = qid[1:].split(".")[0]  # the workshop shows one Essential at a time
    page.goto(f"/scorecard/cohort/{cohort_id}/?essential={essential}")
    section = page.locator(f'[id="w-{qid}"]')
    section.locator(f'input[name="score"][value="{score}"]').check()
    section.locator('button[type="submit"]').click()
    expect(page.locator(".flash-success")).to_contain_text(qid)


@pytest.mark.phone
def test_scorecard_workshop(page: Page, live_app, console):
    trainer_email = unique_email("workshop-trainer")
    _make_trainer(live_app, trainer_email)
    page.goto("/auth/login")
    log_in(page, trainer_email)
    cohort_id, code = _create_cohort(page)
    log_out(page)

    city_id = _delegate_rates(page, code, "Delegate Huang", "0")
    _delegate_rates(page, code, "Delegate Lu", "3")

    page.goto("/auth/login")
    log_in(page, trainer_email)
    page.goto(f"/scorecard/cohort/{cohort_id}/?only=disagreements")
    disagreement = page.locator("#w-P1\\.1")
    expect(disagreement).to_contain_text("disagreement")
    _agree(page, cohort_id, "P1.1", "2")

    page.goto(f"/scorecard/city/{city_id}/report")
    expect(page.locator(".big-number")).to_have_text("2 / 141")
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    page.emulate_media(media="screen")

    # A year later: a new assessment from the last one, agreed higher, compared.
    page.goto(f"/scorecard/city/{city_id}/history")
    page.locator('form[action$="/assessments/new"] button').click()
    expect(page.locator(".flash-success")).to_be_visible()
    _agree(page, cohort_id, "P1.1", "3")
    page.goto(f"/scorecard/city/{city_id}/compare")
    expect(page.locator("p.big-number")).to_contain_text("2 → 3")
    expect(page.locator("tr.change-up")).to_have_count(1)
    log_out(page)

    # Every member of the city's delegation sees what the weakest Essentials call for; the city
    # on a profile alone shows nothing of the scorecard.
    register(page, name="Newcomer Qin", email=unique_email("qin"), city=CITY, lang="zh")
    page.goto("/learn/my")
    expect(page.locator("section.advice")).to_have_count(0)
    page.goto(f"/cohorts/join?code={code}")
    submit(page, page.locator('main form button[type="submit"]'))
    page.goto("/learn/my")
    advice = page.locator("section.advice")
    expect(advice).to_be_visible()
    expect(advice.locator('a[href^="/learn/"]').first).to_be_visible()
