"""Accounts: registration, authentication, roles, password reset tokens, demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from training.extensions import db
from training.models import City, Role, User
from training.services.password_policy import (  # noqa: F401 - the policy's names stay reachable here
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    WeakPassword,
    _common_passwords,
    check_password_policy,
    normalise_email,
    password_problem,
)

DEMO_EMAILS = {
    Role.TRAINEE: "trainee@example.org",
    Role.TRAINER: "trainer@example.org",
    Role.EDITOR: "editor@example.org",
    Role.ADMIN: "admin@example.org",
}
DEMO_NAMES = {
    Role.TRAINEE: "Demo Trainee",
    Role.TRAINER: "Demo Trainer",
    Role.EDITOR: "Demo Editor",
    Role.ADMIN: "Demo Admin",
}
DEMO_CITY = "Chengdu"
RESET_SALT = "password-reset"
REGISTRATION_SALT = "registration-confirm"
# A constant-cost hash, checked when the email is unknown, so timing does not tell either.
_DUMMY = User(password_hash="")
# Stands for an unknown email where a page does the same work either way (a reset token).
PLACEHOLDER = User(id=0, name="", email="", session_version=0)


class EmailTaken(Exception):
    pass


class UnknownRole(ValueError):
    pass


class LastAdmin(Exception):
    """The change would leave the site without an active administrator."""


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(
    *,
    name: str,
    email: str,
    password: str = "",
    city: City | None,
    organisation: str = "",
    locale: str = "en",
    role: Role = Role.TRAINEE,
    password_hash: str | None = None,
) -> User:
    """Create an account. Raises WeakPassword when the password breaks the policy, else
    EmailTaken when the email has an account. The password is hashed (the slow part) before the
    email is looked up, so a taken email takes as long to refuse as a new one to accept.

    `password_hash` instead of `password`: a hash made (after the policy check) by
    `prepare_registration`, carried by a confirmation link."""
    if password_hash is None:
        check_password_policy(password, email=email, name=name)
        password_hash = generate_password_hash(password)
    if get_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        name=name.strip(),
        email=normalise_email(email),
        city=city,
        organisation=organisation.strip(),
        locale=locale,
        role=role.value,
    )
    user.password_hash = password_hash
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise EmailTaken(email) from exc
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None — the same None for a wrong email or password."""
    user = get_user_by_email(email)
    if user is None:
        db.session.rollback()  # end the read before the slow hash (see below)
        if not _DUMMY.password_hash:
            _DUMMY.set_password("not-a-real-password")
        _DUMMY.check_password(password)
        return None
    password_hash, active = user.password_hash, user.active
    # The hash is slow on purpose (~0.1 s of CPU). The read transaction ends first: on SQLite a
    # transaction holds the database lock, and several workers' logins must not queue behind it.
    db.session.rollback()
    if not check_password_hash(password_hash, password) or not active:
        return None
    return user


def can_manage_users(actor: User) -> bool:
    return actor.is_authenticated and actor.role == Role.ADMIN


def is_last_admin(user: User) -> bool:
    """The only active administrator: they may not lose the role, nor their account."""
    if user.role != Role.ADMIN or not user.active:
        return False
    others = db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN.value, User.active, User.id != user.id)
    )
    return not others


def set_role(user: User, role: str) -> User:
    """Give `user` the role; raises UnknownRole, or LastAdmin when it would leave the site
    without an administrator. A changed role ends the user's sessions: every device logs in
    again and sees only what the new role allows."""
    try:
        new_role = Role(role).value
    except ValueError as exc:
        raise UnknownRole(role) from exc
    if new_role == user.role:
        return user
    if new_role != Role.ADMIN and is_last_admin(user):
        raise LastAdmin()
    user.role = new_role
    user.session_version = (user.session_version or 0) + 1
    db.session.commit()
    return user


def end_sessions(user: User) -> None:
    """Every session and "remember me" cookie of the user ends (the session version they carry
    is no longer the account's): logout, "log out everywhere". Outstanding reset links too."""
    user.session_version = (user.session_version or 0) + 1
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        db.session.commit()


def list_users(search: str = "", limit: int = 200) -> list[User]:
    query = select(User).order_by(User.created_at.desc()).limit(limit)
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(func.lower(User.email).like(like) | func.lower(User.name).like(like))
    return list(db.session.scalars(query))


