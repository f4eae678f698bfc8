"""A city's consent to share its scorecard with programmes: set by the delegation lead, a
trainer assigned to the city or an administrator (training/services/programmes/sharing.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from training.services.cities import get_city
from training.services.programmes import sharing
from training.web.programmes import bp
from training.web.programmes.forms import SharingForm


@bp.route("/sharing/<int:city_id>", methods=["GET", "POST"])
@login_required
def city_sharing(city_id: int):
    city = get_city(city_id)
    if city is None:
        abort(404)
    if not sharing.can_set_sharing(current_user, city):
        abort(403)
    form = SharingForm()
    current = sharing.get_level(city)
    if form.validate_on_submit():
        sharing.set_sharing(current_user, city, form.level.data)
        flash(_("The sharing setting is saved."), "success")
        return redirect(url_for("programmes.city_sharing", city_id=city.id))
    if not form.is_submitted():
        form.level.data = current
    return render_template(
        "programmes/sharing.html",
        city=city,
        form=form,
        current=current,
        history=sharing.sharing_history(city),
    )
