from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from training.i18n import current_locale
from training.services import accounts, cities, city_access, city_requests, trainer_cities
from training.web.access import role_required
from training.web.admin import bp
from training.web.admin.forms import ROLE_LABELS, AssignTrainerForm, CityForm, RoleForm


@bp.get("/")
@role_required("admin")
def index():
    """The overview: emails on their way and failed, the job queue (with Redis)."""
    from training import queue
    from training.services import email_delivery

    return render_template(
        "admin/overview.html",
        emails=email_delivery.email_counts(),
        jobs=queue.queue_counts(),
        uses_redis=queue.uses_redis(),
        form=FlaskForm(),
    )


@bp.post("/emails/retry")
@role_required("admin")
def retry_emails():
    from training import queue
    from training.services import email_delivery, notifications

    if FlaskForm().validate_on_submit():
        count = email_delivery.retry_failed(current_app.config["EMAIL_REQUEUE_AFTER"])
        queue.clear_failed_jobs()
        notifications.send_pending()
        flash(_("%(count)d failed email(s) queued again.", count=count), "success")
    return redirect(url_for("admin.index"))


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    form = RoleForm()
    if request.method == "POST":
        if not form.validate_on_submit() or not str(form.user_id.data).isdigit():
            abort(400)
        user = accounts.get_user(int(form.user_id.data))
        if user is None:
            abort(404)
        try:
            accounts.set_role(user, form.role.data)
        except accounts.LastAdmin:
            flash(
                _(
                    "%(email)s is the only administrator: make someone else an administrator "
                    "before changing this role.",
                    email=user.email,
                ),
                "error",
            )
            return redirect(url_for("admin.users", q=request.args.get("q", "")))
        except accounts.UnknownRole:
            abort(400)
        flash(_("%(email)s is now %(role)s.", email=user.email, role=ROLE_LABELS[form.role.data]), "success")
        return redirect(url_for("admin.users", q=request.args.get("q", "")))
    search = request.args.get("q", "")
    rows = accounts.list_users(search)
    forms = {}
    for user in rows:
        f = RoleForm(formdata=None, user_id=user.id, role=user.role)
        forms[user.id] = f
    return render_template("admin/users.html", rows=rows, forms=forms, search=search)


@bp.route("/cities", methods=["GET", "POST"])
@role_required("admin")
def city_list():
    form = CityForm()
    if form.validate_on_submit():
        try:
            city = cities.create_city(
                **{name: field.data for name, field in form._fields.items() if name != "csrf_token"}
            )
        except cities.CityExists:
            form.name_en.errors.append(_("This city is already in the list."))
        else:
            flash(_("%(city)s was added.", city=city.name_en), "success")
            return redirect(url_for("admin.city_list"))
    return render_template("admin/cities.html", form=form, rows=cities.list_cities()), (
        422 if form.errors else 200
    )


@bp.route("/cities/<int:city_id>/edit", methods=["GET", "POST"])
@role_required("admin")
def city_edit(city_id: int):
    """Correct a city's names or its time zone (validated against the IANA database)."""
    city = cities.get_city(city_id)
    if city is None:
        abort(404)
    form = CityForm(obj=city)
    if form.validate_on_submit():
        try:
            cities.update_city(
                city, **{name: field.data for name, field in form._fields.items() if name != "csrf_token"}
            )
        except cities.CityExists:
            form.name_en.errors.append(_("This city is already in the list."))
        else:
            flash(_("%(city)s is saved.", city=city.name_en), "success")
            return redirect(url_for("admin.city_list") + f"#city-{city.id}")
    return render_template("admin/city_edit.html", form=form, city=city), (422 if form.errors else 200)


# --- trainers' cities ------------------------------------------------------------------------


def _assign_form() -> AssignTrainerForm:
    form = AssignTrainerForm()
    locale = current_locale()
    form.trainer.choices = [SelectChoice("0", _("Choose a trainer…"))] + [
        SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in trainer_cities.list_trainers()
    ]
    form.city.choices = [SelectChoice("0", _("Choose a city…"))] + [
        SelectChoice(str(c.id), c.label(locale)) for c in cities.list_cities()
    ]
    return form


@bp.route("/trainers", methods=["GET", "POST"])
@role_required("admin")
def trainers():
    """Assign trainers to cities and answer trainers' requests for a city."""
    form = _assign_form()
    if form.validate_on_submit():
        trainer, city = accounts.get_user(form.trainer.data), cities.get_city(form.city.data)
        if trainer is None or city is None:
            abort(404)
        trainer_cities.assign_trainer_city(trainer, city, current_user)
        flash(
            _("%(name)s is assigned to %(city)s.", name=trainer.name, city=city.name(current_locale())),
            "success",
        )
        return redirect(url_for("admin.trainers"))
    return render_template(
        "admin/trainers.html",
        form=form,
        assignments=trainer_cities.list_assignments(),
        requests=city_requests.list_pending_requests(kind=city_access.TRAINER),
        member_requests=city_requests.list_pending_requests(kind=city_access.MEMBER),
        csrf_form=FlaskForm(),
    ), (422 if form.errors else 200)


@bp.post("/trainers/<int:assignment_id>/revoke")
@role_required("admin")
def revoke_trainer(assignment_id: int):
    assignment = trainer_cities.get_assignment(assignment_id)
    if assignment is None:
        abort(404)
    if FlaskForm().validate_on_submit():
        trainer_cities.revoke_trainer_city(assignment, current_user)
        flash(_("The assignment is revoked."), "success")
    return redirect(url_for("admin.trainers"))


@bp.post("/trainers/requests/<int:request_id>/<any(approve, refuse):decision>")
@role_required("admin")
def decide_trainer_request(request_id: int, decision: str):
    found = city_requests.get_request(request_id)
    if found is None or found.kind != city_access.TRAINER:
        abort(404)
    if FlaskForm().validate_on_submit():
        try:
            if decision == "approve":
                trainer_cities.approve_trainer_city(found, current_user)
                flash(_("The request is approved: the trainer is assigned to the city."), "success")
            else:
                trainer_cities.refuse_trainer_city(found, current_user)
                flash(_("The request is refused."), "success")
        except city_requests.AlreadyDecided:
            flash(_("This request was already answered."), "info")
        except ValueError:
            flash(_("This person is no longer a trainer: nothing was assigned."), "error")
    return redirect(url_for("admin.trainers"))
