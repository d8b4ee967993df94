"""A WebSocket upgrade without a valid handshake is refused with 400 and the JSON error body, before the
WebSocket library (which failed with a 500 and a traceback); a valid one still upgrades
(server/serving.py ``WebSocketHandshakeGuard``), in-process and against a real server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.migrate import upgrade
from server.serving import BAD_UPGRADE_MESSAGE
from tests.conftest import Clock, build_app
from tests.security.sockets_support import get, open_transport, production_server, server_environ

UPGRADE = "/socket.io/?EIO=4&transport=websocket"
REFUSED = {"error": "bad_websocket_upgrade", "message": BAD_UPGRADE_MESSAGE}
GOOD = {"Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"}


@pytest.fixture
def app(sqlite_url: str, clock: Clock) -> Iterator[Flask]:
    app = build_app(sqlite_url, clock)
    yield app
    app.extensions["carnival.engine"].dispose()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-WebSocket-Version": "13"},
        {"Sec-WebSocket-Key": GOOD["Sec-WebSocket-Key"]},
        {**GOOD, "Sec-WebSocket-Version": "8"},
        {**GOOD, "Sec-WebSocket-Key": "not base64!"},
        {**GOOD, "Sec-WebSocket-Key": "c2hvcnQ="},  # base64, but not of 16 bytes
    ],
)
def test_an_upgrade_without_a_valid_handshake_is_refused_cleanly(app: Flask, headers: dict[str, str]) -> None:
    answer = app.test_client().get(UPGRADE, headers={"Connection": "Upgrade", "Upgrade": "websocket", **headers})
    assert (answer.status_code, answer.json) == (400, REFUSED)


def test_a_post_upgrade_is_refused(app: Flask) -> None:
    headers = {"Connection": "Upgrade", "Upgrade": "websocket", **GOOD}
    answer = app.test_client().post(UPGRADE, headers=headers)
    assert (answer.status_code, answer.json) == (400, REFUSED)


def test_the_production_line_refuses_a_bad_upgrade_and_upgrades_a_good_one(sqlite_url: str, tmp_path: Path) -> None:
    upgrade(sqlite_url)
    with production_server(server_environ(sqlite_url), tmp_path / "server.log") as port:
        status, body = get(port, UPGRADE, headers={"Connection": "Upgrade", "Upgrade": "websocket"})
        assert (status, json.loads(body)) == (400, REFUSED)
        open_transport(port).close()  # a valid handshake still opens an Engine.IO WebSocket
    assert "Traceback" not in (tmp_path / "server.log").read_text(errors="replace")
