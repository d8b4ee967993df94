"""The real ``carnival demo`` process: it binds 127.0.0.1, prints its URL, serves the API, docs and demo
login; and the CLI refuses to start outside development without a strong SECRET_KEY."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from server.demo import DEMO_SHOPPERS
from tests.conftest import launch_token

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from server.cli import main; main()"]
SPIN_PATH = "/api/play/{campaign_id}/wheel/spin"


@dataclass(frozen=True)
class Demo:
    """A running demo server."""

    base: str
    port: int
    log: Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cli_environ(**environ: str) -> dict[str, str]:
    """The inherited environment without Carnival's settings, plus ``environ``."""
    names = ("CARNIVAL_ENV", "SECRET_KEY", "CARNIVAL_LAUNCH_SECRET", "DATABASE_URL", "REDIS_URL", "FLASK_RUN_FROM_CLI")
    inherited = {k: v for k, v in os.environ.items() if k not in names}
    return {**inherited, "PYTHONUNBUFFERED": "1", **environ}


def get(url: str) -> tuple[int, bytes, str]:
    """GET ``url``: (status, body, content type); HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read(), answer.headers.get_content_type()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(), error.headers.get_content_type()


def post_json(url: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any], str]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json", **headers}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read()), answer.headers.get("Set-Cookie", "")


def wait_until_up(process: subprocess.Popen[bytes], log: Path, line: str, health: str, timeout: float = 30) -> None:
    """Wait for ``line`` in the log and a 200 from ``health``; fail with the log if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"demo exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        if line in log.read_text(errors="replace"):
            try:
                if get(health)[0] == 200:
                    return
            except OSError:
                pass
        time.sleep(0.1)
    pytest.fail(f"demo not up within {timeout} s:\n{log.read_text(errors='replace')}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


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


def listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_demo_prints_its_url_and_listens_on_loopback_only(demo: Demo) -> None:
    assert f"Carnival demo: http://127.0.0.1:{demo.port}/" in demo.log.read_text()
    assert f"积分商城: http://127.0.0.1:{demo.port}/play/1/mall;" in demo.log.read_text()  # the wheel's points mall
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read listening sockets from")
    assert listening_addresses(demo.port) == {"0100007F"}, "127.0.0.1 only (little-endian hex)"


def test_openapi_document_describes_the_spin(demo: Demo) -> None:
    status, body, content_type = get(f"{demo.base}/openapi.json")
    assert (status, content_type) == (200, "application/json")
    document = json.loads(body)
    assert document["openapi"].startswith("3.") and document["info"]["title"] == "Carnival"
    spin = document["paths"][SPIN_PATH]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= spin["responses"].keys()
    assert spin["requestBody"]["content"]["application/json"]["schema"]["type"] == "object"
    error = spin["responses"]["404"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("/ApiError")
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in spin["parameters"])
    for path_item in document["paths"].values():
        for operation in path_item.values():
            if isinstance(operation, dict) and "responses" in operation:
                assert operation["responses"], "every operation documents its answers"


def test_swagger_ui_answers(demo: Demo) -> None:
    status, body, content_type = get(f"{demo.base}/docs")
    assert (status, content_type) == (200, "text/html")
    assert b"swagger" in body.lower()


def test_demo_login_lists_the_demo_shoppers(demo: Demo) -> None:
    status, body, content_type = get(f"{demo.base}/dev/login")
    assert (status, content_type) == (200, "text/html")
    page = body.decode()
    for shopper in DEMO_SHOPPERS:
        assert f'data-sub="{shopper["sub"]}"' in page and shopper["name"] in page


def test_a_demo_shopper_spins_the_seeded_campaign(demo: Demo) -> None:
    status, me, set_cookie = post_json(f"{demo.base}/api/session/launch", {"token": launch_token("demo-1001")}, {})
    assert status == 200 and me["role"] == "shopper"
    campaign = json.loads(get(f"{demo.base}/api/campaigns")[1])[0]["id"]
    headers = {"Cookie": set_cookie.split(";", 1)[0], "Idempotency-Key": "demo-spin-0001", "Origin": demo.base}
    status, spun, _ = post_json(f"{demo.base}/api/play/{campaign}/wheel/spin", {}, headers)
    assert status == 200 and spun["wheel"]["slots"][spun["slot"]]["key"] == spun["prize"]["key"]


@pytest.mark.parametrize(
    ("secret", "complaint"),
    [(None, "SECRET_KEY is not set"), ("secret", "SECRET_KEY is too weak")],
    ids=["missing", "weak"],
)
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path: Path, secret: str | None, complaint: str) -> None:
    environ = cli_environ(CARNIVAL_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}")
    if secret is not None:
        environ["SECRET_KEY"] = secret
    command = [*CLI, "demo", "--port", str(free_port())]
    finished = subprocess.run(command, cwd=REPO, env=environ, capture_output=True, text=True, timeout=60)
    assert finished.returncode != 0
    assert f"carnival: configuration error: {complaint}" in finished.stderr
    assert "Traceback" not in finished.stderr and finished.stdout == ""
    assert not (tmp_path / "prod.db").exists(), "nothing is created before the configuration is accepted"
