"""A city's assessments over time: history and trend, a new assessment, comparison, action plan."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.i18n import current_locale
from training.services import cities, city_profile
from training.services import scorecard as sc
from training.services.exports import safe_filename
from training.services.scorecard import history
from training.services.scorecard import official as scorecard_official
from training.services.scorecard import xlsx as scorecard_xlsx
from training.web.routing import bounded_int
from training.web.scorecard import bp
from training.web.scorecard.charts import bar_rows, essentials_radar, trend_chart
from training.web.scorecard.profile_labels import profile_rows


def _city(city_id: int):
    city = cities.get_city(city_id)
    if city is None or not sc.can_view_city_scorecard(current_user, city):
        abort(404)
    return city


@bp.get("/city/<int:city_id>/history")
@login_required
def history_view(city_id: int):
    city = _city(city_id)
    trend = history.build_trend(city)
    return render_template(
        "scorecard/history.html",
        city=city,
        trend=trend,
        chart=trend_chart(trend, current_locale()),
        can_start=history.can_start_assessment(current_user, city),
        can_import=scorecard_official.can_import(current_user, city),
        form=FlaskForm(),
    )


@bp.post("/city/<int:city_id>/assessments/new")
@login_required
def new_assessment(city_id: int):
    city = _city(city_id)
    if not history.can_start_assessment(current_user, city):
        abort(403)
    if FlaskForm().validate_on_submit():
        assessment = history.start_new_assessment(current_user, city)
        flash(
            _("Assessment no. %(n)d is open; it starts from the last one's answers.", n=assessment.sequence),
            "success",
        )
    return redirect(url_for("scorecard.history_view", city_id=city.id))


@bp.get("/city/<int:city_id>/compare")
@login_required
def compare(city_id: int):
    city = _city(city_id)
    assessments = history.list_assessments(city)
    if len(assessments) < 2:
        flash(_("There is only one assessment so far: start a new one to compare."), "info")
        return redirect(url_for("scorecard.history_view", city_id=city.id))
    by_id = {a.id: a for a in assessments}

    def pick(name, default):
        raw = request.args.get(name, "")
        return by_id.get(bounded_int(raw, -1), default) if raw.isdigit() else default

    before, after = pick("before", assessments[-2]), pick("after", assessments[-1])
    if before is None or after is None:
        abort(404)
    return render_template(
        "scorecard/compare.html", city=city, assessments=assessments, result=history.compare(before, after)
    )


@bp.get("/city/<int:city_id>/action-plan")
@login_required
def action_plan(city_id: int):
    city = _city(city_id)
    sort = request.args.get("sort", "essential")
    if sort not in history.SORTS:
        sort = "essential"
    assessment = sc.get_current_assessment(city)
    return render_template(
        "scorecard/action_plan.html",
        city=city,
        assessment=assessment,
        items=history.action_plan(assessment, sort),
        sort=sort,
    )


# --- export, import and the printable report ---------------------------------------------------

PROBLEM_TEXT = {
    "too_large": _l("The file is larger than 2 MB."),
    "not_a_workbook": _l("This is not an Excel workbook (.xlsx), or it is damaged."),
    "too_many_members": _l("The file holds too many parts to be a workbook of this layout."),
    "member_too_large": _l("A part of the file is too large once unpacked."),
    "too_much_data": _l("The file holds too much data once unpacked."),
    "too_compressed": _l("The file is compressed far more than a workbook can be (a “zip bomb”)."),
    "forbidden_xml": _l(
        "The file contains XML that is not accepted (a document type, entity declarations or an "
        "encoding other than UTF-8). Save it again from Excel or LibreOffice as .xlsx."
    ),
    "too_many_cells": _l("A sheet is far larger than this layout (too many rows, columns or cells)."),
    "macros": _l("Workbooks with macros (.xlsm) are not accepted here: save it as .xlsx."),
    "too_slow": _l("Reading the file took too long; it is refused."),
    "missing_sheet": _l("The sheet is missing."),
    "unknown_question": _l("This question id is not in the scorecard."),
    "bad_score": _l("The score must be 0, 1, 2 or 3 (or empty)."),
    "too_long": _l("The text is too long."),
    "missing_question": _l("A question is missing: %(qid)s."),
}


# A workbook up to this size reaches the import's own checks (and the page's message, "larger than
# 2 MB") instead of the bare 413 page; CSRF reads the form in a before-request function, hence the
# same early hook as the case-study editor's.
IMPORT_REQUEST_LIMIT = 8 * 1024 * 1024


def _raise_import_limit() -> None:
    if request.endpoint == "scorecard.import_xlsx":
        request.max_content_length = IMPORT_REQUEST_LIMIT


bp.record_once(
    lambda state: state.app.before_request_funcs.setdefault(None, []).insert(0, _raise_import_limit)
)

PROBLEMS_SHOWN = 50  # the page lists the first ones and says how many more there are


def _describe(problem) -> str:
    code, _sep, arg = problem.message.partition(":")
    text = PROBLEM_TEXT.get(code, problem.message)
    text = str(text) % {"qid": arg} if arg else str(text)
    where = " ".join(
        part
        for part in (
            problem.sheet,
            _("row %(n)d", n=problem.row) if problem.row else "",
            _("column %(c)s", c=problem.column) if problem.column else "",
        )
        if part
    )
    return f"{where}: {text}" if where else text


@bp.get("/city/<int:city_id>/export.xlsx")
@login_required
def export_xlsx(city_id: int):
    city = _city(city_id)
    chosen = request.args.get("assessment", "")
    assessment = (
        history.get_assessment(city, bounded_int(chosen))
        if chosen.isdigit()
        else sc.get_current_assessment(city)
    )
    if chosen and assessment is None:
        abort(404)
    data = scorecard_xlsx.export_workbook(city, sc.get_scorecard(assessment), current_locale())
    number = assessment.sequence if assessment else 0
    filename = safe_filename(f"scorecard-{city.name_en}-{number}", "xlsx")
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.get("/city/<int:city_id>/report")
@login_required
def report(city_id: int):
    """Results, charts and action plan on one printable page."""
    city = _city(city_id)
    assessment = sc.get_current_assessment(city)
    card = sc.get_scorecard(assessment)
    locale = current_locale()
    radar = essentials_radar(card, locale)
    return render_template(
        "scorecard/report.html",
        city=city,
        assessment=assessment,
        card=card,
        radar_data=radar,
        bars=bar_rows(card),
        items=history.action_plan(assessment, "essential"),
        profile_rows=profile_rows(city_profile.get_profile(assessment), filled_only=True),
    )
