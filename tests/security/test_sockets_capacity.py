"""Open pages can't take the server down: the README's production line, started for real, keeps answering
HTTP (health and a spin) while more Socket.IO connections are open than a 64-thread worker could hold,
and the spin's events still reach the open wheel pages."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
import websocket

from server.migrate import upgrade
from server.serving import async_mode
from tests.conftest import Clock, add_campaign, build_app, launch_token, single_prize_config
from tests.security.sockets_support import (
    get,
    join,
    open_transport,
    post_json,
    production_line,
    production_server,
    server_environ,
    wait_event,
)
from tests.services import redis_url

PLAY = "/play"
THREADS = 64  # what a threaded worker would have to hold them
SHOPPERS, PAGES_EACH, ANONYMOUS = 24, 4, 96  # 24 x 4 signed-in pages + 96 anonymous = 192 sockets
POINTS = {"key": "pts", "name": "积分", "reward": {"kind": "points", "points": 5}}


def test_the_production_line_serves_sockets_without_request_threads() -> None:
    command = production_line()
    assert "-k" in command and command[command.index("-k") + 1] == "gevent"
    assert "--threads" not in command, "a threaded worker holds one thread per open socket"


def test_the_async_mode_follows_the_process() -> None:
    assert async_mode() == "threading", "make demo and the tests run unpatched, on threads"
    code = "from gevent import monkey; monkey.patch_all(); from server.serving import async_mode; print(async_mode())"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == "gevent"


def running_campaign(database_url: str) -> int:
    """Migrate ``database_url`` and publish a campaign that always grants points; returns its id."""
    upgrade(database_url)
    setup = build_app(database_url, Clock(now=datetime.now(UTC)))
    try:
        return add_campaign(setup, single_prize_config(POINTS))
    finally:
        setup.extensions["carnival.engine"].dispose()


def sign_in(port: int, sub: str) -> str:
    """A shopper's session cookie."""
    status, me, set_cookie = post_json(port, "/api/session/launch", {"token": launch_token(sub)}, {})
    assert (status, me["role"]) == (200, "shopper")
    return set_cookie.split(";", 1)[0]


def open_page(port: int, cookie: str | None) -> tuple[websocket.WebSocket, bool, dict[str, object]]:
    """A wheel page's socket: the transport, then ``/play`` (refused for anonymous ones)."""
    ws = open_transport(port, cookie)
    accepted, payload = join(ws, PLAY)
    return ws, accepted, payload


def timed_health(port: int) -> float:
    began = time.monotonic()
    status, body = get(port, "/api/health", timeout=10)
    assert (status, json.loads(body)) == (200, {"ok": True})
    return time.monotonic() - began


def test_more_open_sockets_than_threads_leave_health_and_spins_answering(database_url: str, tmp_path: Path) -> None:
    campaign = running_campaign(database_url)
    environ = server_environ(
        database_url, CARNIVAL_SOCKETS_PER_IP="1000", CARNIVAL_RATE_LIMITS="socket=1000 per minute"
    )
    with production_server(environ, tmp_path / "server.log") as port, ExitStack() as stack:
        cookies = [sign_in(port, f"crowd-{i:02d}") for i in range(SHOPPERS)]
        wanted = [cookie for cookie in cookies for _ in range(PAGES_EACH)] + [None] * ANONYMOUS
        with ThreadPoolExecutor(max_workers=16) as pool:
            pages = list(pool.map(lambda cookie: open_page(port, cookie), wanted))
        for ws, _, _ in pages:
            stack.callback(ws.close)
        assert len(pages) == 3 * THREADS
        signed_in, anonymous = pages[: SHOPPERS * PAGES_EACH], pages[SHOPPERS * PAGES_EACH :]
        assert all(accepted for _, accepted, _ in signed_in)
        assert {(accepted, payload["message"]) for _, accepted, payload in anonymous} == {(False, "not_signed_in")}

        assert max(timed_health(port) for _ in range(5)) < 2.0
        headers = {"Cookie": cookies[0], "Idempotency-Key": "crowd-spin-0001"}
        began = time.monotonic()
        status, spun, _ = post_json(port, f"/api/play/{campaign}/wheel/spin", {}, headers)
        assert status == 200 and spun["prize"]["key"] == "pts"
        assert time.monotonic() - began < 5.0
        for ws, _, _ in signed_in[:PAGES_EACH]:  # every open page of that shopper hears of it
            assert wait_event(ws, PLAY, "wheel.spun")["slot"] == spun["slot"]


@pytest.mark.redis
def test_the_production_line_emits_through_the_redis_queue(sqlite_url: str, tmp_path: Path) -> None:
    campaign = running_campaign(sqlite_url)
    channel = f"carnival-test-{uuid.uuid4().hex[:8]}"
    environ = server_environ(sqlite_url, REDIS_URL=redis_url(), CARNIVAL_SOCKETIO_CHANNEL=channel)
    with production_server(environ, tmp_path / "server.log") as port:
        cookie = sign_in(port, "queue-shopper")
        ws, accepted, _ = open_page(port, cookie)
        try:
            assert accepted
            headers = {"Cookie": cookie, "Idempotency-Key": "queue-spin-0001"}
            status, spun, _ = post_json(port, f"/api/play/{campaign}/wheel/spin", {}, headers)
            assert status == 200
            assert wait_event(ws, PLAY, "wheel.spun")["slot"] == spun["slot"]
        finally:
            ws.close()
