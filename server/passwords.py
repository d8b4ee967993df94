"""The staff password policy and password hashing (an unknown username costs the same hashing work)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 256
MIN_DISTINCT_CHARACTERS = 5
_EDGE_NOISE = re.compile(r"^[\W\d_]+|[\W\d_]+$")


class WeakPassword(ValueError):
    """A password the policy refuses; the message says why."""


def check_policy(password: str, username: str) -> None:
    """Refuse a password that is short, repetitive, common or the username (give or take digits and symbols).

    :raises WeakPassword: naming the first rule it breaks.
    """
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a staff password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a staff password may have at most {MAX_LENGTH} characters")
    if len(set(password)) < MIN_DISTINCT_CHARACTERS:
        raise WeakPassword(f"a staff password needs at least {MIN_DISTINCT_CHARACTERS} different characters")
    lowered, name = password.lower(), username.lower()
    core, name_core = _EDGE_NOISE.sub("", lowered), _EDGE_NOISE.sub("", name)
    if name and (name in (lowered, core, lowered[::-1]) or (name_core and core in (name_core, name_core[::-1]))):
        raise WeakPassword("a staff password may not be the username")
    if is_common(lowered):
        raise WeakPassword("this password is one of the most common ones; choose another")


def is_common(password: str) -> bool:
    """Whether ``password`` (lower-cased) is a common password, alone or with digits and symbols around it."""
    core = _EDGE_NOISE.sub("", password)
    return password in common_passwords() or (len(core) >= 4 and core in common_passwords())


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (``server/data/common_passwords.txt``)."""
    text = files("server").joinpath("data/common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def hash_password(password: str) -> str:
    """A salted, slow hash of ``password`` (werkzeug's default method)."""
    return generate_password_hash(password)


@cache
def _decoy_hash() -> str:
    return generate_password_hash("an unknown user's password is never this one")


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``; with no hash (an unknown user) the same work is done
    against a decoy and the answer is ``False``."""
    if password_hash is None:
        check_password_hash(_decoy_hash(), password)
        return False
    return check_password_hash(password_hash, password)
