"""Caps on concurrent Socket.IO connections: per client address (every Engine.IO connection, signed in or
not, counted where the trusted proxies say it comes from) and per signed-in user; extra connects are
refused cleanly and a closed connection frees its place. In-process (the Engine.IO handshake over the
Flask test client, the namespaces over Flask-SocketIO's test client) and against the production line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import websocket
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

from server.auth import create_staff
from server.config import ConfigError, settings_from
from server.migrate import upgrade
from tests.conftest import Clock, build_app, launch_token, login
from tests.security.sockets_support import (
    get,
    join,
    open_transport,
    post_json,
    production_server,
    server_environ,
)

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
REFUSED = {"error": "too_many_connections", "message": "too many connections from your address; close a page"}


@pytest.fixture
def capped(sqlite_url: str, clock: Clock) -> Iterator[Flask]:
    """An app allowing 3 connections per address and 2 per user."""
    app = build_app(sqlite_url, clock, CARNIVAL_SOCKETS_PER_IP="3", CARNIVAL_SOCKETS_PER_USER="2")
    yield app
    app.extensions["carnival.engine"].dispose()


def handshake(client: FlaskClient, address: str, forwarded_for: str | None = None) -> tuple[int, str | dict[str, str]]:
    """An Engine.IO polling handshake from ``address``: (status, the session id or the refusal)."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    answer = client.get(HANDSHAKE, environ_base={"REMOTE_ADDR": address}, headers=headers)
    if answer.status_code != 200:
        return answer.status_code, answer.json
    return 200, json.loads(answer.get_data(as_text=True)[1:])["sid"]


def close(client: FlaskClient, sid: str) -> None:
    """Send Engine.IO's close packet for session ``sid``."""
    assert client.post(f"{HANDSHAKE}&sid={sid}", data="1").status_code == 200


def test_an_address_holds_at_most_its_cap_and_a_closed_connection_frees_a_place(capped: Flask) -> None:
    client = capped.test_client()
    sids = [handshake(client, "203.0.113.7")[1] for _ in range(3)]
    assert all(isinstance(sid, str) for sid in sids)
    assert handshake(client, "203.0.113.7") == (401, REFUSED)
    assert handshake(client, "203.0.113.8")[0] == 200, "another address has its own cap"
    close(client, str(sids[0]))
    assert handshake(client, "203.0.113.7")[0] == 200
    assert handshake(client, "203.0.113.7") == (401, REFUSED)


def test_forwarded_for_is_ignored_without_trusted_proxies(capped: Flask) -> None:
    client = capped.test_client()
    for i in range(3):
        assert handshake(client, "198.51.100.1", forwarded_for=f"10.0.0.{i}")[0] == 200
    assert handshake(client, "198.51.100.1", forwarded_for="10.0.0.99") == (401, REFUSED), "a client can't pick"


def test_behind_a_trusted_proxy_each_client_address_has_its_own_cap(sqlite_url: str, clock: Clock) -> None:
    app = build_app(sqlite_url, clock, CARNIVAL_SOCKETS_PER_IP="2", CARNIVAL_TRUSTED_PROXIES="1")
    client = app.test_client()
    proxy = "127.0.0.1"
    for _ in range(2):
        assert handshake(client, proxy, forwarded_for="1.2.3.4")[0] == 200
    assert handshake(client, proxy, forwarded_for="1.2.3.4") == (401, REFUSED)
    assert handshake(client, proxy, forwarded_for="6.6.6.6, 1.2.3.5")[0] == 200, "only the proxy's hop is trusted"
    assert handshake(client, proxy, forwarded_for="6.6.6.6, 1.2.3.4") == (401, REFUSED), "a spoofed first hop"
    app.extensions["carnival.engine"].dispose()


def page(app: Flask, client: FlaskClient, namespace: str = "/play") -> SocketIOTestClient:
    return app.extensions["socketio"].test_client(app, namespace=namespace, flask_test_client=client)


def test_a_user_holds_at_most_their_cap_of_pages(capped: Flask) -> None:
    client, other = capped.test_client(), capped.test_client()
    login(client, "cap-shopper")
    login(other, "cap-other")
    first, second = page(capped, client), page(capped, client)
    assert first.is_connected("/play") and second.is_connected("/play")
    assert not page(capped, client).is_connected("/play"), "a third page of the same shopper is refused"
    assert page(capped, other).is_connected("/play"), "another shopper has their own cap"
    first.disconnect("/play")
    assert page(capped, client).is_connected("/play"), "a closed page frees its place"
    assert not page(capped, client).is_connected("/play")


def test_ops_pages_count_against_the_ops_user(capped: Flask) -> None:
    with capped.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, "ops-cap", "a-long-password", "ops", capped.extensions["carnival.clock"]())
    client = capped.test_client()
    assert client.post("/api/session/staff", json={"username": "ops-cap", "password": "a-long-password"}).status_code
    assert all(page(capped, client, "/ops").is_connected("/ops") for _ in range(2))
    assert not page(capped, client, "/ops").is_connected("/ops")
    assert not page(capped, client, "/play").is_connected("/play"), "ops are no shoppers"


def test_anonymous_pages_are_refused_on_every_namespace(capped: Flask) -> None:
    client = capped.test_client()
    for namespace in ("/play", "/ops", "/"):
        assert not page(capped, client, namespace).is_connected(namespace), namespace


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CARNIVAL_SOCKETS_PER_IP": "0"}, "CARNIVAL_SOCKETS_PER_IP must be a whole number of at least 1"),
        ({"CARNIVAL_SOCKETS_PER_USER": "-3"}, "CARNIVAL_SOCKETS_PER_USER must be"),
        ({"CARNIVAL_SOCKETS_PER_USER": "²"}, "CARNIVAL_SOCKETS_PER_USER must be"),
        ({"CARNIVAL_TRUSTED_PROXIES": "one"}, "CARNIVAL_TRUSTED_PROXIES must be a whole number of at least 0"),
    ],
)
def test_bad_cap_settings_are_refused_at_start_up(tmp_path: Path, environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from({"CARNIVAL_ENV": "testing", **environ}, tmp_path)


def test_cap_settings_default(tmp_path: Path) -> None:
    settings = settings_from({"CARNIVAL_ENV": "testing"}, tmp_path)
    assert (settings.sockets_per_ip, settings.sockets_per_user, settings.trusted_proxies) == (200, 8, 0)


def test_the_production_line_refuses_extra_sockets_cleanly(sqlite_url: str, tmp_path: Path) -> None:
    upgrade(sqlite_url)
    environ = server_environ(sqlite_url, CARNIVAL_SOCKETS_PER_IP="4", CARNIVAL_SOCKETS_PER_USER="2")
    with production_server(environ, tmp_path / "server.log") as port:
        _, _, set_cookie = post_json(port, "/api/session/launch", {"token": launch_token("cap-real")}, {})
        cookie = set_cookie.split(";", 1)[0]
        pages = [open_transport(port, cookie) for _ in range(3)]
        try:
            assert [join(ws, "/play")[0] for ws in pages[:2]] == [True, True]
            assert join(pages[2], "/play") == (False, {"message": "too_many_connections", "data": _too_many()})
            pages.append(open_transport(port))
            with pytest.raises(websocket.WebSocketBadStatusException) as refused:
                open_transport(port)
            assert refused.value.status_code == 401
            status, body = get(port, HANDSHAKE)
            assert (status, json.loads(body)) == (401, REFUSED)
        finally:
            for ws in pages:
                ws.close()


def _too_many() -> dict[str, str]:
    return {"error": "too_many_connections", "message": "too many open pages; close one"}
