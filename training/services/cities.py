"""Cities: the seed list and what admins add."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import City
from training.services.timezones import DEFAULT_ZONE, is_valid_timezone

SEED_FILE = Path(__file__).resolve().parent.parent / "seed" / "cities.yaml"
FIELDS = ("name_en", "name_zh", "province_en", "province_zh", "country_en", "country_zh")
EDITABLE = (*FIELDS, "timezone")


class CityExists(Exception):
    pass


def seed_cities(path: Path = SEED_FILE) -> int:
    """Add the seed cities that are missing; return how many were added. Idempotent. A row's
    `timezone` (IANA) defaults to Asia/Shanghai."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    by_key = {(c.name_en, c.country_en): c for c in db.session.scalars(select(City))}
    existing = set(by_key)
    added = 0
    for row in rows:
        zone = row.get("timezone") or DEFAULT_ZONE
        found = by_key.get((row["name_en"], row["country_en"]))
        if found is not None:
            # A seed city from before time zones keeps the default until the seed names its own
            # (an admin's choice of another zone is never overwritten).
            if found.timezone == DEFAULT_ZONE and zone != DEFAULT_ZONE:
                found.timezone = zone
            continue
        if (row["name_en"], row["country_en"]) in existing:
            continue
        db.session.add(City(**{f: row[f] for f in FIELDS}, timezone=zone))
        existing.add((row["name_en"], row["country_en"]))
        added += 1
    db.session.commit()
    return added


def list_cities() -> list[City]:
    return list(db.session.scalars(select(City).order_by(City.country_en != "China", City.name_en)))


def get_city(city_id: int) -> City | None:
    return db.session.get(City, city_id)


class InvalidTimezone(ValueError):
    pass


def _zone(values: dict[str, str]) -> str:
    zone = (values.get("timezone") or DEFAULT_ZONE).strip()
    if not is_valid_timezone(zone):
        raise InvalidTimezone(zone)
    return zone


def create_city(**values: str) -> City:
    """Raises CityExists, or InvalidTimezone for a zone that is not an IANA name."""
    city = City(**{f: (values.get(f) or "").strip() for f in FIELDS}, timezone=_zone(values))
    db.session.add(city)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise CityExists(values.get("name_en")) from exc
    return city


def update_city(city: City, **values: str) -> City:
    """An admin corrects a city's names or time zone. Times already stored stay the same moments
    (they are in UTC); they are shown in the new zone from now on. Raises CityExists,
    InvalidTimezone."""
    zone = _zone(values)
    for f in FIELDS:
        setattr(city, f, (values.get(f) or "").strip())
    city.timezone = zone
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise CityExists(values.get("name_en")) from exc
    return city
