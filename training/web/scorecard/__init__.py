from flask import Blueprint

bp = Blueprint("scorecard", __name__, url_prefix="/scorecard")

from training.web.scorecard import (  # noqa: E402,F401
    history_views,
    members_views,
    official_views,
    views,
    workshop_views,
)
from training.web.scorecard.kept import kept_questions  # noqa: E402

bp.add_app_template_global(kept_questions)
