"""The search page and the search box on every page: results with module, lesson and highlighted
snippet, helpful empty and no-result states in both languages, markup in queries shown as text,
paging, a bounded query, a Chinese page entirely in Chinese, a constant number of queries."""

from __future__ import annotations

import html as html_lib
import re

from tests import factories

ZH = {"Accept-Language": "zh-CN"}


def _main(page: str) -> str:
    return page.split('<main id="main"', 1)[1].split(">", 1)[1].split("</main>", 1)[0]


def _visible_text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _header_search(page: str) -> str:
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    return header.split('<form method="get" action="/search" class="site-search" role="search"', 1)[1].split(
        "</form>", 1
    )[0]


def test_every_page_has_the_search_box_in_its_header_in_both_languages(client):
    lesson = "/learn/nature-based-solutions/03-sponge-cities"
    for url in ("/", "/learn/", "/learn/glossary/", "/case-studies/", lesson):
        box = _header_search(client.get(url).get_data(as_text=True))
        assert 'name="q"' in box and 'aria-label="Site search"' in box, url
        assert '<label for="site-search-q"' in box and 'id="site-search-q"' in box, url
    zh = _header_search(client.get("/learn/", headers=ZH).get_data(as_text=True))
    # 课时 for a lesson, as on the module and quiz pages (课程 reads as a course: a module).
    assert "搜索课时、术语表和案例" in zh and '<span class="visually-hidden">搜索</span></button>' in zh
    assert 'aria-label="站内搜索"' in zh


def test_the_search_forms_are_get_forms_the_page_keeps_the_query(client):
    page = client.get("/search?q=green+bond").get_data(as_text=True)
    box = _header_search(page)
    assert "value=" not in box  # the header is the same on every page
    assert "csrf_token" not in box  # a GET form changes nothing
    form = _main(page).split('<form method="get" action="/search" class="search-page-form"', 1)[1]
    form = form.split("</form>", 1)[0]
    assert 'value="green bond"' in form and "csrf_token" not in form


def test_results_show_module_lesson_and_a_highlighted_snippet(client):
    page = client.get("/search?q=early+warning").get_data(as_text=True)
    main = _main(page)
    assert "results for “early warning”" in main
    lesson = "/learn/climate-adaptation/04-risk-scenarios-early-warning"
    item = next(li for li in main.split("<li>") if lesson in li)
    assert "Lesson" in item and "Climate adaptation for cities" in item
    assert "Risk scenarios and early warning" in item
    assert "<mark>early</mark>" in item.lower() or "<mark>early warning</mark>" in item.lower()
    assert "/learn/glossary/#early-warning-system" in main  # the glossary term, linked to its entry
    assert "Glossary" in main


def test_chinese_results_page_is_entirely_in_chinese(client):
    page = client.get("/search?q=海绵城市", headers=ZH).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    main = _main(page)
    assert "“海绵城市”共有" in main and "<mark>海绵城市</mark>" in main
    assert "/learn/nature-based-solutions/03-sponge-cities" in main and "海绵城市建设" in main
    assert '<span class="search-kind">课时</span>' in main and "基于自然的解决方案与韧性城市" in main
    # interface words and content alike in Chinese: no English word (acronyms such as C40 or
    # MCR2030 are names), snippets in another language are marked with their own lang
    text = _visible_text(re.sub(r'<p class="search-snippet" lang="en">.*?</p>', "", main, flags=re.S))
    english = re.findall(r"\b[A-Za-z]*[a-z][A-Za-z]*\b", text)
    assert not english, english
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "搜索结果" in title and not re.search(r"[a-z]{2,}", title)
    for state in ("/search", "/search?q=qqzzxxyy", "/search?q=%EF%BC%8C"):
        text = _visible_text(_main(client.get(state, headers=ZH).get_data(as_text=True)))
        words = [w for w in re.findall(r"\b[A-Za-z]*[a-z][A-Za-z]*\b", text) if w != "qqzzxxyy"]
        assert not words, (state, words)


def test_empty_query_explains_what_can_be_searched_with_examples(client):
    main = _main(client.get("/search").get_data(as_text=True))
    assert "What you can search" in main and 'href="/search?q=early+warning"' in main
    zh = _main(client.get("/search", headers=ZH).get_data(as_text=True))
    assert "可以搜索哪些内容" in zh and "/search?q=%E9%A2%84%E8%AD%A6" in zh  # 预警
    assert "所有模块的全部课时" in zh and "课程、" not in zh  # 课时 for lessons, as the quiz pages say


def test_no_results_says_so_and_suggests_what_to_do(client):
    main = _main(client.get("/search?q=qqzzxxyy").get_data(as_text=True))
    assert "No results for “qqzzxxyy”" in main and 'href="/learn/glossary/"' in main
    zh = _main(client.get("/search?q=qqzzxxyy", headers=ZH).get_data(as_text=True))
    assert "没有找到与“qqzzxxyy”相关的内容" in zh and "换一种语言" in zh
    punctuation = _main(client.get("/search?q=%21%21%21").get_data(as_text=True))
    assert "Type at least one letter, digit or Chinese character." in punctuation


def test_markup_in_a_query_is_shown_as_text_everywhere(client):
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    for q in (attack, attack + " sponge", "<mark>sponge</mark>"):
        page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
        before_results = _main(page).split("search-results")[0]
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "<mark>sponge</mark>" not in before_results
        assert "&lt;script&gt;" in page or "&lt;mark&gt;" in page


def test_an_overlong_query_is_refused_next_to_the_field_and_kept(client):
    q = "韧性" * 101  # 202 characters
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    main = _main(page)
    assert 'class="error"' in main and "200" in main and 'aria-invalid="true"' in main
    assert q in main  # kept in the field
    assert "search-results" not in main


def test_paging_links_and_out_of_range_pages(client):
    first = _main(client.get("/search?q=城市", headers=ZH).get_data(as_text=True))
    assert "第1页，共" in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = _main(client.get("/search?q=城市&page=2", headers=ZH).get_data(as_text=True))
    assert "第2页" in second and 'rel="prev"' in second and '<ol class="search-results" start="11">' in second
    links_1 = set(re.findall(r'<h2 class="search-title"><a href="([^"]+)"', first))
    links_2 = set(re.findall(r'<h2 class="search-title"><a href="([^"]+)"', second))
    assert len(links_1) == len(links_2) == 10 and not links_1 & links_2
    for page in ("0", "-3", "abc", "99999999999999999999999"):
        assert client.get(f"/search?q=城市&page={page}").status_code == 200


def test_the_page_runs_a_constant_number_of_queries(client, count_queries, login):
    login(factories.user())
    counts = []
    for q in ("sponge", "城市", "qqzzxxyy"):
        with count_queries() as counter:
            assert client.get("/search", query_string={"q": q}).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] and counts[2] <= counts[0]


def test_a_chinese_result_count_runs_into_its_bracketed_note(client):
    """共有24条结果（当前显示第1—10条）: no space before a full-width bracket; English keeps one."""
    zh = " ".join(client.get("/search?q=海绵城市", headers=ZH).get_data(as_text=True).split())
    assert "条结果（当前显示" in zh
    en = " ".join(
        client.get("/search?q=city", headers={"Accept-Language": "en"}).get_data(as_text=True).split()
    )
    assert "results for “city” (showing 1–10)" in en
