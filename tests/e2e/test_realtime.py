"""The /play Socket.IO namespace: who may connect, what a spin emits, to whom, and only after commit.

In-process tests use Flask-SocketIO's test client (it shares the Flask test client's session cookie) on
SQLite and PostgreSQL. The test client refuses a message queue, so the Redis test runs two real server
processes and a real python-socketio client.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
import socketio
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient
from sqlalchemy import func, select

from games.models import DrawRecord
from server.auth import create_staff
from server.migrate import upgrade
from tests.conftest import Clock, add_campaign, build_app, launch_token, login, single_prize_config, wheel_config
from tests.services import redis_url

PLAY = "/play"
BIG_RED = {"key": "big_red", "name": "88.88元红包", "reward": {"kind": "red_packet", "amount_fen": 8888}}


def connect(app: Flask, client: FlaskClient) -> SocketIOTestClient:
    """A Socket.IO test client on /play carrying ``client``'s session cookie."""
    return app.extensions["socketio"].test_client(app, namespace=PLAY, flask_test_client=client)


def spin(client: FlaskClient, campaign_id: int, key: str):  # type: ignore[no-untyped-def]
    return client.post(f"/api/play/{campaign_id}/wheel/spin", headers={"Idempotency-Key": key})


def received(sio: SocketIOTestClient) -> list[tuple[str, Any]]:
    """Events received since the last call, as (name, first argument)."""
    return [(event["name"], event["args"][0]) for event in sio.get_received(PLAY)]


def test_anonymous_and_staff_connections_are_refused(app: Flask, client: FlaskClient) -> None:
    assert not connect(app, client).is_connected(PLAY)
    with app.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, "ops-rt", "a-long-password", "ops", app.extensions["carnival.clock"]())
    signed_in = client.post("/api/session/staff", json={"username": "ops-rt", "password": "a-long-password"})
    assert signed_in.status_code == 200 and signed_in.json["role"] == "ops"
    assert not connect(app, client).is_connected(PLAY)
    login(client, "rt-shopper")
    assert connect(app, client).is_connected(PLAY)


def test_a_spin_is_announced_to_the_shopper_alone(app: Flask, client: FlaskClient) -> None:
    config = single_prize_config({"key": "pts", "name": "积分", "reward": {"kind": "points", "points": 5}})
    campaign = add_campaign(app, config)
    login(client, "rt-1")
    other_client = app.test_client()
    login(other_client, "rt-2")
    mine, theirs = connect(app, client), connect(app, other_client)
    answer = spin(client, campaign, "spin-rt-0001")
    assert answer.status_code == 200, answer.json
    events = dict(received(mine))
    assert set(events) == {"wheel.spun", "reward"}
    assert (events["wheel.spun"]["slot"], events["wheel.spun"]["prize"]) == (answer.json["slot"], "pts")
    assert answer.json["prize"]["key"] == "pts"
    assert events["reward"] == {"campaign_id": campaign, "prizes": ["pts"]}
    assert received(theirs) == []


def test_a_broadcast_prize_reaches_the_campaign_ticker_with_a_masked_name(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, single_prize_config({**BIG_RED, "broadcast": True}))
    login(client, "rt-winner", name="张三丰")
    watcher_client = app.test_client()
    login(watcher_client, "rt-watcher")
    bystander_client = app.test_client()
    login(bystander_client, "rt-bystander")
    watcher, bystander = connect(app, watcher_client), connect(app, bystander_client)
    assert watcher.emit("watch", {"campaign_id": campaign}, namespace=PLAY, callback=True) == {"ok": True}
    for bad in ({"campaign_id": "x"}, {"campaign_id": True}, {"campaign_id": 2**63}, {}, None, [1]):
        refused = watcher.emit("watch", bad, namespace=PLAY, callback=True)
        assert refused["error"] == "invalid_input" and refused["fields"], bad
    unknown = watcher.emit("watch", {"campaign_id": campaign + 1}, namespace=PLAY, callback=True)
    assert unknown["error"] == "campaign_not_found"
    assert watcher.emit("watch", namespace=PLAY, callback=True)["error"] == "invalid_input"  # no payload at all
    assert spin(client, campaign, "spin-rt-0002").status_code == 200
    assert received(watcher) == [("ticker", {"who": "张**", "prize": "big_red"})]
    assert received(bystander) == [], "a shopper who does not watch the campaign gets no ticker"


