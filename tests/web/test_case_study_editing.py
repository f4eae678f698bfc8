"""The editors' pages through HTTP: who reaches what (role × route), create with an image, the
preview without JavaScript, the refused second save, the workflow, history and restore, the
public search, and fixed query counts."""

from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image

from tests import factories
from tests.services.test_case_studies import complete
from tests.services.test_case_study_images import picture
from training.models import CaseStudy
from training.services import library
from training.services.case_studies import editing as cs
from training.services.case_studies import images, workflow

ANON, TRAINEE, TRAINER, EDITOR, ADMIN = "anonymous", "trainee", "trainer", "editor", "admin"
ROLES = [ANON, TRAINEE, TRAINER, EDITOR, ADMIN]
STAFF = {ANON: 302, TRAINEE: 403, TRAINER: 403, EDITOR: 200, ADMIN: 200}
ADMINS = {ANON: 302, TRAINEE: 403, TRAINER: 403, EDITOR: 403, ADMIN: 200}
PUBLIC = dict.fromkeys(ROLES, 200)
HIDDEN = dict.fromkeys(ROLES, 404)
STAFF_IMAGE = {ANON: 404, TRAINEE: 404, TRAINER: 404, EDITOR: 200, ADMIN: 200}

GET_MATRIX = [
    ("/case-studies/", PUBLIC),
    ("/case-studies/?q=海绵&lang=zh", PUBLIC),
    ("/case-studies/{published}", PUBLIC),
    ("/case-studies/{draft}", HIDDEN),
    ("/case-studies/images/{published_image}", PUBLIC),
    ("/case-studies/images/{draft_image}", STAFF_IMAGE),
    ("/case-studies/editor/", STAFF),
    ("/case-studies/editor/new", STAFF),
    ("/case-studies/editor/{draft_id}/", STAFF),
    ("/case-studies/editor/{draft_id}/edit", STAFF),
    ("/case-studies/editor/{draft_id}/history", STAFF),
    ("/case-studies/editor/log", ADMINS),
]
POST_ROUTES = [
    "/case-studies/editor/new",
    "/case-studies/editor/preview",
    "/case-studies/editor/{draft_id}/edit",
    "/case-studies/editor/{draft_id}/submit",
    "/case-studies/editor/{draft_id}/publish",
    "/case-studies/editor/{draft_id}/send-back",
    "/case-studies/editor/{draft_id}/archive",
    "/case-studies/editor/{draft_id}/reopen",
    "/case-studies/editor/{draft_id}/history/1/restore",
]


@pytest.fixture
def library_state(db_session):
    """A published case study with a cover and a draft with an image, by two editors."""
    author, reviewer = factories.user(EDITOR), factories.user(EDITOR)
    published = cs.create_case_study(author, "chongqing-cooling-corridors", complete(), upload=picture("PNG"))
    workflow.submit_case_study(author, published)
    workflow.publish_case_study(reviewer, published, published.version)
    draft = cs.create_case_study(
        author, "secret-draft", complete(title_en="Secret draft"), upload=picture("JPEG")
    )
    return {"published": published, "draft": draft, "author": author, "reviewer": reviewer}


def _urls(state) -> dict:
    return {
        "published": state["published"].slug,
        "draft": state["draft"].slug,
        "draft_id": state["draft"].id,
        "published_image": state["published"].cover_image,
        "draft_image": state["draft"].cover_image,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route, expected", GET_MATRIX, ids=[m[0] for m in GET_MATRIX])
def test_role_route_matrix(client, login, library_state, role, route, expected):
    if role != ANON:
        login(factories.user(role))
    response = client.get(route.format(**_urls(library_state)))
    assert response.status_code == expected[role], (role, route)
    if expected[role] == 302:
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [ANON, TRAINEE, TRAINER])
@pytest.mark.parametrize("route", POST_ROUTES)
def test_only_editors_can_post_and_nothing_changes(client, login, library_state, role, route):
    if role != ANON:
        login(factories.user(role))
    draft = library_state["draft"]
    data = {**complete(title_en="Hacked"), "slug": "hacked", "version": "1", "comment": "x"}
    response = client.post(route.format(**_urls(library_state)), data=data)
    assert response.status_code == (302 if role == ANON else 403)
    assert (draft.status, draft.version, draft.title_en) == ("draft", 1, "Secret draft")
    assert cs.get_case_study_by_slug("hacked") is None


