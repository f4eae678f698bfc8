"""Programmes: the list, the programme page, its data pack and printable report, and the
administrators' form. Every rule is in training/services/programmes/."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from training.i18n import current_locale
from training.services import cities as cities_service
from training.services.exports import safe_filename
from training.services.programmes import access
from training.services.programmes.report import build_report
from training.services.programmes.workbook import build_workbook
from training.web.programmes import bp
from training.web.programmes.charts import gain_chart, reach_chart, resilience_chart
from training.web.programmes.forms import ProgrammeForm

PDF_MAX_CITIES = 8  # PROGRAMME_PDF_MAX_CITIES overrides
PDF_BASE = "https://academy.invalid/"  # a base for the report's links; never fetched
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _programme_or_403(programme_id: int):
    programme = access.get_programme(programme_id)
    if programme is None:
        abort(404)
    if not access.can_view_programme(current_user, programme):
        abort(403)
    return programme


def _download(body: bytes, mimetype: str, stem: str, ext: str) -> Response:
    filename = safe_filename(stem, ext)
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.get("/")
@login_required
def index():
    return render_template(
        "programmes/index.html",
        programmes=access.list_programmes_for(current_user),
        can_create=access.can_create_programmes(current_user),
    )


def _pdf_offered(city_count: int) -> bool:
    """WeasyPrint is installed and the programme small enough to draw its PDF within a request
    (docs/programmes.md: measured); bigger programmes print the report from the browser."""
    limit = int(current_app.config.get("PROGRAMME_PDF_MAX_CITIES", PDF_MAX_CITIES))
    return importlib.util.find_spec("weasyprint") is not None and city_count <= limit


def _context(programme):
    locale = current_locale()
    report = build_report(programme)
    return {
        "pdf_offered": _pdf_offered(report.city_count),
        "programme": programme,
        "report": report,
        "charts": {
            "reach": reach_chart(report),
            "gain": gain_chart(report, locale),
            "resilience": resilience_chart(report, locale),
        },
        "can_edit": access.can_edit_programme(current_user, programme),
    }


@bp.get("/<int:programme_id>/")
@login_required
def show(programme_id: int):
    return render_template("programmes/show.html", **_context(_programme_or_403(programme_id)))


@bp.get("/<int:programme_id>/report")
@login_required
def report(programme_id: int):
    return render_template("programmes/report.html", **_context(_programme_or_403(programme_id)))


@bp.get("/<int:programme_id>/data.xlsx")
@login_required
def data_pack(programme_id: int):
    programme = _programme_or_403(programme_id)
    body = build_workbook(build_report(programme))
    return _download(body, XLSX, f"{programme.name_en}-data", "xlsx")


@bp.get("/<int:programme_id>/report.pdf")
@login_required
def report_pdf(programme_id: int):
    """The printed report as a PDF, drawn by WeasyPrint from the same HTML with the print
    stylesheets (docs/programmes.md: measured, and why it is not the only way to print)."""
    programme = _programme_or_403(programme_id)
    if not _pdf_offered(len(access.list_cities(programme))):
        abort(404)
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcherResponse
    except (ImportError, OSError):  # not installed, or the system's Pango is missing
        abort(404)
    html = render_template("programmes/report.html", pdf=True, **_context(programme))
    static = Path(current_app.static_folder or "static")
    started = time.perf_counter()

    def fetch(url: str, *args, **kwargs):
        """Only this site's stylesheets, read from the disk: nothing from the network."""
        path = url.removeprefix(PDF_BASE)
        if path.startswith("static/css/") and path.endswith(".css") and "/.." not in path:
            body = (static / path.removeprefix("static/")).read_bytes()
            return URLFetcherResponse(url, body, {"Content-Type": "text/css; charset=utf-8"})
        raise ValueError(f"not fetched: {url}")

    body = HTML(string=html, base_url=PDF_BASE, url_fetcher=fetch).write_pdf()
    current_app.logger.info(
        "programme report PDF %s: %.0f ms", programme.id, 1000 * (time.perf_counter() - started)
    )
    return _download(body, "application/pdf", f"{programme.name_en}-report", "pdf")


# --- administrators: create and edit ---------------------------------------------------------


def _fill_choices(form: ProgrammeForm, city_ids: list[int]) -> None:
    locale = current_locale()
    form.cities.choices = [SelectChoice(str(c.id), c.label(locale)) for c in cities_service.list_cities()]
    form.cohorts.choices = [
        SelectChoice(str(c.id), f"{c.name} · {c.city.name(locale)}")
        for c in access.list_cohorts_of_cities(city_ids)
    ]


ERRORS = {
    "required": lambda: _("This is required."),
    "year": lambda: _("A year from 2000 to 2100."),
    "before_start": lambda: _("The last year cannot come before the first."),
    "other_city": lambda: _("A cohort of a city that is not in the programme was chosen."),
}


def _edit(programme):
    if not access.can_create_programmes(current_user):
        abort(403)
    form = ProgrammeForm()
    if request.method == "GET" and programme is not None:
        form.name_en.data, form.name_zh.data = programme.name_en, programme.name_zh
        form.start_year.data, form.end_year.data = programme.start_year, programme.end_year
        form.cities.data = [c.id for c in access.list_cities(programme)]
        form.managers.data = "\n".join(u.email for u in access.list_managers(programme))
        form.cohorts.data = [c.id for c in access.list_cohorts(programme)]
    _fill_choices(form, list(form.cities.data or []))
    if form.validate_on_submit():
        values = access.ProgrammeValues(
            name_en=form.name_en.data or "",
            name_zh=form.name_zh.data or "",
            start_year=form.start_year.data,
            end_year=form.end_year.data,
            city_ids=list(form.cities.data or []),
            manager_emails=(form.managers.data or "").split(),
            cohort_ids=list(form.cohorts.data or []),
        )
        try:
            saved = access.save_programme(current_user, programme, values)
        except access.InvalidProgramme as problem:
            fields = {"city_ids": form.cities, "cohort_ids": form.cohorts}
            for name, code in problem.errors.items():
                field = fields.get(name) or getattr(form, name, None) or form.managers
                if code.startswith("unknown:"):
                    message = _("No account has these addresses: %(emails)s", emails=code.partition(":")[2])
                else:
                    message = ERRORS.get(code, ERRORS["required"])()
                field.errors = [*field.errors, message]
        else:
            flash(_("Programme saved."), "success")
            return redirect(url_for("programmes.show", programme_id=saved.id))
    return render_template("programmes/form.html", form=form, programme=programme)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    return _edit(None)


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit(programme_id: int):
    programme = access.get_programme(programme_id)
    if programme is None:
        abort(404)
    return _edit(programme)
