"""Search benchmark (`make bench`): the curriculum search over 10,000 lesson-sized documents, on
SQLite and — when TEST_DATABASE_URL is set — on PostgreSQL. Target: every query answers in under
100 ms (docs/search.md). Not part of the test suite and never pass/fail: it prints a table.

The documents are made from the real lessons, glossary and case studies (both languages): each is
one real document with its sentences shuffled and a sixth of them taken from another document, so
the words and their frequencies are the curriculum's own and every document differs. That is a
hard case: a query word of one lesson is in a third to a half of all documents, 城市 in all. Timed:
`search_curriculum` as the page calls it (count, one page of ten, module titles, snippets), the
median of REPEAT runs after one warm-up (wall and this process's CPU time), and the whole /search
page through the test client. The index is built in bulk (COPY on PostgreSQL, executemany on
SQLite) from posting lists made by the app's own code (postings.posting_rows).
"""

from __future__ import annotations

import os
import random
import re
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import delete, select

from tests.conftest import _make_database, build_app
from training.extensions import db
from training.models import SearchDocument, SearchPosting
from training.services.search import search_curriculum
from training.services.search.index import posting_weights
from training.services.search.postings import posting_rows
from training.services.search.text import index_tokens, tokens

DOCUMENTS = int(os.environ.get("BENCH_SEARCH_DOCUMENTS", "10000"))
REPEAT = 15
QUERIES = (
    ("海绵城市", "zh"),
    ("韧性", "zh"),
    ("预警", "zh"),
    ("城市", "zh"),  # in nearly every Chinese text
    ("城", "zh"),  # a lone character: every pair that starts with it
    ("绿色债券 试点", "zh"),
    ("early warning", "en"),
    ("green bond", "en"),
    ("resilience", "en"),
    ("the city", "en"),  # in nearly every English text
    ('"most severe" scenario', "en"),
    ("qqzzxxyy", "en"),  # no result
)
_SENTENCE_RE = re.compile(r"(?<=[。！？.!?])\s*")


def _sentences(text: str) -> list[tuple[str, list[str]]]:
    parts = [s for s in _SENTENCE_RE.split(text) if s.strip()]
    return [(s, index_tokens(tokens(s))) for s in parts]


def _load(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk load: COPY on PostgreSQL, the driver's executemany on SQLite (one transaction)."""
    raw = db.session.connection().connection.driver_connection
    if db.engine.dialect.name == "postgresql":
        with raw.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        raw.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)  # nosec B608


_DOCUMENT_COLUMNS = ("id", "kind", "ref", "module_slug", "position")
_DOCUMENT_COLUMNS += ("title_en", "title_zh", "text_en", "text_zh")


