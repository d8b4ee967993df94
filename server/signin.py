"""Staff sign-in and sign-out: lock-out after repeated wrong passwords, and the audit trail of both."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from games.campaigns.admin import record
from server import auth, db
from server.errors import ApiError
from server.models import User
from server.ratelimit import TooManyAttempts, client_ip, counters

log = logging.getLogger("carnival.auth")
ACTOR_LENGTH = 64


def sign_in_staff(username: str, password: str) -> User:
    """Check a staff login and open its session.

    :raises TooManyAttempts: while the username or the client's address is locked out after wrong passwords.
    :raises ApiError: 401 for wrong credentials (the same answer, after the same work, for an unknown user).
    """
    ip, account = client_ip(), username.lower()
    limits = counters()
    wait = max(limits.wait_seconds("login_failures_user", account), limits.wait_seconds("login_failures_ip", ip))
    if wait:
        _audit_alone(username, "login_locked", {"ip": ip, "retry_after": wait})
        log.warning("staff login refused while locked: username=%r ip=%s retry_after=%ss", username, ip, wait)
        raise TooManyAttempts(wait, f"too many wrong passwords; try again in {wait} seconds")
    db_session = db.session()
    with db_session.begin():
        user = auth.check_staff(db_session, username, password)
        if user is not None:
            auth.start_session(db_session, user)
        _audit(db_session, username, "login" if user else "login_failed", {"ip": ip})
    if user is None:
        _count_failure(username, account, ip)
        raise ApiError(401, "bad_credentials", "wrong username or password")
    counters().clear("login_failures_user", account)
    return user


def _count_failure(username: str, account: str, ip: str) -> None:
    by_user = counters().hit("login_failures_user", account)
    by_ip = counters().hit("login_failures_ip", ip)
    log.info("staff login failed: username=%r ip=%s", username, ip)
    if not (by_user and by_ip):
        log.warning("staff login locked after repeated failures: username=%r ip=%s", username, ip)


def sign_out() -> None:
    """Revoke the current session; a staff member's sign-out goes to the audit trail."""
    user = auth.current_user()
    db_session = db.session()
    with db_session.begin():
        auth.end_session(db_session)
        if user is not None and user.role != "shopper":
            _audit(db_session, user.username or str(user.id), "logout", {"ip": client_ip()})


def _audit(db_session: Session, actor: str, action: str, after: dict[str, Any]) -> None:
    record(db_session, actor[:ACTOR_LENGTH], None, action, None, after, db.now())


def _audit_alone(actor: str, action: str, after: dict[str, Any]) -> None:
    db_session = db.session()
    with db_session.begin():
        _audit(db_session, actor, action, after)
