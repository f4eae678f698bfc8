"""Attendance on the sessions page of a whole cohort: a count per held session ("2 of 3
present"), "Mark all present" (ticks everyone, saves nothing, the trainer unticks those absent;
found by the trainer review: 30 checkboxes per session, no count)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests import factories
from training.extensions import db
from training.models import Role
from training.services import cohort_records, cohort_sessions, cohorts


@pytest.fixture
def day(app, db_session):
    """A cohort of three with a session held (2020) and one to come (2099); at the held one, two
    of the three were present, and a former member's mark is still stored."""
    trainer = factories.user(Role.TRAINER, locale="en")
    cohort = factories.cohort(trainer)
    ana, bo, chen = (factories.member(cohort, name=n) for n in ("Ana", "Bo", "Chen"))
    gone = factories.member(cohort, name="Gone")
    held = cohort_sessions.add_session(cohort, cohort_sessions.SessionValues("Opening", date(2020, 3, 2)))
    later = cohort_sessions.add_session(cohort, cohort_sessions.SessionValues("Closing", date(2099, 3, 2)))
    cohorts.record_attendance(held, {ana.id, bo.id, gone.id}, [ana.id, bo.id, chen.id, gone.id])
    cohorts.remove_member(cohort, gone.id)
    return trainer, cohort, (ana, bo, chen), held, later


def _section(html: str, session) -> str:
    start = html.index(f'id="session-{session.id}"')
    end = html.find("</section>", start)
    return html[start:end]


def _ticked(html: str) -> set[int]:
    return {int(v) for v in re.findall(r'name="present" value="(\d+)" checked', html)}


def test_session_counts_are_over_the_members_and_the_held_sessions(day):
    _trainer, cohort, people, held, later = day
    ids = [p.id for p in people]
    counts = cohort_records.session_counts(cohort, [held, later], ids, cohorts.attendance_map(cohort))
    # Ana and Bo of Ana, Bo, Chen; Gone's mark is not counted (no longer a member).
    assert counts[held.id] == cohort_records.SessionCount(held=True, recorded=True, present=2, members=3)
    assert counts[later.id] == cohort_records.SessionCount(held=False, recorded=False, present=0, members=3)


def test_the_page_says_how_many_were_present_at_each_held_session(client, login, day):
    trainer, cohort, _people, held, later = day
    login(trainer)
    html = client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    assert "2 of 3 present" in _section(html, held)
    assert "present</strong>" not in _section(html, later)  # still to come: nothing to count
    third = cohort_sessions.add_session(
        cohort, cohort_sessions.SessionValues("Field visit", date(2021, 1, 5))
    )
    html = client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    assert "Attendance not recorded yet." in _section(html, third)


def test_the_count_in_chinese(client, login, day):
    trainer, cohort, _people, held, _later = day
    trainer.locale = "zh"
    db.session.commit()
    login(trainer)
    html = client.get(f"/cohorts/{cohort.id}/sessions").get_data(as_text=True)
    assert "出勤 2 / 3 人" in _section(html, held)
    assert "全部标为出勤" in html


def test_mark_all_present_ticks_everyone_and_saves_nothing(client, login, day):
    trainer, cohort, people, _held, later = day
    login(trainer)
    url = f"/cohorts/{cohort.id}/sessions/{later.id}/attendance"
    # Reloaded (or its language switched), the page goes back to the session.
    assert client.get(url).headers["Location"].endswith(f"/sessions#session-{later.id}")
    response = client.post(
        f"/cohorts/{cohort.id}/sessions/{later.id}/attendance", data={"mark": "all", "present": []}
    )
    assert response.status_code == 200
    section = _section(response.get_data(as_text=True), later)
    assert _ticked(section) == {p.id for p in people}
    assert "nothing is saved yet" in section
    assert not any(s == later.id for s, _u in cohorts.attendance_map(cohort))
    # The trainer unticks Chen and saves.
    ana, bo, chen = people
    response = client.post(
        f"/cohorts/{cohort.id}/sessions/{later.id}/attendance", data={"present": [str(ana.id), str(bo.id)]}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#session-{later.id}")
    marks = cohorts.attendance_map(cohort)
    assert [marks[(later.id, p.id)] for p in people] == [True, True, False]


def test_a_session_refused_keeps_what_the_trainer_typed(client, login, day):
    trainer, cohort, _people, held, _later = day
    login(trainer)
    response = client.post(
        f"/cohorts/{cohort.id}/sessions",
        data={
            "title": "Scorecard day",
            "held_on": "2026-12-02",
            "starts": "10:00",
            "ends": "09:30",
            "place": "Room 3",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The session must end after it starts." in html
    assert 'value="Scorecard day"' in html and 'value="Room 3"' in html and 'value="10:00"' in html
    assert "2 of 3 present" in _section(html, held)  # the rest of the page as saved
    assert len(cohort_sessions.list_sessions(cohort)) == 2
