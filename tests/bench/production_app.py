"""The WSGI app of the production benchmark: the academy, and at /bare/ a bare Flask endpoint
served by the same gunicorn workers — the reference every page is measured against. The
academy gets one endpoint for the benchmark only, /_bench/nothing: logged in, it draws nothing,
so its ratio is the best any logged-in page can reach (tests/bench/ratios.py)."""

from flask import Flask
from flask_login import login_required
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from training import create_app

academy = create_app()


@login_required
def logged_in_nothing():
    """The floor of every logged-in page: the session, the user and the headers, nothing drawn."""
    return "Hello, trainee! <a href=/auth/logout>"  # the bench checks a page shows the log-out link


academy.add_url_rule("/_bench/nothing", "bench_nothing", logged_in_nothing)
bare = Flask("bare")


@bare.get("/")
def hello():
    return "Hello, World!"


app = DispatcherMiddleware(academy, {"/bare": bare})
