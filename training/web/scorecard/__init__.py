from flask import Blueprint

bp = Blueprint("scorecard", __name__, url_prefix="/scorecard")

from training.web.scorecard import history_views, members_views, views, workshop_views  # noqa: E402,F401
