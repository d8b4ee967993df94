"""Hostile input on SQLite and PostgreSQL: every request the standard library, the database driver or the
date arithmetic would choke on is a 4xx JSON error naming the problem, never a 500, and nothing is stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server.api_play import SPIN_BODY_MAX_BYTES
from server.config import DEV_LAUNCH_KEY
from server.input_guard import MAX_JSON_DEPTH, UNSTORABLE_MESSAGE
from tests.conftest import add_campaign, launch_token, login, wheel_config
from tests.e2e.test_ops_api import staff

UNSTORABLE = {"nul": "a\x00b", "lone surrogate": "a\ud800b", "low surrogate": "\udfff"}
JSON = {"Content-Type": "application/json"}


def refused(answer: TestResponse, status: int, code: str) -> dict[str, Any]:
    """Assert ``answer`` is the JSON error ``code`` with ``status``; returns its field messages."""
    assert (answer.status_code, answer.json["error"]) == (status, code), answer.get_data(as_text=True)
    assert isinstance(answer.json["message"], str) and answer.json["message"]
    return answer.json.get("fields", {})


def spin_refused(shopper: FlaskClient, campaign: int, body: str) -> None:
    """A spin with ``body`` is refused: 400 ``invalid_json``, or 413 when it is over the spin's size limit."""
    answer = shopper.post(f"/api/play/{campaign}/wheel/spin", data=body, headers={"Idempotency-Key": "hostile-01"})
    if len(body.encode()) > SPIN_BODY_MAX_BYTES:
        refused(answer, 413, "body_too_large")
    else:
        refused(answer, 400, "invalid_json")


def nested(depth: int) -> str:
    """A JSON object whose ``pool`` nests arrays until the document is ``depth`` levels deep."""
    return '{"pool": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    return staff(app, "ops", "olivia")


@pytest.fixture
def shopper(app: Flask) -> FlaskClient:
    client = app.test_client()
    login(client, "hostile-shopper")
    return client


def test_a_launch_token_with_a_non_ascii_signature_is_refused(client: FlaskClient) -> None:
    token = launch_token("u1").rsplit(".", 1)[0] + ".签名签名"
    assert refused(client.post("/api/session/launch", json={"token": token}), 401, "token_invalid") == {}
    page = client.get("/play/launch", query_string={"token": token})
    assert page.status_code == 401 and "token_invalid" in page.get_data(as_text=True)


def signed_token(sub: str, expires: int) -> str:
    """A launch token for ``sub`` (any text, escaped in its JSON), signed with the development key."""
    body = {"purpose": "carnival.launch", "sub": sub, "name": "n", "tier": "normal", "exp": expires}
    body.update(jti="hostile-token-0001", kid=DEV_LAUNCH_KEY.kid)
    payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    mac = hmac.new(DEV_LAUNCH_KEY.secret.encode(), f"v1.{payload}".encode(), hashlib.sha256).digest()
    return f"v1.{payload}." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def test_a_signed_launch_token_naming_unstorable_text_is_refused(client: FlaskClient) -> None:
    expires = int(client.application.extensions["carnival.clock"]().timestamp()) + 600
    for text in UNSTORABLE.values():
        answer = client.post("/api/session/launch", json={"token": signed_token(f"u{text}", expires)})
        refused(answer, 401, "token_invalid")
        assert "sub" in answer.json["message"]


@pytest.mark.parametrize("kind", UNSTORABLE)
def test_unstorable_text_in_a_body_is_a_field_message(ops: FlaskClient, shopper: FlaskClient, kind: str) -> None:
    text = UNSTORABLE[kind]
    login_body = json.dumps({"username": text, "password": "a-long-password"})
    assert refused(ops.post("/api/session/staff", data=login_body, headers=JSON), 422, "invalid_input") == {
        "username": [UNSTORABLE_MESSAGE]
    }
    template = ops.get("/api/ops/campaigns/template").json
    template["config"]["pool"]["prizes"][1]["name"] = text
    created = ops.post("/api/ops/campaigns", data=json.dumps({**template, "name_en": text}), headers=JSON)
    assert refused(created, 422, "invalid_input") == {
        "name_en": [UNSTORABLE_MESSAGE],
        "config.pool.prizes.1.name": [UNSTORABLE_MESSAGE],
    }
    keyed = ops.post("/api/ops/campaigns", data=json.dumps({**template, "config": {text: 1}}), headers=JSON)
    assert refused(keyed, 422, "invalid_input") == {"config": [f"a key {UNSTORABLE_MESSAGE}"]}
    assert ops.get("/api/ops/campaigns").json == []
    campaign = add_campaign(shopper.application, wheel_config())
    seed = json.dumps({"client_seed": f"seed-{text}-seed"})
    assert list(
        refused(shopper.put(f"/api/play/{campaign}/client-seed", data=seed, headers=JSON), 422, "invalid_input")
    ) == ["client_seed"]


