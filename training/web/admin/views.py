from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from training.services import accounts, cities
from training.web.access import role_required
from training.web.admin import bp
from training.web.admin.forms import ROLE_LABELS, CityForm, RoleForm


@bp.get("/")
@role_required("admin")
def index():
    return redirect(url_for("admin.users"))


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
