from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from training.i18n import current_locale
from training.models.base import utcnow
from training.services import (
    cities,
    city_access,
    cohort_invitations,
    cohort_records,
    cohort_roster,
    cohorts,
    exports,
    learning,
    name_order,
    trainer_cities,
    trainer_home,
)
from training.services import evaluation as evaluation_service
from training.services import scorecard as sc
from training.services.progress_matrix import build_cohort_matrix, sort_and_filter
from training.services.recommendations import recommend
from training.web.access import role_required
from training.web.cohorts import bp
from training.web.cohorts.forms import CityRequestForm, CohortForm, InviteForm, JoinForm
from training.web.public_links import external_url

STAFF = ("trainer", "admin")
ROWS_PER_PAGE = 50  # the matrix is computed whole (fixed queries); pages keep the HTML light


def _cohort_or_404(cohort_id: int):
    """The cohort, if the current user trains it (or is an admin); 404 otherwise (no leak)."""
    cohort = cohorts.get_cohort(cohort_id)
    if cohort is None or not cohorts.can_manage_cohort(current_user, cohort):
        abort(404)
    return cohort


def _fill_choices(form: CohortForm) -> None:
    """A trainer chooses among the cities an admin assigned them to; an admin among all."""
    locale = current_locale()
    allowed = (
        cities.list_cities()
        if current_user.role == "admin"
        else city_access.list_trainer_cities(current_user)
    )
    form.city.choices = [SelectChoice("0", _("Choose a city…"))] + [
        SelectChoice(str(c.id), c.label(locale)) for c in allowed
    ]
    form.modules.choices = [SelectChoice(str(m.id), m.title(locale)) for m in learning.list_modules()]
    form.trainers.choices = [
        SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in cohorts.list_trainer_candidates()
    ]


def _refused(form: CohortForm, refused: cohorts.CohortRefused) -> None:
    if refused.reason == "trainers":
        form.trainers.errors.append(
            _(
                "Not assigned to this city: %(names)s. An administrator assigns trainers to cities.",
                names=", ".join(refused.names),
            )
        )
    else:
        form.city.errors.append(_("You are not assigned to this city. Ask an administrator."))


def _values(form: CohortForm):
    city = cities.get_city(form.city.data)
    if city is None:
        form.city.errors.append(_("Choose a city."))
        return None
    return cohorts.CohortValues(
        name=form.name.data,
        city=city,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        module_ids=list(form.modules.data or []),
        trainer_ids=list(form.trainers.data or []),
        inactive_days=form.inactive_days.data,
    )


def _city_request_form() -> CityRequestForm:
    """The cities a trainer may still ask for (not assigned, not already asked)."""
    form = CityRequestForm()
    taken = {c.id for c in city_access.list_trainer_cities(current_user)}
    taken |= {c.id for c in trainer_cities.list_pending_trainer_requests(current_user)}
    locale = current_locale()
    form.city.choices = [SelectChoice("0", _("Choose a city…"))] + [
        SelectChoice(str(c.id), c.label(locale)) for c in cities.list_cities() if c.id not in taken
    ]
    return form


@bp.get("/")
@role_required(*STAFF)
def index():
    """The trainer's home (and an admin's list of every cohort): the cohorts, and what needs
    attention in each (services/trainer_home.py), in a fixed number of queries."""
    attention = trainer_home.build_trainer_home(current_user)
    trainer = current_user.role == "trainer"
    return render_template(
        "cohorts/index.html",
        rows=[a.cohort for a in attention],
        counts={a.cohort.id: a.members for a in attention},
        attention=attention,
        my_cities=city_access.list_trainer_cities(current_user) if trainer else [],
        asked=trainer_cities.list_pending_trainer_requests(current_user) if trainer else [],
        city_form=_city_request_form() if trainer else None,
    )


