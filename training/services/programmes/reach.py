"""Reach: per city and year, who was trained, from which departments, what they completed,
their certificates, the sessions held and the attendance at them; and a departments × modules
matrix over the whole programme. Definitions in docs/programmes.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from training.models import City, Module
from training.services.programmes.load import ProgrammeData, cohort_year


def department_key(organisation: str) -> str:
    """Departments are the organisation people give on their profile, compared without case
    and surrounding or repeated spaces; "" when none was given."""
    return " ".join(organisation.split()).casefold()


@dataclass
class ReachRow:
    city: City | None  # None on the totals row
    year: int | None
    trainees: int = 0
    departments: int = 0
    modules_completed: int = 0
    certificates: int = 0
    sessions: int = 0
    present: int = 0
    possible: int = 0  # sessions × members, per cohort: the attendance a full room would give

    @property
    def attendance_rate(self) -> float | None:
        """Share (0–1) of the possible attendance marked present; None without sessions."""
        return self.present / self.possible if self.possible else None


@dataclass
class DepartmentRow:
    name: str  # as first typed; "" for people who gave none
    trainees: int
    completed: dict[int, int] = field(default_factory=dict)  # module id -> trainees who completed it


@dataclass
class Reach:
    rows: list[ReachRow]
    total: ReachRow
    modules: list[Module]  # columns of the departments matrix
    departments: list[DepartmentRow]


def build_reach(data: ProgrammeData) -> Reach:
    by_key: dict[tuple[int, int], list] = defaultdict(list)
    for cohort in data.cohorts:
        by_key[(cohort.city_id, cohort_year(cohort))].append(cohort)
    cities = {c.id: c for c in data.cities}
    rows = []
    all_trainees: set[int] = set()
    all_completed: set[tuple[int, int]] = set()
    total = ReachRow(None, None)
    # each person's department key once (not once per row they count in)
    department = {user_id: department_key(typed) for user_id, typed in data.organisation.items()}
    order = sorted(by_key, key=lambda k: (cities[k[0]].name_en, k[1]))
    for city_id, year in order:
        row = ReachRow(cities[city_id], year)
        trainees: set[int] = set()
        completed: set[tuple[int, int]] = set()
        for cohort in by_key[(city_id, year)]:
            members = data.members.get(cohort.id, [])
            trainees.update(members)
            for user_id in members:
                for module_id in data.assigned.get(cohort.id, []):
                    if data.complete(user_id, module_id):
                        completed.add((user_id, module_id))
            row.certificates += data.certificates.get(cohort.id, 0)
            held = data.sessions.get(cohort.id, 0)
            row.sessions += held
            row.present += data.present.get(cohort.id, 0)
            row.possible += held * len(members)
        row.trainees = len(trainees)
        row.departments = len({department.get(u, "") for u in trainees} - {""})
        row.modules_completed = len(completed)
        rows.append(row)
        all_trainees |= trainees
        all_completed |= completed
        for name in ("certificates", "sessions", "present", "possible"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    total.trainees = len(all_trainees)
    total.departments = len({department.get(u, "") for u in all_trainees} - {""})
    total.modules_completed = len(all_completed)
    modules = data.programme_modules()
    return Reach(rows, total, modules, _departments(data, all_trainees, all_completed, modules))


def _departments(data: ProgrammeData, trainees: set[int], completed: set[tuple[int, int]], modules) -> list:
    names: dict[str, str] = {}
    people: dict[str, set[int]] = defaultdict(set)
    for user_id in sorted(trainees):
        typed = " ".join(data.organisation.get(user_id, "").split())
        key = department_key(typed)
        names.setdefault(key, typed)
        people[key].add(user_id)
    done: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # key -> module -> people
    for user_id, module_id in completed:  # each (person, module) once
        done[department_key(data.organisation.get(user_id, ""))][module_id] += 1
    rows = []
    for key, users in people.items():
        row = DepartmentRow(names[key], len(users))
        for module in modules:
            row.completed[module.id] = done[key][module.id]
        rows.append(row)
    # The most represented first; people without a department last.
    rows.sort(key=lambda r: (r.name == "", -r.trainees, r.name.casefold()))
    return rows
