"""Light on the wire: a crawl of every page each role reaches by links records the bytes the
page costs on a first visit, with everything it loads.

For each role (anonymous, trainee, trainer, admin) the crawl starts from the home page, My
learning and the cohort pages, follows same-origin GET links (never logout, exports, downloads or
images; at most MAX_PAGES pages per role) with the browser cache switched off, so every page is
measured as on a first visit. A page's weight is the sum of `transferSize` of its navigation
and resource timing entries — bytes received, headers included, as the browser counts them —
read after the load event, when every subresource (stylesheet, script, images) has arrived. The
test server sends no compression, so these are upper bounds of what a production proxy sends.

What must hold: every lesson page < 50 KB, every page < 100 KB, no request to another host, no
console error (the `page` fixture fails the test on any). The heaviest pages are printed (`-rP`
or `-s` shows them) and written to test-artifacts/page-weight.txt.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Page

from tests.e2e.world import ARTIFACTS, get_world, log_in_as

LESSON_LIMIT = 50 * 1024
PAGE_LIMIT = 100 * 1024
MAX_PAGES = 150
ROLES = ("anonymous", "trainee", "trainer", "admin")
SKIP = re.compile(
    r"/auth/logout|/export|/data\.json|\.(csv|xlsx|json|png|jpe?g|webp|gif|svg|pdf)$|^/static/|/images/"
)
LESSON = re.compile(r"^/learn/(?!glossary/)[^/]+/[^/?]+$")  # /learn/<module>/<lesson>

WEIGHT_JS = """() => {
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
    return {
        bytes: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
        requests: entries.length,
        links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    };
}"""


def _crawl(page: Page, base: str, starts: list[str], foreign: list[str]) -> dict[str, tuple[int, int]]:
    """path -> (bytes, requests) for every page reached from `starts`."""
    origin = urlsplit(base).netloc
    seen = set(starts)
    queue = deque(starts)
    weights: dict[str, tuple[int, int]] = {}
    while queue and len(weights) < MAX_PAGES:
        path = queue.popleft()
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        found = page.evaluate(WEIGHT_JS)
        landed = urlsplit(page.url)
        key = landed.path + (f"?{landed.query}" if landed.query else "")
        weights[key] = (found["bytes"], found["requests"])
        for link in found["links"]:
            parts = urlsplit(urldefrag(link).url)
            if parts.scheme not in ("http", "https") or parts.netloc != origin:
                continue  # links to sources elsewhere are fine; only loading from elsewhere is not
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and not SKIP.search(parts.path):
                seen.add(target)
                queue.append(target)
    assert not foreign, "requests to another host:\n" + "\n".join(sorted(set(foreign)))
    return weights


def _table(rows: list[tuple[str, str, int, int]], top: int = 15) -> str:
    heaviest = sorted(rows, key=lambda r: -r[2])[:top]
    width = max(len(r[1]) for r in heaviest)
    lines = [f"{'role':<9} {'page':<{width}} {'KB':>6} {'requests':>8}"]
    lines += [f"{role:<9} {path:<{width}} {size / 1024:>6.1f} {n:>8}" for role, path, size, n in heaviest]
    lessons = [r for r in rows if LESSON.match(r[1])]
    if lessons:
        worst = max(lessons, key=lambda r: r[2])
        lines.append(f"heaviest lesson: {worst[1]} ({worst[0]}) {worst[2] / 1024:.1f} KB")
    lines.append(f"{len(rows)} pages crawled, {len({r[1] for r in rows})} distinct")
    return "\n".join(lines)


def test_every_page_is_light_and_loads_nothing_from_elsewhere(page: Page, live_app, live_server):
    world = get_world(live_app)
    origin = urlsplit(live_server).netloc
    foreign: list[str] = []
    page.on("request", lambda r: urlsplit(r.url).netloc != origin and foreign.append(r.url))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    rows: list[tuple[str, str, int, int]] = []
    langs = {"anonymous": "en", "trainee": "zh", "trainer": "en", "admin": "zh"}
    for role in ROLES:
        page.context.clear_cookies()
        starts = ["/"]
        if role != "anonymous":
            log_in_as(page, world.email(role, langs[role]))
            starts += ["/learn/my"]
        if role in ("trainer", "admin"):
            starts += ["/cohorts/", f"/cohorts/{world.cohort_id}/"]
        if role == "admin":
            starts += ["/admin/users"]
        for path, (size, requests) in _crawl(page, live_server, starts, foreign).items():
            rows.append((role, path, size, requests))

    table = _table(rows)
    print("\nHeaviest pages (first visit, everything loaded):\n" + table)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "page-weight.txt").write_text(table + "\n", encoding="utf-8")

    assert {r[1] for r in rows if LESSON.match(r[1])}, "the crawl reached no lesson"
    too_heavy = [
        f"{role} {path}: {size / 1024:.1f} KB"
        for role, path, size, _n in rows
        if size >= (LESSON_LIMIT if LESSON.match(path) else PAGE_LIMIT)
    ]
    assert not too_heavy, "pages over their budget (lessons 50 KB, others 100 KB):\n" + "\n".join(too_heavy)


def test_dump_debug(page, live_app, live_server):
    world = get_world(live_app)
    for role in ROLES:
        page.context.clear_cookies()
        starts = ["/"]
        if role != "anonymous":
            log_in_as(page, world.email(role, "en"))
            starts += ["/learn/my"]
        if role in ("trainer", "admin"):
            starts += ["/cohorts/", f"/cohorts/{world.cohort_id}/"]
        w = _crawl(page, live_server, starts, [])
        (ARTIFACTS / f"crawl-{role}.txt").write_text("\n".join(w))
