from __future__ import annotations

import re

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from training.i18n import current_locale
from training.services import (
    certificates,
    city_access,
    cohort_invitations,
    cohort_sessions,
    cohorts,
    curriculum_cache,
    learning,
    library,
    risk_worksheet,
    scorecard,
)
from training.services.exports import safe_filename
from training.services.recommendations import recommend
from training.web.chrome import MEMO_LIMIT, kept_page
from training.web.kept_store import keep
from training.web.learn import bp
from training.web.learn.progress_cards import progress_parts

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)


@bp.app_template_filter("scrollable_tables")
def scrollable_tables(html: Markup) -> Markup:
    """Sanitised lesson or case-study HTML with each table in a box that scrolls sideways and can
    be reached by keyboard: table cells wrap between words only, so a wide table on a phone
    scrolls in its box instead of breaking words or the page."""
    label = escape(_("Table: scroll sideways to see every column"))
    opening = f'<div class="table-scroll" tabindex="0" role="region" aria-label="{label}"><table>'
    # The HTML is bleach's output (the caller marked it safe): "<" inside an attribute is escaped
    # there, so "<table>" is a tag; the wrapper adds only our own constant markup.
    wrapped = _TABLE.sub(lambda m: f"{opening}{m.group(1)}</table></div>", str(html))
    return Markup(wrapped)  # noqa: S704  # nosec B704 - sanitised HTML plus constant markup


def _module_or_404(slug: str):
    module = learning.get_module(slug)
    if module is None:
        abort(404)
    return module


@bp.get("/")
def catalogue():
    modules, memo = curriculum_cache.kept_catalogue()
    rows = learning.catalogue_progress(current_user, modules)
    # The page shows of the visitor only their role, language, whether they are logged in and
    # the numbers of each module's card (lessons done, best score, passed): drawn once per such
    # variant and kept with the curriculum's copy (training/web/chrome.py).
    variant = (
        current_user.is_authenticated,
        tuple((row.module.id, row.lessons_done, row.best_percent, row.passed) for row in rows),
    )
    return kept_page(memo, variant, "learn/catalogue.html", rows=rows)


def _rows_in_suggested_order():
    """The trainee's modules: those their cohorts assigned first (in cohort order), then the
    others in catalogue order; and the ids of the assigned ones."""
    rows = learning.catalogue_progress(current_user, lesson_ids=True)  # next_step reads them
    assigned = cohorts.assigned_module_ids(current_user)
    order = {module_id: i for i, module_id in enumerate(assigned)}
    rows.sort(key=lambda row: (row.module.id not in order, order.get(row.module.id, 0)))
    return rows, assigned


@bp.get("/start")
def start():
    """The guided start: what the programme is, the order to take the modules in, the pre-test
    and the scorecard — the first page a new trainee sees."""
    if current_user.is_authenticated:
        rows, assigned = _rows_in_suggested_order()
        step = learning.next_step(rows)
    else:
        rows, assigned, step = learning.catalogue_progress(None), [], None
    return render_template("learn/start.html", rows=rows, assigned=set(assigned), step=step)


@bp.get("/my")
@login_required
def my_learning():
    rows, assigned = _rows_in_suggested_order()
    advice = None
    # The city whose scorecard the trainee may read (a membership), not the city they declared.
    scorecard_city = city_access.scorecard_city_for(current_user)
    if scorecard_city is not None:
        # Only the weakest Essentials and their modules are shown here: no wording, no case
        # studies; the current assessment's scores alone (one query).
        advice = recommend(
            scorecard.get_kept_scores(scorecard_city),
            # A module already complete is never recommended again.
            modules=[row.module for row in rows if not row.complete],
            with_case_studies=False,
        )
    memberships = cohorts.list_memberships(current_user)
    return render_template(
        "learn/my_learning.html",
        rows=rows,
        step=learning.next_step(rows),
        newcomer=learning.is_newcomer(rows),
        progress=progress_parts(rows, current_locale()),
        advice=advice,
        scorecard_city=scorecard_city,
        assigned=set(assigned),
        memberships=memberships,
        # The city whose answer sheets each cohort's workshop counts (the cohort's city, which the
        # cohort made them a member of), shown only where they may open it.
        rating_cities={
            c.id: c.city for c in memberships if city_access.can_view_city_scorecard(current_user, c.city)
        },
        schedules=cohort_sessions.list_schedules(current_user, cohorts=memberships),
        invitations=cohort_invitations.list_for_user(current_user),
        invitation_form=FlaskForm(),
        certificates=[
            certificates.describe_certificate(c, current_locale())
            for c in certificates.list_certificates(current_user)
        ],
    )


