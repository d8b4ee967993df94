"""Rate limits and lock-out: 429 in the JSON error shape with Retry-After, per account and per address, Redis
storage shared by processes, memory while Redis is down, limits from the environment."""

from __future__ import annotations

import logging
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.api_host import SIGNATURE_HEADER, TIMESTAMP_HEADER
from server.config import ConfigError
from tests.conftest import Clock, add_campaign, launch_token, login, single_prize_config
from tests.security.auth_helpers import add_staff, audit_actions, auth_app, staff_login
from tests.services import redis_url


def limited_app(sqlite_url: str, clock: Clock, limits: str, **environ: str) -> Flask:
    return auth_app(sqlite_url, clock, rate_limits=True, CARNIVAL_RATE_LIMITS=limits, **environ)


def client_from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def assert_429(response) -> int:  # type: ignore[no-untyped-def]
    """The answer is a 429 in the error shape with a positive ``Retry-After``; returns it."""
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.json["error"] == "rate_limited" and response.json["message"]
    retry_after = int(response.headers["Retry-After"])
    assert retry_after > 0
    return retry_after


def test_wrong_passwords_lock_the_account_then_429_with_retry_after(
    sqlite_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    app = limited_app(sqlite_url, clock, "login_failures_user=3 per 15 minutes")
    add_staff(app)
    add_staff(app, "priya")
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="carnival.auth"):
        for _ in range(3):
            assert staff_login(client, password="wrong-guess-123").status_code == 401
        retry_after = assert_429(staff_login(client))  # even the right password, while locked
    assert retry_after <= 15 * 60
    assert "locked" in caplog.text and "olivia" in caplog.text
    assert assert_429(staff_login(client_from(app, "10.9.9.9"), "OLIVIA"))  # the account, from anywhere
    assert staff_login(client, "priya").status_code == 200  # other accounts from this address are not locked
    actions = [action for actor, action in audit_actions(app) if actor.lower() == "olivia"]
    assert actions == ["login_failed"] * 3 + ["login_locked"] * 2


def test_a_successful_sign_in_resets_the_account_count(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "login_failures_user=3 per 15 minutes")
    add_staff(app)
    client = app.test_client()
    for _ in range(2):
        staff_login(client, password="wrong-guess-123")
        staff_login(client, password="wrong-guess-123")
        assert staff_login(client).status_code == 200


def test_wrong_passwords_from_one_address_lock_that_address(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "login_failures_ip=4 per hour")
    add_staff(app)
    attacker = client_from(app, "203.0.113.7")
    for name in ("alice", "bob", "carol", "dave"):  # unknown users count as well (no enumeration)
        assert staff_login(attacker, name, "wrong-guess-123").status_code == 401
    assert_429(staff_login(attacker))
    assert staff_login(client_from(app, "198.51.100.2")).status_code == 200


def test_sign_in_attempts_per_address_are_limited(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "login=5 per minute")
    add_staff(app)
    client = app.test_client()
    answers = [staff_login(client, "nobody", "wrong-guess-123").status_code for _ in range(5)]
    assert answers == [401] * 5
    response = staff_login(client)
    assert_429(response)
    assert response.headers["X-RateLimit-Limit"] == "5"
    assert staff_login(client_from(app, "198.51.100.2")).status_code == 200


def test_launches_are_limited_per_address(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "launch=3 per minute")
    client = app.test_client()
    for index in range(3):
        login(client, f"shopper-{index}")
    assert_429(client.post("/api/session/launch", json={"token": launch_token("shopper-9", now=clock())}))
    page = client.get(f"/play/launch?token={launch_token('shopper-9', now=clock())}")  # the page shares the count
    assert_429(page)


def test_spins_are_limited_per_session(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "spin=2 per minute")
    campaign = add_campaign(
        app, single_prize_config({"key": "p", "name": "积分", "reward": {"kind": "points", "points": 1}})
    )
    client, other = app.test_client(), app.test_client()
    login(client, "spinner")
    login(other, "other-spinner")
    url = f"/api/play/{campaign}/wheel/spin"
    assert [client.post(url, headers={"Idempotency-Key": f"spin-key-{i}"}).status_code for i in range(2)] == [200] * 2
    assert_429(client.post(url, headers={"Idempotency-Key": "spin-key-3"}))
    assert other.post(url, headers={"Idempotency-Key": "spin-key-4"}).status_code == 200


