from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/certificates")

from training.web.certificates import views  # noqa: E402,F401