def make_documents(n: int) -> tuple[list[tuple], list[tuple[int, dict[str, float]]]]:
    """n documents derived from the real lessons (search_document rows), and each one's
    {token: weight} as the app computes them (tokens, posting_weights). Made once, for both
    databases."""
    rng = random.Random(18)
    lessons = select(SearchDocument).where(SearchDocument.kind == SearchDocument.LESSON)
    real = list(db.session.scalars(lessons))
    base = [(d, _sentences(d.text_en), _sentences(d.text_zh)) for d in real]
    documents, weights = [], []
    for i in range(n):
        doc, en, zh = base[i % len(base)]
        _other, en2, zh2 = base[rng.randrange(len(base))]

        def mix(own, borrowed):
            chosen = own[:]
            rng.shuffle(chosen)
            keep = chosen[: max(1, len(chosen) * 5 // 6)]
            return keep + rng.sample(borrowed, min(len(borrowed), len(own) // 6))

        en_mix, zh_mix = mix(en, en2), mix(zh, zh2)
        title_en, title_zh = f"{doc.title_en} {i}", f"{doc.title_zh} {i}"
        documents.append(
            (i + 1, SearchDocument.LESSON, f"{doc.ref}-{i}", doc.module_slug, i, title_en, title_zh)
            + (" ".join(s for s, _ in en_mix), "".join(s for s, _ in zh_mix))
        )
        title = index_tokens(tokens(title_en)) + index_tokens(tokens(title_zh))
        weights.append((i + 1, posting_weights(title, [t for _, ts in en_mix + zh_mix for t in ts])))
    return documents, weights


def populate(documents: list[tuple], weights: list[tuple[int, dict[str, float]]]) -> int:
    """Replace the index with these documents: posting lists by the app's own code
    (posting_rows), bulk loaded in one transaction, then ANALYZE. Returns the rows stored."""
    db.session.execute(delete(SearchPosting))
    db.session.execute(delete(SearchDocument))
    _load("search_document", _DOCUMENT_COLUMNS, documents)
    postings = posting_rows(weights)
    columns = ("token", "block", "doc_ids", "weights")
    _load("search_posting", columns, [tuple(r[c] for c in columns) for r in postings])
    db.session.commit()
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()
    return len(postings)


def _median_ms(fn) -> tuple[float, float]:
    """Median wall and CPU (this process) milliseconds of REPEAT calls after one warm-up. The
    CPU time leaves out the database server's work on PostgreSQL; wall time includes other
    processes' load (printed with the load average)."""
    fn()
    walls, cpus = [], []
    for _ in range(REPEAT):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def measure(app, label: str, corpus) -> list[tuple]:
    rows = []
    with app.app_context():
        wall, cpu = time.perf_counter(), time.process_time()
        lists = populate(*corpus)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        postings = sum(len(w) for _, w in corpus[1])
        size = sum(len(t or "") for t in db.session.scalars(select(SearchDocument.text_en)))
        size += sum(len(t or "") for t in db.session.scalars(select(SearchDocument.text_zh)))
        each = size / DOCUMENTS / 1000
        print(f"{label}: {DOCUMENTS} documents ({each:.1f} k characters each), {postings} postings", end=" ")
        print(f"in {lists} rows")
        print(f"  built in {wall:.1f} s ({cpu:.1f} s CPU in this process); load average {_load_average()}")
        for query, locale in QUERIES:
            total = search_curriculum(query, locale).total
            times = _median_ms(lambda q=query, lc=locale: search_curriculum(q, lc))
            rows.append((label, query, total, *times))
    client = app.test_client()
    for query, locale in (("城市", "zh"), ("early warning", "en")):
        headers = {"Accept-Language": "zh-CN" if locale == "zh" else "en"}

        def page(q=query, h=headers):
            assert client.get("/search", query_string={"q": q}, headers=h).status_code == 200

        rows.append((label, f"GET /search?q={query}", None, *_median_ms(page)))
    return rows


def _load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(f"sqlite:///{Path(tmp) / 'search.sqlite3'}")
        with app.app_context():
            wall, cpu = time.perf_counter(), time.process_time()
            corpus = make_documents(DOCUMENTS)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{DOCUMENTS} documents made and tokenised in {wall:.1f} s ({cpu:.1f} s CPU)", flush=True)
        rows += measure(app, "SQLite", corpus)
        with app.app_context():
            db.engine.dispose()
        if os.environ.get("TEST_DATABASE_URL"):
            url = _make_database("search_bench", SimpleNamespace(mktemp=lambda _name: Path(tmp)))
            app = build_app(url)
            rows += measure(app, "PostgreSQL", corpus)
            with app.app_context():
                db.engine.dispose()
        else:
            print("TEST_DATABASE_URL is not set: search measured on SQLite only")
    print(f"\nCurriculum search, {DOCUMENTS} lesson-sized documents (median of {REPEAT}; target < 100 ms)")
    print(f"load average at the end: {_load_average()}")
    print(f"{'database':<11} {'query':<34} {'results':>7} {'median ms':>9} {'CPU ms':>7}")
    for label, query, total, ms, cpu in rows:
        shown = "" if total is None else total
        print(f"{label:<11} {query:<34} {shown:>7} {ms:>9.1f} {cpu:>7.1f}")


if __name__ == "__main__":
    main()
