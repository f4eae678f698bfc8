"""The case-study editor bounds its Markdown: the preview renders pathological texts within a
budget (it took 13 s for 10,000 "[" and had no length cap), a text over the cap is refused with
the error next to the field and what was typed kept, and deep nesting (a RecursionError, a 500)
is flattened to 20 levels."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from tests import factories
from tests.content.test_render_bounds import PATHOLOGICAL, SECONDS, nested_list
from tests.services.test_case_studies import complete
from tests.web.test_case_study_editing import _form
from training.content.render import MAX_MARKDOWN_CHARS
from training.services.case_studies import editing as cs

PREVIEW = "/case-studies/editor/preview"
PEAK_BYTES = 80 * 1024 * 1024  # a whole request: form parsing, two languages, templates


@pytest.fixture
def editor(db_session, login):
    return login(factories.user("editor"))


@pytest.mark.parametrize("name", ["[", "[a", ">", "<a ", "1. 1. 1.", "`a", "lists nested 250 deep, 4 spaces"])
def test_the_live_preview_renders_a_pathological_text_within_budget(client, editor, name):
    data = _form(complete(body_en=PATHOLOGICAL[name]), slug="p")
    tracemalloc.start()
    started = time.thread_time()
    try:
        response = client.post(PREVIEW, data=data)
        elapsed = time.thread_time() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert "<h3>Cooling corridors in Chongqing</h3>" in response.get_data(as_text=True)
    # CPU time of this thread (the request runs in it), as in tests/content/test_render_bounds.py:
    # a bound on the work done, which other processes on the machine do not move.
    assert elapsed < 2 * SECONDS, f"{elapsed:.1f} s"  # validated, then rendered; traced
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"


def test_the_live_preview_refuses_a_text_over_the_cap(client, editor):
    body = "[" * (MAX_MARKDOWN_CHARS + 1)
    started = time.thread_time()
    response = client.post(PREVIEW, data=_form(complete(body_en=body), slug="p"))
    html = response.get_data(as_text=True)
    assert time.thread_time() - started < SECONDS
    assert response.status_code == 200
    assert f"The text is too long: at most {MAX_MARKDOWN_CHARS} characters" in html
    assert "[[[[" not in html  # the refused text is not rendered


def test_the_preview_button_shows_the_error_next_to_the_field_and_keeps_the_text(client, editor):
    body = "Long text. " * (MAX_MARKDOWN_CHARS // 10)
    response = client.post(
        "/case-studies/editor/new", data=_form(complete(body_en=body), slug="p", action="preview")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The text is too long" in html and body.strip() in html


def test_saving_a_text_over_the_cap_is_refused(client, editor):
    body = "x" * (MAX_MARKDOWN_CHARS + 1)
    response = client.post(
        "/case-studies/editor/new", data=_form(complete(body_en=body), slug="too-long", action="save")
    )
    assert response.status_code == 422 and "The text is too long" in response.get_data(as_text=True)
    assert cs.get_case_study_by_slug("too-long") is None


def test_lists_nested_a_thousand_deep_save_flattened(client, editor):
    body = "- " * 1000 + "deep\n\n" + "1. " * 1000 + "quoted\n\n" + nested_list(80)
    assert len(body) <= MAX_MARKDOWN_CHARS
    response = client.post(
        "/case-studies/editor/new", data=_form(complete(body_en=body), slug="deep", action="save")
    )
    assert response.status_code == 302
    study = cs.get_case_study_by_slug("deep")
    assert "deep" in study.html_en and "quoted" in study.html_en and "level 79" in study.html_en
    assert study.html_en.count("<ul>") == 2 * 20 and study.html_en.count("<ol>") == 20