def _text(html: str) -> str:
    """The page's text, as a reader sees it (a diff marks changed characters inside a word)."""
    return re.sub(r"<[^>]+>", "", html)


def _form(data: dict, **extra) -> dict:
    """Form fields as the browser sends them."""
    form = {k: v for k, v in data.items() if isinstance(v, str)}
    for key in ("hazards", "topics", "essentials"):
        form[key] = [str(v) for v in data.get(key, [])]
    for i, source in enumerate(data.get("sources", [])):
        for part, value in source.items():
            form[f"sources-{i}-{part}"] = value
    form.update(extra)
    return form


def test_create_with_an_image_then_it_is_a_draft(client, login, db_session):
    login(factories.user(EDITOR))
    data = _form(complete(), slug="new-case", cover_alt_en="A shaded street", action="save")
    data["cover_upload"] = (io.BytesIO(picture("PNG", size=(2000, 1000))), "street.png")
    response = client.post("/case-studies/editor/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    study = cs.get_case_study_by_slug("new-case")
    assert study.status == "draft" and study.cover_image.endswith(".png")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Submit for review" in page and "A shaded street" in page
    image = client.get(f"/case-studies/images/{study.cover_image}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert "public" not in image.headers["Cache-Control"]  # a draft's image is never cached publicly


def test_a_phone_photo_larger_than_the_usual_request_limit_is_accepted(
    app, client, login, db_session, monkeypatch
):
    """The app refuses requests over MAX_CONTENT_LENGTH (2 MB); the editor forms take a photo up to
    the image limit, which is then shrunk. With CSRF on, which reads the form before the view."""
    login(factories.user(EDITOR))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    page = client.get("/case-studies/editor/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    noise = Image.frombytes("RGB", (1100, 1000), os.urandom(1100 * 1000 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert app.config["MAX_CONTENT_LENGTH"] < len(out.getvalue()) < images.MAX_UPLOAD_BYTES
    data = _form(complete(), slug="big-photo", action="save", csrf_token=token)
    data["cover_upload"] = (io.BytesIO(out.getvalue()), "photo.png")
    response = client.post("/case-studies/editor/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert cs.get_case_study_by_slug("big-photo").cover_image.endswith(".png")
    assert client.post("/case-studies/", data={"x": "y" * (3 * 1024 * 1024)}).status_code == 413  # elsewhere


def test_an_svg_upload_is_refused_and_the_text_kept(client, login, db_session):
    login(factories.user(EDITOR))
    data = _form(complete(body_en="My long text.\n"), slug="svg-case", action="save")
    data["cover_upload"] = (io.BytesIO(b'<svg onload="alert(1)"/>'), "photo.png")
    response = client.post("/case-studies/editor/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not a PNG, JPEG or WebP image" in html and "My long text." in html
    assert cs.get_case_study_by_slug("svg-case") is None


def test_preview_button_renders_without_saving_and_sanitises(client, login, library_state):
    login(factories.user(EDITOR))
    draft = library_state["draft"]
    body = "## Heading\n\n<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org)\n"
    data = _form(complete(body_en=body), version=str(draft.version), action="preview")
    response = client.post(f"/case-studies/editor/{draft.id}/edit", data=data)
    html = response.get_data(as_text=True)
    preview = html[html.index('id="preview"') :]
    assert response.status_code == 200 and "<h3>Heading</h3>" not in preview
    assert "<h2>Heading</h2>" in preview and "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org" rel="noopener nofollow">ok</a>' in preview
    assert draft.version == 1 and cs.working_copy(draft)["body_en"] != body  # nothing saved


def test_live_preview_endpoint_returns_the_rendered_article(client, login, db_session):
    login(factories.user(EDITOR))
    response = client.post("/case-studies/editor/preview", data=_form(complete(), slug="p"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h3>Cooling corridors in Chongqing</h3>" in html
    assert "<h3>重庆通风降温廊道</h3>" in html and "<html" not in html


def test_second_concurrent_save_is_refused_showing_the_difference(client, login, library_state):
    draft, author = library_state["draft"], library_state["author"]
    cs.save_case_study(author, draft, complete(title_en="Secret draft", years="1999"), 1)  # theirs
    login(factories.user(EDITOR))
    mine = _form(complete(title_en="Secret draft", summary_en="My new summary."), version="1", action="save")
    response = client.post(f"/case-studies/editor/{draft.id}/edit", data=mine)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this case study" in html and "1999" in _text(html)
    assert "My new summary." in html  # the user's text is kept in the form
    assert re.search(r'name="version"[^>]*value="2"', html)
    assert draft.version == 2 and draft.summary_en != "My new summary."
    again = client.post(f"/case-studies/editor/{draft.id}/edit", data={**mine, "version": "2"})
    assert again.status_code == 302 and draft.summary_en == "My new summary."


def test_workflow_through_the_pages_with_four_eyes(client, login, library_state):
    draft, author, reviewer = library_state["draft"], library_state["author"], library_state["reviewer"]
    login(author)
    client.post(f"/case-studies/editor/{draft.id}/submit", data={"version": "1"})
    assert draft.status == "review"
    page = client.get(f"/case-studies/editor/{draft.id}/").get_data(as_text=True)
    assert "another editor must publish it" in page and 'data-action="publish"' not in page
    refused = client.post(
        f"/case-studies/editor/{draft.id}/publish", data={"version": "1"}, follow_redirects=True
    )
    assert "four-eyes" in refused.get_data(as_text=True) and draft.status == "review"
    client.post("/auth/logout")
    login(reviewer)
    empty = client.post(f"/case-studies/editor/{draft.id}/send-back", data={"version": "1", "comment": ""})
    assert empty.status_code == 302 and draft.status == "review"
    client.post(f"/case-studies/editor/{draft.id}/publish", data={"version": "1"})
    assert draft.status == "published"
    assert client.get("/case-studies/secret-draft").status_code == 200


def test_history_shows_the_difference_and_restores(client, login, library_state):
    draft, author = library_state["draft"], library_state["author"]
    cs.save_case_study(author, draft, complete(title_en="Secret draft", years="1999"), 1)
    login(factories.user(EDITOR))
    html = client.get(f"/case-studies/editor/{draft.id}/history").get_data(as_text=True)
    assert "Changes from revision 1 to revision 2" in html
    assert "<del><mark>2018–2023</mark></del>" in html and "<ins><mark>1999</mark></ins>" in html
    response = client.post(f"/case-studies/editor/{draft.id}/history/1/restore", data={"version": "2"})
    assert response.status_code == 302 and draft.version == 3 and draft.years == "2018–2023"


def test_admins_see_the_editorial_log(client, login, library_state):
    login(factories.user(ADMIN))
    html = client.get("/case-studies/editor/log").get_data(as_text=True)
    assert "chongqing-cooling-corridors" in html and "published" in html
    assert library_state["reviewer"].name in html


def test_public_search_finds_chinese_words_and_respects_drafts(client, library_state):
    zh = client.get("/case-studies/?q=通风降温", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "/case-studies/chongqing-cooling-corridors" in zh
    en = client.get("/case-studies/?q=secret").get_data(as_text=True)
    assert "secret-draft" not in en


def test_the_module_page_shows_matching_published_case_studies(client, library_state):
    html = client.get("/learn/nature-based-solutions/").get_data(as_text=True)
    assert "/case-studies/chongqing-cooling-corridors" in html and "/case-studies/secret-draft" not in html


def test_list_pages_load_in_a_fixed_number_of_queries(client, login, db_session, count_queries):
    login(factories.user(EDITOR))
    pages = ["/case-studies/editor/", "/case-studies/?q=city", "/learn/nature-based-solutions/"]
    for page in pages:
        client.get(page)
    before = {}
    for page in pages:
        with count_queries() as counter:
            client.get(page)
        before[page] = counter.count
    for i in range(20):
        db_session.add(
            CaseStudy(
                slug=f"more-{i}",
                title_en=f"Zqx more {i}",
                topics=["nbs"],
                essentials=[5],
                status="published",
            )
        )
    db_session.commit()
    for page in pages:
        with count_queries() as counter:
            client.get(page)
        assert counter.count == before[page], page
    assert len(library.list_case_studies(library.CaseStudyFilters(search="zqx more"))) == 20


def test_csrf_is_required(app, client, login, library_state, monkeypatch):
    login(library_state["reviewer"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    draft = library_state["draft"]
    response = client.post(f"/case-studies/editor/{draft.id}/archive", data={"version": "1"})
    assert response.status_code == 400 and draft.status == "draft"
