"""A programme manager who is neither a trainer nor an administrator finds their programmes: the
header links to them (read with the user, no query of its own), on kept pages too, and only for
them."""

from __future__ import annotations

from tests import factories
from tests.conftest import client_of
from training.extensions import db
from training.models import Programme, ProgrammeManager
from training.services import learning

LINK = 'href="/programmes/"'


def _header(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def test_the_header_links_a_trainee_who_manages_a_programme_to_it(app, db_session, kept, count_queries):
    module, _quiz = factories.adaptation()
    lesson = f"/learn/{module.slug}/{learning.list_lessons(module)[0].slug}"
    manager, other = factories.user(name="Secretariat"), factories.user(name="Delegate")
    programme = Programme(name_en="MCR2030 China, 2019–2023", start_year=2019, end_year=2023)
    db.session.add(programme)
    db.session.flush()
    db.session.add(ProgrammeManager(programme_id=programme.id, user_id=manager.id))
    db.session.commit()
    managing, delegate = client_of(app, manager), client_of(app, other)
    for path in ("/learn/my", lesson, "/learn/"):  # drawn each time, then kept pages
        assert LINK in _header(managing, path), path
        assert LINK not in _header(delegate, path), path
    assert "MCR2030 China, 2019–2023" in managing.get("/programmes/").get_data(as_text=True)
    managing.post("/language", data={"lang": "zh", "next": lesson})
    assert LINK in _header(managing, lesson) and ">项目<" in _header(managing, lesson)
    with count_queries() as counter:
        managing.get(lesson)
    assert counter.count == 2  # the user (with the flag) and the lesson's done marks, as before
