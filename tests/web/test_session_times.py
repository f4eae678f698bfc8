"""Live sessions with times: entered in the city's local time, stored in UTC, shown in the city's
zone with the zone named, and downloadable as calendar files (.ics) by members and trainers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from icalendar import Calendar

from tests import factories
from training.extensions import db
from training.models import CohortSession, Role
from training.services import cohort_sessions


def _add(client, cohort, **data):
    form = {
        "title": "Opening workshop",
        "held_on": "2026-12-14",
        "starts": "14:00",
        "ends": "16:30",
        "place": "City hall, room 3",
        "online_url": "",
        **data,
    }
    return client.post(f"/cohorts/{cohort.id}/sessions", data=form)


def _sessions(cohort):
    return cohort_sessions.list_sessions(cohort)


def test_trainer_enters_local_time_which_is_stored_in_utc_and_shown_with_the_zone(client, login):
    trainer = login(factories.user(Role.TRAINER))
    cohort = factories.cohort(trainer)
    response = _add(client, cohort, online_url="https://meet.example.org/abc")
    assert response.status_code == 302
    [session] = _sessions(cohort)
    # Chengdu is in Asia/Shanghai (UTC+8): 14:00 local is 06:00 UTC.
    assert session.starts_at == datetime(2026, 12, 14, 6, 0)
    assert session.ends_at == datetime(2026, 12, 14, 8, 30)
    assert session.held_on == date(2026, 12, 14)
    page = client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    assert "14:00–16:30 (China Standard Time, UTC+8)" in page
    assert '<a href="https://meet.example.org/abc"' in page
    assert "Cohort dates: not set" in page


def test_the_city_zone_decides_the_stored_time(client, login):
    trainer = login(factories.user(Role.TRAINER, city_name="Copenhagen"))
    city = factories.city("Copenhagen")
    city.timezone = "Europe/Copenhagen"
    db.session.commit()
    cohort = factories.cohort(trainer, city_name="Copenhagen")
    assert _add(client, cohort, held_on="2026-07-01", starts="09:00", ends="10:00").status_code == 302
    [session] = _sessions(cohort)
    assert session.starts_at == datetime(2026, 7, 1, 7, 0)  # summer time, UTC+2
    page = client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    assert "09:00–10:00 (Central European Summer Time, UTC+2)" in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"online_url": "javascript:alert(1)"}, "online_url", "https://"),
        ({"online_url": "ftp://example.org/x"}, "online_url", "https://"),
        ({"starts": "16:00", "ends": "15:00"}, "ends", "end after it starts"),
        ({"starts": "", "ends": "15:00"}, "ends", "start time too"),
        ({"starts": "25:99"}, "starts", "Not a valid time value"),
    ],
)
def test_bad_session_input_is_refused_next_to_the_field_and_kept(client, login, data, field, message):
    trainer = login(factories.user(Role.TRAINER))
    cohort = factories.cohort(trainer)
    response = _add(client, cohort, **data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert 'value="Opening workshop"' in page  # input kept
    assert _sessions(cohort) == []


def test_trainer_edits_a_session_in_local_time(client, login):
    trainer = login(factories.user(Role.TRAINER))
    cohort = factories.cohort(trainer)
    _add(client, cohort)
    [session] = _sessions(cohort)
    form = client.get(f"/cohorts/{cohort.id}/sessions/{session.id}/edit").get_data(as_text=True)
    assert 'value="14:00"' in form and 'value="16:30"' in form
    response = client.post(
        f"/cohorts/{cohort.id}/sessions/{session.id}/edit",
        data={"title": "Day 2", "held_on": "2026-12-15", "starts": "09:30", "ends": "12:00", "place": ""},
    )
    assert response.status_code == 302
    db.session.refresh(session)
    assert (session.title, session.starts_at) == ("Day 2", datetime(2026, 12, 15, 1, 30))


def test_members_see_dates_and_sessions_on_my_learning_and_the_cohort_page(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    cohort.starts_on, cohort.ends_on = date(2026, 12, 14), date(2026, 12, 16)
    tomorrow = date.today() + timedelta(days=1)
    cohort_sessions.add_session(
        cohort,
        cohort_sessions.SessionValues(
            "Field visit", tomorrow, time(14, 0), time(16, 30), online_url="https://meet.example.org/x"
        ),
    )
    # A session from before times existed: a date only.
    db.session.add(CohortSession(cohort_id=cohort.id, title="Old day", held_on=tomorrow, place="Hall"))
    db.session.commit()
    trainee = login(factories.member(cohort))
    page = client.get("/learn/my").get_data(as_text=True)
    assert "Field visit" in page and "14:00–16:30 (China Standard Time, UTC+8)" in page
    assert "Old day" in page and "Hall" in page
    assert "Mon 14 Dec 2026" in page  # the cohort's first day
    assert f"/cohorts/{cohort.id}/calendar.ics" in page
    assert '<a href="https://meet.example.org/x"' in page
    workshop = client.get(f"/scorecard/cohort/{cohort.id}/").get_data(as_text=True)
    assert "Field visit" in workshop and "UTC+8" in workshop
    client.post("/language", data={"lang": "zh", "next": "/learn/my"})
    page = client.get("/learn/my").get_data(as_text=True)
    assert "14:00–16:30（北京时间，UTC+8）" in page
    assert '<p class="meta">成都 · ' in page  # the city in the page's language
    workshop = client.get(f"/scorecard/cohort/{cohort.id}/").get_data(as_text=True)
    assert '<p class="meta">成都 · ' in workshop and '<p class="meta">Chengdu' not in workshop
    assert trainee


def _ics(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def test_session_and_cohort_calendar_files_parse_with_stable_uids(client, login):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    timed = cohort_sessions.add_session(
        cohort,
        cohort_sessions.SessionValues(
            "Opening", date(2026, 12, 14), time(14, 0), time(16, 30), place="City hall"
        ),
    )
    online = cohort_sessions.add_session(
        cohort,
        cohort_sessions.SessionValues(
            "Online review",
            date(2026, 12, 15),
            time(9, 0),
            time(10, 0),
            online_url="https://meet.example.org/r",
        ),
    )
    old = CohortSession(cohort_id=cohort.id, title="Old day", held_on=date(2026, 12, 16), place="Hall")
    db.session.add(old)
    db.session.commit()
    login(factories.member(cohort))

    [event] = _ics(client.get(f"/cohorts/{cohort.id}/sessions/{timed.id}.ics")).walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start.utcoffset() == timedelta(hours=8)
    assert start.astimezone(UTC).replace(tzinfo=None) == datetime(2026, 12, 14, 6, 0)
    assert (end - start) == timedelta(hours=2, minutes=30)
    assert str(event["summary"]) == "Opening — Chengdu workshop"
    assert str(event["location"]) == "City hall"
    uid = str(event["uid"])
    again = _ics(client.get(f"/cohorts/{cohort.id}/sessions/{timed.id}.ics")).walk("VEVENT")[0]
    assert str(again["uid"]) == uid

    calendar = _ics(client.get(f"/cohorts/{cohort.id}/calendar.ics"))
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "Opening — Chengdu workshop",
        "Online review — Chengdu workshop",
        "Old day — Chengdu workshop",
    }
    assert str(events["Opening — Chengdu workshop"]["uid"]) == uid
    assert str(events["Online review — Chengdu workshop"]["url"]) == "https://meet.example.org/r"
    assert str(events["Online review — Chengdu workshop"]["location"]) == "https://meet.example.org/r"
    assert events["Old day — Chengdu workshop"].decoded("dtstart") == date(2026, 12, 16)
    assert calendar.walk("VTIMEZONE"), "a TZID needs its VTIMEZONE"
    assert online.id != timed.id


# --- who may do what -----------------------------------------------------------------------------


@pytest.fixture
def world(db_session):
    trainer = factories.user(Role.TRAINER)
    cohort = factories.cohort(trainer)
    session = cohort_sessions.add_session(
        cohort, cohort_sessions.SessionValues("Opening", date(2026, 12, 14), time(14, 0), time(16, 0))
    )
    other_trainer = factories.user(Role.TRAINER)
    factories.cohort(other_trainer, name="Other cohort")
    return {"trainer": trainer, "cohort": cohort, "session": session, "other_trainer": other_trainer}


def _routes(w):
    c, s = w["cohort"].id, w["session"].id
    return {
        "edit": f"/cohorts/{c}/sessions/{s}/edit",
        "session_ics": f"/cohorts/{c}/sessions/{s}.ics",
        "cohort_ics": f"/cohorts/{c}/calendar.ics",
    }


@pytest.mark.parametrize("route", ["edit", "session_ics", "cohort_ics"])
def test_anonymous_is_sent_to_log_in(client, world, route):
    response = client.get(_routes(world)[route])
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("route", ["edit", "session_ics", "cohort_ics"])
def test_a_trainer_of_another_cohort_gets_404(client, login, world, route):
    login(world["other_trainer"])
    assert client.get(_routes(world)[route]).status_code == 404


@pytest.mark.parametrize("route, expected", [("edit", 403), ("session_ics", 404), ("cohort_ics", 404)])
def test_a_trainee_outside_the_cohort_is_refused(client, login, world, route, expected):
    login(factories.user(Role.TRAINEE))
    assert client.get(_routes(world)[route]).status_code == expected


@pytest.mark.parametrize("route, expected", [("edit", 403), ("session_ics", 200), ("cohort_ics", 200)])
def test_a_member_downloads_calendars_but_cannot_edit(client, login, world, route, expected):
    login(factories.member(world["cohort"]))
    assert client.get(_routes(world)[route]).status_code == expected


def test_a_trainee_cannot_post_an_edit(client, login, world):
    login(factories.member(world["cohort"]))
    response = client.post(_routes(world)["edit"], data={"title": "Hacked", "held_on": "2026-12-14"})
    assert response.status_code == 403
    db.session.refresh(world["session"])
    assert world["session"].title == "Opening"