def test_nul_in_a_query_string_path_or_header_is_refused(ops: FlaskClient, shopper: FlaskClient) -> None:
    assert refused(ops.get("/play/launch?token=v1.%00.x"), 422, "invalid_input") == {"token": [UNSTORABLE_MESSAGE]}
    assert list(refused(ops.get("/api/host/coupons?user=a%00b"), 422, "invalid_input")) == ["user"]
    assert list(refused(ops.get("/vendor/chart.js/chart%00.js"), 422, "invalid_input")) == ["filename"]
    campaign = add_campaign(shopper.application, wheel_config())
    spin = shopper.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": "key-\x00-0001"})
    refused(spin, 400, "invalid_header")
    assert "Idempotency-Key" in spin.json["message"]


def test_json_nested_too_deep_is_refused(ops: FlaskClient, shopper: FlaskClient) -> None:
    campaign = add_campaign(shopper.application, wheel_config())
    for depth in (MAX_JSON_DEPTH + 1, 400, 1_000, 100_000):
        spin_refused(shopper, campaign, nested(depth))
        for answer in (
            ops.post("/api/ops/odds", data=nested(depth), headers=JSON),
            ops.post("/api/session/staff", data="[" * depth + "]" * depth, headers=JSON),
        ):
            assert refused(answer, 400, "invalid_json") == {}
            assert str(MAX_JSON_DEPTH) in answer.json["message"]


def test_json_nested_to_the_limit_reaches_the_view(ops: FlaskClient) -> None:
    answer = ops.post("/api/ops/odds", data=nested(MAX_JSON_DEPTH), headers=JSON)
    assert refused(answer, 422, "invalid_input")  # the pool's own schema answers, not the depth limit


TOO_BIG = ["1" * 4301, "-" + "9" * 10_000, "1" * 101, "1." + "0" * 200, "1e400", "NaN", "-Infinity"]
SCHEDULES = [
    {"starts_at": "9999-12-31T17:00:00+00:00", "ends_at": "9999-12-31T23:59:59+00:00"},
    {"starts_at": "2026-11-01T00:00:00+00:00", "ends_at": "9999-12-31T23:59:59+00:00"},
    {"starts_at": "0001-01-01T00:00:00+00:00", "ends_at": "2026-12-31T00:00:00+00:00"},
    {"starts_at": "2026-11-01T00:00:00+00:00", "ends_at": "2100-01-01T00:00:00+00:00"},
]


def test_numbers_python_cannot_hold_are_refused(ops: FlaskClient, shopper: FlaskClient) -> None:
    template = json.dumps(ops.get("/api/ops/campaigns/template").json)
    campaign = add_campaign(shopper.application, wheel_config())
    for number in TOO_BIG:
        body = template[:-1] + f', "budget_fen": {number}}}'
        refused(ops.post("/api/ops/campaigns", data=body, headers=JSON), 400, "invalid_json")
        refused(ops.post("/api/session/staff", data=f'{{"username": {number}}}', headers=JSON), 400, "invalid_json")
        spin_refused(shopper, campaign, f'{{"n": {number}}}')
    assert [c["id"] for c in ops.get("/api/ops/campaigns").json] == [campaign]


def test_a_campaign_is_dated_within_this_century(ops: FlaskClient) -> None:
    template = ops.get("/api/ops/campaigns/template").json
    campaign = ops.post("/api/ops/campaigns", json=template).json["id"]
    for schedule in SCHEDULES:
        bad = {k for k, v in schedule.items() if not v.startswith("2026")}
        fields = refused(ops.post("/api/ops/campaigns", json={**template, **schedule}), 422, "invalid_input")
        assert set(fields) == bad and all("2000" in fields[k][0] for k in bad)
        draft = ops.get(f"/api/ops/campaigns/{campaign}").json["draft"]
        body = {"revision": draft["revision"], "body": {**draft["body"], **schedule}}
        assert set(refused(ops.put(f"/api/ops/campaigns/{campaign}/draft", json=body), 422, "invalid_input")) == bad
    assert [c["id"] for c in ops.get("/api/ops/campaigns").json] == [campaign]


def test_a_spin_body_is_bounded(shopper: FlaskClient) -> None:
    campaign = add_campaign(shopper.application, wheel_config())
    big = "{" + " " * SPIN_BODY_MAX_BYTES + "}"
    spin = f"/api/play/{campaign}/wheel/spin"
    answer = shopper.post(spin, data=big, headers={**JSON, "Idempotency-Key": "big-body-1"})
    refused(answer, 413, "body_too_large")
    answer = shopper.post(f"/api/play/{campaign}/wheel/spin", json={}, headers={"Idempotency-Key": "small-body-1"})
    assert answer.status_code == 200, answer.json
