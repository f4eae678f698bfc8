from flask import Blueprint

bp = Blueprint("case_studies", __name__, url_prefix="/case-studies")

from training.web.case_studies import views  # noqa: E402,F401
