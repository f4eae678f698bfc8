"""Real-browser end-to-end tests: the app served on a real port, driven by Chromium.

- `live_server` (session): the app on a fresh database of this worker, CSRF switched ON, so the
  real forms with their tokens are exercised; yields the base URL.
- `browser` (session): Debian's Chromium through sync Playwright (Playwright's own download
  does not work here). Set E2E_CHROMIUM to use another binary.
- `page` (function): a fresh browser context per test. Every console error fails the test at
  teardown unless the test declared it with `console.allow(...)` (e.g. the 422 of a quiz sent
  with a blank question: Chromium logs every 4xx document as a console error). The final page
  of each test is saved to test-artifacts/screenshots/<test-name>.png.
- `@pytest.mark.phone` gives the test a 390×844 phone viewport instead of 1280×900 desktop;
  `@pytest.mark.no_js` turns JavaScript off in its context.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from tests.conftest import _make_database, build_app

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
# The live app, once the session fixture made it: its captured emails are in
# LIVE["app"].extensions["outbox"] (no MAIL_SERVER in tests).
LIVE: dict = {}
PHONE = {"width": 390, "height": 844}


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: real browser tests")
    config.addinivalue_line("markers", "phone: run this e2e test in a 390x844 phone viewport")
    config.addinivalue_line("markers", "no_js: run this e2e test with JavaScript disabled")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


# --- the app -----------------------------------------------------------------------------


def _translation_overrides(tmp_path_factory) -> dict:
    """The .mo catalogs are build artefacts (git-ignored). When one is missing or older than its
    .po, compile the .po into a temporary folder and point the app there; otherwise change nothing."""
    from training.config import ROOT

    source = ROOT / "training" / "translations"
    stale = [
        po
        for po in source.glob("*/LC_MESSAGES/messages.po")
        if not po.with_suffix(".mo").exists() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if not stale:
        return {}
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    target = tmp_path_factory.mktemp("translations")
    for po in source.glob("*/LC_MESSAGES/messages.po"):
        out = target / po.relative_to(source).with_suffix(".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as f_in, out.open("wb") as f_out:
            write_mo(f_out, read_po(f_in))
    return {"BABEL_TRANSLATION_DIRECTORIES": str(target)}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app the browser talks to (for tests that must set data up directly, e.g. a trainer)."""
    from training.extensions import db

    app = build_app(
        _make_database("e2e", tmp_path_factory),
        WTF_CSRF_ENABLED=True,
        **_translation_overrides(tmp_path_factory),
    )
    LIVE["app"] = app  # for steps that read the emails it sent (registration's confirmation)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set E2E_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing browser is a failure, never a silent skip
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class ConsoleErrors:
    """Console errors and uncaught page errors seen during one test."""

    def __init__(self):
        self.errors: list[str] = []
        self._allowed: list[re.Pattern] = []
        self.allowed_seen: list[str] = []

    def allow(self, pattern: str) -> None:
        """Declare an expected console error (regex searched in 'text @ url')."""
        self._allowed.append(re.compile(pattern))

    def record(self, text: str) -> None:
        self.errors.append(text)

    def unexpected(self) -> list[str]:
        left = []
        for text in self.errors:
            if any(p.search(text) for p in self._allowed):
                self.allowed_seen.append(text)
            else:
                left.append(text)
        return left


@pytest.fixture
def console():
    return ConsoleErrors()


def _screenshot_name(node) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node.name).strip("_") + ".png"


@pytest.fixture
def page(browser, live_server, console, request):
    phone = request.node.get_closest_marker("phone") is not None
    no_js = request.node.get_closest_marker("no_js") is not None
    context = browser.new_context(
        base_url=live_server,
        viewport=PHONE if phone else DESKTOP,
        is_mobile=phone,
        has_touch=phone,
        java_script_enabled=not no_js,
        locale="en-GB",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_console(message):
        if message.type == "error":
            url = (message.location or {}).get("url", "")
            console.record(f"{message.text} @ {url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console.record(f"uncaught page error: {error}"))
    try:
        yield page
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(SCREENSHOTS / _screenshot_name(request.node)), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            print(f"screenshot failed: {exc}")
        context.close()
    unexpected = console.unexpected()
    assert not unexpected, "console errors in the browser:\n" + "\n".join(unexpected)
