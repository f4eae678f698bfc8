from flask import Blueprint

bp = Blueprint("scorecard", __name__, url_prefix="/scorecard")

from training.web.scorecard import views  # noqa: E402,F401
