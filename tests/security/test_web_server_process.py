"""The same defences on a real server process (``carnival demo``): a 50 MB body is refused without being read,
a streamed one is cut off at the limit, a write from another port is refused, the headers are sent."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from tests.conftest import launch_token
from tests.e2e.test_server_process import (
    CLI,
    REPO,
    Demo,
    cli_environ,
    free_port,
    post_json,
    stop,
    wait_until_up,
)

FIFTY_MB = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """``carnival demo --port P`` in development mode on a fresh SQLite file."""
    folder = tmp_path_factory.mktemp("demo")
    port, log = free_port(), folder / "demo.log"
    environ = cli_environ(CARNIVAL_ENV="development", DATABASE_URL=f"sqlite:///{folder / 'demo.db'}")
    with open(log, "wb") as out:
        process = subprocess.Popen([*CLI, "demo", "--port", str(port)], cwd=REPO, env=environ, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(process, log, f"{base}/", f"{base}/api/health")
        yield Demo(base, port, log)
    finally:
        stop(process)


@pytest.fixture(scope="module")
def shopper_cookie(demo: Demo) -> str:
    status, _, set_cookie = post_json(f"{demo.base}/api/session/launch", {"token": launch_token("demo-1002")}, {})
    assert status == 200
    return set_cookie.split(";", 1)[0]


def exchange(demo: Demo, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (request line and headers) and ``body`` on a raw socket; the answer's status, headers and
    body."""
    with socket.create_connection(("127.0.0.1", demo.port), timeout=10) as conn:
        conn.sendall((head.rstrip("\n") + "\n\n").replace("\n", "\r\n").encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer or not _complete(answer):
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    head_bytes, _, content = answer.partition(b"\r\n\r\n")
    lines = head_bytes.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, content


def _complete(answer: bytes) -> bool:
    head, _, content = answer.partition(b"\r\n\r\n")
    for line in head.decode("latin-1").split("\r\n"):
        if line.lower().startswith("content-length:"):
            return len(content) >= int(line.split(":", 1)[1])
    return False


def spin_head(demo: Demo, cookie: str, key: str, extra: str) -> str:
    return (
        f"POST /api/play/1/wheel/spin HTTP/1.1\nHost: 127.0.0.1:{demo.port}\nCookie: {cookie}\n"
        f"Origin: {demo.base}\nIdempotency-Key: {key}\nContent-Type: application/json\n{extra}\n"
    )


def test_a_declared_50_mb_spin_body_is_refused_before_it_is_sent(demo: Demo, shopper_cookie: str) -> None:
    started = time.monotonic()
    head = spin_head(demo, shopper_cookie, "proc-big-0001", f"Content-Length: {FIFTY_MB}\nConnection: close\n")
    status, headers, content = exchange(demo, head, b"{" + b" " * 65536)
    assert status == 413 and headers["content-type"] == "application/json"
    assert json.loads(content)["error"] == "body_too_large"
    assert time.monotonic() - started < 5, "answered without waiting for 50 MB"


def test_a_streamed_body_past_the_limit_is_refused(demo: Demo, shopper_cookie: str) -> None:
    chunk = b" " * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
    head = spin_head(demo, shopper_cookie, "proc-big-0002", "Transfer-Encoding: chunked\nConnection: close\n")
    status, _, content = exchange(demo, head, chunks)
    assert status == 413, content
    assert json.loads(content)["message"] == "the request body may have at most 1024 bytes"


def test_a_streamed_sign_in_past_the_general_limit_is_refused(demo: Demo) -> None:
    chunk = b" " * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17)) + b"0\r\n\r\n"
    head = (
        f"POST /api/session/staff HTTP/1.1\nHost: 127.0.0.1:{demo.port}\nOrigin: {demo.base}\n"
        "Content-Type: application/json\nTransfer-Encoding: chunked\nConnection: close\n"
    )
    status, _, content = exchange(demo, head, chunks)
    assert status == 413, content
    assert json.loads(content)["message"] == "the request body may have at most 1048576 bytes"


def test_a_spin_from_another_port_of_the_same_host_is_refused(demo: Demo, shopper_cookie: str) -> None:
    other = f"http://127.0.0.1:{demo.port + 1}"
    head = spin_head(demo, shopper_cookie, "proc-csrf-0001", "Content-Length: 2\nConnection: close\n")
    status, _, content = exchange(demo, head.replace(f"Origin: {demo.base}", f"Origin: {other}"), b"{}")
    assert (status, json.loads(content)["error"]) == (403, "cross_origin_refused")
    status, _, content = exchange(demo, head, b"{}")
    assert status == 200 and json.loads(content)["prize"]["key"]


def test_the_console_is_sent_with_its_frame_and_content_policy(demo: Demo) -> None:
    status, headers, _ = exchange(demo, f"GET /ops HTTP/1.1\nHost: 127.0.0.1:{demo.port}\nConnection: close\n")
    assert status == 200 and headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
