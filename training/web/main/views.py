from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from training.extensions import csrf, db
from training.services.accounts import set_locale
from training.web.homes import home_url
from training.web.main import bp
from training.web.main.forms import LanguageForm
from training.web.safe_next import safe_next


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(home_url())
    return render_template("main/index.html")


@bp.get("/healthz")
@csrf.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means the database is not usable
        current_app.logger.exception("health check: database unavailable")
        return {"status": "error", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.post("/language")
def set_language():
    form = LanguageForm()
    target = safe_next(request.form.get("next"), url_for("main.index"))
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            set_locale(current_user, form.lang.data)
    return redirect(target)
