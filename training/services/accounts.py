"""Accounts: registration, authentication, roles, password reset tokens, demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from training.extensions import db
from training.models import City, Role, User

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
# A constant-cost hash, checked when the email is unknown, so timing does not tell either.
_DUMMY = User(password_hash="")


class EmailTaken(Exception):
    pass


class UnknownRole(ValueError):
    pass


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(
    *,
    name: str,
    email: str,
    password: str,
    city: City | None,
    organisation: str = "",
    locale: str = "en",
    role: Role = Role.TRAINEE,
) -> User:
    user = User(
        name=name.strip(),
        email=normalise_email(email),
        city=city,
        organisation=organisation.strip(),
        locale=locale,
        role=role.value,
    )
    user.set_password(password)
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
        if not _DUMMY.password_hash:
            _DUMMY.set_password("not-a-real-password")
        _DUMMY.check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def can_manage_users(actor: User) -> bool:
    return actor.is_authenticated and actor.role == Role.ADMIN


def set_role(user: User, role: str) -> User:
    try:
        user.role = Role(role).value
    except ValueError as exc:
        raise UnknownRole(role) from exc
    db.session.commit()
    return user


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
    user.set_password(new_password)  # bumps session_version: the link cannot be used twice
    db.session.commit()


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
