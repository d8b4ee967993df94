"""Sessions live on the server: sign-out revokes them, they end when idle or old, and with a disabled account."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask

from server import accounts, sessions
from server.models import User
from tests.conftest import Clock, login
from tests.security.auth_helpers import (
    add_staff,
    auth_app,
    replaying,
    session_cookie,
    session_rows,
    staff_login,
)


@pytest.fixture
def app(database_url: str, clock: Clock) -> Iterator[Flask]:
    """The app on each database, with the default session lifetimes."""
    app = auth_app(database_url, clock)
    yield app
    app.extensions["carnival.engine"].dispose()


def test_a_staff_cookie_replayed_after_sign_out_is_refused(app: Flask) -> None:
    add_staff(app)
    client = app.test_client()
    assert staff_login(client).status_code == 200
    stolen = session_cookie(client)
    assert replaying(app, stolen).get("/api/ops/campaigns").status_code == 200
    assert client.post("/api/session/logout").status_code == 204
    replayed = replaying(app, stolen)
    assert replayed.get("/api/session/me").status_code == 401
    refused = replayed.get("/api/ops/campaigns")
    assert (refused.status_code, refused.json["error"]) == (401, "not_signed_in")
    assert session_rows(app) == []


def test_a_shopper_cookie_replayed_after_sign_out_is_refused(app: Flask) -> None:
    client = app.test_client()
    login(client, "shopper-replay")
    stolen = session_cookie(client)
    assert client.post("/api/session/logout").status_code == 204
    assert replaying(app, stolen).get("/api/play/wallet").status_code == 401


def test_the_cookie_holds_a_random_token_and_the_table_only_its_hash(app: Flask) -> None:
    add_staff(app)
    first, second = app.test_client(), app.test_client()
    staff_login(first), staff_login(second)
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    tokens = [serializer.loads(session_cookie(client))["sid"] for client in (first, second)]
    assert tokens[0] != tokens[1] and all(len(token) >= 43 for token in tokens)  # 32 random bytes, base64url
    stored = {row.token_hash for row in session_rows(app)}
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}
    assert all(token not in stored for token in tokens)


def test_signing_out_one_session_leaves_the_others(app: Flask) -> None:
    add_staff(app)
    laptop, phone = app.test_client(), app.test_client()
    staff_login(laptop), staff_login(phone)
    laptop.post("/api/session/logout")
    assert laptop.get("/api/session/me").status_code == 401
    assert phone.get("/api/session/me").status_code == 200


def test_a_staff_session_ends_after_30_idle_minutes(app: Flask, clock: Clock) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    for _ in range(4):  # active every 29 minutes: still signed in after almost two hours
        clock.advance(minutes=29)
        assert client.get("/api/session/me").status_code == 200
    clock.advance(minutes=30, seconds=1)
    assert client.get("/api/session/me").status_code == 401
    clock.advance(seconds=-2)  # the expired session was deleted: it does not come back
    assert client.get("/api/session/me").status_code == 401


def test_a_staff_session_ends_8_hours_after_sign_in_however_active(app: Flask, clock: Clock) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    for _ in range(7 * 3 + 2):  # every 20 minutes for 7 h 40 min
        clock.advance(minutes=20)
        assert client.get("/api/session/me").status_code == 200
    clock.advance(minutes=20)  # 8 h after sign-in
    assert client.get("/api/session/me").status_code == 401
    assert staff_login(client).status_code == 200  # signing in again starts a new session


def test_a_shopper_session_ends_after_2_idle_hours_or_12_hours(app: Flask, clock: Clock) -> None:
    client = app.test_client()
    login(client, "shopper-idle")
    clock.advance(hours=1, minutes=59)
    assert client.get("/api/play/wallet").status_code == 200
    clock.advance(hours=2, seconds=1)
    assert client.get("/api/play/wallet").status_code == 401
    login(client, "shopper-idle")
    for _ in range(11):
        clock.advance(hours=1)
        assert client.get("/api/play/wallet").status_code == 200
    clock.advance(hours=1)
    assert client.get("/api/play/wallet").status_code == 401


def test_lifetimes_come_from_the_environment(database_url: str, clock: Clock) -> None:
    app = auth_app(database_url, clock, CARNIVAL_STAFF_SESSION_HOURS="1", CARNIVAL_STAFF_IDLE_MINUTES="5")
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    clock.advance(minutes=4)
    assert client.get("/api/session/me").status_code == 200
    clock.advance(minutes=6)
    assert client.get("/api/session/me").status_code == 401
    staff_login(client)
    for _ in range(14):  # 56 minutes
        clock.advance(minutes=4)
        assert client.get("/api/session/me").status_code == 200
    clock.advance(minutes=4)  # an hour after sign-in
    assert client.get("/api/session/me").status_code == 401
    app.extensions["carnival.engine"].dispose()


def test_disabling_an_account_ends_its_sessions_at_once(app: Flask, clock: Clock) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    stolen = session_cookie(client)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        accounts.set_disabled(session, "olivia", True, "tests", clock())
    assert replaying(app, stolen).get("/api/ops/campaigns").status_code == 401
    assert client.get("/api/session/me").status_code == 401
    refused = staff_login(client)
    assert (refused.status_code, refused.json["error"]) == (401, "bad_credentials")
    with app.extensions["carnival.sessions"]() as session, session.begin():
        accounts.set_disabled(session, "olivia", False, "tests", clock())
    assert replaying(app, stolen).get("/api/session/me").status_code == 401  # enabling revives no old session
    assert staff_login(client).status_code == 200


def test_a_disabled_account_is_refused_even_if_its_session_row_survived(app: Flask, clock: Clock) -> None:
    user_id = add_staff(app)
    client = app.test_client()
    staff_login(client)
    with app.extensions["carnival.sessions"]() as session, session.begin():  # disabled behind the service's back
        session.get(User, user_id).disabled_at = clock()  # type: ignore[union-attr]
    assert client.get("/api/session/me").status_code == 401


def test_a_new_role_or_password_ends_the_sessions(app: Flask, clock: Clock) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        accounts.set_role(session, "olivia", "auditor", "tests", clock())
    assert client.get("/api/session/me").status_code == 401
    assert staff_login(client).json["role"] == "auditor"
    with app.extensions["carnival.sessions"]() as session, session.begin():
        accounts.set_password(session, "olivia", "a-brand-new-passphrase", "tests", clock())
    assert client.get("/api/session/me").status_code == 401
    assert staff_login(client).status_code == 401
    assert staff_login(client, password="a-brand-new-passphrase").status_code == 200


def test_an_ops_socket_with_a_revoked_session_is_refused(app: Flask) -> None:
    add_staff(app)
    client = app.test_client()
    staff_login(client)
    socketio = app.extensions["socketio"]
    assert socketio.test_client(app, namespace="/ops", flask_test_client=client).is_connected("/ops")
    client.post("/api/session/logout")
    assert not socketio.test_client(app, namespace="/ops", flask_test_client=client).is_connected("/ops")


def test_purging_deletes_only_ended_sessions(app: Flask, clock: Clock) -> None:
    add_staff(app)
    old, fresh = app.test_client(), app.test_client()
    staff_login(old)
    clock.advance(hours=3)
    staff_login(fresh)
    policy = app.extensions["carnival.settings"].sessions
    with app.extensions["carnival.sessions"]() as session, session.begin():
        assert sessions.purge_expired(session, policy, clock() + timedelta(minutes=1)) == 1
    assert len(session_rows(app)) == 1
    assert fresh.get("/api/session/me").status_code == 200