def test_the_host_api_is_limited_per_address(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "host=2 per minute")
    client = app.test_client()
    headers = {TIMESTAMP_HEADER: "1", SIGNATURE_HEADER: "x"}
    assert [client.get("/api/host/coupons?user=u1", headers=headers).status_code for _ in range(2)] == [401] * 2
    assert_429(client.get("/api/host/coupons?user=u1", headers=headers))


def test_socket_connections_are_limited_per_address(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "socket=2 per minute")
    client = app.test_client()
    login(client, "socket-shopper")
    socketio = app.extensions["socketio"]
    connected = [socketio.test_client(app, namespace="/play", flask_test_client=client) for _ in range(3)]
    assert [sio.is_connected("/play") for sio in connected] == [True, True, False]


def test_counters_in_redis_are_shared_by_processes(sqlite_url: str, clock: Clock) -> None:
    environ = {"REDIS_URL": redis_url(), "CARNIVAL_SOCKETIO_CHANNEL": f"test-auth-{uuid.uuid4().hex}"}
    first = limited_app(sqlite_url, clock, "login_failures_user=3 per 15 minutes", **environ)
    second = limited_app(sqlite_url, clock, "login_failures_user=3 per 15 minutes", **environ)
    add_staff(first)
    for app in (first, second, first):
        assert staff_login(app.test_client(), password="wrong-guess-123").status_code == 401
    assert_429(staff_login(second.test_client()))
    storage = first.extensions["carnival.limiter"].storage
    assert type(storage).__name__ == "RedisStorage"


def test_with_redis_down_limits_fall_back_to_memory(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "login_failures_user=2 per 15 minutes,login=3 per minute")
    app.extensions["carnival.limiter"]._storage = _BrokenStorage()
    app.extensions["carnival.limiter"]._limiter.storage = app.extensions["carnival.limiter"]._storage
    add_staff(app)
    client = app.test_client()
    assert staff_login(client, password="wrong-guess-123").status_code == 401
    assert staff_login(client, password="wrong-guess-123").status_code == 401
    assert_429(staff_login(client))


class _BrokenStorage:
    """A rate-limit storage whose server is unreachable."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        def fail(*args: object, **kwargs: object) -> None:
            raise ConnectionError("storage unreachable")

        return fail


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CARNIVAL_RATE_LIMITS": "logins=5/minute"}, "unknown limit 'logins'"),
        ({"CARNIVAL_RATE_LIMITS": "login=often"}, "'login=often' is not a rate limit"),
        ({"CARNIVAL_STAFF_IDLE_MINUTES": "-5"}, "CARNIVAL_STAFF_IDLE_MINUTES must be a positive number"),
        ({"CARNIVAL_SHOPPER_SESSION_HOURS": "soon"}, "CARNIVAL_SHOPPER_SESSION_HOURS must be a positive number"),
        ({"CARNIVAL_TRUSTED_PROXIES": "all"}, "CARNIVAL_TRUSTED_PROXIES must be a whole number"),
    ],
)
def test_bad_settings_are_refused_at_start_up(
    sqlite_url: str, clock: Clock, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        auth_app(sqlite_url, clock, **environ)


def test_behind_a_trusted_proxy_limits_count_the_forwarded_address(sqlite_url: str, clock: Clock) -> None:
    app = limited_app(sqlite_url, clock, "login=2 per minute", CARNIVAL_TRUSTED_PROXIES="1")
    client = app.test_client()
    for address in ("198.51.100.1", "198.51.100.1", "198.51.100.2", "198.51.100.2"):
        answer = client.post(
            "/api/session/staff",
            json={"username": "nobody", "password": "wrong-guess-123"},
            headers={"X-Forwarded-For": address},
        )
        assert answer.status_code == 401
    again = client.post(
        "/api/session/staff",
        json={"username": "nobody", "password": "wrong-guess-123"},
        headers={"X-Forwarded-For": "198.51.100.1"},
    )
    assert_429(again)
