"""Command-line tools: `flask content …`, `flask users …`, `flask setup`, `flask translate …`."""

from __future__ import annotations

import subprocess
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from training.config import ROOT

content_cli = AppGroup("content", help="Check and sync the curriculum in modules/ and quizzes/.")
users_cli = AppGroup("users", help="Manage user accounts.")
translate_cli = AppGroup("translate", help="Extract, update and compile the interface translations.")

TRANSLATIONS = ROOT / "training" / "translations"
POT = TRANSLATIONS / "messages.pot"


def _load():
    from training.content import ContentErrors, load_curriculum

    try:
        return load_curriculum(current_app.config["CONTENT_ROOT"])
    except ContentErrors as exc:
        click.echo(f"{len(exc.errors)} problem(s) in the content:", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)


@content_cli.command("check")
def content_check():
    """Validate every module, quiz and the scorecard; print every problem with file and field."""
    curriculum = _load()
    lessons = sum(len(m.lessons) for m in curriculum.modules)
    questions = sum(len(q.questions) for q in curriculum.quizzes)
    scorecard = sum(len(e.questions) for e in curriculum.essentials)
    click.echo(
        f"OK: {len(curriculum.modules)} module(s), {lessons} lesson(s), {len(curriculum.quizzes)} "
        f"quiz(zes) with {questions} question(s), scorecard with {scorecard} questions."
    )


@content_cli.command("sync")
def content_sync():
    """Load the curriculum into the database (idempotent)."""
    from training.services.content_sync import sync_curriculum

    report = sync_curriculum(_load())
    for line in report.lines():
        click.echo(f"  {line}")
    click.echo("Content synced." if report.changed else "Content already up to date.")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["trainee", "trainer", "editor", "admin"]))
def users_set_role(email: str, role: str):
    """Give the user with EMAIL the ROLE."""
    from training.services.accounts import get_user_by_email, set_role

    user = get_user_by_email(email)
    if user is None:
        click.echo(f"No user with the email {email}.", err=True)
        sys.exit(1)
    set_role(user, role)
    click.echo(f"{user.email} is now {role}.")


@users_cli.command("list")
def users_list():
    from training.services.accounts import list_users

    for user in list_users(limit=10_000):
        click.echo(f"{user.email}\t{user.role}\t{user.name}")


def _setup(app: Flask) -> None:
    from flask_migrate import upgrade

    from training.services.accounts import ensure_demo_accounts
    from training.services.cities import seed_cities
    from training.services.content_sync import sync_curriculum

    upgrade(directory=str(ROOT / "training" / "migrations"))
    added = seed_cities()
    click.echo(f"Cities: {added} added.")
    report = sync_curriculum(_load())
    click.echo("Content: " + (", ".join(report.lines()) or "nothing to sync"))
    password = app.config["DEMO_PASSWORD"]
    demo = ensure_demo_accounts(password)
    click.echo("")
    click.echo("Demo accounts (DEMO ONLY — never use these in production):")
    for email in demo.created + demo.existing:
        click.echo(f"  {email}")
    if demo.created:
        click.echo(f"  password for new demo accounts: {password}  (set DEMO_PASSWORD to change)")
    else:
        click.echo("  (already existed; their password was set when they were created)")


@click.command("setup")
def setup_command():
    """Migrate the database, seed cities, sync content, create demo accounts. Keeps all data."""
    _setup(current_app)


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


@translate_cli.command("extract")
def translate_extract():
    """Extract interface strings to messages.pot and update the catalogs."""
    _babel(
        "extract",
        "-F",
        str(ROOT / "babel.cfg"),
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "--project",
        "Resilient Cities Academy",
        "-o",
        str(POT),
        str(ROOT),
    )
    _babel("update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-fuzzy-matching")


@translate_cli.command("compile")
def translate_compile():
    """Compile the catalogs (.po to .mo)."""
    _babel("compile", "-d", str(TRANSLATIONS))


def init_cli(app: Flask) -> None:
    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(setup_command)
