from flask import Blueprint

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

from training.web.programmes import sharing_views, views  # noqa: E402,F401
