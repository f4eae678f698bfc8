from __future__ import annotations

from training.models import CaseStudy
from training.services import library


def test_case_study_library_lists_and_filters(client):
    html = client.get("/case-studies/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Copenhagen" in html and "Wuhan" in html
    filtered = client.get("/case-studies/?topic=finance&essential=3").get_data(as_text=True)
    assert "Nanganqu" in filtered and "Haizhu" not in filtered
    by_region = client.get("/case-studies/?region=europe").get_data(as_text=True)
    assert "Copenhagen" in by_region and "Wuhan" not in by_region


def test_case_study_page_in_both_languages(client):
    en = client.get("/case-studies/wuhan-sponge-city", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    zh = client.get("/case-studies/wuhan-sponge-city", headers={"Accept-Language": "zh"}).get_data(
        as_text=True
    )
    assert "Key figures" in en and "Sources" in en
    assert "武汉" in zh and '<html lang="zh-Hans">' in zh


def test_unpublished_case_studies_are_not_shown(client, db_session):
    study = library.get_published_case_study("wuhan-sponge-city")
    study.status = CaseStudy.DRAFT
    db_session.commit()
    assert client.get("/case-studies/wuhan-sponge-city").status_code == 404
    assert "wuhan-sponge-city" not in client.get("/case-studies/").get_data(as_text=True)


def test_module_page_shows_its_case_studies(client):
    html = client.get("/learn/nature-based-solutions/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "/case-studies/wuhan-sponge-city" in html and "/case-studies/singapore-abc-waters-bishan" in html


def test_glossary_page_and_links_from_lessons(client):
    html = client.get("/learn/glossary/", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert 'id="sponge-city"' in html and "海绵城市" in html
    lesson = client.get("/learn/climate-adaptation/01-urban-climate-risks").get_data(as_text=True)
    assert 'href="/learn/glossary/#' in lesson


def test_library_list_queries_do_not_grow(client, db_session, count_queries):
    client.get("/case-studies/")
    with count_queries() as before:
        client.get("/case-studies/")
    for i in range(30):
        db_session.add(CaseStudy(slug=f"extra-{i}", title_en=f"Extra {i}", topics=["nbs"], essentials=[5]))
    db_session.commit()
    with count_queries() as after:
        client.get("/case-studies/")
    assert before.count == after.count
