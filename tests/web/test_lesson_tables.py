"""Lesson tables sit in a box that scrolls sideways and takes keyboard focus (their cells wrap
between words only); nothing else of the sanitised HTML changes."""

from __future__ import annotations

from markupsafe import Markup

from training.content.render import render_markdown


def test_each_table_gets_its_own_scrolling_box_and_nothing_else_changes(app):
    source = '| a | b |\n|---|---|\n| 1 | 2 |\n\n[l](https://e.org "x<table>y")\n\n| c |\n|---|\n| 3 |\n'
    html = Markup(render_markdown(source))  # noqa: S704 - sanitised, as the templates mark it
    with app.test_request_context("/"):
        wrapped = app.jinja_env.filters["scrollable_tables"](html)
    assert wrapped.count('<div class="table-scroll" tabindex="0" role="region"') == 2
    assert wrapped.count("</table></div>") == 2
    assert 'title="x&lt;table&gt;y"' in wrapped  # an attribute is never touched
    assert wrapped.replace("</table></div>", "</table>").count("<table>") == 2


def test_a_lesson_page_shows_its_tables_in_a_box(client):
    html = client.get("/learn/climate-adaptation/01-urban-climate-risks").get_data(as_text=True)
    assert '<div class="table-scroll" tabindex="0" role="region" aria-label="Table: scroll sideways' in html