def test_a_prize_without_broadcast_stays_off_the_ticker(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, single_prize_config(BIG_RED))
    login(client, "rt-quiet")
    watcher_client = app.test_client()
    login(watcher_client, "rt-watcher-2")
    watcher = connect(app, watcher_client)
    watcher.emit("watch", {"campaign_id": campaign}, namespace=PLAY)
    assert spin(client, campaign, "spin-rt-0003").status_code == 200
    assert received(watcher) == []


def test_refused_and_replayed_spins_emit_nothing(app: Flask, client: FlaskClient) -> None:
    config = wheel_config()
    config["games"]["wheel"].update(free_spins_per_day=1, extra_spin_points=None, max_extra_spins_per_day=0)
    campaign = add_campaign(app, config)
    login(client, "rt-once")
    sio = connect(app, client)
    first = spin(client, campaign, "spin-rt-once")
    assert first.status_code == 200
    assert "wheel.spun" in dict(received(sio))
    replay = spin(client, campaign, "spin-rt-once")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json == first.json
    refused = spin(client, campaign, "spin-rt-twice")
    assert (refused.status_code, refused.json["error"]) == (409, "no_spins_left")
    assert received(sio) == []


def test_events_are_emitted_after_the_spin_commits(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    campaign = add_campaign(app, single_prize_config(BIG_RED))
    login(client, "rt-commit")
    socketio_ext = app.extensions["socketio"]
    seen: list[tuple[str, int]] = []
    real_emit = socketio_ext.emit

    def spying_emit(event: str, *args: Any, **kwargs: Any) -> None:
        with app.extensions["carnival.sessions"]() as other:  # another connection sees only committed rows
            seen.append((event, other.scalar(select(func.count()).select_from(DrawRecord)) or 0))
        real_emit(event, *args, **kwargs)

    monkeypatch.setattr(socketio_ext, "emit", spying_emit)
    assert spin(client, campaign, "spin-rt-commit").status_code == 200
    assert seen == [("wheel.spun", 1), ("reward", 1)]


REPO = Path(__file__).resolve().parents[2]
SERVER = (
    "import os; from server import create_app; app = create_app(); "
    "app.extensions['socketio'].run(app, host='127.0.0.1', port=int(os.environ['CARNIVAL_TEST_PORT']), "
    "allow_unsafe_werkzeug=True)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def server_process(environ: dict[str, str], log: Path) -> Iterator[str]:
    """A real server (create_app + socketio.run) on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    inherited = {k: v for k, v in os.environ.items() if k != "FLASK_RUN_FROM_CLI"}  # set by CLI tests in-process
    env = {**inherited, **environ, "CARNIVAL_TEST_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-c", SERVER], cwd=REPO, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server at {base} not healthy within {timeout} s:\n{log.read_text(errors='replace')}")


def post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any], str]:
    """POST JSON; returns (status, JSON body, Set-Cookie header)."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read()), answer.headers.get("Set-Cookie", "")


def subscribers(url: str, channel: str) -> int:
    """How many connections listen on the Socket.IO Redis channel (pub/sub ignores the database number)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        return dict(client.pubsub_numsub(channel)).get(channel.encode(), 0)
    finally:
        client.close()


def wait_for_subscribers(url: str, channel: str, more_than: int, timeout: float = 10) -> None:
    """Wait until a server has subscribed (a server subscribes on its first Socket.IO connection)."""
    deadline = time.monotonic() + timeout
    while subscribers(url, channel) <= more_than:
        assert time.monotonic() < deadline, "server A never subscribed to the Redis message queue"
        time.sleep(0.05)


@pytest.mark.redis
def test_server_processes_share_rooms_through_the_redis_message_queue(tmp_path: Path) -> None:
    queue = redis_url()
    channel = f"carnival-test-{uuid.uuid4().hex[:8]}"
    database = f"sqlite:///{tmp_path / 'shared.db'}"
    upgrade(database)
    setup = build_app(database, Clock(now=datetime.now(UTC)))
    campaign = add_campaign(setup, single_prize_config({**BIG_RED, "broadcast": True}))
    setup.extensions["carnival.engine"].dispose()
    environ = {
        "CARNIVAL_ENV": "testing",
        "DATABASE_URL": database,
        "REDIS_URL": queue,
        "CARNIVAL_SOCKETIO_CHANNEL": channel,
        "SECRET_KEY": os.urandom(32).hex(),
    }
    with (
        server_process(environ, tmp_path / "a.log") as server_a,
        server_process(environ, tmp_path / "b.log") as server_b,
    ):
        token = launch_token("rt-redis", name="李四")
        status, me, set_cookie = post_json(f"{server_a}/api/session/launch", {"token": token}, {})
        assert (status, me["role"]) == (200, "shopper") and set_cookie.startswith("session=")
        cookie = set_cookie.split(";", 1)[0]
        got: dict[str, Any] = {}
        arrived = threading.Event()
        client = socketio.Client(reconnection=False)

        @client.on("*", namespace=PLAY)
        def on_any(event: str, data: Any) -> None:
            got[event] = data
            if {"wheel.spun", "reward", "ticker"} <= got.keys():
                arrived.set()

        baseline = subscribers(queue, channel)
        client.connect(server_a, headers={"Cookie": cookie}, namespaces=[PLAY], wait_timeout=10)
        try:
            assert client.call("watch", {"campaign_id": campaign}, namespace=PLAY, timeout=10) == {"ok": True}
            wait_for_subscribers(queue, channel, baseline)
            url = f"{server_b}/api/play/{campaign}/wheel/spin"
            headers = {"Cookie": cookie, "Idempotency-Key": "spin-redis-01", "Origin": server_b}  # B's wheel page
            status, spun, _ = post_json(url, {}, headers)
            assert status == 200, spun
            assert arrived.wait(timeout=10), f"events of a spin on B did not reach A's client: {got}"
        finally:
            client.disconnect()
    assert got["wheel.spun"]["slot"] == spun["slot"] and got["wheel.spun"]["prize"] == "big_red"
    assert got["reward"] == {"campaign_id": campaign, "prizes": ["big_red"]}
    assert got["ticker"] == {"who": "李**", "prize": "big_red"}


def test_pause_and_resume_reach_the_campaigns_watchers(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, wheel_config())
    login(client, "rt-paused")
    watcher = connect(app, client)
    assert watcher.emit("watch", {"campaign_id": campaign}, namespace=PLAY, callback=True) == {"ok": True}
    with app.extensions["carnival.sessions"]() as session, session.begin():
        create_staff(session, "ops-pause", "a-long-password", "ops", app.extensions["carnival.clock"]())
    ops = app.test_client()
    assert (
        ops.post("/api/session/staff", json={"username": "ops-pause", "password": "a-long-password"}).status_code == 200
    )
    for action, lifecycle in (("pause", "paused"), ("resume", "active")):
        assert ops.post(f"/api/ops/campaigns/{campaign}/{action}").status_code == 200
        assert received(watcher) == [("campaign", {"campaign_id": campaign, "lifecycle": lifecycle})]
    assert ops.post(f"/api/ops/campaigns/{campaign + 1}/pause").status_code == 404
    assert received(watcher) == [], "another campaign's (failed) pause is not heard"
