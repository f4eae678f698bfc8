from flask import Blueprint

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")

from training.web.quizzes import views  # noqa: E402,F401
