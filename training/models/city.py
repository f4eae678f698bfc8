from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.models.base import pick


class City(db.Model):
    __tablename__ = "city"
    __table_args__ = (UniqueConstraint("name_en", "country_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120), default="")
    province_en: Mapped[str] = mapped_column(String(120), default="")
    province_zh: Mapped[str] = mapped_column(String(120), default="")
    country_en: Mapped[str] = mapped_column(String(120), default="China")
    country_zh: Mapped[str] = mapped_column(String(120), default="中国")
    # IANA name; times are stored in UTC and shown in this zone (admins edit it).
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")

    def name(self, locale: str) -> str:
        return pick(self.name_en, self.name_zh, locale)

    def label(self, locale: str) -> str:
        """Name with province, for lists where two cities could share a name."""
        province = pick(self.province_en, self.province_zh, locale)
        name = self.name(locale)
        if not province or province in (self.name_en, self.name_zh) or province.startswith(name):
            return name
        return f"{name} · {province}" if locale != "zh" else f"{name}（{province}）"

    def __repr__(self) -> str:
        return f"<City {self.name_en}>"
