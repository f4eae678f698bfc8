"""What a trainer sees of a cohort's records beside progress: who holds a certificate (code, date,
public check) and who attended which live session. Each read is one query, whatever the size of
the cohort."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from training.extensions import db
from training.models import Attendance, Certificate, Cohort, CohortMember, CohortSession, User
from training.models.base import utcnow
from training.services.certificates import format_code
from training.services.timezones import to_local


@dataclass(frozen=True)
class Holder:
    user: User
    code: str  # grouped for reading: "ABCD-EFGH-JKMN" (also what the public check's URL carries)
    issued_on: date
    member: bool  # still a member of the cohort (a certificate outlives leaving it)


def list_certificate_holders(cohort: Cohort) -> list[Holder]:
    """Every certificate of the cohort, by name."""
    member = (
        select(CohortMember.id)
        .where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == Certificate.user_id)
        .exists()
    )
    rows = db.session.execute(
        select(Certificate, User, member)
        .join(User, User.id == Certificate.user_id)
        .where(Certificate.cohort_id == cohort.id)
        .order_by(User.name, User.id)
    ).all()
    return [
        Holder(user=u, code=format_code(c.code), issued_on=c.issued_at.date(), member=bool(m))
        for c, u, m in rows
    ]


def count_certificates(cohort: Cohort) -> int:
    return (
        db.session.scalar(select(func.count(Certificate.id)).where(Certificate.cohort_id == cohort.id)) or 0
    )


def certificates_by_user(cohort: Cohort) -> dict[int, Holder]:
    return {h.user.id: h for h in list_certificate_holders(cohort)}


def held_up_to(cohort: Cohort, now: datetime | None = None) -> date:
    """The last day whose sessions count as held: today in the cohort's city. The same rule as
    the programme report ("sessions dated today or earlier"): a session still to come is not
    one a trainee could have missed."""
    return to_local(now or utcnow(), cohort.city.timezone).date()


@dataclass(frozen=True)
class SessionAttendance:
    session: CohortSession
    present: bool | None  # None: attendance not recorded for this person
    held: bool = True  # dated today or earlier (see held_up_to)


@dataclass(frozen=True)
class TraineeAttendance:
    rows: list[SessionAttendance]  # every session of the cohort, those to come included
    held: int  # sessions held so far
    present: int  # of those, the ones this person attended


def trainee_attendance(cohort: Cohort, user: User, now: datetime | None = None) -> TraineeAttendance:
    """Each session of the cohort, with whether this person was there; counted over the
    sessions held so far."""
    rows = db.session.execute(
        select(CohortSession, Attendance.present)
        .outerjoin(
            Attendance,
            (Attendance.session_id == CohortSession.id) & (Attendance.user_id == user.id),
        )
        .where(CohortSession.cohort_id == cohort.id)
        .order_by(CohortSession.held_on, CohortSession.id)
    ).all()
    last = held_up_to(cohort, now)
    sessions = [SessionAttendance(session=s, present=p, held=s.held_on <= last) for s, p in rows]
    held = [row for row in sessions if row.held]
    return TraineeAttendance(sessions, len(held), sum(1 for row in held if row.present))


@dataclass(frozen=True)
class AttendanceCount:
    sessions: int  # sessions of the cohort held so far
    present: dict[int, int]  # user id -> sessions held that they attended


def attendance_counts(cohort: Cohort, now: datetime | None = None) -> AttendanceCount:
    """Sessions held so far (see held_up_to) and how many of them each member attended."""
    held = (CohortSession.cohort_id == cohort.id, CohortSession.held_on <= held_up_to(cohort, now))
    sessions = db.session.scalar(select(func.count(CohortSession.id)).where(*held)) or 0
    rows = db.session.execute(
        select(Attendance.user_id, func.count(Attendance.id).label("n"))
        .join(CohortSession, CohortSession.id == Attendance.session_id)
        .where(*held, Attendance.present.is_(True))
        .group_by(Attendance.user_id)
    ).all()
    return AttendanceCount(sessions=sessions, present={row.user_id: row.n for row in rows})


@dataclass(frozen=True)
class SessionCount:
    """One session's attendance as the sessions page counts it: over today's members."""

    held: bool  # dated today or earlier (see held_up_to)
    recorded: bool  # attendance was saved for at least one of today's members
    present: int
    members: int


def session_counts(
    cohort: Cohort,
    sessions: list[CohortSession],
    member_ids: list[int],
    attendance: dict[tuple[int, int], bool],
    now: datetime | None = None,
) -> dict[int, SessionCount]:
    """Session id -> how many of the cohort's members were present, from what the page has read
    already (`attendance` is services/cohorts.py attendance_map): no query. A former member's
    mark is not counted: the count is "of the members", as the list below it shows."""
    last = held_up_to(cohort, now)
    counts = {}
    for s in sessions:
        marks = [attendance[(s.id, uid)] for uid in member_ids if (s.id, uid) in attendance]
        counts[s.id] = SessionCount(
            held=s.held_on <= last, recorded=bool(marks), present=sum(marks), members=len(member_ids)
        )
    return counts
