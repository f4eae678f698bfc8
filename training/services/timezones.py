"""Time zones: every timestamp is stored in UTC (naive datetimes); a city has an IANA zone
(City.timezone, Asia/Shanghai by default) and what a trainee or trainer reads in a city's context
is shown in that zone, with the zone named ("China Standard Time, UTC+8", "北京时间")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_timezone_name

DEFAULT_ZONE = "Asia/Shanghai"
# The name people in China use for their zone; elsewhere Babel's (CLDR) long names.
LOCAL_NAMES = {("Asia/Shanghai", "zh"): "北京时间"}


def is_valid_timezone(name: str) -> bool:
    """An IANA zone name the system knows ("Asia/Shanghai", "Europe/Copenhagen"); not an offset
    or an abbreviation ("UTC+8", "CST" are refused: they say nothing of summer time)."""
    name = (name or "").strip()
    if not name or "/" not in name and name != "UTC":
        return False
    return zone(name) is not None


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _zone_or_default(name: str | None) -> ZoneInfo:
    return zone(name or DEFAULT_ZONE) or ZoneInfo(DEFAULT_ZONE)


def to_local(moment: datetime, zone_name: str | None) -> datetime:
    """A stored (naive UTC) datetime as an aware datetime in the zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone_or_default(zone_name))


def to_utc(day: date, at: time, zone_name: str | None) -> datetime:
    """A wall-clock date and time in the zone, as a naive UTC datetime for storage. A time that
    does not exist (the hour skipped when summer time starts) is read with the offset before the
    change, a repeated one as its first occurrence (fold=0)."""
    local = datetime.combine(day, at).replace(tzinfo=_zone_or_default(zone_name))
    return local.astimezone(UTC).replace(tzinfo=None)


def offset_label(offset: timedelta | None) -> str:
    """'UTC+8', 'UTC-5', 'UTC+5:30', 'UTC'."""
    minutes = int((offset or timedelta()).total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _babel_locale(locale: str) -> str:
    return "zh_Hans_CN" if locale == "zh" else "en"


@dataclass(frozen=True)
class ZoneLabel:
    name: str  # "China Standard Time", "中欧夏令时间", "北京时间"
    offset: str  # "UTC+8"

    def __str__(self) -> str:
        return f"{self.name}, {self.offset}" if self.name != self.offset else self.offset


def zone_label(zone_name: str | None, at: datetime | None, locale: str) -> ZoneLabel:
    """How the zone is named at that moment (summer time changes the name and the offset)."""
    tz = _zone_or_default(zone_name)
    key = tz.key
    moment = to_local(at or datetime.now(UTC).replace(tzinfo=None), key)
    offset = offset_label(moment.utcoffset())
    name = LOCAL_NAMES.get((key, locale))
    if name is None:
        try:
            name = get_timezone_name(moment, "long", locale=_babel_locale(locale))
        except (LookupError, ValueError):
            name = ""
    return ZoneLabel(name=name or offset, offset=offset)
