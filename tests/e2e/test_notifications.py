"""The notification pages as their users see them, in English and Chinese, at 375 px and 1280 px:
a person's list with the unread count in the header, their email choices on the profile page,
the one-click unsubscribe page opened from the link of an email the app wrote, and the admin's
overview with the failed emails and the retry button.

Each page: the header as compact as test_layout wants it, no sideways scroll, Chinese labels on a
Chinese page, no serious or critical axe violation. Screenshots: test-artifacts/notifications/."""

from __future__ import annotations

import re
import socket
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import axe_violations, require_axe
from tests.e2e.steps import PASSWORD, submit
from tests.e2e.test_layout import WIDTHS, _check_header, _check_no_sideways_scroll
from tests.e2e.world import ARTIFACTS, HTML_LANG, LANGS, get_world, log_in_as

SHOTS = ARTIFACTS / "notifications"
CJK = re.compile(r"[\u4e00-\u9fff]")
# English words of these pages that must not be left on a Chinese page.
ENGLISH = re.compile(r"\b(Notifications?|Emails?|Unsubscribe|Queued|Failed|Retry|Mark all|Save|Reminders?)\b")
_PEOPLE: dict[int, dict[str, str]] = {}


def _people(app) -> dict[str, str]:
    """Per language, a trainee with three notifications (an invitation, a session reminder, a
    certificate), recorded and emailed by the notification service as the app's events do."""
    if id(app) in _PEOPLE:
        return _PEOPLE[id(app)]
    from training.extensions import db
    from training.models import Role
    from training.services import accounts, notifications

    world = get_world(app)
    found = {}
    with app.app_context():
        for lang in LANGS:
            user = accounts.register_user(
                name="Zhou Min" if lang == "en" else "周敏",
                email=f"notified-{lang}@example.org",
                password=PASSWORD,
                city=None,
                locale=lang,
                role=Role.TRAINEE,
            )
            cohort = "Hangzhou heat action" if lang == "en" else "杭州高温应对"
            notifications.notify(user, notifications.INVITATION, {"cohort": cohort, "by": "Trainer Wang"})
            notifications.notify(
                user,
                notifications.SESSION_REMINDER,
                {
                    "session_id": world.session_id,
                    "title": "Cooling corridors" if lang == "en" else "通风降温廊道",
                    "cohort": cohort,
                    "starts_at": "2026-12-08T01:30:00",
                    "timezone": "Asia/Shanghai",
                    "place": "Room 3, Hangzhou Emergency Management Bureau",
                },
            )
            notifications.notify(
                user, notifications.CERTIFICATE_ISSUED, {"cohort": cohort, "code": world.certificate_code}
            )
            db.session.commit()
            notifications.send_pending()  # no Redis, no mail server: written to the log and the outbox
            found[lang] = user.email
        db.session.remove()
    _PEOPLE[id(app)] = found
    return found


@pytest.fixture(scope="module")
def people(live_app):
    require_axe()
    return _people(live_app)


def _check_page(page: Page, lang: str, width: str, name: str, logged_in: bool = True) -> None:
    where = f"{name} {lang} {width}"
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    if logged_in:
        _check_header(page, width, where)
    _check_no_sideways_scroll(page, where)
    main = page.locator("main").inner_text()
    if lang == "zh":
        assert CJK.search(page.locator("main h1").inner_text()), f"{where}: the heading is not in Chinese"
        left = ENGLISH.findall(main)
        assert not left, f"{where}: English words on the Chinese page: {left}"
    else:
        assert not CJK.search(page.locator("main h1").inner_text()), f"{where}: the heading is not in English"
    violations = axe_violations(page)
    assert not violations, f"{where}: axe found\n" + "\n".join(violations)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=True)


@pytest.mark.parametrize("lang", LANGS)
def test_the_list_and_the_unread_count_in_the_header(page: Page, people, lang):
    log_in_as(page, people[lang])
    bar = page.locator(".notifications-bar")
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/notifications/")
        expect(bar.locator(".badge")).to_have_text("3")
        unread = "3 unread" if lang == "en" else "3 条未读"
        expect(bar.locator(".badge")).to_have_attribute("aria-label", unread)
        items = page.locator("ul.notification-list li")
        expect(items).to_have_count(3)
        expect(page.locator("ul.notification-list li.unread")).to_have_count(3)
        new = "New" if lang == "en" else "新"
        expect(items.first.get_by_role("link")).to_have_accessible_name(re.compile(rf"^{new} \S"))
        session = "Cooling corridors" if lang == "en" else "通风降温廊道"
        expect(page.locator("ul.notification-list")).to_contain_text(session)
        _check_page(page, lang, width, "list")
    page.locator("main form").get_by_role("button").click()  # mark all as read
    expect(page.locator("main .flash, main [role=status], main .flashes").first).to_be_visible()
    expect(bar).to_have_count(0)
    expect(page.locator("ul.notification-list li.unread")).to_have_count(0)
    expect(page.locator("ul.notification-list li.read")).to_have_count(3)


