"""The database out of reach: 503 with Retry-After and the JSON error body, one log line when an outage starts
and one when it ends, never a traceback per request. Outages are real: a PostgreSQL port nothing listens on,
and a live database whose connections are cut and refused mid-run."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server import create_app
from server.outage import QUIET_SECONDS, RETRY_AFTER_SECONDS, OutageLog
from tests.conftest import Clock, add_campaign, build_app, login, wheel_config
from tests.services import PG_ADMIN_URL, fresh_postgres_database

LOGGER = "server"


def unavailable(answer: TestResponse) -> None:
    """Assert ``answer`` is the outage answer."""
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert answer.json["error"] == "database_unavailable" and answer.json["message"]
    assert set(answer.json) == {"error", "message"}


def outage_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno >= logging.WARNING]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_database_answers_503_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/carnival"
    app = create_app({"CARNIVAL_ENV": "testing", "DATABASE_URL": url}, {"TESTING": True})
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger=LOGGER):
        for _ in range(5):
            unavailable(client.post("/api/session/staff", json={"username": "ops", "password": "whatever-it-is"}))
            unavailable(client.get("/api/campaigns"))
        assert client.get("/api/health").json == {"ok": True}
    records = outage_records(caplog)
    assert [r.levelname for r in records] == ["ERROR"], [r.getMessage() for r in records]
    assert "database unavailable" in records[0].getMessage() and records[0].exc_info is None
    app.extensions["carnival.engine"].dispose()


@pytest.fixture
def postgres_app() -> Iterator[tuple[Flask, str]]:
    with fresh_postgres_database() as url:
        app = build_app(url, Clock())
        yield app, url.rsplit("/", 1)[1]
        app.extensions["carnival.engine"].dispose()


def cut_connections(database: str, allow: bool) -> None:
    """Refuse (or allow again) new connections to ``database`` and end the ones it has."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [database])


def test_a_database_lost_mid_run_answers_503_then_recovers(
    postgres_app: tuple[Flask, str], caplog: pytest.LogCaptureFixture
) -> None:
    app, database = postgres_app
    campaign = add_campaign(app, wheel_config())
    shopper: FlaskClient = app.test_client()
    login(shopper, "outage-shopper")
    assert shopper.get(f"/api/play/{campaign}/wheel").status_code == 200
    with caplog.at_level(logging.INFO, logger=LOGGER):
        cut_connections(database, allow=False)
        try:
            for i in range(8):
                unavailable(shopper.get(f"/api/play/{campaign}/wheel"))
                key = {"Idempotency-Key": f"outage-{i}"}
                unavailable(shopper.post(f"/api/play/{campaign}/wheel/spin", headers=key))
        finally:
            cut_connections(database, allow=True)
        assert shopper.get(f"/api/play/{campaign}/wheel").status_code == 200
        spun = shopper.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "outage-0"})
        assert spun.status_code == 200, spun.json
    records = outage_records(caplog)
    assert [r.levelname for r in records] == ["ERROR", "WARNING"], [r.getMessage() for r in records]
    assert all(r.exc_info is None for r in records)
    assert "16 requests were refused" in records[1].getMessage()


def test_an_outage_log_gives_one_line_per_burst_and_one_a_minute_while_flapping() -> None:
    seconds = [0.0]
    logger = logging.getLogger("carnival.test.outage")
    lines: list[str] = []
    logger.addHandler(handler := logging.Handler())
    handler.emit = lambda record: lines.append(record.levelname)  # type: ignore[method-assign]
    outages = OutageLog(logger, clock=lambda: seconds[0])
    try:
        for _ in range(3):
            outages.failed(RuntimeError("down"))
        outages.answered()
        assert lines == ["ERROR", "WARNING"]
        seconds[0] += 1  # flapping: a second burst within the quiet minute is counted, not logged
        outages.failed(RuntimeError("down"))
        outages.answered()
        assert lines == ["ERROR", "WARNING"]
        seconds[0] += QUIET_SECONDS
        outages.failed(RuntimeError("down again"))
        outages.answered()
        assert lines == ["ERROR", "WARNING", "ERROR", "WARNING"]
    finally:
        logger.removeHandler(handler)


def test_an_exhausted_pool_answers_503_after_its_timeout_then_serves_again() -> None:
    with fresh_postgres_database() as url:
        app = build_app(url, Clock(), CARNIVAL_DB_POOL_SIZE="1", CARNIVAL_DB_POOL_TIMEOUT="1")
        try:
            campaign = add_campaign(app, wheel_config())
            shopper: FlaskClient = app.test_client()
            login(shopper, "pool-shopper")
            engine = app.extensions["carnival.engine"]
            held = [engine.connect(), engine.connect()]  # the pool (1) and its overflow (1), all taken
            started = time.monotonic()
            unavailable(shopper.get(f"/api/play/{campaign}/wheel"))
            assert 0.9 <= time.monotonic() - started < 5
            for connection in held:
                connection.close()
            assert shopper.get(f"/api/play/{campaign}/wheel").status_code == 200
        finally:
            app.extensions["carnival.engine"].dispose()
