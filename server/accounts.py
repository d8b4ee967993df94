"""Staff accounts: create, disable, enable, new password, new role. Every change but creation revokes the
account's sessions; every change is kept in the ops audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from games.campaigns.admin import record
from server import sessions
from server.models import User
from server.passwords import WeakPassword, check_policy, hash_password

STAFF_ROLES = ("ops", "auditor")
MAX_USERNAME_LENGTH = 64


class AccountError(ValueError):
    """A staff account change that cannot be made; the message says why."""


def create_staff(db_session: Session, username: str, password: str, role: str, now: datetime) -> User:
    """A staff account (ops or auditor) with a hashed password that meets the policy.

    :raises AccountError: on a bad role or username, a taken username or a weak password.
    """
    _check_role(role)
    if not 1 <= len(username) <= MAX_USERNAME_LENGTH or not username.isprintable() or username != username.strip():
        raise AccountError(f"a username has 1-{MAX_USERNAME_LENGTH} printable characters, without spaces around")
    if db_session.scalars(select(User).where(User.username == username)).first() is not None:
        raise AccountError(f"user '{username}' exists already")
    _check_password(password, username)
    user = User(
        role=role,
        username=username,
        password_hash=hash_password(password),
        display_name=username,
        tier="normal",
        created_at=now,
    )
    db_session.add(user)
    db_session.flush()
    return user


def staff_user(db_session: Session, username: str) -> User:
    """The staff account named ``username``. :raises AccountError: when there is none."""
    user = db_session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None or user.role not in STAFF_ROLES:
        raise AccountError(f"there is no staff account '{username}'")
    return user


def set_disabled(db_session: Session, username: str, disabled: bool, actor: str, now: datetime) -> User:
    """Disable an account (its sessions end at once) or enable it again. :raises AccountError: unknown user."""
    user = staff_user(db_session, username)
    before = _state(user)
    user.disabled_at = now if disabled else None
    if disabled:
        sessions.revoke_all(db_session, user.id)
    _audit(db_session, actor, "user_disable" if disabled else "user_enable", before, _state(user), now)
    return user


def set_password(db_session: Session, username: str, password: str, actor: str, now: datetime) -> User:
    """Give an account a new password (its sessions end). :raises AccountError: unknown user, weak password."""
    user = staff_user(db_session, username)
    _check_password(password, username)
    user.password_hash = hash_password(password)
    revoked = sessions.revoke_all(db_session, user.id)
    _audit(db_session, actor, "user_passwd", _state(user), {**_state(user), "sessions_ended": revoked}, now)
    return user


def set_role(db_session: Session, username: str, role: str, actor: str, now: datetime) -> User:
    """Give an account another staff role (its sessions end). :raises AccountError: unknown user or role."""
    _check_role(role)
    user = staff_user(db_session, username)
    before = _state(user)
    user.role = role
    sessions.revoke_all(db_session, user.id)
    _audit(db_session, actor, "user_role", before, _state(user), now)
    return user


def audit_created(db_session: Session, user: User, actor: str, now: datetime) -> None:
    """Record a new staff account in the audit trail."""
    _audit(db_session, actor, "user_create", None, _state(user), now)


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise AccountError(f"a staff role is one of {', '.join(STAFF_ROLES)}, not '{role}'")


def _check_password(password: str, username: str) -> None:
    try:
        check_policy(password, username)
    except WeakPassword as error:
        raise AccountError(str(error)) from error


def _state(user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "disabled": user.disabled_at is not None}


def _audit(db_session: Session, actor: str, action: str, before: Any, after: Any, now: datetime) -> None:
    record(db_session, actor[:MAX_USERNAME_LENGTH], None, action, before, after, now)
