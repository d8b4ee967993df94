"""A real server started with the README's production line, and a raw Engine.IO/Socket.IO WebSocket client.

The raw client speaks just enough of the protocol (Engine.IO 4 over WebSocket, Socket.IO 5 packets) to open
hundreds of connections from one test thread, without a client thread per connection.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import websocket

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"


def production_line() -> list[str]:
    """The serving command the README gives for production (the one that serves ``server:create_app()``)."""
    readme = (REPO / "README.md").read_text()
    lines = [line for line in re.findall(r"`(gunicorn [^`]+)`", readme) if "server:create_app()" in line]
    assert len(lines) == 1, f"the README gives one production serving line, not {lines}"
    return shlex.split(lines[0])


def bound_to(command: list[str], port: int) -> list[str]:
    """``command`` run by this Python, listening on ``HOST:port`` instead of its ``-b`` address."""
    at = command.index("-b")
    return [sys.executable, "-m", *command[: at + 1], f"{HOST}:{port}", *command[at + 2 :]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def server_environ(database_url: str, **settings: str) -> dict[str, str]:
    """The inherited environment without Carnival's settings, plus a testing configuration."""
    names = ("CARNIVAL_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FLASK_RUN_FROM_CLI")
    inherited = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("CARNIVAL_SOCKETS_")}
    testing = {"CARNIVAL_ENV": "testing", "DATABASE_URL": database_url, "SECRET_KEY": os.urandom(32).hex()}
    return {**inherited, "PYTHONUNBUFFERED": "1", **testing, **settings}


@contextmanager
def production_server(environ: dict[str, str], log: Path) -> Iterator[int]:
    """The README's production line on a free port of 127.0.0.1; yields the port once /api/health answers."""
    port = free_port()
    with open(log, "wb") as out:
        process = subprocess.Popen(bound_to(production_line(), port), cwd=REPO, env=environ, stdout=out, stderr=out)
    try:
        wait_healthy(port, process, log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if get(port, "/api/health", timeout=2)[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"server not healthy within {timeout} s:\n{log.read_text(errors='replace')}")


def get(port: int, path: str, timeout: float = 5, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET ``path``: (status, body); HTTP errors are answers too."""
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def post_json(port: int, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any], str]:
    """POST JSON: (status, JSON body, Set-Cookie)."""
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://{HOST}:{port}{path}",
        data=data,
        headers={"Content-Type": "application/json", "Origin": f"http://{HOST}:{port}", **headers},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read()), answer.headers.get("Set-Cookie", "")


def open_transport(port: int, cookie: str | None = None, headers: list[str] | None = None) -> websocket.WebSocket:
    """An Engine.IO WebSocket (no namespace yet). :raises websocket.WebSocketBadStatusException: if refused."""
    url = f"ws://{HOST}:{port}/socket.io/?EIO=4&transport=websocket"
    header = [*(headers or []), *([f"Cookie: {cookie}"] if cookie else [])]
    ws = websocket.create_connection(url, timeout=10, header=header)
    opened = ws.recv()
    assert opened.startswith("0{"), opened
    return ws


def join(ws: websocket.WebSocket, namespace: str) -> tuple[bool, dict[str, Any]]:
    """Connect ``ws`` to ``namespace``: (accepted, the CONNECT or CONNECT_ERROR payload)."""
    ws.send(f"40{namespace},")
    answer = next_packet(ws)
    kind, _, payload = answer.partition(f"{namespace},")
    assert kind in ("40", "44"), answer
    return kind == "40", json.loads(payload)


def next_packet(ws: websocket.WebSocket) -> str:
    """The next Socket.IO packet on ``ws``, answering the server's pings on the way."""
    while True:
        message = ws.recv()
        if message == "2":
            ws.send("3")
            continue
        return message


def wait_event(ws: websocket.WebSocket, namespace: str, name: str) -> Any:
    """The payload of the next ``name`` event on ``namespace`` (other events are skipped)."""
    while True:
        packet = next_packet(ws)
        if packet.startswith(f"42{namespace},"):
            event, payload = json.loads(packet.split(",", 1)[1])[:2]
            if event == name:
                return payload