@pytest.mark.parametrize("lang", LANGS)
def test_email_choices_on_the_profile_page_are_kept(page: Page, people, lang):
    log_in_as(page, people[lang])
    section = page.locator("section#emails")
    reminder = section.locator('input[name="kinds"][value="session_reminder"]')
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/auth/profile#emails")
        expect(section.locator('input[name="kinds"]')).to_have_count(4)  # no editors' kinds
        if lang == "zh":
            for label in section.locator("label.check").all_inner_texts():
                assert CJK.search(label), f"profile {width}: an email choice is not in Chinese: {label!r}"
        expect(reminder).to_be_checked()
        _check_page(page, lang, width, "profile-emails")
    reminder.uncheck()
    section.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/auth/profile#emails$"))
    saved = "Your email choices are saved." if lang == "en" else "已保存"
    expect(page.locator("main")).to_contain_text(saved)
    page.reload()
    expect(reminder).not_to_be_checked()
    expect(section.locator('input[name="kinds"][value="cohort_invitation"]')).to_be_checked()
    page.screenshot(path=str(SHOTS / f"profile-emails-{lang}-saved.png"), full_page=True)
    reminder.check()  # as it was
    submit(page, section.get_by_role("button"))
    page.reload()
    expect(reminder).to_be_checked()


def _unsubscribe_link(app, address: str, kind: str) -> str:
    """The link of the email of this kind the app sent to `address` (the outbox: no mail server),
    checked against the plain text part and the List-Unsubscribe header."""
    from training.services import notifications

    secret = app.config["SECRET_KEY"]
    for message in app.extensions.get("outbox", []):
        if message["To"] != address or "List-Unsubscribe" not in message:
            continue
        link = message["List-Unsubscribe"].strip("<>")
        token = urlsplit(link).path.rsplit("/", 1)[1]
        if notifications.read_unsubscribe_token(token, secret) == (address, kind):
            assert link in message.get_body(("plain",)).get_content()
            return link
    raise AssertionError(f"no email of kind {kind} to {address} in the outbox")


@pytest.mark.parametrize("lang", LANGS)
def test_the_one_click_unsubscribe_page_from_an_emails_link(page: Page, live_app, people, lang):
    from training.services import notifications

    address = people[lang]
    link = _unsubscribe_link(live_app, address, notifications.CERTIFICATE_ISSUED)
    path = urlsplit(link)._replace(scheme="", netloc="").geturl()  # PUBLIC_URL is not the test server
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto(path)  # not logged in, a browser in English: the page speaks the email's language
        expect(page.locator("main")).to_contain_text(address)
        expect(page.locator("main")).to_contain_text(
            "Certificates issued to me" if lang == "en" else "颁发给我的证书"
        )
        _check_page(page, lang, width, "unsubscribe", logged_in=False)
    page.locator("main form").get_by_role("button").click()
    expect(page.locator("main")).to_contain_text("no longer receives" if lang == "en" else "不再")
    _check_page(page, lang, "desktop", "unsubscribe-done", logged_in=False)
    other = "zh" if lang == "en" else "en"
    page.set_viewport_size(WIDTHS["desktop"])
    page.locator(f'header button[name="lang"][value="{other}"]').click()  # the visitor's choice wins
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[other])
    with live_app.app_context():
        assert not notifications.wants_email(address, notifications.CERTIFICATE_ISSUED)
        assert notifications.wants_email(address, notifications.INVITATION)
    log_in_as(page, address)  # the profile shows the choice
    page.goto("/auth/profile#emails")
    expect(page.locator('section#emails input[value="certificate_issued"]')).not_to_be_checked()


@pytest.mark.parametrize("lang", LANGS)
def test_the_admin_sees_failed_emails_and_retries_them(page: Page, live_app, people, lang):
    """A mail server that does not answer: the email fails after its retries (the live app runs
    jobs in its process), the overview counts it and its button queues it again."""
    from training.extensions import db
    from training.services import accounts, email_delivery, notifications

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    config = live_app.config
    saved = config["MAIL_SERVER"], config["MAIL_PORT"]
    with live_app.app_context():
        before = email_delivery.email_counts()
        config["MAIL_SERVER"], config["MAIL_PORT"] = "127.0.0.1", closed
        try:
            user = accounts.get_user_by_email(people[lang])
            notifications.notify(user, notifications.INVITATION, {"cohort": "Ningbo", "by": "Trainer Wang"})
            db.session.commit()
            notifications.send_pending()
        finally:
            config["MAIL_SERVER"], config["MAIL_PORT"] = saved
            db.session.remove()
        failed = email_delivery.email_counts()["failed"]
    assert failed == before["failed"] + 1
    world = get_world(live_app)
    log_in_as(page, world.email("admin", lang))
    emails = page.locator("section[aria-labelledby=emails-title]")
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto("/admin/")
        failed_row = emails.locator("tr").nth(2)
        expect(failed_row.locator("th")).to_have_text("Failed" if lang == "en" else "失败")
        expect(failed_row.locator("td")).to_have_text(str(failed))
        expect(emails.locator("tr").first.locator("td")).to_have_text(str(before["queued"]))
        expect(page.locator("section[aria-labelledby=jobs-title]")).to_be_visible()
        _check_page(page, lang, width, "admin-overview")
    emails.get_by_role("button").click()
    expect(page.locator("main")).to_contain_text(
        f"{failed} failed email(s) queued again." if lang == "en" else "重新排队"
    )
    expect(emails.locator("tr").nth(2).locator("td")).to_have_text("0")  # sent now (to the log)
    expect(emails.get_by_role("button")).to_have_count(0)
    page.screenshot(path=str(SHOTS / f"admin-overview-{lang}-retried.png"), full_page=True)
