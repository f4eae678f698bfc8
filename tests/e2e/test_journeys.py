"""Journeys through the real app in a real browser (see conftest.py for the fixtures).

Each journey registers its own trainee in its own city, so the city's scorecard total is exactly
what that journey chose, and the tests run in any order and in parallel (`-n 2`: one server and
database per worker). Selectors are form field names, URLs, roles and ids; visible text is used
only where the text is the thing under test (the language, an error message).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import (
    CJK_TEXT,
    EN,
    MODULE,
    PHONE_WIDTH,
    ZH,
    answer,
    answer_scorecard,
    apply_to_city,
    checked_answers,
    click_log_out,
    correct_answers,
    expect_module_complete,
    expect_results,
    lesson_titles,
    log_in,
    log_out,
    module_meta,
    pass_final_quiz,
    quiz_questions,
    read_all_lessons,
    register,
    submit_quiz,
    take_pretest,
    unique_email,
    vouch,
)

pytestmark = pytest.mark.e2e

# --- the journeys -----------------------------------------------------------------------------


def test_english_trainee_journey(page: Page, live_app, console):
    email = unique_email("en")
    city_id = register(page, name="Li Wei", email=email, city="Chengdu", lang="en")
    vouch(live_app, email, city_id)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator(f'main a[href="/learn/{MODULE}/"]').first.click()
    expect(page).to_have_url(re.compile(rf"/learn/{MODULE}/$"))
    take_pretest(page)
    read_all_lessons(page, EN)
    pass_final_quiz(page, EN, console)

    qids = apply_to_city(page, EN, city_id)
    scores = [(i + 1) % 4 for i in range(len(qids))]  # 1, 2, 3, 0, ...
    comment = "Heat action plan drafted in 2024; flood maps need updating."
    answer_scorecard(page, qids, scores, comment)
    page.locator('main button[name="after"][value="results"]').click()
    expect_results(page, EN, city_id, "Chengdu", sum(scores))
    # Each question's bar row shows the score chosen.
    for qid, score in zip(qids, scores):
        row = page.locator("table.bars tbody tr").filter(has=page.locator(f'span.qid:text-is("{qid}")'))
        expect(row.locator("td").first).to_have_text(f"{score} / 3")

    # The answers are kept: back on the module's questions they are shown again.
    page.goto(f"/scorecard/city/{city_id}/module/{MODULE}")
    for qid, score in zip(qids, scores):
        expect(page.locator(f'input[name="{qid}-score"][value="{score}"]')).to_be_checked()
    expect(page.locator(f'textarea[name="{qids[0]}-comments"]')).to_have_value(comment)

    expect_module_complete(page, EN)


@pytest.mark.phone
def test_chinese_trainee_journey_on_a_phone(page: Page, live_app, console):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the browser asks for en-GB
    page.locator('header button[name="lang"][value="zh"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("main h1")).to_have_text(CJK_TEXT)

    page.locator('main a[href="/auth/register"]').click()
    expect(page.locator("main h1")).to_have_text(CJK_TEXT)
    # The language chosen in the header is already the form's default.
    expect(page.locator('main select[name="locale"]')).to_have_value("zh")
    page.goto("/")
    email = unique_email("zh")
    city_id = register(page, name="王芳", email=email, city="深圳", lang="zh")
    vouch(live_app, email, city_id)
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("main h1")).to_have_text(CJK_TEXT)

    page.locator(f'main a[href="/learn/{MODULE}/"]').first.click()
    expect(page.locator("main h1")).to_have_text(module_meta()["title"]["zh"])
    take_pretest(page)
    read_all_lessons(page, ZH)
    pass_final_quiz(page, ZH, console)
    expect(page.locator("main h1")).to_have_text("测验结果")

    qids = apply_to_city(page, ZH, city_id)
    expect(page.locator("main h1")).to_contain_text("深圳")
    expect(page.locator(f'section[id="{qids[0]}"] h2')).to_have_text(CJK_TEXT)
    scores = [3] * len(qids)
    answer_scorecard(page, qids, scores, "已编制高温应对预案。")
    page.locator('main button[name="after"][value="results"]').click()
    expect_results(page, ZH, city_id, "深圳", sum(scores))
    expect(page.locator("main table.table caption").first).to_have_text(CJK_TEXT)

    expect_module_complete(page, ZH)


def test_login_logout_wrong_password_and_next(page: Page, console):
    email = unique_email("login")
    register(page, name="Zhang Min", email=email, city="Xiamen", lang="en")
    log_out(page)
    expect(page.get_by_role("status")).to_contain_text("You are logged out")

    # A wrong password and an unknown email get the same answer, which names neither.
    console.allow(r"status of 401 .*/auth/login")
    page.goto("/auth/login")
    expect(page.locator('main input[name="csrf_token"]')).to_have_value(re.compile(r".{20,}"))
    log_in(page, email, "not-the-right-password")
    expect(page).to_have_url(re.compile(r"/auth/login$"))
    wrong_password = page.get_by_role("alert")
    expect(wrong_password).to_have_text("The email or password is not right.")
    expect(page.locator('header a[href="/auth/login"]')).to_be_visible()  # still logged out
    page.goto("/auth/login")
    log_in(page, unique_email("nobody"), "not-the-right-password")
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")

    # A members-only page sends to the login form, and back after logging in.
    page.goto("/learn/my")
    expect(page).to_have_url(re.compile(r"/auth/login\?next=(%2F|/)learn(%2F|/)my$"))
    log_in(page, email)
    expect(page).to_have_url(re.compile(r"/learn/my$"))
    expect(page.locator('header form[action="/auth/logout"]')).to_be_attached()  # in the Account menu
    log_out(page)

    # next= an internal path with a query string.
    page.goto(f"/auth/login?next=/learn/{MODULE}/01-urban-climate-risks%3Fx%3D1")
    log_in(page, email)
    expect(page).to_have_url(re.compile(rf"/learn/{MODULE}/01-urban-climate-risks\?x=1$"))
    log_out(page)

    # next= another site is ignored: the trainee lands on their own learning page.
    for outside in ("https://evil.example/phish", "//evil.example/phish", "/\\evil.example"):
        page.goto("/auth/login?next=" + outside.replace("/", "%2F").replace("\\", "%5C").replace(":", "%3A"))
        log_in(page, email)
        expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/learn/my$"))
        log_out(page)


@pytest.mark.no_js
def test_lesson_quiz_and_scorecard_work_without_javascript(page: Page, live_app, console):
    email = unique_email("nojs")
    # A city no other browser test answers for: the results page shows this test's answer alone
    # (the workshop-day test records agreed scores for Wuhan in the same live app).
    city_id = register(page, name="Chen Jie", email=email, city="Changzhou", lang="en")
    vouch(live_app, email, city_id)

    # Read a lesson and mark it done: a plain form post.
    titles = lesson_titles("en")
    first, second = list(titles)[:2]
    page.goto(f"/learn/{MODULE}/{first}")
    expect(page.locator("main h1")).to_have_text(titles[first])
    expect(page.locator("main .prose p").first).to_be_visible()
    page.get_by_role("button", name=EN.mark_done_continue).click()
    expect(page).to_have_url(re.compile(rf"/learn/{MODULE}/{second}$"))
    expect(page.get_by_role("status")).to_contain_text("Lesson marked as done.")

    # The quiz: a blank question is reported by the server, then a full submission passes.
    page.goto(f"/learn/{MODULE}/")
    pass_final_quiz(page, EN, console)

    # The scorecard: save one answer and stay on the page.
    qids = apply_to_city(page, EN, city_id)
    page.locator(f'input[name="{qids[0]}-score"][value="2"]').check()
    # JavaScript is really off: the autosave script did not store the change.
    assert page.evaluate("localStorage.length") == 0
    page.locator('main button[name="after"][value="stay"]').click()
    expect(page).to_have_url(re.compile(rf"/scorecard/city/{city_id}/module/{MODULE}$"))
    expect(page.get_by_role("status")).to_contain_text("Your answers are saved.")
    expect(page.locator(f'input[name="{qids[0]}-score"][value="2"]')).to_be_checked()
    page.goto(f"/scorecard/city/{city_id}/results")
    expect_results(page, EN, city_id, "Changzhou", 2)


# --- known app bugs: these assert the right behaviour and are expected to fail until fixed ---------


def test_quiz_answers_survive_an_expired_session(page: Page, console):
    email = unique_email("expired")
    register(page, name="Liu Yang", email=email, city="Nanjing", lang="en")
    page.goto(f"/quizzes/{MODULE}/final")
    answers = correct_answers()
    started = {key: answers[key] for key in quiz_questions(page)[:3]}
    for key, values in started.items():
        answer(page, key, values)

    # Logging in again in another tab starts a new session: this tab's form token is now stale.
    other = page.context.new_page()
    other.goto("/learn/my")
    click_log_out(other)
    other.goto("/auth/login")
    log_in(other, email)
    expect(other).to_have_url(re.compile(r"/learn/my$"))
    other.close()

    console.allow(rf"status of 400 .*/quizzes/{MODULE}/final")
    submit_quiz(page)
    expect(page.locator("main h1")).to_have_text("Your session has expired")
    expect(page.locator("main")).to_contain_text("Your answers are kept in this browser")
    # Do what the page says: go back, reload, and the answers are there to send again.
    page.go_back()
    page.reload()
    expect(page).to_have_url(re.compile(rf"/quizzes/{MODULE}/final$"))
    # autosave.js (deferred) has run by the time reload() returns: no waiting needed.
    assert checked_answers(page) == started


@pytest.mark.phone
def test_pages_fit_a_phone_screen(page: Page, live_app):
    email = unique_email("phone")
    city_id = register(page, name="Zhao Lei", email=email, city="Guangzhou", lang="zh")
    vouch(live_app, email, city_id)
    paths = [
        "/learn/",
        f"/learn/{MODULE}/",
        *(f"/learn/{MODULE}/{slug}" for slug in lesson_titles("en")),
        f"/quizzes/{MODULE}/final",
        f"/scorecard/city/{city_id}/",
        f"/scorecard/city/{city_id}/essential/8",
        f"/scorecard/city/{city_id}/module/{MODULE}",
        f"/scorecard/city/{city_id}/results",
        "/learn/my",
        "/auth/profile",
    ]
    too_wide = []
    for lang in ("zh", "en"):
        if lang == "en":
            page.locator('header button[name="lang"][value="en"]').click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        for path in paths:
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE_WIDTH:
                too_wide.append(f"{lang} {path}: {width}px")
    assert not too_wide, "pages wider than a 390px phone screen: " + "; ".join(too_wide)