# --- password reset ----------------------------------------------------------------------


def make_reset_token(user: User, secret_key: str) -> str:
    """A signed token that names the user and their current session version."""
    return URLSafeTimedSerializer(secret_key, salt=RESET_SALT).dumps(
        {"id": user.id, "v": user.session_version}
    )


def read_reset_token(token: str, secret_key: str, max_age: int) -> User | None:
    """The user a valid, unexpired, unused token names; None otherwise."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=RESET_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or user.session_version != data.get("v"):
        return None  # the password changed since: the link was used or is stale
    return user


def reset_password(user: User, new_password: str) -> None:
    """Set a new password (raises WeakPassword when it breaks the policy)."""
    check_password_policy(new_password, email=user.email, name=user.name)
    user.set_password(new_password)  # bumps session_version: the link cannot be used twice
    db.session.commit()


# --- registration confirmed by email ---------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """A registration waiting for its email to be confirmed: everything the account needs, the
    password already hashed. Carried by the signed link of the confirmation email (no table)."""

    name: str
    email: str
    password_hash: str
    city_id: int | None
    organisation: str
    locale: str
    next: str = ""


def prepare_registration(
    *, name: str, email: str, password: str, city: City | None, organisation: str, locale: str, next: str = ""
) -> tuple[Registration, User | None]:
    """The registration to confirm, and the account the email already has (or None). Raises
    WeakPassword. The same work either way: the policy check and the slow hash come first."""
    check_password_policy(password, email=email, name=name)
    registration = Registration(
        name=name.strip(),
        email=normalise_email(email),
        password_hash=generate_password_hash(password),
        city_id=city.id if city is not None else None,
        organisation=organisation.strip(),
        locale=locale,
        next=next,
    )
    return registration, get_user_by_email(email)


def make_registration_token(registration: Registration, secret_key: str) -> str:
    """A signed, timed token that carries the registration (signed, not encrypted)."""
    data = {
        "n": registration.name,
        "e": registration.email,
        "h": registration.password_hash,
        "c": registration.city_id,
        "o": registration.organisation,
        "l": registration.locale,
        "x": registration.next,
    }
    return URLSafeTimedSerializer(secret_key, salt=REGISTRATION_SALT).dumps(data)


def read_registration_token(token: str, secret_key: str, max_age: int) -> Registration | None:
    """The registration a valid, unexpired token carries; None for an expired, altered or
    foreign one."""
    if not token or len(token) > 4000:
        return None
    try:
        data = URLSafeTimedSerializer(secret_key, salt=REGISTRATION_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    try:
        city_id = data.get("c")
        return Registration(
            name=str(data["n"]),
            email=normalise_email(str(data["e"])),
            password_hash=str(data["h"]),
            city_id=city_id if isinstance(city_id, int) else None,
            organisation=str(data.get("o") or ""),
            locale=str(data.get("l") or "en"),
            next=str(data.get("x") or ""),
        )
    except KeyError:
        return None


def complete_registration(registration: Registration) -> User:
    """Create the account of a confirmed registration; raises EmailTaken when the address has
    an account by now (the link was used, or the person registered another way)."""
    city = db.session.get(City, registration.city_id) if registration.city_id else None
    return register_user(
        name=registration.name,
        email=registration.email,
        password_hash=registration.password_hash,
        city=city,
        organisation=registration.organisation,
        locale=registration.locale,
    )


# --- demo accounts -----------------------------------------------------------------------


@dataclass
class DemoResult:
    created: list[str]
    existing: list[str]


def ensure_demo_accounts(password: str) -> DemoResult:
    """Create the four demo accounts if missing; never touch existing ones."""
    city = db.session.scalar(select(City).where(City.name_en == DEMO_CITY))
    created, existing = [], []
    for role, email in DEMO_EMAILS.items():
        if get_user_by_email(email):
            existing.append(email)
            continue
        user = User(name=DEMO_NAMES[role], email=email, role=role.value, city=city)
        user.set_password(password)
        db.session.add(user)
        created.append(email)
    db.session.commit()
    return DemoResult(created, existing)


def update_profile(user: User, *, name: str, city: City, organisation: str, locale: str) -> None:
    user.name = name.strip()
    user.city = city
    user.organisation = organisation.strip()
    user.locale = locale
    db.session.commit()
