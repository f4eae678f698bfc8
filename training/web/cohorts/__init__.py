from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from training.web.cohorts import enrolment, invitations, records, roster, sessions, views  # noqa: E402,F401
