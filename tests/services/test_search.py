"""Search across the curriculum, against the real content (modules/ and library/): real queries
in English and Chinese find the expected lesson, glossary term or case study in the first five
results; Chinese words are found inside text without spaces; snippets are escaped; paging;
publishing and archiving a case study update the index."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from tests.services.test_case_studies import _new, _publish, editors  # noqa: F401 - fixture
from training.models import SearchDocument
from training.services.case_studies import workflow
from training.services.search import MAX_QUERY_LENGTH, rebuild_search_index, search_curriculum
from training.services.search.text import parse_query, tokens

L, G, C = SearchDocument.LESSON, SearchDocument.GLOSSARY, SearchDocument.CASE_STUDY

ENGLISH = [
    ("early warning", L, "climate-adaptation/04-risk-scenarios-early-warning"),
    ("green bond", L, "climate-finance/03-green-bonds-and-climate-finance-pilots"),
    ("sponge city", L, "nature-based-solutions/03-sponge-cities"),
    ("typhoons", L, "climate-adaptation/03-heat-floods-typhoons"),
    ("waterlogging", L, "climate-adaptation/05-heat-waterlogging-lifelines"),
    ("lifelines", L, "climate-adaptation/05-heat-waterlogging-lifelines"),
    ("greenhouse gas inventory", L, "climate-mitigation/02-greenhouse-gas-inventories"),
    ("dual carbon", L, "climate-mitigation/03-china-dual-carbon-goals"),
    ("national carbon market", L, "climate-mitigation/03-china-dual-carbon-goals"),
    ("IUCN Global Standard", L, "nature-based-solutions/02-the-iucn-global-standard"),
    ("Ten Essentials", L, "resilient-cities-mcr2030/02-the-ten-essentials"),
    ("scorecard workshop", L, "resilient-cities-mcr2030/03-the-scorecard"),
    ("contingency funds", L, "climate-finance/02-budgets-contingency-and-insurance"),
    ("bankable", L, "climate-finance/04-making-projects-bankable"),
    ("special-purpose bonds", L, "climate-finance/05-the-instruments-as-they-stand"),
    ("quick risk estimation", L, "urban-climate-risk-assessment/03-quick-risk-estimation"),
    ('"most severe" scenario', L, "urban-climate-risk-assessment/02-most-probable-and-most-severe-scenarios"),
    ("monitoring adaptation", L, "climate-adaptation/06-monitoring-evaluating-adaptation"),
    ("nature-based solutions", L, "nature-based-solutions/01-what-nature-based-solutions-are"),
    ("blue infrastructure", L, "nature-based-solutions/04-green-blue-infrastructure-and-monitoring"),
    ("MCR2030 Chinese cities", L, "resilient-cities-mcr2030/04-mcr2030-and-chinese-cities"),
    ("resilience dividend", G, "resilience-dividend"),
    ("exposure", G, "exposure"),
    ("Zhengzhou rainstorm", C, "zhengzhou-2021-rainstorm"),
]

CHINESE = [
    ("海绵城市", L, "nature-based-solutions/03-sponge-cities"),
    ("韧性", G, "resilience"),
    ("预警", L, "climate-adaptation/04-risk-scenarios-early-warning"),
    ("台风", L, "climate-adaptation/03-heat-floods-typhoons"),
    ("城市生命线", L, "climate-adaptation/05-heat-waterlogging-lifelines"),
    ("绿色债券", L, "climate-finance/03-green-bonds-and-climate-finance-pilots"),
    ("专项债券", L, "climate-finance/05-the-instruments-as-they-stand"),
    ("可融资性", L, "climate-finance/04-making-projects-bankable"),
    ("应急资金", L, "climate-finance/02-budgets-contingency-and-insurance"),
    ("温室气体清单", L, "climate-mitigation/02-greenhouse-gas-inventories"),
    ("双碳", L, "climate-mitigation/03-china-dual-carbon-goals"),
    ("全国碳市场", L, "climate-mitigation/03-china-dual-carbon-goals"),
    ("基于自然的解决方案", L, "nature-based-solutions/01-what-nature-based-solutions-are"),
    ("全球标准", L, "nature-based-solutions/02-the-iucn-global-standard"),
    ("蓝绿基础设施", L, "nature-based-solutions/04-green-blue-infrastructure-and-monitoring"),
    ("十大要素", L, "resilient-cities-mcr2030/02-the-ten-essentials"),
    ("记分卡 研讨会", L, "resilient-cities-mcr2030/03-the-scorecard"),
    ("快速风险估算", L, "urban-climate-risk-assessment/03-quick-risk-estimation"),
    ("最严重情景", L, "urban-climate-risk-assessment/02-most-probable-and-most-severe-scenarios"),
    ("监测与评估", L, "climate-adaptation/06-monitoring-evaluating-adaptation"),
    ("韧性城市十大要素", L, "resilient-cities-mcr2030/02-the-ten-essentials"),
    ("致灾因子", G, "hazard"),
    ("郑州", C, "zhengzhou-2021-rainstorm"),
]


def _top(query: str, locale: str) -> list[tuple[str, str]]:
    return [(h.kind, h.ref) for h in search_curriculum(query, locale, per_page=5).hits]


@pytest.mark.parametrize("query,kind,ref", ENGLISH, ids=[q for q, *_ in ENGLISH])
def test_english_queries_find_the_expected_item_in_the_first_five(db_session, query, kind, ref):
    assert (kind, ref) in _top(query, "en")


@pytest.mark.parametrize("query,kind,ref", CHINESE, ids=[q for q, *_ in CHINESE])
def test_chinese_queries_find_the_expected_item_in_the_first_five(db_session, query, kind, ref):
    assert (kind, ref) in _top(query, "zh")


def test_there_are_at_least_twenty_real_queries_in_each_language():
    assert len(ENGLISH) >= 20 and len(CHINESE) >= 20


def test_a_chinese_word_is_found_inside_text_without_spaces_and_not_across_a_gap(db_session):
    # 内涝 ("waterlogging") occurs only inside longer runs such as 城市内涝
    found = search_curriculum("内涝", "zh", per_page=50)
    lesson = ("lesson", "climate-adaptation/05-heat-waterlogging-lifelines")
    assert lesson in [(h.kind, h.ref) for h in found.hits]
    assert all("<mark>内涝</mark>" in h.snippet for h in found.hits if h.snippet_lang == "zh")
    # the characters of 海绵城市 in the wrong order are not the word
    assert search_curriculum("市城绵海", "zh").total == 0


def test_either_language_finds_the_item_and_the_page_language_names_it(db_session):
    zh = search_curriculum("sponge city", "zh", per_page=5)
    hit = next(h for h in zh.hits if h.ref == "nature-based-solutions/03-sponge-cities")
    assert (hit.title, hit.module_title) == ("海绵城市建设", "基于自然的解决方案与韧性城市")
    assert hit.snippet_lang == "en" and "<mark>" in hit.snippet  # the match is in the English text
    en = search_curriculum("海绵城市", "en", per_page=5)
    hit = next(h for h in en.hits if h.ref == "nature-based-solutions/03-sponge-cities")
    assert hit.title == "Sponge cities" and "<mark>海绵城市</mark>" in hit.snippet


def test_snippets_are_escaped_text_with_marks_never_content_html(db_session):
    for hit in search_curriculum("sponge", "en", per_page=30).hits:
        assert isinstance(hit.snippet, Markup)
        without_marks = str(hit.snippet).replace("<mark>", "").replace("</mark>", "")
        assert "<" not in without_marks and ">" not in without_marks


def test_markup_in_a_query_is_only_text(db_session):
    results = search_curriculum('<script>alert("x")</script> sponge', "en")
    assert results.query_text.startswith("<script>")  # kept as typed; the template escapes it
    assert all("<script" not in str(h.snippet) for h in results.hits)
    assert search_curriculum("<mark>", "en").total >= 0


def test_paging_covers_every_result_once_in_rank_order(db_session):
    first = search_curriculum("城市", "zh", page=1, per_page=7)
    assert first.total > 14 and first.pages == -(-first.total // 7)
    seen = []
    for page in range(1, first.pages + 1):
        results = search_curriculum("城市", "zh", page=page, per_page=7)
        assert results.page == page and results.first == (page - 1) * 7 + 1
        seen += [(h.kind, h.ref) for h in results.hits]
    assert len(seen) == len(set(seen)) == first.total
    beyond = search_curriculum("城市", "zh", page=999, per_page=7)
    assert beyond.page == first.pages and beyond.hits  # past the end: the last page


def test_empty_stop_word_only_and_overlong_queries(db_session):
    assert not search_curriculum("", "en").searched
    assert not search_curriculum("  ，。！ ", "zh").searched  # punctuation only: nothing to search
    assert search_curriculum("the", "en").searched  # a stop word alone is still searched
    long = "韧性" * 500
    assert len(search_curriculum(long, "zh").query_text) == MAX_QUERY_LENGTH
    assert len(parse_query("a b c d e f g h i j k l")) <= 8


def test_tokens_are_the_same_for_documents_and_queries():
    assert tokens("Green Bonds, 绿色债券！ ＣＩＴＩＥＳ") == ["green", "bond", "绿", "色", "债", "券", "city"]


def test_publishing_and_archiving_a_case_study_updates_the_index(editors):  # noqa: F811
    author, reviewer = editors
    study = _new(author)
    assert search_curriculum("通风降温廊道", "zh").total == 0  # a draft is not searchable
    _publish(author, reviewer, study)
    hits = search_curriculum("通风降温廊道", "zh").hits
    assert [(h.kind, h.ref) for h in hits] == [("case_study", study.slug)]
    workflow.archive_case_study(author, study)
    assert search_curriculum("通风降温廊道", "zh").total == 0


def test_rebuilding_the_index_is_idempotent(db_session):
    before = search_curriculum("绿色债券", "zh").total
    count = rebuild_search_index()
    assert count >= 27 + 40  # every lesson and glossary term at least
    assert search_curriculum("绿色债券", "zh").total == before


def test_a_chinese_snippet_has_no_gap_after_full_width_punctuation():
    """The index separates blocks with a space; in a Chinese snippet a space after 。 or ： reads
    as a gap, so it is dropped there, and only there (English keeps its spaces)."""
    from training.services.search.snippets import make_snippet, term_pattern
    from training.services.search.text import parse_query

    text = "海绵城市建设。 武汉的试点： 雨水花园 与 green roofs。 Wuhan. Sponge city"
    zh = make_snippet(text, term_pattern(parse_query("海绵城市")), "zh")
    assert "。武汉的试点：雨水花园 与 green roofs。Wuhan." in str(zh)
    en = make_snippet(text, term_pattern(parse_query("sponge")), "en")
    assert "。 武汉" in str(en)
