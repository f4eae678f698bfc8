"""One template helper for every time shown in a city's context (a session, "issued on",
"joined on"): stored UTC shown in the city's zone, with the zone named.

    {{ city_time(s.starts_at, cohort.city, end=s.ends_at) }}
        -> "Mon 14 Dec 2026, 14:00–16:30 (China Standard Time, UTC+8)"
        -> "2026年12月14日 周一 14:00–16:30（北京时间，UTC+8）"
    {{ city_time(certificate.issued_at, cohort.city) }}   -> "... 09:05 (…)"
    {{ city_time(session.held_on, cohort.city) }}         -> a date alone, no zone (older sessions)
    {{ city_time(moment, city, date_only=True) }}         -> the local date
"""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from flask import Flask

from training.i18n import current_locale
from training.services.timezones import DEFAULT_ZONE, to_local, zone_label

DATE_FORMATS = {"en": "EEE d MMM y", "zh": "y年M月d日 EEE"}


def _date(day: date, locale: str) -> str:
    return format_date(
        day, DATE_FORMATS.get(locale, DATE_FORMATS["en"]), locale="zh_Hans_CN" if locale == "zh" else "en"
    )


def city_time(
    moment: datetime | date | None,
    city=None,
    end: datetime | None = None,
    date_only: bool = False,
    with_date: bool = True,
) -> str:
    if moment is None:
        return "—"
    locale = current_locale()
    if not isinstance(moment, datetime):  # a local date (sessions before times existed)
        return _date(moment, locale)
    zone_name = getattr(city, "timezone", None) or DEFAULT_ZONE
    local = to_local(moment, zone_name)
    if date_only:
        return _date(local.date(), locale)
    text = local.strftime("%H:%M")
    if end is not None:
        local_end = to_local(end, zone_name)
        text += "–" + local_end.strftime("%H:%M")
        if local_end.date() != local.date():
            text += " " + _date(local_end.date(), locale)
    if with_date:
        text = f"{_date(local.date(), locale)}{' ' if locale == 'zh' else ', '}{text}"
    zone = city_zone(city, moment)
    return f"{text}（{zone}）" if locale == "zh" else f"{text} ({zone})"


def city_zone(city=None, at: datetime | None = None) -> str:
    """The city's zone as named now (or at `at`): "China Standard Time, UTC+8", "北京时间，UTC+8"."""
    locale = current_locale()
    label = zone_label(getattr(city, "timezone", None) or DEFAULT_ZONE, at, locale)
    if label.name == label.offset:
        return label.offset
    return f"{label.name}，{label.offset}" if locale == "zh" else str(label)


def init_city_time(app: Flask) -> None:
    app.jinja_env.globals["city_time"] = city_time
    app.jinja_env.globals["city_zone"] = city_zone
