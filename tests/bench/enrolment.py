"""Enrolment benchmark: a trainer imports a list of 500 officials into a cohort in one request —
time and query count of the preview (read, check, nothing stored) and of the import (500
invitations in one transaction, 500 emails recorded and handed to the job queue). Printed by
`make bench`; never a pass/fail. The goal (issue 16): under 5 s for the import on SQLite and on PostgreSQL.

SQLite always; PostgreSQL too when TEST_DATABASE_URL points at a server (as for the tests).
Half the addresses have an account already, a tenth name the city in Chinese, a few another
city (overridden), as a real list does. Without REDIS_URL and MAIL_SERVER the queue's jobs run
in the process and write the emails to the log, which is silenced here (its cost is still paid);
in production a worker sends them after the request (training/queue.py).
"""

from __future__ import annotations

import html as html_module
import io
import logging
import os
import re
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from openpyxl import Workbook
from sqlalchemy import event, func, insert, select

from tests.conftest import _make_database, build_app
from training.extensions import db
from training.models import CohortInvitation, Module, Role, User
from training.services import accounts, cities, cohorts, trainer_cities

ROWS = 500
REPEAT = 3
PASSWORD = "Bench-password-2026!"


def _populate(rows: int) -> tuple[int, str]:
    wuhan = next(c for c in cities.list_cities() if c.name_en == "Wuhan")
    trainer = accounts.register_user(
        name="Bench Trainer",
        email="bench-trainer@example.org",
        password=PASSWORD,
        city=None,
        role=Role.TRAINER,
    )
    trainer_cities._add_assignment(trainer, wuhan, "admin", None)  # as an admin would
    module_ids = list(db.session.scalars(select(Module.id).order_by(Module.position)))
    values = cohorts.CohortValues("Bench enrolment", wuhan, None, None, module_ids, [trainer.id])
    cohort = cohorts.create_cohort(trainer, values)
    db.session.execute(
        insert(User),
        [
            {"name": f"Official {i}", "email": f"official{i}@example.org", "role": "trainee", "locale": "zh",
             "password_hash": trainer.password_hash, "session_version": 1, "city_id": wuhan.id}
            for i in range(0, rows, 2)
        ],
    )  # fmt: skip
    db.session.commit()
    return cohort.id, trainer.email


def _workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "邮箱", "部门", "城市"])
    for i in range(rows):
        city = "深圳" if i % 50 == 7 else ("武汉" if i % 10 == 0 else "Wuhan")
        sheet.append([f"Official {i}", f"official{i}@example.org", "Emergency management bureau", city])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _timed(client, engine, path: str, data: dict) -> tuple[float, float, int, object]:
    statements: list[int] = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    start, cpu = time.perf_counter(), time.process_time()
    response = client.post(path, data=data, content_type="multipart/form-data")
    elapsed, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    event.remove(engine, "before_cursor_execute", count)
    return elapsed, cpu, len(statements), response


def _run(url: str) -> list[tuple[str, float, int]]:
    app = build_app(url)
    app.logger.setLevel(logging.ERROR)
    with app.app_context():
        cohort_id, email = _populate(ROWS)
        engine = db.engine
    client = app.test_client()
    client.post("/auth/login", data={"email": email, "password": PASSWORD})
    path = f"/cohorts/{cohort_id}/enrol"
    data = _workbook(ROWS)
    previews, imports = [], []
    for _ in range(REPEAT):
        ms, cpu, queries, response = _timed(
            client, engine, path, {"upload": (io.BytesIO(data), "officials.xlsx"), "action": "preview"}
        )
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and f"Invite {ROWS} people" in html, re.findall(
            r"(?:error-summary|notice).{0,600}", html, re.S
        )
        previews.append((ms, cpu, queries))
        text = re.search(r"<textarea[^>]*>\r?\n?(.*?)</textarea>", html, re.S).group(1)
        text = html_module.unescape(text)
        digest = re.search(r'name="digest" value="([^"]*)"', html).group(1)
        overrides = re.findall(r'name="override" value="([^"]*)"', html)
        ms, cpu, queries, response = _timed(
            client, engine, path, {"text": text, "digest": digest, "override": overrides, "action": "import"}
        )
        assert response.status_code == 302, re.findall(
            r"error-summary.{0,600}", response.get_data(as_text=True), re.S
        )
        imports.append((ms, cpu, queries))
    with app.app_context():
        stored = db.session.scalar(select(func.count(CohortInvitation.id)))
        assert stored == ROWS, stored  # importing again renews the pending invitations
        db.engine.dispose()
    label = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    return [
        (label, f"preview {ROWS} rows (.xlsx upload)", *_medians(previews)),
        (label, f"import {ROWS} rows (confirm)", *_medians(imports)),
    ]


def _medians(runs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), runs[-1][2]


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += _run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        if os.environ.get("TEST_DATABASE_URL"):
            rows += _run(_make_database("bench_enrolment", SimpleNamespace(mktemp=lambda _name: Path(tmp))))
    # Wall time is what the trainer waits; CPU time (of this process: the app, not the database
    # server) is steadier on a shared machine.
    print(f"{'database':<10}  {'enrolment request':<34} {'median ms':>9}  {'CPU ms':>7}  {'queries':>7}")
    for label, what, ms, cpu, queries in rows:
        print(f"{label:<10}  {what:<34} {ms:>9.1f}  {cpu:>7.1f}  {queries:>7}")
    if not os.environ.get("TEST_DATABASE_URL"):
        print("(PostgreSQL: set TEST_DATABASE_URL=postgresql://… to measure it too)")


if __name__ == "__main__":
    main()
