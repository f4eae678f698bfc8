"""The password policy: long enough, not a common or easily guessed password, not the person's
own name or email. Plain functions, no database."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path


def normalise_email(email: str) -> str:
    return email.strip().lower()


class WeakPassword(ValueError):
    """The password breaks the policy; `reason` is "short", "long", "common" or "personal"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "seed" / "common-passwords.txt"
# Letter swaps undone before comparing with the list ("p@ssw0rd" is "password").
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t", "!": "i"}
)
_LEET_L = str.maketrans({"1": "l"})
# Runs a person types without thinking: keyboard rows and columns, the alphabet, the digits.
_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "zaq1xsw2cde3vfr4bgt5nhy6mju7ki8lo9p0",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1q2w3e4r5t6y7u8i9o0p",
)


@cache
def _common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _variants(password: str) -> set[str]:
    """The password as typed, without digits and symbols around it, and with swaps undone."""
    lowered = password.lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    symbols_off = re.sub(r"^[\W_]+|[\W_]+$", "", lowered)  # "1234567890!!" is "1234567890"
    found = {lowered, core, symbols_off, re.sub(r"[\s\-_.]+", "", core)}
    found |= {v.translate(_LEET) for v in list(found)} | {v.translate(_LEET_L) for v in list(found)}
    for v in list(found):  # leet may leave digits or symbols around: strip once more
        found.add(re.sub(r"^[\W\d_]+|[\W\d_]+$", "", v))
    return {v for v in found if v}


def _is_run(text: str) -> bool:
    if len(text) < 6:
        return False
    return any(text in run or text in run[::-1] for run in _RUNS)


def _repeats_a_weak_unit(text: str, common: frozenset[str]) -> bool:
    """'abcabcabcabc', 'qwertyqwerty', 'password1password1'."""
    for size in range(1, len(text) // 2 + 1):
        unit = text[:size]
        if len(text) % size == 0 and unit * (len(text) // size) == text:
            return len(set(unit)) < 5 or unit in common or _is_run(unit)
    return False


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why this password is refused ("short", "long", "common", "personal"), or None.

    The rules follow NIST SP 800-63B: a minimum length, no composition rules, and a list of
    passwords known to be common or easy to guess — checked with digits and symbols stripped
    from both ends and letter swaps undone — plus runs, repetitions and the person's own name
    or email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "long"
    common = _common_passwords()
    variants = _variants(password)
    if len(set(password.lower())) < 5:
        return "common"
    for text in variants:
        if text in common or _is_run(text) or _repeats_a_weak_unit(text, common):
            return "common"
    local = normalise_email(email).partition("@")[0]
    personal = {normalise_email(email), local, re.sub(r"[\W_]+", "", local)}
    personal |= {name.strip().lower(), re.sub(r"\s+", "", name.strip().lower())}
    personal = {p for p in personal if len(p) >= 3}
    if variants & personal:
        return "personal"
    if any(len(p) >= 5 and p in password.lower() for p in personal):
        # "li.wei-2024" hides no more than "li.wei": the rest must be long enough on its own.
        rest = password.lower()
        for p in sorted(personal, key=len, reverse=True):
            rest = rest.replace(p, "")
        if len(rest) < MIN_PASSWORD_LENGTH:
            return "personal"
    return None


def check_password_policy(password: str, *, email: str = "", name: str = "") -> None:
    reason = password_problem(password, email=email, name=name)
    if reason is not None:
        raise WeakPassword(reason)
