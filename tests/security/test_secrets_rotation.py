"""Key rotation without downtime: while old and new keys are both configured, launch tokens and host API
requests signed with either are accepted; once the old key is removed they are refused with
``key_unknown``. The legacy single ``CARNIVAL_LAUNCH_SECRET`` keeps working, and session cookies signed
with an earlier ``SECRET_KEY`` hold while it is listed in ``SECRET_KEY_FALLBACKS``."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import Flask

from server.keys import Key
from tests.conftest import Clock, build_app, launch_token, login
from tests.e2e.test_host_api import signed

OLD, NEW = Key("2026-06", secrets.token_urlsafe(32)), Key("2026-12", secrets.token_urlsafe(32))
HOST_OLD, HOST_NEW = Key("h1", secrets.token_urlsafe(32)), Key("h2", secrets.token_urlsafe(32))
COUPONS = "/api/host/coupons?user=nobody"


def ring(*keys: Key) -> str:
    return ",".join(f"{key.kid}:{key.secret}" for key in keys)


def app_with(url: str, clock: Clock, **environ: str) -> Flask:
    return build_app(url, clock, SECRET_KEY=secrets.token_urlsafe(32), **environ)


def launches(app: Flask, key: Key, now: datetime) -> tuple[int, str | None]:
    answer = app.test_client().post("/api/session/launch", json={"token": launch_token("u-r", now=now, key=key)})
    return answer.status_code, (answer.json or {}).get("error")


def test_a_launch_key_rotates_without_downtime(database_url: str, clock: Clock) -> None:
    before = app_with(database_url, clock, CARNIVAL_LAUNCH_KEYS=ring(OLD))
    assert launches(before, OLD, clock.now) == (200, None)
    both = app_with(database_url, clock, CARNIVAL_LAUNCH_KEYS=ring(NEW, OLD))
    assert launches(both, OLD, clock.now) == (200, None) and launches(both, NEW, clock.now) == (200, None)
    after = app_with(database_url, clock, CARNIVAL_LAUNCH_KEYS=ring(NEW))
    assert launches(after, OLD, clock.now) == (401, "key_unknown")
    assert launches(after, NEW, clock.now) == (200, None)
    assert launches(after, Key("2026-12", OLD.secret), clock.now) == (401, "token_invalid")
    assert launches(after, Key(None, NEW.secret), clock.now) == (401, "key_unknown")  # a token must name its key
    for app in (before, both, after):
        app.extensions["carnival.engine"].dispose()


def test_a_host_api_key_rotates_without_downtime(sqlite_url: str, clock: Clock) -> None:
    def status(app: Flask, key: Key) -> tuple[int, str | None]:
        answer = signed(app.test_client(), "GET", COUPONS, key=key)
        return answer.status_code, (answer.json or {}).get("error")

    both = app_with(sqlite_url, clock, CARNIVAL_HOST_KEYS=ring(HOST_NEW, HOST_OLD))
    assert status(both, HOST_OLD) == (200, None) and status(both, HOST_NEW) == (200, None)
    after = app_with(sqlite_url, clock, CARNIVAL_HOST_KEYS=ring(HOST_NEW))
    assert status(after, HOST_OLD) == (401, "key_unknown") and status(after, HOST_NEW) == (200, None)
    assert status(after, Key("h2", HOST_OLD.secret)) == (401, "signature_invalid")
    assert status(after, Key(None, HOST_NEW.secret)) == (401, "key_unknown")
    launch_key_for_host = app_with(sqlite_url, clock, CARNIVAL_LAUNCH_KEYS=ring(NEW), CARNIVAL_HOST_KEYS=ring(HOST_NEW))
    assert status(launch_key_for_host, NEW) == (401, "key_unknown")  # launch keys never sign host calls


def test_the_legacy_single_secret_still_signs_tokens_and_host_calls(sqlite_url: str, clock: Clock) -> None:
    legacy = Key(None, secrets.token_urlsafe(32))
    app = app_with(sqlite_url, clock, CARNIVAL_LAUNCH_SECRET=legacy.secret)
    assert launches(app, legacy, clock.now) == (200, None)
    assert signed(app.test_client(), "GET", COUPONS, key=legacy).status_code == 200
    moving = app_with(sqlite_url, clock, CARNIVAL_LAUNCH_SECRET=legacy.secret, CARNIVAL_LAUNCH_KEYS=ring(NEW))
    assert launches(moving, legacy, clock.now) == (200, None) and launches(moving, NEW, clock.now) == (200, None)


def test_session_cookies_survive_a_secret_key_rotation(sqlite_url: str, clock: Clock) -> None:
    old, new = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    client = build_app(sqlite_url, clock, SECRET_KEY=old).test_client()
    login(client, "u-cookie")
    cookie = client.get_cookie("session")
    assert cookie is not None
    for environ, expected in (({"SECRET_KEY_FALLBACKS": old}, 200), ({}, 401)):
        rotated = build_app(sqlite_url, clock, SECRET_KEY=new, **environ).test_client()
        rotated.set_cookie("session", cookie.value)
        assert rotated.get("/api/session/me").status_code == expected, environ
