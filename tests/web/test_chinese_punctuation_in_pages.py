"""Notes in brackets and labels with a colon take the page's script: （…） and ： on a Chinese
page, (…) and : on an English one (QA: "(您的答案)" and "城市:" on Chinese pages)."""

from __future__ import annotations

from flask import render_template_string

from tests import factories
from training.models import Role


def _render(app, lang: str, template: str) -> str:
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        return render_template_string(template)


def test_paren_and_colon_follow_the_page_language(app):
    template = '{{ paren(_("closed")) }}|{{ colon(_("City")) }}'
    assert _render(app, "en", template) == "(closed)|City:"
    zh = _render(app, "zh-CN", template)
    assert zh.startswith("（") and "）|" in zh and zh.endswith("：")
    assert "<b>" not in _render(app, "en", '{{ paren("<b>") }}')  # still escaped


def test_a_person_is_named_with_the_person_word_on_chinese_pages(client, login):
    admin = login(factories.user(Role.ADMIN))
    client.post("/language", data={"lang": "zh", "next": "/admin/users"})
    html = client.get("/admin/users").get_data(as_text=True)
    assert '<th scope="col">姓名</th>' in html
    assert admin.active
