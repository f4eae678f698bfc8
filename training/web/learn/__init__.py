from flask import Blueprint

bp = Blueprint("learn", __name__, url_prefix="/learn")

from training.web.fragments import case_study_card, module_card, module_card_head  # noqa: E402
from training.web.learn import views  # noqa: E402,F401

bp.add_app_template_global(case_study_card)
bp.add_app_template_global(module_card_head)
bp.add_app_template_global(module_card)
