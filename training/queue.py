"""The job queue: RQ on Redis when REDIS_URL is set, the same jobs in the process otherwise.

One code path. `enqueue("training.jobs.deliver_emails", [42])` names a job function; with Redis it
goes on the RQ queue `JOB_QUEUE` and a worker (`make worker`, `flask notifications worker`) runs
it, retrying on failure after the intervals of `JOB_RETRY_INTERVALS`, then keeping it in RQ's
failed registry. Without Redis (`make run` on a fresh clone) the same function runs in this
process: after the response when in a request and a mail server is set (the page does not
wait for it), at once otherwise (a command; or emails only written to the log), with the
same number of retries.

A job learns whether this try is its last from `is_final_attempt()`.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, after_this_request, current_app, g, has_request_context

log = logging.getLogger(__name__)

_final_attempt: contextvars.ContextVar[bool | None] = contextvars.ContextVar("final_attempt", default=None)


def _function(path: str) -> Callable[..., Any]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def uses_redis(app: Flask | None = None) -> bool:
    app = app or current_app
    return bool(app.config.get("REDIS_URL"))


def connection(app: Flask | None = None):
    """The Redis connection of the queue (one per app, created on first use)."""
    from redis import Redis

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found = app.extensions.get("job_redis")
    if found is None:
        found = app.extensions["job_redis"] = Redis.from_url(app.config["REDIS_URL"])
    return found


def get_queue(app: Flask | None = None):
    from rq import Queue

    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return Queue(
        app.config["JOB_QUEUE"], connection=connection(app), default_timeout=app.config["JOB_TIMEOUT"]
    )


def _retry(app: Flask):
    from rq import Retry

    intervals = list(app.config["JOB_RETRY_INTERVALS"])
    if not intervals:
        return None
    return Retry(max=len(intervals), interval=intervals)


def enqueue(function: str, *args: Any) -> None:
    """Queue one job (see the module's docstring)."""
    enqueue_many(function, [args])


def enqueue_many(function: str, calls: list[tuple]) -> None:
    """Queue one job per argument tuple, in one round trip to Redis."""
    if not calls:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if uses_redis(app):
        queue = get_queue(app)
        retry = _retry(app)
        # The description RQ logs: the name only, never the arguments (no address in a log).
        jobs = [
            queue.prepare_data(function, args=args, description=function, retry=retry, result_ttl=0)
            for args in calls
        ]
        queue.enqueue_many(jobs)
        return
    if has_request_context() and app.config.get("MAIL_SERVER"):
        _after_response(app, function, calls)
    else:
        for args in calls:
            run_embedded(app, function, args)


def _after_response(app: Flask, function: str, calls: list[tuple]) -> None:
    pending = g.get("_jobs_after_response")
    if pending is None:
        pending = g._jobs_after_response = []

        @after_this_request
        def _register(response):
            jobs = list(pending)

            def _run() -> None:
                for name, args in jobs:
                    run_embedded(app, name, args)

            response.call_on_close(_run)
            return response

    pending.extend((function, args) for args in calls)


def run_embedded(app: Flask, function: str, args: tuple) -> None:
    """Run a job in this process, with the retries a worker would make (the intervals capped
    at a few seconds: a development server does not wait ten minutes)."""
    intervals = list(app.config["JOB_RETRY_INTERVALS"])
    for attempt in range(len(intervals) + 1):
        final = attempt == len(intervals)
        token = _final_attempt.set(final)
        try:
            with app.app_context():
                _function(function)(*args)
            return
        except Exception:  # noqa: BLE001 - the job records its failure; a worker would retry
            if final:
                log.exception("job %s failed after %d attempts", function, attempt + 1)
                return
            log.warning(
                "job %s failed, trying again (%d left)", function, len(intervals) - attempt, exc_info=True
            )
            time.sleep(min(float(intervals[attempt]), 5.0))
        finally:
            _final_attempt.reset(token)


def is_final_attempt() -> bool:
    """True when a failure of the running job will not be retried."""
    embedded = _final_attempt.get()
    if embedded is not None:
        return embedded
    from rq import get_current_job

    job = get_current_job()
    return job is None or not job.retries_left


# --- what the admin sees --------------------------------------------------------------------


def queue_counts(app: Flask | None = None) -> dict[str, int] | None:
    """Jobs waiting, running, scheduled for a retry and failed in Redis; None without Redis
    (or when Redis does not answer)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if not uses_redis(app):
        return None
    from redis.exceptions import RedisError

    try:
        queue = get_queue(app)
        return {
            "queued": queue.count,
            "started": queue.started_job_registry.count,
            "scheduled": queue.scheduled_job_registry.count,
            "failed": queue.failed_job_registry.count,
        }
    except RedisError:
        log.warning("Redis does not answer: job counts unavailable")
        return None


def clear_failed_jobs(app: Flask | None = None) -> int:
    """Forget the jobs RQ kept as failed (their emails are queued again from the database)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if not uses_redis(app):
        return 0
    registry = get_queue(app).failed_job_registry
    ids = registry.get_job_ids()
    for job_id in ids:
        registry.remove(job_id, delete_job=True)
    return len(ids)


def run_worker(app: Flask, burst: bool = False, scheduler: bool = True) -> None:
    """An RQ worker for this app's queue. SimpleWorker: jobs run in the worker's own process,
    inside one app context (no fork per job: a fork would share the database connections of
    its parent, and costs more than sending an email)."""
    from rq import SimpleWorker

    with app.app_context():
        worker = SimpleWorker([get_queue(app)], connection=connection(app))
        worker.work(burst=burst, with_scheduler=scheduler, logging_level=app.config.get("LOG_LEVEL", "INFO"))
