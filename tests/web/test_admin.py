from __future__ import annotations

from tests import factories
from training.services import cities


def test_admin_changes_a_role(client, login):
    login(factories.user("admin"))
    target = factories.user()
    page = client.get("/admin/users").get_data(as_text=True)
    assert target.email in page
    response = client.post("/admin/users", data={"user_id": target.id, "role": "trainer"})
    assert response.status_code == 302
    assert target.role == "trainer"


def test_admin_search(client, login):
    login(factories.user("admin"))
    factories.user(name="Zhang Findme")
    html = client.get("/admin/users?q=findme").get_data(as_text=True)
    assert "Zhang Findme" in html


def test_admin_adds_a_city_and_duplicates_are_refused(client, login):
    login(factories.user("admin"))
    data = {
        "name_en": "Zigong",
        "name_zh": "自贡",
        "province_en": "Sichuan",
        "province_zh": "四川省",
        "country_en": "China",
        "country_zh": "中国",
    }
    assert client.post("/admin/cities", data=data).status_code == 302
    assert any(c.name_en == "Zigong" for c in cities.list_cities())
    again = client.post("/admin/cities", data=data)
    assert again.status_code == 422 and "already in the list" in again.get_data(as_text=True)
    missing = client.post("/admin/cities", data={**data, "name_en": "", "name_zh": ""})
    assert missing.status_code == 422 and 'id="name_en-error"' in missing.get_data(as_text=True)


def test_seeded_cities_include_municipalities_capitals_and_case_cities(db_session):
    names = {c.name_en for c in cities.list_cities()}
    assert {"Beijing", "Shanghai", "Tianjin", "Chongqing"} <= names
    assert {"Chengdu", "Wuhan", "Nanning", "Lhasa", "Urumqi", "Harbin"} <= names
    assert {"Shenzhen", "Hong Kong", "Copenhagen", "Rotterdam", "Singapore"} <= names
    assert cities.seed_cities() == 0  # idempotent
