"""`flask notifications …`: the scheduled reminders, the worker, the failed emails."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Reminders, the job worker and failed emails.")


@notifications_cli.command("send-due")
def send_due_command():
    """Record the reminders due now and queue their emails; queue again the emails whose job
    was lost. Safe to run every few minutes, and twice at once."""
    from training.services.reminders import send_due

    report = send_due()
    click.echo(
        f"{report.session_reminders} session reminder(s), {report.inactive_reminders} inactive "
        f"reminder(s) recorded; {report.requeued} email(s) queued again; {report.queued_jobs} job(s) queued"
    )


@notifications_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool):
    """Run a worker of the job queue (needs REDIS_URL)."""
    from training.queue import run_worker, uses_redis

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not uses_redis(app):
        raise click.ClickException(
            "REDIS_URL is not set: without Redis, jobs run inside the web process; no worker is needed."
        )
    run_worker(app, burst=burst)


@notifications_cli.command("retry-failed")
def retry_failed_command():
    """Queue again every email that failed after its last retry."""
    from training import queue
    from training.services import email_delivery, notifications

    count = email_delivery.retry_failed(current_app.config["EMAIL_REQUEUE_AFTER"])
    queue.clear_failed_jobs()
    notifications.send_pending()
    click.echo(f"{count} email(s) queued again")
