"""Each city has a time zone (IANA), seeded and edited by admins; times are stored in UTC and
shown in the city's zone with the zone named."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from tests import factories
from training.extensions import db
from training.models import City, Role
from training.services import cities, timezones
from training.web.city_time import city_time, city_zone


def test_seeded_international_cities_have_their_zones_and_chinese_cities_shanghai(db_session):
    by_name = {c.name_en: c.timezone for c in cities.list_cities()}
    assert by_name["Copenhagen"] == "Europe/Copenhagen"
    assert by_name["Rotterdam"] == "Europe/Amsterdam"
    assert by_name["Singapore"] == "Asia/Singapore"
    assert by_name["Medellín"] == "America/Bogota"
    assert by_name["Chengdu"] == by_name["Beijing"] == "Asia/Shanghai"


def test_seeding_again_gives_a_seed_city_its_zone_but_keeps_an_admins_choice(db_session):
    copenhagen = next(c for c in cities.list_cities() if c.name_en == "Copenhagen")
    singapore = next(c for c in cities.list_cities() if c.name_en == "Singapore")
    copenhagen.timezone = "Asia/Shanghai"  # as after the migration, before the seed named zones
    singapore.timezone = "Asia/Tokyo"  # an admin's (odd) choice
    db.session.commit()
    cities.seed_cities()
    assert copenhagen.timezone == "Europe/Copenhagen"
    assert singapore.timezone == "Asia/Tokyo"


@pytest.mark.parametrize("name", ["Asia/Shanghai", "Europe/Copenhagen", "America/Bogota", "UTC"])
def test_valid_zones(name):
    assert timezones.is_valid_timezone(name)


@pytest.mark.parametrize("name", ["", "Beijing", "UTC+8", "CST", "Asia/Atlantis", "../etc/passwd", "Asia/"])
def test_invalid_zones(name):
    assert not timezones.is_valid_timezone(name)


def test_conversions_round_trip_and_summer_time():
    stored = timezones.to_utc(date(2026, 7, 1), time(9, 0), "Europe/Copenhagen")
    assert stored == datetime(2026, 7, 1, 7, 0)
    assert timezones.to_local(stored, "Europe/Copenhagen").hour == 9
    assert timezones.to_utc(date(2026, 1, 1), time(9, 0), "Europe/Copenhagen") == datetime(2026, 1, 1, 8)
    assert timezones.to_utc(date(2026, 1, 1), time(9, 0), "Asia/Shanghai") == datetime(2026, 1, 1, 1)
    assert timezones.offset_label(timedelta(hours=5, minutes=30)) == "UTC+5:30"
    assert timezones.offset_label(timedelta(hours=-5)) == "UTC-5"


def test_the_helper_names_the_zone_in_both_languages(app):
    shanghai = City(name_en="X", timezone="Asia/Shanghai")
    bogota = City(name_en="Y", timezone="America/Bogota")
    start, end = datetime(2026, 12, 14, 6, 0), datetime(2026, 12, 14, 8, 30)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert (
            city_time(start, shanghai, end=end) == "Mon 14 Dec 2026, 14:00–16:30 (China Standard Time, UTC+8)"
        )
        assert city_time(start, bogota) == "Mon 14 Dec 2026, 01:00 (Colombia Standard Time, UTC-5)"
        assert city_time(start, shanghai, date_only=True) == "Mon 14 Dec 2026"
        assert city_zone(shanghai) == "China Standard Time, UTC+8"
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        assert city_time(start, shanghai, end=end) == "2026年12月14日 周一 14:00–16:30（北京时间，UTC+8）"


# --- the admin edits a city's zone ------------------------------------------------------------


def test_admin_sets_a_city_zone_and_sessions_follow_it(client, login):
    login(factories.user(Role.ADMIN))
    city = factories.city("Chengdu")
    page = client.get(f"/admin/cities/{city.id}/edit").get_data(as_text=True)
    assert 'value="Asia/Shanghai"' in page
    data = {
        "name_en": city.name_en,
        "name_zh": city.name_zh,
        "province_en": "",
        "province_zh": "",
        "country_en": "China",
        "country_zh": "中国",
        "timezone": "Asia/Urumqi",
    }
    assert client.post(f"/admin/cities/{city.id}/edit", data=data).status_code == 302
    db.session.refresh(city)
    assert city.timezone == "Asia/Urumqi"
    assert "Asia/Urumqi" in client.get("/admin/cities").get_data(as_text=True)


@pytest.mark.parametrize("zone", ["UTC+8", "Beijing time", "Asia/Atlantis"])
def test_a_bad_zone_is_refused_next_to_the_field_with_the_input_kept(client, login, zone):
    login(factories.user(Role.ADMIN))
    city = factories.city("Chengdu")
    data = {"name_en": city.name_en, "name_zh": city.name_zh, "country_en": "China", "country_zh": "中国"}
    response = client.post(f"/admin/cities/{city.id}/edit", data={**data, "timezone": zone})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="timezone-error"' in page and "is not a time zone name" in page
    assert f'value="{zone}"' in page
    db.session.refresh(city)
    assert city.timezone == "Asia/Shanghai"
    added = client.post(
        "/admin/cities", data={**data, "name_en": "Zigong", "name_zh": "自贡", "timezone": zone}
    )
    assert added.status_code == 422 and 'id="timezone-error"' in added.get_data(as_text=True)
    assert not any(c.name_en == "Zigong" for c in cities.list_cities())


def test_a_new_city_without_a_zone_is_in_shanghai_time(client, login):
    login(factories.user(Role.ADMIN))
    data = {"name_en": "Zigong", "name_zh": "自贡", "country_en": "China", "country_zh": "中国"}
    assert client.post("/admin/cities", data=data).status_code == 302
    assert next(c for c in cities.list_cities() if c.name_en == "Zigong").timezone == "Asia/Shanghai"


@pytest.mark.parametrize("role, expected", [("trainee", 403), ("trainer", 403), ("editor", 403)])
def test_only_admins_edit_cities(client, login, role, expected):
    city = factories.city("Chengdu")
    login(factories.user(role))
    assert client.get(f"/admin/cities/{city.id}/edit").status_code == expected
    response = client.post(f"/admin/cities/{city.id}/edit", data={"name_en": "X", "timezone": "UTC"})
    assert response.status_code == expected
    db.session.refresh(city)
    assert city.name_en == "Chengdu"


def test_anonymous_is_sent_to_log_in(client):
    city = factories.city("Chengdu")
    response = client.get(f"/admin/cities/{city.id}/edit")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
