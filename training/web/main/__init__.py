from flask import Blueprint

bp = Blueprint("main", __name__)

from training.web.main import search, views  # noqa: E402,F401
