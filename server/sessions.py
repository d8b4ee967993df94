"""Server-side sign-in sessions in SQL: revocable, with an idle timeout and an absolute lifetime.

The session cookie carries only a random token (32 bytes from :mod:`secrets`); the table keeps its SHA-256, so
reading the table signs nobody in. A session ends when it is revoked (sign-out, a disabled account, a new
password or role), when it has been idle too long, or at its absolute end, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Select, bindparam, delete, select, update
from sqlalchemy.orm import Session

from server.auth_settings import SessionPolicy
from server.models import AuthSession, User

TOKEN_BYTES = 32
#: ``last_seen_at`` is written at most this often per session (not on every request of a busy shopper).
TOUCH_INTERVAL = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def open_session(db_session: Session, user: User, policy: SessionPolicy, now: datetime) -> str:
    """Start a session for ``user``; returns the token for the cookie (never stored as is)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db_session.add(
        AuthSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.lifetime(user.role),
        )
    )
    db_session.flush()
    return token


def session_user(db_session: Session, token: str, policy: SessionPolicy, now: datetime) -> User | None:
    """The user of a live session, refreshing its idleness; ``None`` for an unknown, ended or expired one (an
    expired one, or one of a disabled account, is deleted)."""
    row = db_session.execute(_session_with_user(), {"token_hash": token_hash(token)}).one_or_none()
    if row is None:
        return None
    auth_session, user = row
    if not is_live(auth_session, user, policy, now):
        db_session.execute(delete(AuthSession).where(AuthSession.id == auth_session.id))
        return None
    if now - auth_session.last_seen_at >= TOUCH_INTERVAL:
        db_session.execute(update(AuthSession).where(AuthSession.id == auth_session.id).values(last_seen_at=now))
    return user


@cache
def _session_with_user() -> Select[tuple[AuthSession, User]]:
    """Built once (every signed-in request runs it)."""
    return (
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == bindparam("token_hash"))
    )


def is_live(auth_session: AuthSession, user: User, policy: SessionPolicy, now: datetime) -> bool:
    """Whether the session may still be used at ``now``."""
    return (
        user.disabled_at is None
        and now < auth_session.expires_at
        and now - auth_session.last_seen_at <= policy.idle(user.role)
    )


def revoke(db_session: Session, token: str) -> None:
    """End one session (sign-out): its cookie no longer signs anyone in."""
    db_session.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash(token)))


def revoke_all(db_session: Session, user_id: int) -> int:
    """End every session of a user; returns how many there were."""
    return db_session.execute(delete(AuthSession).where(AuthSession.user_id == user_id)).rowcount or 0


def purge_expired(db_session: Session, policy: SessionPolicy, now: datetime) -> int:
    """Delete sessions past their absolute end or idle longer than the longest idle timeout; returns how many."""
    longest_idle = max(policy.staff_idle, policy.shopper_idle)
    stale = (AuthSession.expires_at <= now) | (AuthSession.last_seen_at < now - longest_idle)
    return db_session.execute(delete(AuthSession).where(stale)).rowcount or 0
