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

import fcntl
import re
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.world import ARTIFACTS, get_world, log_in_as

ROOT = Path(__file__).resolve().parents[2]

LESSON_LIMIT = 50 * 1024
PAGE_LIMIT = 100 * 1024
MAX_PAGES = 150
QUERY_VARIANTS = 2  # of one path (sort orders, filters, ?next=): a few, not every combination
ROLES = {"anonymous": "en", "trainee": "zh", "trainer": "en", "admin": "zh"}  # role -> its language
# Pages of one kind (the same path but for ids and slugs: /learn/S/S, /scorecard/city/N/essential/N,
# /case-studies/editor/N/edit…) visited per role: a few of each, except the lessons and case
# studies, which the learners' crawls visit all (in English and in Chinese).
PER_KIND = 3
LEARNING = ("/learn/S/", "/learn/S/S", "/S/S")  # modules, lessons, case studies
EVERY_ONE = {"anonymous": LEARNING, "trainee": LEARNING, "trainer": (), "admin": ()}
LESSONS = {p.parent.name + "/" + p.name.split(".")[0] for p in (ROOT / "modules").glob("*/[0-9]*.en.md")}
SKIP = re.compile(
    r"/auth/logout|/export|/data\.json|\.(csv|xlsx|json|ics|png|jpe?g|webp|gif|svg|pdf)$|^/static/|/images/"
)
KIND_PARTS = ((re.compile(r"/\d+(?=/|$)"), "/N"), (re.compile(r"/[^/]*-[^/]*"), "/S"))  # ids, slugs
LESSON = re.compile(r"^/learn/(?!glossary/)[^/]+/[^/?]+$")  # /learn/<module>/<lesson>

WEIGHT_JS = """() => {
    const entries = [
        ...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource"),
    ];
    return {
        bytes: entries.reduce((sum, e) => sum + (e.transferSize || 0), 0),
        requests: entries.length,
        links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    };
}"""


def _kind(path: str) -> str:
    for pattern, replacement in KIND_PARTS:
        path = pattern.sub(replacement, path)
    return path


def _crawl(
    page: Page, base: str, starts: list[str], foreign: list[str], every: tuple[str, ...]
) -> dict[str, tuple[int, int]]:
    """path -> (bytes, requests) for every page reached from `starts`."""
    origin = urlsplit(base).netloc
    seen = set(starts)
    variants: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
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
            if target in seen or SKIP.search(parts.path):
                continue
            if parts.query:
                if variants[parts.path] >= QUERY_VARIANTS:
                    continue
                variants[parts.path] += 1
            elif (kind := _kind(parts.path)) not in every:
                if kinds[kind] >= PER_KIND:
                    continue
                kinds[kind] += 1
            seen.add(target)
            queue.append(target)
    assert not foreign, "requests to another host:\n" + "\n".join(sorted(set(foreign)))
    return weights


def _table(role: str, rows: list[tuple[str, int, int]], top: int = 10) -> str:
    heaviest = sorted(rows, key=lambda r: -r[1])[:top]
    width = max(len(r[0]) for r in heaviest)
    lines = [f"== {role} ({ROLES[role]}): {len(rows)} pages", f"{'page':<{width}} {'KB':>6} {'requests':>8}"]
    lines += [f"{path:<{width}} {size / 1024:>6.1f} {n:>8}" for path, size, n in heaviest]
    lessons = [r for r in rows if LESSON.match(r[0])]
    if lessons:
        worst = max(lessons, key=lambda r: r[1])
        lines.append(f"heaviest of {len(lessons)} lessons: {worst[0]} {worst[1] / 1024:.1f} KB")
    return "\n".join(lines)


def _write_section(role: str, table: str) -> None:
    """test-artifacts/page-weight.txt holds one section per role; the roles' tests run in
    parallel workers, so the file is rewritten under a lock, keeping the other sections."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "page-weight.txt"
    with (ARTIFACTS / ".page-weight.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = target.read_text(encoding="utf-8") if target.exists() else ""
        sections = {part.split(" ", 1)[0]: "== " + part.strip() for part in old.split("== ")[1:]}
        sections[role] = table
        ordered = [sections[r] for r in ROLES if r in sections]
        target.write_text("\n\n".join(ordered) + "\n", encoding="utf-8")


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_is_light_and_loads_nothing_from_elsewhere(page: Page, live_app, live_server, role: str):
    world = get_world(live_app)
    origin = urlsplit(live_server).netloc
    foreign: list[str] = []
    page.on("request", lambda r: urlsplit(r.url).netloc != origin and foreign.append(r.url))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    starts = ["/"]
    if role != "anonymous":
        log_in_as(page, world.email(role, ROLES[role]))
        starts += ["/learn/my"]
    if role in ("trainer", "admin"):
        starts += ["/cohorts/", f"/cohorts/{world.cohort_id}/"]
    if role == "admin":
        starts += ["/admin/users"]
    rows = [
        (path, size, n)
        for path, (size, n) in _crawl(page, live_server, starts, foreign, EVERY_ONE[role]).items()
    ]

    table = _table(role, rows)
    print("\nHeaviest pages (first visit, everything it loads):\n" + table)
    _write_section(role, table)

    if role in ("anonymous", "trainee"):  # the learners' crawls measure every lesson
        reached = {path.removeprefix("/learn/") for path, _size, _n in rows if LESSON.match(path)}
        assert reached >= LESSONS, f"lessons the crawl did not reach: {sorted(LESSONS - reached)}"
    too_heavy = [
        f"{path}: {size / 1024:.1f} KB"
        for path, size, _n in rows
        if size >= (LESSON_LIMIT if LESSON.match(path) else PAGE_LIMIT)
    ]
    assert not too_heavy, f"{role}: pages over their budget (lessons 50 KB, others 100 KB):\n" + "\n".join(
        too_heavy
    )
