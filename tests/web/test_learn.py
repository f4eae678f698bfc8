from __future__ import annotations

from tests import factories
from training.services import curriculum_cache, learning

MODULE = "/learn/climate-adaptation/"


def test_catalogue_and_module_page_in_both_languages(client):
    en = client.get("/learn/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Climate adaptation" in en and '<html lang="en">' in en
    zh = client.get("/learn/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in zh and "城市" in zh
    page = client.get(MODULE, headers={"Accept-Language": "en"}).get_data(as_text=True)
    for text in (
        "What you will be able to do",
        "Essential 2",
        "Lessons",
        "Module quiz",
        "Apply to your city",
        "P2.1",
    ):
        assert text in page


def test_module_page_shows_progress_and_done_lessons(client, login):
    user = login(factories.user())
    module, _ = factories.adaptation()
    first = learning.list_lessons(module)[0]
    learning.record_lesson_done(user, first)
    page = client.get(MODULE).get_data(as_text=True)
    total = len(learning.list_lessons(module))
    assert f"Lessons done: 1 / {total}" in page
    assert 'role="progressbar"' in page and f'aria-valuenow="{round(100 / (total + 1))}"' in page
    assert "✓ Done" in page


def test_lesson_page_renders_markdown_with_previous_and_next(client, login):
    login(factories.user())
    module, _ = factories.adaptation()
    lessons = learning.list_lessons(module)
    html = client.get(f"{MODULE}{lessons[1].slug}").get_data(as_text=True)
    assert "<h2>" in html and 'rel="prev"' in html and 'rel="next"' in html
    assert lessons[0].title("en") in html and lessons[2].title("en") in html
    assert "Mark as done and continue" in html


def test_marking_done_moves_to_the_next_lesson_and_twice_is_harmless(client, login):
    user = login(factories.user())
    module, _ = factories.adaptation()
    lessons = learning.list_lessons(module)
    url = f"{MODULE}{lessons[0].slug}/done"
    first = client.post(url)
    assert first.headers["Location"].endswith(f"{MODULE}{lessons[1].slug}")
    client.post(url)
    assert learning.list_progress(user, [module])[0].lessons_done == 1
    last = client.post(f"{MODULE}{lessons[-1].slug}/done")
    assert last.headers["Location"].endswith(f"{MODULE}#quiz")


def test_a_missing_translation_shows_the_other_language_with_a_notice(client, db_session):
    module, _ = factories.adaptation()
    lesson = learning.list_lessons(module)[0]
    lesson.html_zh = ""
    db_session.commit()
    html = client.get(f"{MODULE}{lesson.slug}", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "其他语言" in html or "尚无" in html or "暂无" in html, "the fallback notice is shown in Chinese"
    assert 'lang="en"' in html.split('class="prose"')[1][:40] or 'class="prose" lang="en"' in html


def test_my_learning_lists_every_module_with_progress(client, login):
    login(factories.user())
    page = client.get("/learn/my").get_data(as_text=True)
    assert "My learning" in page and "Climate adaptation" in page and "Quiz not taken yet" in page


def test_apply_to_city_goes_to_the_modules_scorecard_questions(client, login):
    user = login(factories.user(city_name="Chengdu"))
    response = client.get(f"{MODULE}apply")
    assert response.headers["Location"].endswith(f"/scorecard/city/{user.city_id}/module/climate-adaptation")


def test_apply_without_a_city_asks_for_one(client, login):
    login(factories.user(city_name=None))
    response = client.get(f"{MODULE}apply")
    assert response.headers["Location"].endswith("/auth/profile")


def test_catalogue_queries_do_not_grow_with_progress(client, login, count_queries):
    user = login(factories.user())
    client.get("/learn/my")
    with count_queries() as before:
        client.get("/learn/my")
    module, _ = factories.adaptation()
    for lesson in learning.list_lessons(module):
        learning.record_lesson_done(user, lesson)
    with count_queries() as after:
        client.get("/learn/my")
    assert before.count == after.count


def test_lesson_and_module_pages_read_a_fixed_small_number_of_queries(
    app, client, login, count_queries, monkeypatch
):
    """With the curriculum in memory (as in production), the lesson page reads the user and their
    done marks; the module page reads the user, and the quiz status with the done marks and the
    case studies' revision (one query: the cards are chosen once per revision)."""
    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, curriculum_cache.CurriculumCache(3600))
    user = login(factories.user())
    module, _ = factories.adaptation()
    lessons = [(lesson, f"{MODULE}{lesson.slug}") for lesson in learning.list_lessons(module)]
    client.get(lessons[0][1])  # fills the cache
    client.get(MODULE)  # chooses the case-study cards (once per revision of the case studies)
    counts = []
    for lesson, url in lessons:
        with count_queries() as lesson_page:
            assert client.get(url).status_code == 200
        with count_queries() as module_page:
            assert client.get(MODULE).status_code == 200
        counts.append((lesson_page.count, module_page.count))
        learning.record_lesson_done(user, lesson)
    assert counts[0] == (2, 2), counts  # each loads the user with their unread count
    assert len(set(counts)) == 1, counts


def test_the_module_page_counts_only_active_lessons_and_a_missing_module_is_404(client, db_session, login):
    login(factories.user())
    module, _ = factories.adaptation()
    lessons = learning.list_lessons(module)
    lessons[-1].active = False
    db_session.commit()
    page = client.get(MODULE).get_data(as_text=True)
    assert f"Lessons done: 0 / {len(lessons) - 1}" in page
    assert client.get(f"{MODULE}{lessons[-1].slug}").status_code == 404
    assert client.get("/learn/no-such-module/").status_code == 404
    assert client.get("/learn/no-such-module/a-lesson").status_code == 404


def test_a_kept_lesson_page_never_carries_another_persons_unread_count(app, client, login, monkeypatch):
    """The lesson page is drawn once and kept; the unread-notifications badge is one person's and
    is filled in for each request (training/web/chrome.py), never kept with the page."""
    from training.extensions import db
    from training.services import notifications

    monkeypatch.setitem(app.extensions, curriculum_cache.EXTENSION, curriculum_cache.CurriculumCache(3600))
    module, _ = factories.adaptation()
    url = f"{MODULE}{learning.list_lessons(module)[0].slug}"
    busy, quiet = factories.user(name="Busy"), factories.user(name="Quiet")
    for n in range(3):
        notifications.notify(busy, notifications.CERTIFICATE_ISSUED, {"n": n}, email=False)
    db.session.commit()
    login(busy)
    assert 'class="badge" aria-label="3 unread"' in client.get(url).get_data(as_text=True)  # drawn, kept
    login(quiet)
    page = client.get(url).get_data(as_text=True)
    assert "unread" not in page and "__ACADEMY_" not in page


def test_a_chinese_module_page_lists_its_scorecard_questions_and_objectives_with_chinese_commas(client):
    zh = client.get(
        "/learn/resilient-cities-mcr2030/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}
    ).get_data(as_text=True)
    assert "P1.1、P1.2、P1.3、P2.1" in zh and "P1.1, P1.2" not in zh
    assert "致灾因子评估（要素2）、技能与学习借鉴（要素6）" in zh
    en = client.get("/learn/resilient-cities-mcr2030/", headers={"Accept-Language": "en"})
    assert "P1.1, P1.2, P1.3, P2.1" in en.get_data(as_text=True)


def test_the_module_page_counts_the_attempts_left_in_words(client, login):
    from tests.web.test_quizzes import _wrong
    from training.services import quizzes

    user = login(factories.user())
    _, quiz = factories.adaptation()
    assert "3 attempts left" in client.get(MODULE).get_data(as_text=True)
    for _ in range(quiz.max_attempts - 1):
        questions = quizzes.list_questions(quiz, "final", user)
        quizzes.submit_attempt(user, quiz, "final", questions, {q.key: _wrong(q) for q in questions})
    html = client.get(MODULE).get_data(as_text=True)
    assert "1 attempt left" in html and "attempt(s)" not in html
    client.post("/language", data={"lang": "zh", "next": "/"})
    assert "还可作答1次" in client.get(MODULE).get_data(as_text=True)
