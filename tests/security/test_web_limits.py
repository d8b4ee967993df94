"""Request size: a body over the limit is answered 413 with the JSON error document, before it is read when
its length is declared, and cut off at the limit when it is not; the spin (documented as taking no body)
reads at most a kilobyte."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server.config import DEFAULT_MAX_CONTENT_LENGTH
from tests.conftest import Clock, add_campaign, build_app, login, wheel_config
from tests.e2e.test_ops_api import staff

FIFTY_MB = 50 * 1024 * 1024
CHUNKED = {"Transfer-Encoding": "chunked"}  # no declared length: the server reads until the body ends


class EndlessBody(io.RawIOBase):
    """A request body of spaces that never ends, counting what the server reads of it."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        buffer[:] = b" " * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


@pytest.fixture
def app(sqlite_url: str, clock: Clock) -> Iterator[Flask]:
    """The app on SQLite with a running campaign (id 1)."""
    app = build_app(sqlite_url, clock)
    add_campaign(app, wheel_config())
    yield app
    app.extensions["carnival.engine"].dispose()


@pytest.fixture
def shopper(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "shopper-limits")
    return client


def assert_too_large(answer: TestResponse, limit: int) -> None:
    """``answer`` is the 413 error document naming ``limit``."""
    assert answer.status_code == 413, answer.get_data(as_text=True)[:300]
    assert answer.json == {"error": "body_too_large", "message": f"the request body may have at most {limit} bytes"}


def test_a_declared_body_over_the_limit_is_refused_unread(app: Flask, shopper: FlaskClient) -> None:
    routes = (("POST", "/api/play/1/wheel/spin", 1024), ("POST", "/api/session/logout", DEFAULT_MAX_CONTENT_LENGTH),
              ("GET", "/api/health", DEFAULT_MAX_CONTENT_LENGTH))  # fmt: skip
    for method, path, limit in routes:  # a route declaring its own limit names it
        body = EndlessBody()
        environ = {"CONTENT_LENGTH": str(FIFTY_MB), "wsgi.input": body}
        answer = shopper.open(path, method=method, environ_overrides=environ, headers={"Idempotency-Key": "big-0001"})
        assert_too_large(answer, limit)
        assert body.read_bytes == 0, (method, path)
    assert shopper.get("/api/session/me").status_code == 200, "the refused logout did not sign out"


def test_an_ops_draft_over_the_limit_is_refused(app: Flask) -> None:
    ops = staff(app, "ops", "olaf")
    draft = {"revision": 1, "body": {"name": "x" * DEFAULT_MAX_CONTENT_LENGTH}}
    assert_too_large(ops.put("/api/ops/campaigns/1/draft", json=draft), DEFAULT_MAX_CONTENT_LENGTH)


def test_a_body_without_a_length_is_cut_off_at_the_limit(app: Flask) -> None:
    ops = staff(app, "ops", "otto")
    body = EndlessBody()
    environ = {"wsgi.input": body, "wsgi.input_terminated": True}
    answer = ops.post("/api/ops/odds", environ_overrides=environ, headers=CHUNKED, content_type="application/json")
    assert_too_large(answer, DEFAULT_MAX_CONTENT_LENGTH)
    assert body.read_bytes <= DEFAULT_MAX_CONTENT_LENGTH + 64 * 1024


def test_the_spin_reads_at_most_a_kilobyte(app: Flask, shopper: FlaskClient) -> None:
    body = EndlessBody()
    environ = {"wsgi.input": body, "wsgi.input_terminated": True}
    headers = {**CHUNKED, "Idempotency-Key": "big-0002"}
    answer = shopper.post("/api/play/1/wheel/spin", environ_overrides=environ, headers=headers)
    assert_too_large(answer, 1024)
    assert body.read_bytes <= 64 * 1024
    padded = json.dumps({"padding": "x" * 2000})
    answer = shopper.post("/api/play/1/wheel/spin", data=padded, headers={"Idempotency-Key": "big-0003"})
    assert_too_large(answer, 1024)
    spun = shopper.post("/api/play/1/wheel/spin", json={}, headers={"Idempotency-Key": "big-0003"})
    assert spun.status_code == 200, "a refused body claimed no idempotency key"


def test_the_limit_is_configurable(sqlite_url: str, clock: Clock) -> None:
    app = build_app(sqlite_url, clock, CARNIVAL_MAX_CONTENT_LENGTH="4096")
    ops = staff(app, "ops", "oleg")
    pool = wheel_config()["pool"]
    fits = ops.post("/api/ops/odds", json={"pool": pool, "expected_draws": 1000})
    assert fits.status_code == 200 and len(json.dumps({"pool": pool})) < 4096
    assert_too_large(ops.post("/api/ops/odds", json={"pool": pool, "pad": "x" * 4096}), 4096)
    app.extensions["carnival.engine"].dispose()
