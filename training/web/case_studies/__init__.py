from flask import Blueprint

bp = Blueprint("case_studies", __name__, url_prefix="/case-studies")

from training.web.case_studies import editor, views  # noqa: E402,F401
