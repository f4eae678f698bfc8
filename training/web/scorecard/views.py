from __future__ import annotations

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.i18n import current_locale
from training.models import AssessmentAnswer
from training.services import (
    cities,
    city_access,
    city_requests,
    cohorts,
    curriculum_cache,
    evaluation,
    library,
    workshop,
)
from training.services import scorecard as sc
from training.services.recommendations import recommend
from training.services.scorecard import history
from training.web.routing import bounded_int
from training.web.scorecard import bp
from training.web.scorecard.charts import bar_rows, essentials_radar
from training.web.scorecard.kept import kept_cards_on, kept_html


def _city_for(city_id: int, edit: bool = False):
    """The city, if this user may see (or edit) its scorecard; 404 otherwise (no leak)."""
    city = cities.get_city(city_id)
    if city is None or not sc.can_view_city_scorecard(current_user, city):
        abort(404)
    if edit and not sc.can_edit_city_scorecard(current_user, city):
        abort(403)
    return city


@bp.get("/")
@login_required
def index():
    """Your city's scorecard: the city you are a member of (the profile city only if you are);
    a list when there are several; otherwise a page to ask to join your city's delegation."""
    choices = city_access.list_scorecard_cities(current_user)
    profile = current_user.city
    if choices and profile is not None and all(c.id != profile.id for c in choices):
        # a member elsewhere whose profile now names another city: both, never a silent redirect
        pending = city_requests.get_pending_request(current_user, profile)
        return render_template(
            "scorecard/choose.html", choices=choices, ask_city=profile, pending=pending, form=FlaskForm()
        )
    city = city_access.scorecard_city_for(current_user)
    if city is not None:
        return redirect(url_for("scorecard.overview", city_id=city.id))
    own = next((c for c in choices if c.id == current_user.city_id), None)
    if own is not None or len(choices) == 1:
        return redirect(url_for("scorecard.overview", city_id=(own or choices[0]).id))
    if choices:
        return render_template("scorecard/choose.html", choices=choices)
    pending = city_requests.get_pending_request(current_user, profile) if profile else None
    return render_template("scorecard/ask.html", pending=pending, form=FlaskForm())


@bp.post("/city/<int:city_id>/request")
@login_required
def request_membership(city_id: int):
    """Ask to join the delegation of the city on one's profile (the only city one may ask for)."""
    city = cities.get_city(city_id)
    if city is None or city.id != current_user.city_id:
        abort(404)
    if FlaskForm().validate_on_submit():
        if city_requests.request_membership(current_user, city) is None:
            return redirect(url_for("scorecard.overview", city_id=city.id))
        flash(
            _("Your request is sent. The delegation lead or a trainer of the city will answer it."), "success"
        )
    return redirect(url_for("scorecard.index"))


@bp.get("/city/<int:city_id>/")
@login_required
def overview(city_id: int):
    city = _city_for(city_id)
    card = sc.get_scorecard(sc.get_current_assessment(city))
    can_manage = city_access.can_manage_members(current_user, city)
    return render_template(
        "scorecard/overview.html",
        city=city,
        card=card,
        members=city_access.list_members(city),
        requests=city_requests.list_pending_requests(city) if can_manage else [],
        can_manage=can_manage,
        form=FlaskForm(),
    )


def _version(qid: str) -> int:
    raw = request.form.get(f"{qid}-version", "0")
    return bounded_int(raw)


def _save_sheet(city, rows):
    """Save every question of the sheet. Returns (submitted, errors, conflicts, overtaken).

    Nothing is saved when a field is wrong. The delegate's own rating is always saved. A city
    answer a colleague changed meanwhile is not overwritten: when the delegate's rating of that
    question was saved, it is `overtaken` (their save succeeded; the city's shared answer is shown
    as information — several delegates rating at once is normal in a workshop); otherwise it is a
    `conflict` (nothing of that question was saved)."""
    errors: dict[str, dict[str, str]] = {}
    conflicts: dict[str, object] = {}
    overtaken: dict[str, object] = {}
    submitted = {
        row.question.id: {f: request.form.get(f"{row.question.id}-{f}", "") for f in AssessmentAnswer.FIELDS}
        for row in rows
    }
    for qid, values in submitted.items():
        try:
            sc.clean_answer(values)
        except sc.InvalidAnswer as exc:
            errors[qid] = exc.errors
    if errors:
        return submitted, errors, conflicts, overtaken
    assessment = sc.get_or_create_assessment(city)
    for row in rows:
        qid, values = row.question.id, submitted[row.question.id]
        rated = values["score"] != "" or bool(values["comments"])
        if rated:
            workshop.save_rating(current_user, assessment, row.question, values["score"], values["comments"])
        if row.answer is not None and row.answer.agreed:
            continue  # the agreed city score is changed only in the workshop
        try:
            sc.save_answer(current_user, assessment, row.question, values, expected_version=_version(qid))
        except sc.StaleAnswer as stale:
            if sc.answer_matches(stale.answer, values):
                continue  # a colleague saved the same answer at the same moment
            (overtaken if rated else conflicts)[qid] = stale.answer
        except sc.AnswerLocked:
            conflicts[qid] = sc.get_or_add_answer(assessment, row.question)[0]
    return submitted, errors, conflicts, overtaken


