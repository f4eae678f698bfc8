"""What each kind of notification says, in the current language: a title for the list, the
paragraphs of the email, and the page it links to. One place for both, so the list in the app
and the email tell the same thing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from training.services import notifications as kinds
from training.web.city_time import city_time

KIND_LABELS = {
    kinds.INVITATION: _l("Invitations to a cohort"),
    kinds.SESSION_REMINDER: _l("Reminders the day before a session"),
    kinds.INACTIVE_REMINDER: _l("Reminders when I have not made progress for a while"),
    kinds.REVIEW_REQUESTED: _l("Case studies waiting for my review (editors)"),
    kinds.SENT_BACK: _l("My case studies sent back with a comment (editors)"),
    kinds.CERTIFICATE_ISSUED: _l("Certificates issued to me"),
}


@dataclass
class Said:
    title: str  # the list's line and the email's subject
    paragraphs: list[str] = field(default_factory=list)
    action: str = ""  # the link's label
    endpoint: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def _pick(params: dict[str, Any], name: str, locale: str) -> str:
    en, zh = params.get(f"{name}_en") or "", params.get(f"{name}_zh") or ""
    return (zh or en) if locale == "zh" else (en or zh)


def local_time(iso: str | None, timezone: str) -> str:
    """A UTC time stored as ISO text, shown in the city's time zone as every page shows a
    session's time ("Tue 8 Dec 2026, 09:30 (China Standard Time, UTC+8)", "2026年12月8日 周二
    09:30（北京时间，UTC+8）"): the date in the reader's language and the zone named."""
    if not iso:
        return ""
    return city_time(datetime.fromisoformat(iso), SimpleNamespace(timezone=timezone))


def describe(kind: str, params: dict[str, Any], locale: str) -> Said:
    """The notification in `locale` (call inside force_locale(locale))."""
    if kind == kinds.REVIEW_REQUESTED:
        title = _pick(params, "title", locale)
        return Said(
            _("Case study waiting for your review: “%(title)s”", title=title),
            [
                _(
                    "%(name)s sent the case study “%(title)s” to review.",
                    name=params.get("by", ""),
                    title=title,
                ),
                _(
                    "An editor other than its author reads it, then publishes it "
                    "or sends it back with a comment."
                ),
            ],
            _("Review the case study"),
            "case_studies.show",
            {"case_study_id": params["case_study_id"]},
        )
    if kind == kinds.SENT_BACK:
        title = _pick(params, "title", locale)
        return Said(
            _("Your case study “%(title)s” was sent back", title=title),
            [
                _(
                    "%(name)s sent the case study “%(title)s” back to you with this comment:",
                    name=params.get("by", ""),
                    title=title,
                ),
                params.get("comment", ""),
            ],
            _("Open the case study"),
            "case_studies.show",
            {"case_study_id": params["case_study_id"]},
        )
    if kind == kinds.CERTIFICATE_ISSUED:
        return Said(
            _("Your certificate for “%(cohort)s” is issued", cohort=params.get("cohort", "")),
            [
                _(
                    "Congratulations: you completed every module of the cohort “%(cohort)s”.",
                    cohort=params.get("cohort", ""),
                ),
                _(
                    "Your certificate can be verified by anyone with its code: %(code)s.",
                    code=params.get("code", ""),
                ),
            ],
            _("See your certificate"),
            "certificates.verify",
            {"code": params.get("code", "")},
        )
    if kind == kinds.SESSION_REMINDER:
        when = local_time(params.get("starts_at"), params.get("timezone", ""))
        paragraphs = [
            _(
                "The session “%(title)s” of the cohort “%(cohort)s” starts on %(when)s.",
                title=params.get("title", ""),
                cohort=params.get("cohort", ""),
                when=when,
            )
        ]
        if params.get("place"):
            paragraphs.append(_("Place: %(place)s", place=params["place"]))
        if params.get("online_url"):
            paragraphs.append(_("Online: %(link)s", link=params["online_url"]))
        paragraphs.append(_("The attached calendar file (.ics) adds it to your calendar."))
        return Said(
            _("Reminder: “%(title)s” starts on %(when)s", title=params.get("title", ""), when=when),
            paragraphs,
            _("Open My learning"),
            "learn.my_learning",
            {},
        )
    if kind == kinds.INACTIVE_REMINDER:
        return Said(
            _("Continue your training in “%(cohort)s”", cohort=params.get("cohort", "")),
            [
                _(
                    "You have not made progress in the cohort “%(cohort)s” for %(days)d days.",
                    cohort=params.get("cohort", ""),
                    days=int(params.get("days", 0)),
                ),
                _("A lesson takes about ten minutes: pick up where you left off."),
            ],
            _("Continue learning"),
            "learn.my_learning",
            {},
        )
    if kind == kinds.INVITATION:
        return Said(
            _("Invitation to join “%(cohort)s”", cohort=params.get("cohort", "")),
            [
                _(
                    "%(name)s invites you to join the cohort “%(cohort)s”.",
                    name=params.get("by", ""),
                    cohort=params.get("cohort", ""),
                )
            ],
            _("Accept or decline"),
            "learn.my_learning",
            {},
        )
    return Said(_("Notification"))
