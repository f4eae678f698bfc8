from flask import Blueprint

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")

from training.web.cohorts import invitations, records, roster, views  # noqa: E402,F401
