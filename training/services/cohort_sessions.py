"""A cohort's live sessions as trainees see them: date, start and end (entered in the city's
local time, stored in UTC), place or online link; who may read them; and calendar files (.ics)
for one session or the whole cohort.

Sessions created before times existed have only `held_on` (a local date): they still show, as a
whole day. Attendance stays in services/cohorts.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from icalendar import Calendar, Event
from sqlalchemy import or_, select

from training.extensions import db
from training.models import Cohort, CohortMember, CohortSession, User
from training.models.base import utcnow
from training.services.cohorts import can_manage_cohort, is_member
from training.services.timezones import to_local, to_utc

PRODID = "-//Resilient Cities Academy//Cohort sessions//EN"


def is_safe_link(url: str) -> bool:
    """Only http(s) links with a host are shown as links (no javascript:, data:, mailto:)."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url.strip()


@dataclass
class SessionValues:
    title: str
    day: date
    starts: time | None = None
    ends: time | None = None
    place: str = ""
    online_url: str = ""


def _apply(session: CohortSession, cohort: Cohort, values: SessionValues) -> None:
    if values.ends is not None and (values.starts is None or values.ends <= values.starts):
        raise ValueError("the end must come after the start")
    if values.online_url and not is_safe_link(values.online_url):
        raise ValueError("only http(s) links")
    zone_name = cohort.city.timezone
    session.title = values.title.strip()
    session.held_on = values.day
    session.place = (values.place or "").strip()
    session.online_url = (values.online_url or "").strip()
    session.starts_at = to_utc(values.day, values.starts, zone_name) if values.starts else None
    session.ends_at = to_utc(values.day, values.ends, zone_name) if values.ends else None


def add_session(cohort: Cohort, values: SessionValues) -> CohortSession:
    """Times are wall-clock times in the cohort's city; raises ValueError on an end before the
    start or a link that is not http(s) (the form says so first)."""
    session = CohortSession(cohort_id=cohort.id)
    _apply(session, cohort, values)
    db.session.add(session)
    db.session.commit()
    return session


def update_session(cohort: Cohort, session: CohortSession, values: SessionValues) -> None:
    if session.cohort_id != cohort.id:
        raise ValueError("not a session of this cohort")
    _apply(session, cohort, values)
    db.session.commit()


def local_values(cohort: Cohort, session: CohortSession) -> SessionValues:
    """The session as the trainer entered it, in the city's wall-clock time (to edit it)."""
    zone_name = cohort.city.timezone
    starts = to_local(session.starts_at, zone_name) if session.starts_at else None
    ends = to_local(session.ends_at, zone_name) if session.ends_at else None
    return SessionValues(
        title=session.title,
        day=starts.date() if starts else session.held_on,
        starts=starts.time().replace(tzinfo=None) if starts else None,
        ends=ends.time().replace(tzinfo=None) if ends else None,
        place=session.place,
        online_url=session.online_url,
    )


# --- reading ---------------------------------------------------------------------------------


def can_read_sessions(user: User, cohort: Cohort) -> bool:
    """The cohort's members and the trainers who manage it (admins too)."""
    if not user.is_authenticated:
        return False
    return can_manage_cohort(user, cohort) or is_member(user, cohort)


def _order():
    # Sessions with a time by their start; older ones (date only) by their date.
    return (CohortSession.held_on, CohortSession.starts_at, CohortSession.id)


def sessions_by_cohort(cohort_ids: list[int]) -> dict[int, list[CohortSession]]:
    """Every session of these cohorts, in order, in one query."""
    found: dict[int, list[CohortSession]] = {cid: [] for cid in cohort_ids}
    if not cohort_ids:
        return found
    for session in db.session.scalars(
        select(CohortSession).where(CohortSession.cohort_id.in_(cohort_ids)).order_by(*_order())
    ):
        found[session.cohort_id].append(session)
    return found


def list_sessions(cohort: Cohort) -> list[CohortSession]:
    return sessions_by_cohort([cohort.id])[cohort.id]


def is_past(session: CohortSession, now: datetime, zone_name: str) -> bool:
    if session.ends_at is not None:
        return session.ends_at < now
    if session.starts_at is not None:
        return session.starts_at < now
    return session.held_on < to_local(now, zone_name).date()


@dataclass
class Schedule:
    """A cohort with its sessions, for a trainee's pages."""

    cohort: Cohort
    sessions: list[CohortSession]
    upcoming: list[CohortSession]


def list_schedules(
    user: User, now: datetime | None = None, cohorts: list[Cohort] | None = None
) -> list[Schedule]:
    """The cohorts the user belongs to, newest first, each with its sessions: two queries; one
    when the caller read those `cohorts` already (training/services/cohorts.py list_memberships)."""
    now = now or utcnow()
    if cohorts is None:
        cohorts = list(
            db.session.scalars(
                select(Cohort)
                .join(CohortMember, CohortMember.cohort_id == Cohort.id)
                .where(CohortMember.user_id == user.id)
                .order_by(Cohort.created_at.desc(), Cohort.id.desc())
            )
        )
    by_cohort = sessions_by_cohort([c.id for c in cohorts])
    return [
        Schedule(
            cohort=c,
            sessions=by_cohort[c.id],
            upcoming=[s for s in by_cohort[c.id] if not is_past(s, now, c.city.timezone)],
        )
        for c in cohorts
    ]


def upcoming_sessions(cohort_ids: list[int], now: datetime, days: int = 14) -> list[CohortSession]:
    """Sessions of these cohorts from today (UTC, less a day for zones ahead) to `days` ahead."""
    if not cohort_ids:
        return []
    today = now.date()
    return list(
        db.session.scalars(
            select(CohortSession)
            .where(
                CohortSession.cohort_id.in_(cohort_ids),
                CohortSession.held_on >= today - timedelta(days=1),
                CohortSession.held_on <= today + timedelta(days=days),
                or_(CohortSession.ends_at.is_(None), CohortSession.ends_at >= now),
            )
            .order_by(*_order())
        )
    )


# --- calendar files --------------------------------------------------------------------------


def session_uid(session: CohortSession, host: str) -> str:
    """Stable across downloads: a calendar program updates the event instead of adding another."""
    return f"cohort-session-{session.id}@{host or 'resilient-cities-academy'}"


def _event(cohort: Cohort, session: CohortSession, host: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", session_uid(session, host))
    event.add("dtstamp", stamp.replace(tzinfo=UTC))
    event.add("summary", f"{session.title} — {cohort.name}")
    zone_name = cohort.city.timezone
    if session.starts_at is not None:
        # In the city's zone, with its VTIMEZONE: the calendar shows the right hour anywhere.
        start = to_local(session.starts_at, zone_name)
        event.add("dtstart", start)
        end = to_local(session.ends_at, zone_name) if session.ends_at else start + timedelta(hours=1)
        event.add("dtend", end)
    else:  # a session with a date only: a whole day
        event.add("dtstart", session.held_on)
        event.add("dtend", session.held_on + timedelta(days=1))
    link = session.online_url if is_safe_link(session.online_url) else ""
    location = session.place or link
    if location:
        event.add("location", location)
    if link:
        event.add("url", link)
    description = [cohort.name, f"{cohort.city.name_en} · {cohort.city.name_zh}"]
    if link:
        description.append(link)
    event.add("description", "\n".join(description))
    return event


def calendar_file(cohort: Cohort, sessions: list[CohortSession], host: str) -> bytes:
    """An iCalendar file with these sessions of the cohort (one, or all of them)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", cohort.name)
    stamp = utcnow()
    for session in sessions:
        calendar.add_component(_event(cohort, session, host, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()
