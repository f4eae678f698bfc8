"""The WSGI app of the production benchmark: the academy, and at /bare/ a bare Flask endpoint
served by the same gunicorn workers — the reference every page is measured against."""

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from training import create_app

academy = create_app()
bare = Flask("bare")


@bare.get("/")
def hello():
    return "Hello, World!"


app = DispatcherMiddleware(academy, {"/bare": bare})
