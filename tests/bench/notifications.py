"""Bench: 2,000 session reminders recorded and queued by `send-due`, then drained by one
worker (RQ SimpleWorker) to a local SMTP server (aiosmtpd). Needs Redis (TEST_REDIS_URL)."""

from __future__ import annotations

import os
import socket
import tempfile
import time
import uuid
from datetime import timedelta

from aiosmtpd.controller import Controller

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
COUNT = 2000


class Counter:
    received = 0

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        return "250 OK"


def main() -> None:
    from redis import Redis

    from tests.conftest import build_app
    from training import queue
    from training.extensions import db
    from training.models import City, Cohort, CohortMember, CohortSession, User
    from training.models.base import utcnow
    from training.services import reminders

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        print(f"notifications bench skipped: Redis does not answer at {REDIS_URL} ({exc})")
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    folder = tempfile.mkdtemp()
    app = build_app(
        os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, REDIS_URL=REDIS_URL,
        JOB_QUEUE=f"bench-{uuid.uuid4().hex[:10]}", LOG_LEVEL="WARNING",
    )  # fmt: skip
    try:
        with app.app_context():
            city = db.session.query(City).first()
            cohort = Cohort(name="Bench", city_id=city.id, join_code=uuid.uuid4().hex[:12])
            db.session.add(cohort)
            db.session.flush()
            users = [
                User(
                    email=f"bench{i}@example.org",
                    name=f"Bench {i}",
                    password_hash="x",
                    locale="zh" if i % 2 else "en",
                )
                for i in range(COUNT)
            ]
            db.session.add_all(users)
            db.session.flush()
            db.session.add_all(CohortMember(cohort_id=cohort.id, user_id=u.id) for u in users)
            starts = utcnow() + timedelta(hours=2)
            db.session.add(
                CohortSession(cohort_id=cohort.id, title="Bench", held_on=starts.date(), starts_at=starts)
            )
            db.session.commit()
            began = time.perf_counter()
            report = reminders.send_due()
            enqueued = time.perf_counter() - began
            began = time.perf_counter()
            queue.run_worker(app, burst=True, scheduler=False)
            drained = time.perf_counter() - began
            print()
            print("Notifications (2,000 session reminders, one worker, local SMTP server)")
            print(f"  record + enqueue   {report.session_reminders:5d} reminders  {enqueued:6.2f} s  (< 2 s)")
            print(
                f"  worker drain       {counter.received:5d} emails     {drained:6.2f} s  "
                f"{counter.received / drained:7.1f} emails/s  (target >= 100/s)"
            )
            queue.get_queue(app).delete(delete_jobs=True)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
