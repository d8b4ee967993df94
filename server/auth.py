"""Sessions and roles: shoppers arrive with a launch token, staff log in with a password."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import current_app
from flask import session as cookie
from sqlalchemy import select
from sqlalchemy.orm import Session

from server import db, sessions
from server.accounts import create_staff as create_staff
from server.auth_settings import SessionPolicy
from server.errors import ApiError
from server.launch import Launch
from server.models import User
from server.passwords import password_matches

F = TypeVar("F", bound=Callable[..., Any])


def shopper_from_launch(db_session: Session, launch: Launch) -> User:
    """The shopper of a verified launch, created on first visit; name, tier and the host's claims (device, risk,
    account opening) refreshed."""
    user = db_session.scalars(select(User).where(User.external_id == launch.user_id)).one_or_none()
    if user is None:
        user = User(
            role="shopper", external_id=launch.user_id, display_name=launch.name, tier=launch.tier, created_at=db.now()
        )
        db_session.add(user)
    user.display_name, user.tier = launch.name, launch.tier
    user.device_hash, user.risk_flag, user.host_joined_on = launch.device, launch.risk, launch.joined
    user.timezone = launch.timezone or user.timezone
    user.last_launch_at = db.now()
    db_session.flush()
    return user


def check_staff(db_session: Session, username: str, password: str) -> User | None:
    """The enabled staff user with these credentials, or ``None``. An unknown username, a shopper or a disabled
    account costs the same password-hashing work as a known one, so timing tells nothing."""
    user = db_session.scalars(select(User).where(User.username == username)).one_or_none()
    stored = user.password_hash if user is not None else None
    if not password_matches(stored, password) or user is None or user.disabled_at is not None:
        return None
    return user


def start_session(db_session: Session, user: User) -> None:
    """Open a server-side session for ``user`` and put its token in the (signed) session cookie."""
    token = sessions.open_session(db_session, user, _policy(), db.now())
    cookie.clear()
    cookie["sid"] = token
    cookie.permanent = False


def end_session(db_session: Session) -> None:
    """Revoke the current session (if any) and clear the cookie: replaying the old cookie signs nobody in."""
    token = cookie.get("sid")
    if isinstance(token, str):
        sessions.revoke(db_session, token)
    cookie.clear()


def current_user() -> User | None:
    """The user of the request's live session, if any (read before the request's transaction, needing none)."""
    token = cookie.get("sid")
    if not isinstance(token, str):
        return None
    db_session = db.statements_alone()
    user = sessions.session_user(db_session, token, _policy(), db.now())
    db_session.commit()
    return user


def _policy() -> SessionPolicy:
    return current_app.extensions["carnival.settings"].sessions


def require_role(*roles: str) -> Callable[[F], F]:
    """Decorate a view so only signed-in users with one of ``roles`` reach it (401 / 403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                raise ApiError(401, "not_signed_in", "please open this page from the app again")
            if user.role not in roles:
                raise ApiError(403, "forbidden", "your account may not do this")
            return view(*args, user=user, **kwargs)

        return cast(F, wrapped)

    return decorator