@bp.get("/<slug>/")
def module(slug: str):
    page = learning.get_module_page(current_user, slug)
    if page is None:
        abort(404)
    revision = page.case_studies_revision
    # The cards are chosen from every published case study once per revision of the case
    # studies, which every write to one raises in its own transaction (editors change them in
    # the browser): kept with the module's copy of the curriculum, which a sync replaces.
    case_studies = keep(
        page.module.memo,
        ("case-study cards", revision),
        lambda: tuple(library.list_case_studies_for_module(page.module)),
        MEMO_LIMIT,
    )
    has_worksheet = risk_worksheet.get_worksheet(current_app.config["CONTENT_ROOT"], slug) is not None
    status = page.status
    # The page shows of the visitor only their role, language, whether they are logged in, which
    # lessons they have done and their standing on the quiz: drawn once per such variant (and
    # per revision of the case studies, which chose the cards) and kept with the module's copy
    # of the curriculum (training/web/chrome.py).
    variant = (
        current_user.is_authenticated,
        frozenset(row.lesson.id for row in page.lessons if row.done),
        None
        if status is None
        else (status.attempts_used, status.best_percent, status.passed, status.pretest_taken, status.granted),
        revision,
        has_worksheet,
    )
    return kept_page(
        page.module.memo,
        variant,
        "learn/module.html",
        page=page,
        status=status,
        case_studies=case_studies,
        has_worksheet=has_worksheet,
    )


@bp.get("/glossary/")
def glossary():
    return render_template("learn/glossary.html", terms=library.list_glossary())


def _worksheet_or_404(slug: str):
    module = curriculum_cache.get_module(slug)
    sheet = risk_worksheet.get_worksheet(current_app.config["CONTENT_ROOT"], slug) if module else None
    if sheet is None:
        abort(404)
    return module, sheet


@bp.get("/<slug>/worksheet")
def worksheet(slug: str):
    """The module's worked exercise as a printable page: the blank worksheet, then the example."""
    module, sheet = _worksheet_or_404(slug)
    return render_template("learn/worksheet.html", module=module, sheet=sheet, lang=current_locale())


@bp.get("/<slug>/worksheet.xlsx")
def worksheet_xlsx(slug: str):
    _module, sheet = _worksheet_or_404(slug)
    filename = safe_filename(f"{slug}-worksheet", "xlsx")
    return Response(
        risk_worksheet.build_workbook(sheet),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/<slug>/<lesson_slug>")
def lesson(slug: str, lesson_slug: str):
    module = curriculum_cache.get_module(slug)
    lesson = module.lesson(lesson_slug) if module else None
    if lesson is None:
        abort(404)
    lessons = module.lessons
    previous, following = learning.neighbours(lessons, lesson)
    done = lesson.id in curriculum_cache.done_lesson_ids(current_user, module)
    # The page shows of the visitor only their role, language, and whether they are logged in
    # and have done the lesson: drawn once per such variant (training/web/chrome.py).
    return kept_page(
        lesson.memo,
        (current_user.is_authenticated, done),
        "learn/lesson.html",
        module=module,
        lesson=lesson,
        lessons=lessons,
        previous=previous,
        following=following,
        done=done,
        fallback=lesson.is_fallback(current_locale()),
    )


@bp.post("/<slug>/<lesson_slug>/done")
@login_required
def mark_done(slug: str, lesson_slug: str):
    module = _module_or_404(slug)
    lesson = learning.get_lesson(module, lesson_slug)
    if lesson is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        learning.record_lesson_done(current_user, lesson)
        flash(_("Lesson marked as done."), "success")
        _announce_certificates()
    lessons = learning.list_lessons(module)
    _previous, following = learning.neighbours(lessons, lesson)
    if following is not None:
        return redirect(url_for("learn.lesson", slug=slug, lesson_slug=following.slug))
    return redirect(url_for("learn.module", slug=slug) + "#quiz")


def _announce_certificates() -> None:
    for certificate in certificates.issue_for_user(current_user):
        flash(
            _(
                "Well done: you have earned a certificate (%(code)s).",
                code=certificates.format_code(certificate.code),
            ),
            "success",
        )


@bp.get("/<slug>/apply")
@login_required
def apply_to_city(slug: str):
    """The module's last step: its scorecard questions for the trainee's own city."""
    module = _module_or_404(slug)
    if current_user.city_id is None:
        flash(_("Choose your city in your profile first."), "info")
        return redirect(url_for("auth.profile"))
    city = city_access.scorecard_city_for(current_user)
    if city is None:  # a member of no city (or of several): the scorecard index explains or lists
        return redirect(url_for("scorecard.index"))
    return redirect(url_for("scorecard.module_questions", city_id=city.id, slug=module.slug))
