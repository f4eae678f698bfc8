"""Where a trainee's page spends its time (`make bench`, first table): each page requested in
process under cProfile, logged in as a trainee with some progress, and the functions that take
the most of it, grouped by where they live (our services, our views, templates, translations,
the database driver and SQLAlchemy, the rest of Flask). Not a pass/fail: a finding to act on.

BENCH_PROFILE_REQUESTS (default 40) requests per page after a warm-up; SQLite in a temporary
directory (the in-process work is the same on PostgreSQL; the round trips are not profiled).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, select

from tests.conftest import build_app
from training.extensions import db
from training.models import City, Lesson, Module, Quiz
from training.services import accounts, learning
from training.services import scorecard as sc

REQUESTS = int(os.environ.get("BENCH_PROFILE_REQUESTS", "40"))
PASSWORD = "bench-profile-lantern"
MODULE = "climate-adaptation"

GROUPS = (
    ("translations", ("babel", "flask_babel", "gettext")),
    ("templates", ("jinja2", "/templates/", "markupsafe")),
    ("database", ("sqlalchemy", "sqlite3", "psycopg")),
    ("our services", ("training/services", "training/content", "training/models")),
    ("our views", ("training/web",)),
)


def trainee_pages(city_id: int, lesson: str) -> list[tuple[str, str]]:
    return [
        ("catalogue", "/learn/"),
        ("module page", f"/learn/{MODULE}/"),
        ("My learning", "/learn/my"),
        ("answer sheet", f"/scorecard/city/{city_id}/module/{MODULE}"),
        ("results", f"/scorecard/city/{city_id}/results"),
        ("lesson", f"/learn/{MODULE}/{lesson}"),
    ]


def seed_trainee(email: str, password: str) -> tuple[int, str]:
    """A trainee, vouched member of the first city, with two lessons done and a scorecard
    answer (inside an app context). Returns the city's id and the first lesson's slug."""
    from tests.factories import member_of

    city = db.session.scalar(select(City).order_by(City.id))
    user = accounts.register_user(name="Bench trainee", email=email, password=password, city=city)
    member_of(user, city.name_en)
    lessons = list(
        db.session.scalars(
            select(Lesson).join(Module, Module.id == Lesson.module_id).where(Module.slug == MODULE)
            .order_by(Lesson.position)
        )
    )  # fmt: skip
    for lesson in lessons[:2]:
        learning.record_lesson_done(user, lesson)
    assessment = sc.get_or_create_assessment(city)
    sc.save_answer(user, assessment, sc.get_question("P2.1"), {"score": "2"})
    assert db.session.scalar(select(Quiz).limit(1)) is not None
    return city.id, lessons[0].slug


def prepare(url: str):
    """The app, a logged-in test client and the pages to profile."""
    # As served: the curriculum kept in memory, autocommit reads, not the test suite's settings.
    app = build_app(url, CONTENT_CACHE_SECONDS=5.0, DATABASE_AUTOCOMMIT_READS=True, TESTING=False)
    with app.app_context():
        city_id, lesson = seed_trainee("profile@example.org", PASSWORD)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "profile@example.org", "password": PASSWORD})
    assert response.status_code == 302
    return app, client, trainee_pages(city_id, lesson)


def _group(filename: str) -> str:
    for name, needles in GROUPS:
        if any(n in filename for n in needles):
            return name
    return "other"


def profile(app, client, path: str) -> dict:
    with app.app_context():
        engine = db.engine
    assert client.get(path).status_code == 200, path
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(REQUESTS):
        client.get(path)
    profiler.disable()
    elapsed = (time.perf_counter() - start) / REQUESTS * 1000
    event.remove(engine, "before_cursor_execute", count)
    stats = pstats.Stats(profiler)
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in stats.stats.values()) or 1
    groups: dict[str, float] = {}
    ours = []
    for (filename, line, function), (_cc, calls, tt, ct, _callers) in stats.stats.items():
        groups[_group(filename)] = groups.get(_group(filename), 0) + tt
        if "training/" in filename and "site-packages" not in filename:
            ours.append((ct, calls, f"{filename.split('training/', 1)[1]}:{line} {function}"))
    ours.sort(reverse=True)
    return {
        "ms": elapsed,
        "queries": len(statements) / REQUESTS,
        "groups": {k: v / total for k, v in sorted(groups.items(), key=lambda kv: -kv[1])},
        "top": [(ct / REQUESTS * 1000, calls / REQUESTS, name) for ct, calls, name in ours[:6]],
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app, client, pages = prepare(f"sqlite:///{Path(tmp) / 'profile.sqlite3'}")
        print(f"\nWhere the time goes: {REQUESTS} requests per page in process under cProfile (SQLite)")
        for name, path in pages:
            found = profile(app, client, path)
            shares = ", ".join(f"{k} {v:.0%}" for k, v in found["groups"].items() if v >= 0.03)
            ms, queries = found["ms"], found["queries"]
            print(f"\n{name} ({path}): {ms:.1f} ms a request (profiled), {queries:.0f} queries")
            print(f"  own time by area: {shares}")
            for ms, calls, where in found["top"]:
                print(f"  {ms:7.2f} ms cumulative  {calls:6.1f} calls  {where}")
        with app.app_context():
            db.engine.dispose()
    print(FINDINGS)


FINDINGS = """
What the profile showed (issue 20, December 2026) and what was removed:
- Drawing templates is most of every trainee page except the lesson (kept whole): macros imported
  without context ("Essential 3" badges, progress bars) looked the translation catalog up again
  for every string (flask_babel formats the locale's name each time). Now once per locale.
- Module page: the case-study cards were half of it — one query building every published case
  study as an ORM object, then each card drawn. Now a query of the columns a card shows and each
  card drawn once per content and language (training/web/fragments.py).
- Catalogue and My learning: the two progress statements were built for every request (SQLAlchemy
  cache keys). Now built once with bound parameters.
- Scorecard answer sheet: it read the whole scorecard (every Essential, question and answer) to
  show a module's few questions, and the module again from the database. Now only those
  questions and answers, and the module from the worker's copy of the curriculum (9 -> 7 queries).
- Results: the recommended case studies were ORM objects. Now plain card columns.

Second round (issue 20, helper h20; CPU time per request in process: tests/bench/cpu_pages.py):
- The fixed cost of every logged-in page (a trivial logged-in endpoint costs 4-6x a bare one in
  process): loading the user and, in the header's bar, COUNTing their unread notifications were
  two queries. Now one: the count is a scalar subquery of the user's query, kept on `g` until the
  request writes anything (training/web/session_user.py). One query fewer on every page; the
  lesson page reads 2 (the user, the done marks). The session is not re-saved on reads
  (SESSION_REFRESH_EACH_REQUEST off), the limiter skips GETs, translations are looked up once.
  What is left of the fixed cost is Flask/Werkzeug itself, the session cookie's signature
  check, Flask-Login's "strong" session identifier, the security headers and SQLAlchemy's
  per-query overhead (about a third of a trivial logged-in request).
- Results: the per-question table called a macro and two translations per row (47 rows): now
  the view draws each bar (charts.py score_bar) and the template translates once. The card's
  Essentials and questions (ORM objects with JSON levels, two queries) and the recommended
  modules (a query) now come from the worker's frozen copy of the curriculum, replaced by a sync
  (get_kept_scorecard): 9 -> 6 queries.
- My learning: the same kept card for its advice (14 -> 12 queries); each module card's head
  (title, summary, Essentials, size) is drawn once per content and language and kept
  (fragments.module_card_head), the progress under it stays the visitor's.
- Answer sheet: the current assessment was read twice (7 -> 6 queries); the five field labels
  and three headings were translated for every question, now once per page.
- Module page: the quiz status statement (a UNION) was built for every request; now once.

Third round (issue 20, helper h20, December 2026). CPU time a request (tests/bench/cpu_pages.py,
SQLite, 120 requests x 3, before = a356dc7 and after run alternately, twice each, load average
4-6 from other work; bare "Hello, World!" 0.12-0.13 ms):
  page                 before         after          change
  logged-in, nothing   0.79-0.80 ms   0.75-0.79 ms   about -3 %
  lesson               1.42-1.44 ms   1.08-1.09 ms   -24 %
  catalogue            2.19-2.23 ms   1.53-1.56 ms   -30 %
  module page          2.73-2.79 ms   1.50-1.55 ms   -45 %
wrk ratios (tests/bench/ratios.py, BENCH_SECONDS=4, 2 rounds, before and after run back to back,
load average 4.3-6.3 before each run):
  page          SQLite before -> after    PostgreSQL before -> after    target
  catalogue     11.1 % -> 15.8 %          8.4 % -> 11.7 %               25 %
  module page    9.1 % -> 16.6 %          6.3 % -> 13.0 %               25 %
  lesson        17.3 % -> 22.4 %         13.8 % -> 16.9 %               40 %
  The targets are not met.
- Module page: half of it was the template (44 translations, a url_for per lesson, the quiz
  panel, the sources) drawn for every request. Now kept whole with the module's copy of the
  curriculum, like a lesson page (training/web/chrome.py kept_page), per variant: logged in or
  not, the lessons done, the quiz standing (attempts, best, passed, pre-test, grants), the
  case-study cards and the worksheet; the visitor's token, path, flashes and count filled in.
  The quiz status and the lessons done are one query (4 -> 3); an unused FlaskForm signed a
  CSRF token for nothing; a card is built only for the case studies shown.
- Catalogue: a third of it was the cards: an include per card (a new context each), its macro
  import re-checked against the page's 31 globals, five translations. Now each card is kept
  whole (fragments.module_card) under the numbers it shows; trainees at the same point share it.
- Every page: the limiter's three hooks (check, headers, cleanup) ran for every GET though every
  limit is on a POST; the notifications bar ran render_template (and every context processor)
  to draw nothing when nothing is unread; home_url (a url_for) was computed by a context
  processor on every render though only the kept header shows it; Flask ran the default
  context processor twice for every blueprint page; the security headers were set one
  setdefault (a scan of the headers) each. All gone. Kept pages are stored cut at their slots.
- Column queries (no ORM entity) of the lesson and module pages — the done marks, the quiz
  status with them, the case-study card rows — run on the session's connection
  (training/database.py read_columns): the ORM's set-up of a statement cost ~30 us a query,
  as much as running it.
- Not reached: the fixed cost did not halve. What is left of a logged-in request that draws
  nothing (cProfile): loading the user ~40 % (the ORM's per-query set-up is about half of it:
  a Core query of the same columns costs ~110 us against ~220 us; the session's transaction
  and connection checkout/return ~60 us), the session cookie (verify, inflate, JSON) ~15 %,
  Flask/Werkzeug's request and response objects ~25 %, headers and hooks the rest. Halving it
  needs the user loaded without the ORM or kept between requests: not done here (the user
  comes with their City, a joined relationship, which a user built from a Core row would have
  to build too, or pages would read it with a query of its own).

Fourth round (issue 20, December 2026): the fixed cost, and the catalogue.
- The ratio bench now measures a floor: a logged-in endpoint that draws nothing
  (tests/bench/production_app.py). Under the same gunicorn it reached 33 % of bare on SQLite and
  26 % on PostgreSQL (where the user's query also costs the database server's share of the same
  two cores). Every logged-in page pays it, so no page can pass it: the lesson's 40 % target is
  above the floor.
- The user is read as a Core row (user, city, unread count) and built into the session as the
  ORM would build it — an object the session already holds is returned and refreshed, not
  replaced (training/web/session_user.py, tests/web/test_session_user.py). A worker keeps the
  session cookies it has checked, under their exact bytes, expiry still checked
  (training/web/session_cookie.py). In process, alternating old and new in one run (best of 4
  x 5 rounds of 200): logged-in nothing 0.69 -> 0.53 ms, lesson 0.99 -> 0.80 ms, catalogue
  1.45 -> 1.32 ms. Keeping users between requests was not done: a role change, a deactivation
  or "log out everywhere" must apply at the next request in every worker.
- The catalogue is kept whole, as lesson and module pages are (training/web/chrome.py
  kept_page), per variant of the visitor's numbers in each module, with the curriculum's copy;
  its progress (lessons done, best attempts) is one query instead of two: 1.32 -> 0.88 ms in
  process, 17 % -> 24 % of bare on SQLite and 13 % -> 17 % on PostgreSQL under wrk.
- Measured and left: the module page (19 % / 14 %) spends most of what is left of it on its
  case-study cards' query, which reads every published case study to choose the few it shows
  (an editor's change shows at once; keeping the cards with the curriculum's copy would make it
  wait for the cache's window, and case studies have no revision of their own). My learning
  (10 % / 7 %, 9 queries), the answer sheet (13 % / 10 %) and results (12 % / 9 %) would need
  fewer queries: each is about 0.1 ms of the server's time on SQLite, more on PostgreSQL.

Fifth round (issue 20, helper h3, 8 December 2026): the case studies get a revision; fewer queries.
- Module page: the case-study cards were chosen by reading every published case study each
  request, so that an editor's change showed at once. Case studies now have a revision of their
  own, `content_revision.case_studies` (migration d20a00000001), raised by every write of a case
  study row on the writer's connection, in its transaction (mapper events in
  training/models/library.py: an editor's save, publish, send-back, archive, reopen, an import,
  a sync, and any other ORM write). The module page reads it as one more row of the query it
  already made (quiz status and lessons done, a UNION), and chooses the cards once per module
  copy and revision (kept in the module copy's memo); the kept page's variant carries the
  revision instead of the cards. 3 -> 2 queries; the cards' query (~0.8 ms under load) is
  replaced by a row of an existing query (~0.07 ms for the same read alone). No reader sees the
  new number before the write it stands for is committed, and a reader that read the old number
  can only keep cards newer than it, never older. Tests: tests/web/test_kept_module_page.py (a
  second user, another language, another role, anonymous, an editor's publish, edit and archive
  through the services, a case study's file synced before the cache's window ends, the revision
  raised per write and undone with it).
- Results: the advice's case studies were read the same way (every published case study, each
  request). Now read once per revision and Essentials and kept in the scorecard copy's memo
  (training/web/scorecard/kept.py kept_cards_on); the revision is a small query of its own, so
  6 queries still, but the cards' rows are no longer read and built per request.
- My learning: the next step read the trainee's done lessons in a query of its own after the
  progress query had counted them per module. The progress query now returns, for My learning
  and the guided start, a row per lesson done instead of a count (learning.catalogue_progress
  `lesson_ids`), and next_step reads them from the rows: 9 -> 8 queries (both together ~0.6 ->
  ~0.29 ms in process under load, alternating). The catalogue keeps its counts.
- Answer sheet: the current assessment and the module's answers are one query (the assessment
  outer-joined to its answers to those questions): 5 -> 4 (~1.0 -> ~0.9 ms for the two reads).
