"""Shared helpers of the sign-in security tests: apps with chosen session lifetimes and limits, staff accounts,
cookies to replay."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from games.models import OpsAuditEntry
from server.accounts import create_staff
from server.models import AuthSession
from tests.conftest import Clock, build_app

PASSWORD = "tangerine-orbit-42"
#: The documented defaults, spelled out so the tests say what they hold the server to.
DEFAULT_SESSIONS = {
    "CARNIVAL_STAFF_SESSION_HOURS": "8",
    "CARNIVAL_STAFF_IDLE_MINUTES": "30",
    "CARNIVAL_SHOPPER_SESSION_HOURS": "12",
    "CARNIVAL_SHOPPER_IDLE_MINUTES": "120",
}


def auth_app(database_url: str, clock: Clock, rate_limits: bool = False, **environ: str) -> Flask:
    """A testing app with the default session lifetimes (unless ``environ`` changes them)."""
    return build_app(database_url, clock, rate_limits=rate_limits, **{**DEFAULT_SESSIONS, **environ})


def add_staff(app: Flask, username: str = "olivia", role: str = "ops", password: str = PASSWORD) -> int:
    """Create a staff account; returns its id."""
    with app.extensions["carnival.sessions"]() as session, session.begin():
        return create_staff(session, username, password, role, app.extensions["carnival.clock"]()).id


def staff_login(client: FlaskClient, username: str = "olivia", password: str = PASSWORD) -> Any:
    """POST the staff login; returns the response."""
    return client.post("/api/session/staff", json={"username": username, "password": password})


def session_cookie(client: FlaskClient) -> str:
    """The value of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def replaying(app: Flask, cookie: str) -> FlaskClient:
    """A fresh client that sends ``cookie`` as its session cookie (an attacker's copy)."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


def session_rows(app: Flask) -> list[AuthSession]:
    """Every stored session."""
    with app.extensions["carnival.sessions"]() as session:
        return list(session.scalars(select(AuthSession)))


def audit_actions(app: Flask) -> list[tuple[str, str]]:
    """The ops audit trail as (actor, action), oldest first."""
    with app.extensions["carnival.sessions"]() as session:
        entries = session.scalars(select(OpsAuditEntry).order_by(OpsAuditEntry.id))
        return [(entry.actor, entry.action) for entry in entries]