def _answer_sheet(city, assessment, rows, title, back_url, self_url, module=None, memo=None):
    """Show and save a set of questions of the city's current `assessment` in one form; errors
    stay next to their fields and a colleague's concurrent change is shown instead of being
    overwritten."""
    errors: dict[str, dict[str, str]] = {}
    conflicts: dict[str, object] = {}
    overtaken: dict[str, object] = {}
    submitted: dict[str, dict[str, str]] = {}
    if assessment is not None and not assessment.is_open:
        abort(409)
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            abort(400)
        submitted, errors, conflicts, overtaken = _save_sheet(city, rows)
        if not errors and not conflicts and not overtaken:
            flash(_("Your answers are saved."), "success")
            after = request.form.get("after")
            return redirect(url_for("scorecard.results", city_id=city.id) if after == "results" else self_url)
    ratings = workshop.get_ratings(current_user, assessment) if assessment else {}
    return (
        render_template(
            "scorecard/answer.html",
            city=city,
            rows=rows,
            title=title,
            back_url=back_url,
            module=module,
            errors=errors,
            conflicts=conflicts,
            overtaken=overtaken,
            submitted=submitted,
            ratings=ratings,
            memo={} if memo is None else memo,
            form=FlaskForm(),
        ),
        422 if errors else (409 if conflicts else 200),
    )


@bp.route("/city/<int:city_id>/essential/<int:number>", methods=["GET", "POST"])
@login_required
def essential(city_id: int, number: int):
    city = _city_for(city_id, edit=request.method == "POST")
    assessment = sc.get_current_assessment(city)
    card = sc.get_kept_scorecard(assessment)
    row = next((e for e in card.essentials if e.essential.number == number), None)
    if row is None:
        abort(404)
    title = _("Essential %(n)d: %(title)s", n=number, title=row.essential.title(current_locale()))
    return _answer_sheet(
        city,
        assessment,
        row.questions,
        title,
        url_for("scorecard.overview", city_id=city.id),
        url_for("scorecard.essential", city_id=city.id, number=number),
        memo=card.memo,
    )


@bp.route("/city/<int:city_id>/module/<slug>", methods=["GET", "POST"])
@login_required
def module_questions(city_id: int, slug: str):
    """'Apply to your city': the scorecard questions a module prepares, for this city."""
    city = _city_for(city_id, edit=request.method == "POST")
    module = curriculum_cache.get_module(slug)  # the worker's copy: no query
    if module is None:
        abort(404)
    assessment, rows, memo = sc.get_current_question_rows(city, module.scorecard_questions)  # one query
    title = _(
        "Apply “%(module)s” to %(city)s",
        module=module.title(current_locale()),
        city=city.name(current_locale()),
    )
    return _answer_sheet(
        city,
        assessment,
        rows,
        title,
        url_for("learn.module", slug=slug),
        url_for("scorecard.module_questions", city_id=city.id, slug=slug),
        module=module,
        memo=memo,
    )


@bp.get("/city/<int:city_id>/results")
@login_required
def results(city_id: int):
    city = _city_for(city_id)
    chosen = request.args.get("assessment", "")
    if chosen.isdigit():
        assessment = history.get_assessment(city, bounded_int(chosen))
        if assessment is None:
            abort(404)
    else:
        assessment = sc.get_current_assessment(city)
    card = sc.get_kept_assessment_scores(assessment)  # the page shows scores, not answers
    locale = current_locale()
    changes = sc.list_changes(assessment, limit=20) if assessment else []
    gains, gain_cohort = {}, None
    for cohort in cohorts.list_cohorts_for(current_user) if current_user.role in ("trainer", "admin") else []:
        if cohort.city_id == city.id:
            report = evaluation.knowledge_gain(cohort)
            gains = {row.essential: row for row in report.essentials if row.n}
            gain_cohort = cohort
            break
    # The advice's case-study cards are read from every published case study once per revision
    # of the case studies (every write to one raises it, in its own transaction) and Essentials.
    revision = library.get_case_studies_revision()
    advice = recommend(card, case_studies_on=partial(kept_cards_on, card.memo, revision))
    # The body shows these and nothing else of the reader: kept under them (kept.py).
    key = (
        "results", city.id, tuple(row.score for row in card.rows()), tuple(advice.case_studies),
        tuple((n, g.n, g.mean_pre, g.mean_post) for n, g in sorted(gains.items())),
        gain_cohort.name if gain_cohort else None, locale,
    )  # fmt: skip

    def draw() -> str:
        return render_template(
            "scorecard/_results_body.html",
            city=city,
            card=card,
            radar_data=essentials_radar(card, locale),
            bars=bar_rows(card, locale),
            advice=advice,
            gains=gains,
            gain_cohort=gain_cohort,
        )

    return render_template(
        "scorecard/results.html",
        city=city,
        assessment=assessment,
        body=kept_html(card.memo, key, draw),
        changes=changes,
    )