- Tried and left: the results page's current assessment and its 47 scores as one query (the
  assessment joined to every answer) was slower — the ORM builds the Assessment row for each
  answer (~1.0 -> ~1.4 ms); kept as two.
- What each change removes, timed alone in one process, old and new alternating (5 x 400 calls,
  best; load average 4-5 from other work): the module's cards query 0.40 ms -> the revision read
  0.05 ms; the results' advice cards 0.46-0.67 -> 0.06-0.09 ms; My learning's progress and done
  lessons 0.34-0.35 -> 0.19-0.26 ms; the answer sheet's assessment and answers 1.0 -> 0.9 ms.
- CPU time a page (tests/bench/cpu_pages.py, 100-200 requests x 3 rounds, best), before
  (7c70643) and after run alternately, nine times each, load average 2-12 from other work on 2
  cores (best of the nine, then the range of the runs' bests):
    page                 before                  after
    logged-in, nothing   0.87 ms (0.87-1.35)     0.85 ms (0.85-1.31)
    catalogue            1.43 ms (1.43-2.26)     1.40 ms (1.40-2.29)   (code unchanged)
    module page          1.91 ms (1.91-2.97)     1.39 ms (1.39-2.65)   -27 %
    results              4.01 ms (4.01-6.21)     3.44 ms (3.44-5.97)   -14 %
    answer sheet         3.20 ms (3.20-5.16)     3.21 ms (3.21-5.72)   not measurable here
    My learning          4.71 ms (4.71-5.82)     5.23 ms (5.23-7.77)   not measurable here
  The run-to-run spread (30-50 %) is larger than the My learning and answer-sheet changes
  (0.1-0.3 ms of 3-5 ms). My learning alone, old and new way swapped in one process three times
  (load 5): 7.51/6.91/6.76 ms old, 6.54/5.75/6.88 ms new — no sign of a loss, no clear gain.
  Every page's absolute time is about double the brief's quiet-machine figures: to be measured
  again on a quiet machine (cpu_pages and the wrk ratios).
- Left: My learning's remaining 8 (the user, progress, assigned modules, scorecard city, the
  city's scores, memberships, invitations, certificates) are each a different table and shape;
  joining any two would make one query hard to read. The answer sheet's ratings and the results'
  change list likewise.
"""


if __name__ == "__main__":
    main()
