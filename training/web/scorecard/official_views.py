"""Import of a workbook (UNDRR's official tool or our own export) with a preview before it is
stored, export into a copy of the official tool, and the city profile of an assessment."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from training.i18n import current_locale
from training.services import cities, city_profile
from training.services import scorecard as sc
from training.services.exports import safe_filename
from training.services.scorecard import official, official_export
from training.services.scorecard import xlsx as scorecard_xlsx
from training.web.scorecard import bp
from training.web.scorecard.history_views import PROBLEM_TEXT, PROBLEMS_SHOWN, _describe
from training.web.scorecard.profile_labels import profile_rows

REFUSED = {
    "file_too_large": _l("The file is larger than 2 MB."),
    "encrypted": _l(
        "The workbook is password-protected, or it is an old .xls file. Remove the password in Excel, "
        "save it as .xlsm or .xlsx and upload it again."
    ),
    "not_a_workbook": _l("This is not an Excel workbook (.xlsm or .xlsx), or it is damaged."),
    "too_large_unpacked": _l(
        "The workbook unpacks to far more data than a scorecard can hold, so it was not opened."
    ),
    "unknown_layout": _l(
        "This workbook is in neither of the two layouts the platform understands: UNDRR's official "
        "preliminary scorecard tool (version 1.0, with the sheets Info, Results and E01 to E10), or a "
        "scorecard exported from this platform (the sheets E01 to E10 with an ID column)."
    ),
    "bad_answer_cells": _l(
        "The hidden answer cells of the official tool hold values the tool itself never writes "
        "(%(cells)s): the file may have been edited by hand. Choose these answers again in Excel and "
        "upload the file once more."
    ),
    "text_too_long": _l(
        "Some texts are longer than the platform keeps (%(cells)s): at most %(text)d characters of "
        "evidence or actions, %(responsible)d for the responsible institution and %(timescale)d for "
        "the timescale. Shorten them and upload again."
    ),
    "empty": _l(
        "The official workbook is blank: it has no answers and no city profile, "
        "so there is nothing to import."
    ),
    "not_official_template": _l(
        "This file is not UNDRR's official preliminary scorecard tool (version 1.0). Upload the blank "
        "tool or a copy your city has already filled in."
    ),
}


def refusal_text(refused: official.OfficialRefused) -> str:
    # workbook_limits' reasons (a zip bomb, a DTD, a sheet far too large…) share the import's texts
    text = str(REFUSED.get(refused.code) or PROBLEM_TEXT.get(refused.code) or REFUSED["not_a_workbook"])
    cells = ", ".join(refused.cells[:12]) + ("…" if len(refused.cells) > 12 else "")
    limits = {"text": sc.TEXT_LIMITS["evidence"], "responsible": sc.TEXT_LIMITS["responsible"]}
    limits["timescale"] = sc.TEXT_LIMITS["timescale"]
    return text % {"cells": cells, **limits} if "%(cells)s" in text else text


def _city(city_id: int):
    city = cities.get_city(city_id)
    if city is None or not sc.can_view_city_scorecard(current_user, city):
        abort(404)
    return city


class ImportForm(FlaskForm):
    workbook = FileField(
        _l("Excel workbook (.xlsm or .xlsx)"), validators=[FileRequired(_l("Choose a file."))]
    )


class ConfirmForm(FlaskForm):
    token = HiddenField()


class TemplateForm(FlaskForm):
    workbook = FileField(
        _l("The official tool (.xlsm or .xlsx)"), validators=[FileRequired(_l("Choose a file."))]
    )


@bp.route("/city/<int:city_id>/import", methods=["GET", "POST"])
@login_required
def import_xlsx(city_id: int):
    """Upload → preview (nothing stored yet) → confirm."""
    city = _city(city_id)
    if not official.can_import(current_user, city):  # a member: say who may, not just "not allowed"
        return render_template("scorecard/import.html", city=city, form=None, problems=[]), 403
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            preview = official.read_upload(form.workbook.data.read())
        except official.OfficialRefused as refused:
            problems = [refusal_text(refused)]
        except scorecard_xlsx.ImportRefused as refused:
            problems = [_describe(p) for p in refused.problems]
        else:
            token = official.sign_preview(preview, current_user, city, current_app.config["SECRET_KEY"])
            return render_template(
                "scorecard/import_preview.html",
                city=city,
                preview=preview,
                form=ConfirmForm(token=token),
                profile_rows=profile_rows(preview.profile),
                other_city=official.names_another_city(preview, city),
                essentials={e.essential.number: e.essential for e in sc.get_scorecard(None).essentials},
            )
    code = 422 if (problems or form.errors) else 200
    shown, more = problems[:PROBLEMS_SHOWN], max(0, len(problems) - PROBLEMS_SHOWN)
    return render_template("scorecard/import.html", city=city, form=form, problems=shown, more=more), code


@bp.post("/city/<int:city_id>/import/confirm")
@login_required
def import_confirm(city_id: int):
    city = _city(city_id)
    if not official.can_import(current_user, city):
        abort(403)
    form = ConfirmForm()
    preview = None
    if form.validate_on_submit():
        secret = current_app.config["SECRET_KEY"]
        preview = official.load_preview(form.token.data or "", current_user, city, secret)
    if preview is None:
        flash(_("The preview has expired or is not valid: upload the workbook again."), "error")
        return redirect(url_for("scorecard.import_xlsx", city_id=city.id))
    assessment = official.import_preview(current_user, city, preview)
    flash(_("The workbook is imported as assessment no. %(n)d.", n=assessment.sequence), "success")
    return redirect(url_for("scorecard.results", city_id=city.id))


@bp.route("/city/<int:city_id>/export-official", methods=["GET", "POST"])
@login_required
def export_official(city_id: int):
    """The city's answers written into a copy of the official tool that the user uploads."""
    city = _city(city_id)
    form = TemplateForm()
    problems: list[str] = []
    if form.validate_on_submit():
        assessment = sc.get_current_assessment(city)
        try:
            data = official_export.export_into_official(
                form.workbook.data.read(), sc.get_scorecard(assessment), city_profile.get_profile(assessment)
            )
        except official.OfficialRefused as refused:
            problems = [refusal_text(refused)]
        else:
            macro = official_export.has_macros(data)
            number = assessment.sequence if assessment else 0
            name = f"scorecard-official-{city.name_en}-{number}"
            filename = safe_filename(name, "xlsm" if macro else "xlsx")
            mimetype = (
                "application/vnd.ms-excel.sheet.macroEnabled.12"
                if macro
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
            return Response(
                data,
                mimetype=mimetype,
                headers={
                    "Content-Disposition": f'attachment; filename="{filename}"',
                    "Cache-Control": "no-store",
                },
            )
    code = 422 if (problems or form.errors) else 200
    return render_template("scorecard/export_official.html", city=city, form=form, problems=problems), code


@bp.route("/city/<int:city_id>/profile", methods=["GET", "POST"])
@login_required
def profile(city_id: int):
    """The city profile of the current assessment (the official tool's Info sheet)."""
    city = _city(city_id)
    assessment = sc.get_current_assessment(city)
    if assessment is None and request.method == "POST" and sc.can_edit_city_scorecard(current_user, city):
        assessment = sc.get_or_create_assessment(city)  # the city's first assessment
    may_edit = (
        assessment is not None and assessment.is_open and sc.can_edit_city_scorecard(current_user, city)
    )
    form = FlaskForm()
    values = city_profile.get_profile(assessment)
    too_long: list[str] = []
    if request.method == "POST":
        if not may_edit:
            abort(403)
        if form.validate_on_submit():
            submitted = {key: request.form.get(key, "") for key in city_profile.PROFILE_CELLS}
            too_long = city_profile.too_long(submitted)
            if not too_long:
                city_profile.save_profile(assessment, submitted)
                flash(_("The city profile is saved."), "success")
                return redirect(url_for("scorecard.profile", city_id=city.id))
            values = submitted
    return render_template(
        "scorecard/profile.html",
        city=city,
        assessment=assessment,
        form=form,
        groups=profile_rows(values),
        may_edit=may_edit,
        too_long=too_long,
        long_fields=("stakeholders",),
        locale=current_locale(),
    ), (422 if too_long else 200)
