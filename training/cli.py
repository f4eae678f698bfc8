"""Command-line tools: `flask content …`, `flask users …`, `flask setup`, `flask translate …`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from training.config import ROOT, SECRET_KEY_FILE

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
@click.option(
    "--hosts/--no-hosts", default=True, help="List each file's source hosts (primary ones starred)."
)
def content_check(hosts: bool):
    """Validate every module, quiz and the scorecard; print every problem with file and field,
    then each file's source hosts: * primary, (mirror) a marked or known mirror copy."""
    from training.content.sources import sourced_items

    curriculum = _load()
    if hosts:
        items = sourced_items(curriculum)
        click.echo("Source hosts (* primary, (mirror) copy on another site):")
        for item in items:
            labels = [
                f"*{host}" if kind == "primary" else f"{host} (mirror)" if kind == "mirror" else host
                for host, kind in item.hosts()
            ]
            flag = "" if item.has_primary else "  [no primary source]"
            click.echo(f"  {item.path}: {', '.join(labels) or '(none)'}{flag}")
        missing = [i for i in items if i.kind == "lesson" and not i.has_primary]
        click.echo(f"{len(missing)} lesson(s) without a primary source.")
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
    from training.services.accounts import LastAdmin, get_user_by_email, set_role

    user = get_user_by_email(email)
    if user is None:
        click.echo(f"No user with the email {email}.", err=True)
        sys.exit(1)
    try:
        set_role(user, role)
    except LastAdmin:
        click.echo(f"{email} is the only administrator: make another user admin first.", err=True)
        sys.exit(1)
    click.echo(f"{user.email} is now {role}.")


@users_cli.command("list")
def users_list():
    from training.services.accounts import list_users

    for user in list_users(limit=10_000):
        click.echo(f"{user.email}\t{user.role}\t{user.name}")


def _demo_access() -> None:
    """The demo trainer is assigned to the demo city and the demo trainee is a member of it,
    granted by the demo admin: a profile city alone opens no scorecard."""
    from training.models import Role
    from training.services import city_access
    from training.services.accounts import DEMO_CITY, DEMO_EMAILS, get_user_by_email

    city_access.ensure_demo_access(
        trainee=get_user_by_email(DEMO_EMAILS[Role.TRAINEE]),
        trainer=get_user_by_email(DEMO_EMAILS[Role.TRAINER]),
        admin=get_user_by_email(DEMO_EMAILS[Role.ADMIN]),
        city=city_access.get_city_by_name(DEMO_CITY),
    )


def _demo_programme() -> None:
    """Three fictional cities over two years (training/services/programmes/demo.py), followed
    by the demo trainer; admins see every programme."""
    from training.models import Role
    from training.services.accounts import DEMO_EMAILS, get_user_by_email
    from training.services.programmes.demo import ensure_demo_programme

    if ensure_demo_programme([get_user_by_email(DEMO_EMAILS[Role.TRAINER])]) is not None:
        click.echo("Demo programme created (fictional cities; see /programmes/).")


def _setup(app: Flask, demo: bool = True) -> None:
    from flask_migrate import upgrade

    from training.services.accounts import ensure_demo_accounts
    from training.services.cities import seed_cities
    from training.services.content_sync import sync_curriculum

    upgrade(directory=str(ROOT / "training" / "migrations"))
    key_file = Path(app.instance_path) / SECRET_KEY_FILE
    generated = key_file.exists() and key_file.read_text(encoding="ascii").strip() == app.config["SECRET_KEY"]
    if generated and app.config.get("ENV_NAME") != "production":
        click.echo(f"Sessions are signed with the random key kept in {key_file} (made on the first run).")
    added = seed_cities()
    click.echo(f"Cities: {added} added.")
    report = sync_curriculum(_load())
    click.echo("Content: " + (", ".join(report.lines()) or "nothing to sync"))
    if not demo:
        click.echo("No demo accounts (--no-demo).")
        return
    password = app.config["DEMO_PASSWORD"]
    accounts = ensure_demo_accounts(password)
    _demo_access()
    _demo_programme()
    click.echo("")
    click.echo("Demo accounts (DEMO ONLY — never use these in production):")
    for email in accounts.created + accounts.existing:
        click.echo(f"  {email}")
    if accounts.created:
        click.echo(f"  password for new demo accounts: {password}  (set DEMO_PASSWORD to change)")
    else:
        click.echo("  (already existed; their password was set when they were created)")


@click.command("setup")
@click.option("--demo/--no-demo", default=True, help="Create the demo accounts (never on a public server).")
def setup_command(demo: bool):
    """Migrate the database, seed cities, sync content, create demo accounts. Keeps all data."""
    _setup(current_app, demo=demo)


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(target: str):
    """Copy the SQLite database to TARGET while the app runs (SQLite's online backup).

    For PostgreSQL use pg_dump (see the README's Production section)."""
    import sqlite3

    from training.extensions import db

    url = db.engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        click.echo("flask backup copies a SQLite database; for PostgreSQL use pg_dump.", err=True)
        sys.exit(1)
    source = sqlite3.connect(url.database)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()
    click.echo(f"Backed up {url.database} to {target}.")


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
    app.cli.add_command(case_studies_cli)
    app.cli.add_command(backup_command)
    from training.cli_notifications import notifications_cli

    app.cli.add_command(notifications_cli)


case_studies_cli = AppGroup(
    "case-studies", help="Import and export case studies as Markdown files with front matter."
)


def _case_study_folder(folder: str | None):
    from pathlib import Path

    return Path(folder) if folder else Path(current_app.config["CONTENT_ROOT"]) / "library" / "case-studies"


@case_studies_cli.command("import")
@click.argument("folder", required=False)
@click.option("--publish", is_flag=True, help="Publish what is imported at once (files reviewed like code).")
def case_studies_import(folder: str | None, publish: bool):
    """Import FOLDER (default: library/case-studies). Idempotent; new text becomes a new revision,
    new case studies arrive as drafts unless --publish. Broken files: nothing is imported."""
    from training.content import ContentErrors
    from training.services.case_studies.files import import_case_studies

    try:
        report = import_case_studies(_case_study_folder(folder), publish=publish)
    except ContentErrors as exc:
        click.echo(f"{len(exc.errors)} problem(s); nothing was imported:", err=True)
        for error in exc.errors:
            click.echo(f"  {error}", err=True)
        sys.exit(1)
    for label, slugs in (("created", report.created), ("updated", report.updated)):
        for slug in slugs:
            click.echo(f"  {label}: {slug}")
    click.echo(
        f"Case studies: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )


@case_studies_cli.command("export")
@click.argument("folder", required=False)
@click.option("--slug", "slugs", multiple=True, help="Export only this case study (repeatable).")
def case_studies_export(folder: str | None, slugs: tuple[str, ...]):
    """Write the published case studies to FOLDER (default: library/case-studies) in the shipped
    format; files whose content would not change are left alone."""
    from training.services.case_studies.files import export_case_studies

    report = export_case_studies(_case_study_folder(folder), list(slugs) or None)
    click.echo(
        f"Case studies: {len(report.created)} written, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged."
    )
