"""Cities: the seed list and what admins add."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import City

SEED_FILE = Path(__file__).resolve().parent.parent / "seed" / "cities.yaml"
FIELDS = ("name_en", "name_zh", "province_en", "province_zh", "country_en", "country_zh")


class CityExists(Exception):
    pass


def seed_cities(path: Path = SEED_FILE) -> int:
    """Add the seed cities that are missing; return how many were added. Idempotent."""
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    existing = {(c.name_en, c.country_en) for c in db.session.scalars(select(City))}
    added = 0
    for row in rows:
        if (row["name_en"], row["country_en"]) in existing:
            continue
        db.session.add(City(**{f: row[f] for f in FIELDS}))
        existing.add((row["name_en"], row["country_en"]))
        added += 1
    db.session.commit()
    return added


def list_cities() -> list[City]:
    return list(db.session.scalars(select(City).order_by(City.country_en != "China", City.name_en)))


def get_city(city_id: int) -> City | None:
    return db.session.get(City, city_id)


def create_city(**values: str) -> City:
    city = City(**{f: (values.get(f) or "").strip() for f in FIELDS})
    db.session.add(city)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise CityExists(values.get("name_en")) from exc
    return city