@bp.post("/cities/request")
@role_required("trainer")
def request_city():
    """A trainer asks to train in a city; an admin approves (Administration › Trainers)."""
    form = _city_request_form()
    if form.validate_on_submit():
        city = cities.get_city(form.city.data)
        if city is None:
            abort(404)
        trainer_cities.request_trainer_city(current_user, city)
        flash(
            _(
                "Your request to train in %(city)s is sent to the administrators.",
                city=city.name(current_locale()),
            ),
            "success",
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
    return redirect(url_for("cohorts.index"))


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def create():
    form = CohortForm()
    _fill_choices(form)
    if request.method == "GET":
        form.trainers.data = [current_user.id] if current_user.role == "trainer" else []
        form.modules.data = [m.id for m in learning.list_modules()]
    if form.validate_on_submit():
        values = _values(form)
        if values is not None:
            try:
                cohort = cohorts.create_cohort(current_user, values)
            except cohorts.CohortRefused as refused:
                _refused(form, refused)
            else:
                flash(
                    _("The cohort is created. Its join code is %(code)s.", code=cohort.join_code), "success"
                )
                return redirect(url_for("cohorts.matrix", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=None), (422 if form.errors else 200)


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = CohortForm(obj=cohort)
    _fill_choices(form)
    if request.method == "GET":
        form.city.data = cohort.city_id
        form.modules.data = [m.id for m in cohorts.list_modules(cohort)]
        form.trainers.data = [u.id for u in cohorts.list_trainers(cohort)]
    if form.validate_on_submit():
        values = _values(form)
        if values is not None:
            try:
                cohorts.update_cohort(cohort, values, current_user)
            except cohorts.CohortRefused as refused:
                _refused(form, refused)
            else:
                flash(_("The cohort is saved."), "success")
                return redirect(url_for("cohorts.matrix", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort), (422 if form.errors else 200)


@bp.get("/<int:cohort_id>/")
@role_required(*STAFF)
def matrix(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    data = build_cohort_matrix(cohort)
    sort = request.args.get("sort", "name")
    only = request.args.get("only", "")
    locale = current_locale()
    rows = sort_and_filter(data, sort, only, locale)
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template(
        "cohorts/matrix.html",
        cohort=cohort,
        matrix=data,
        rows=rows[(page - 1) * ROWS_PER_PAGE : page * ROWS_PER_PAGE],
        members=sort_and_filter(data, locale=locale),  # the Members list: everyone, whatever the table shows
        shown=len(rows),
        page=page,
        pages=pages,
        sort=sort,
        only=only,
        trainers=cohorts.list_trainers(cohort),
        invite_url=external_url("cohorts.join_link", code=cohort.join_code),
        invite_form=InviteForm(),
        invitations=cohort_invitations.list_invitations(cohort),
        other_city_members=name_order.sort_by_name(
            cohort_roster.list_other_city_members(cohort), locale, lambda o: o.user.name
        ),
        holders=name_order.sort_by_name(
            cohort_records.list_certificate_holders(cohort), locale, lambda h: h.user.name
        ),
        now=utcnow(),
        form=FlaskForm(),
    )


@bp.post("/<int:cohort_id>/joining")
@role_required(*STAFF)
def set_joining(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    if FlaskForm().validate_on_submit():
        is_open = request.form.get("open") == "1"
        cohorts.set_joining(cohort, is_open)
        flash(_("Joining is open.") if is_open else _("Joining is closed."), "success")
    return redirect(url_for("cohorts.matrix", cohort_id=cohort.id))


# --- trainees joining ----------------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    form = JoinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            cohort = cohorts.join_cohort(current_user, form.code.data)
        except cohorts.JoinRefused as refused:
            message = (
                _("Joining this cohort is closed. Ask your trainer.")
                if refused.reason == "closed"
                else _("No cohort has this code. Check it and try again.")
            )
            form.code.errors.append(message)
        else:
            flash(_("You have joined “%(name)s”.", name=cohort.name), "success")
            return redirect(url_for("learn.my_learning"))
    return render_template("cohorts/join.html", form=form), (422 if form.errors else 200)


@bp.get("/join/<code>")
def join_link(code: str):
    """The invitation link: log in (or register) first, then confirm on the join page."""
    target = url_for("cohorts.join", code=code)
    if not current_user.is_authenticated:
        flash(_("Log in or register to join the cohort."), "info")
        return redirect(url_for("auth.login", next=target))
    return redirect(target)


# --- evaluation and exports ------------------------------------------------------------------


@bp.get("/<int:cohort_id>/evaluation")
@role_required(*STAFF)
def evaluation(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    locale = current_locale()
    report = evaluation_service.knowledge_gain(cohort)
    module_rows = [r for r in report.modules if r.n]
    essential_rows = [r for r in report.essentials if r.n]
    return render_template(
        "cohorts/evaluation.html",
        cohort=cohort,
        report=report,
        module_chart=evaluation_service.gain_chart(
            module_rows, [r.module.title(locale) for r in module_rows]
        ),
        essential_chart=evaluation_service.gain_chart(
            essential_rows, [_("E%(n)d", n=r.essential) for r in essential_rows]
        ),
        items=evaluation_service.item_analysis(cohort),
        advice=recommend(sc.get_scorecard(sc.get_current_assessment(cohort.city))),
    )


EXPORTS = {"matrix", "attempts", "items"}
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get("/<int:cohort_id>/export/<table>.<fmt>")
@role_required(*STAFF)
def export(cohort_id: int, table: str, fmt: str):
    cohort = _cohort_or_404(cohort_id)
    if table not in EXPORTS or fmt not in MIMETYPES:
        abort(404)
    locale = current_locale()
    if table == "matrix":
        data = exports.matrix_table(
            build_cohort_matrix(cohort),
            locale,
            attendance=cohort_records.attendance_counts(cohort),
            holders=cohort_records.certificates_by_user(cohort),
        )
    elif table == "attempts":
        data = exports.attempts_table(cohort, locale)
    else:
        data = exports.item_table(evaluation_service.item_analysis(cohort), locale)
    body = exports.to_csv(data) if fmt == "csv" else exports.to_xlsx(data)
    # The table first: the file name is cut at 60 characters, and a workshop's name is long.
    filename = exports.safe_filename(f"{table}-{cohort.name}", fmt)
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
