"""The city's delegation on its scorecard page: approve or refuse requests to join, revoke a
membership. The rules (who may) are in training/services/city_access.py."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from training.services import city_access, city_requests
from training.web.scorecard import bp
from training.web.scorecard.views import _city_for


def _back(city):
    return redirect(url_for("scorecard.overview", city_id=city.id) + "#delegation")


def _city_request(city, request_id: int):
    found = city_requests.get_request(request_id)
    if found is None or found.city_id != city.id or found.kind != city_access.MEMBER:
        abort(404)
    return found


@bp.post("/city/<int:city_id>/requests/<int:request_id>/<any(approve, refuse):decision>")
@login_required
def decide_request(city_id: int, request_id: int, decision: str):
    city = _city_for(city_id)
    found = _city_request(city, request_id)
    if not city_access.can_manage_members(current_user, city):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        if decision == "approve":
            city_requests.approve_request(found, current_user)
            flash(_("The request is approved: the person is now a member of the delegation."), "success")
        else:
            city_requests.refuse_request(found, current_user)
            flash(_("The request is refused."), "success")
    except city_requests.AlreadyDecided:
        flash(_("This request was already answered."), "info")
    except city_access.NotAllowed:
        abort(403)
    return _back(city)


@bp.post("/city/<int:city_id>/members/<int:membership_id>/revoke")
@login_required
def revoke_member(city_id: int, membership_id: int):
    city = _city_for(city_id)
    membership = city_access.get_city_membership(city, membership_id)
    if membership is None:
        abort(404)
    if not city_access.can_manage_members(current_user, city):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        city_access.revoke_membership(membership, current_user)
    except city_access.NotAllowed:
        abort(403)
    flash(_("The membership is revoked: the person no longer sees the city's scorecard."), "success")
    return _back(city)
