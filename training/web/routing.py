"""Numbers in URLs stay within the database's range: `<int:…>` matches 0 … MAX_ID only, so
`/quizzes/attempts/99999999999999999999` is a page that does not exist (404) rather than a database
error (500: "integer out of range" on PostgreSQL, an OverflowError on SQLite)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the id columns are INTEGER: PostgreSQL's limit; SQLite's is 2**63 - 1


class IdConverter(IntegerConverter):
    """Werkzeug's int converter with a default maximum of MAX_ID (a route may still set its own)."""

    def __init__(
        self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False
    ):
        super().__init__(
            map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed
        )


def bounded_int(text: str | None, default: int = 0) -> int:
    """A number from a query string or a form field, as <int:…> takes it: digits only and at
    most MAX_ID, else `default` (it would reach the database out of range)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) > MAX_ID:
        return default
    return int(text)


def init_routing(app: Flask) -> None:
    """Before any blueprint is registered: rules take their converters when they are added."""
    app.url_map.converters["int"] = IdConverter
