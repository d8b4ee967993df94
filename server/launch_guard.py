"""Where a launch may come from, and that each launch token starts one session only.

A launch token in a link is a login: opened from another site it would sign the visitor in as
whoever the token names (login CSRF). So a launch starts a session only when the browser says the
page was opened by the app itself or by Carnival's own page (``Sec-Fetch-Site: none`` or
``same-origin``), or came from one of the host's pages (``CARNIVAL_LAUNCH_ORIGINS``: the ``Origin``
of a POST, the ``Referer`` of a link); and each token's ``jti`` is spent once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Request, current_app
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from economy.db import is_postgresql
from server import db
from server.errors import ApiError
from server.launch import Launch, LaunchTokenError, verify
from server.models import UsedLaunchToken

TRUSTED_FETCH_SITES = ("none", "same-origin")


def verified_launch(token: str) -> Launch:
    """The shopper a launch token names, checked against the configured launch keys.

    :raises ApiError: 401 with the token's problem as the code.
    """
    try:
        return verify(current_app.extensions["carnival.settings"].launch_keys, token, db.now())
    except LaunchTokenError as error:
        raise ApiError(401, error.code, error.message) from error


def opened_by_host(request: Request, host_origins: frozenset[str]) -> bool:
    """Whether the app, Carnival's own page or a host page (not another site) opened this launch request."""
    if request.headers.get("Sec-Fetch-Site") in TRUSTED_FETCH_SITES:
        return True
    source = request.headers.get("Origin") if request.method == "POST" else request.headers.get("Referer")
    origin = _origin(source or "")
    return origin is not None and (origin in host_origins or urlsplit(origin).netloc == request.host.lower())


def _origin(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url`` in lower case, or ``None`` (``null``, a relative or bad URL)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def spend(db_session: Session, launch: Launch) -> None:
    """Record ``launch``'s ``jti`` in the caller's transaction.

    :raises ApiError: 401 ``token_used`` when a launch spent it before (the transaction must roll back).
    """
    values = {"jti": launch.jti, "expires_at": datetime.fromtimestamp(launch.expires_at, UTC)}
    table = UsedLaunchToken.__table__
    dialect = postgresql if is_postgresql(db_session) else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(table.c.jti)
    if db_session.execute(statement).first() is None:
        raise ApiError(401, "token_used", "this launch link has been used already; reopen the page from the app")


def purge_spent(db_session: Session, now: datetime) -> int:
    """Forget the ``jti`` of tokens that have expired (they are refused as expired anyway); how many."""
    result = db_session.execute(delete(UsedLaunchToken).where(UsedLaunchToken.expires_at < now))
    return int(result.rowcount)  # type: ignore[attr-defined]
