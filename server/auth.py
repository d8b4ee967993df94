"""Sessions and roles: shoppers arrive with a launch token, staff log in with a password."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import session as cookie
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from server import db
from server.errors import ApiError
from server.launch import Launch
from server.models import ROLES, User

F = TypeVar("F", bound=Callable[..., Any])


def shopper_from_launch(db_session: Session, launch: Launch) -> User:
    """The shopper of a verified launch, created on first visit, name and tier refreshed."""
    user = db_session.scalars(select(User).where(User.external_id == launch.user_id)).one_or_none()
    if user is None:
        user = User(
            role="shopper", external_id=launch.user_id, display_name=launch.name, tier=launch.tier, created_at=db.now()
        )
        db_session.add(user)
    user.display_name, user.tier = launch.name, launch.tier
    db_session.flush()
    return user


def create_staff(db_session: Session, username: str, password: str, role: str, now: Any) -> User:
    """A staff account (ops or auditor) with a hashed password. :raises ValueError: on bad input."""
    if role not in ROLES or role == "shopper":
        raise ValueError("staff role must be ops or auditor")
    if len(password) < 10:
        raise ValueError("a staff password needs at least 10 characters")
    if db_session.scalars(select(User).where(User.username == username)).first() is not None:
        raise ValueError(f"user '{username}' exists already")
    user = User(
        role=role,
        username=username,
        password_hash=generate_password_hash(password),
        display_name=username,
        tier="normal",
        created_at=now,
    )
    db_session.add(user)
    db_session.flush()
    return user


def check_staff(db_session: Session, username: str, password: str) -> User | None:
    """The staff user with these credentials, or ``None``."""
    user = db_session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None or user.password_hash is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def start_session(user: User) -> None:
    """Remember ``user`` in the signed session cookie."""
    cookie.clear()
    cookie["uid"], cookie["role"] = user.id, user.role
    cookie.permanent = False


def current_user() -> User | None:
    """The signed-in user, if any (read in its own short transaction)."""
    uid = cookie.get("uid")
    if uid is None:
        return None
    db_session = db.session()
    user = db_session.get(User, uid)
    db_session.commit()
    return user


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
