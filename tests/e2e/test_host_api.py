"""The host app's coupon API through the Flask test client, on SQLite and PostgreSQL.

Signed server-to-server requests list a shopper's usable coupons and redeem one for an order: a good
redemption shows in the wallet, every refusal has its code, unsigned or stale requests get 401, a retry
with the same order answers the first redemption, and of ten orders racing for a coupon one wins.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from economy.models import Coupon
from economy.rewards import CouponTemplate, Reward, RewardKind
from economy.service import GrantRequest, grant
from server.api_host import sign_request
from server.config import DEV_HOST_KEY
from server.keys import Key
from tests.conftest import Clock, add_campaign, login, wheel_config
from tests.integration.test_races import race

REDEEM = "/api/host/coupons/redeem"
INTEREST_FREE = CouponTemplate("interest_free", "12期免息", 30, periods=12, min_order_fen=10000)
PHONES_ONLY = CouponTemplate("interest_free", "手机6期免息", 30, periods=6, category="phones")
FULL_REDUCTION = CouponTemplate("full_reduction", "满300减30", 7, threshold_fen=30000, amount_fen=3000)
CAMPAIGNS = itertools.count(1)


def issue(app: Flask, user_id: int, template: CouponTemplate = INTEREST_FREE) -> int:
    """Grant ``template`` to ``user_id`` through the economy's one door, from a new campaign; its coupon id."""
    now: datetime = app.extensions["carnival.clock"]()
    campaign = add_campaign(app, wheel_config(), slug=f"coupons-{next(CAMPAIGNS)}")
    request = GrantRequest(
        key=f"coupon:{campaign}:{user_id}",
        campaign_id=campaign,
        user_id=user_id,
        prize_key="coupon",
        reward=Reward(RewardKind.COUPON, coupon=template, coupon_cost_fen=500),
        cost_fen=500,
        day=now.date().isoformat(),
    )
    with app.extensions["carnival.sessions"]() as session, session.begin():
        record = grant(session, request, now)
        return session.scalars(select(Coupon.id).where(Coupon.grant_id == record.id)).one()


def change_coupon(app: Flask, coupon_id: int, **values: Any) -> None:
    """Overwrite columns of a stored coupon."""
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(update(Coupon).where(Coupon.id == coupon_id).values(**values))


def signed(
    client: FlaskClient,
    method: str,
    path: str,
    payload: dict[str, Any] | None = None,
    key: Key = DEV_HOST_KEY,
    skew: int = 0,
) -> TestResponse:
    """Send a request signed with ``key`` as the host app does (naming its key id, if it has one), its
    timestamp ``skew`` seconds off the app's clock."""
    body = b"" if payload is None else json.dumps(payload).encode()
    timestamp = str(int(client.application.extensions["carnival.clock"]().timestamp()) + skew)
    headers = {
        "X-Carnival-Timestamp": timestamp,
        "X-Carnival-Signature": sign_request(key.secret, timestamp, method, path, body),
    }
    if key.kid is not None:
        headers["X-Carnival-Key-Id"] = key.kid
    return client.open(path, method=method, data=body, headers=headers, content_type="application/json")


def order(coupon_id: int, ref: str = "JD-0001", user: str = "host-u-1", **changes: Any) -> dict[str, Any]:
    """A redemption body for a 200-yuan phone order."""
    return {"user": user, "coupon_id": coupon_id, "order_ref": ref, "order_fen": 20000, "category": "phones", **changes}


def shopper_with_coupon(app: Flask, client: FlaskClient, template: CouponTemplate = INTEREST_FREE) -> int:
    """Sign in host user ``host-u-1`` on ``client`` and issue them a coupon; returns its id."""
    return issue(app, login(client, "host-u-1"), template)


# --- redemption ----------------------------------------------------------------------------------


def test_a_good_redemption_shows_as_used_in_the_wallet(app: Flask, client: FlaskClient, clock: Clock) -> None:
    coupon_id = shopper_with_coupon(app, client)
    answer = signed(client, "POST", REDEEM, order(coupon_id))
    assert answer.status_code == 200, answer.json
    assert "Idempotent-Replayed" not in answer.headers
    assert (answer.json["user"], answer.json["order_ref"]) == ("host-u-1", "JD-0001")
    used = answer.json["coupon"]
    assert (used["id"], used["state"], used["order_ref"], used["periods"]) == (coupon_id, "used", "JD-0001", 12)
    assert datetime.fromisoformat(used["used_at"]) == clock.now
    [in_wallet] = client.get("/api/play/wallet").json["coupons"]
    assert (in_wallet["id"], in_wallet["state"]) == (coupon_id, "used")


def test_a_retry_with_the_same_order_answers_the_first_redemption(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    coupon_id = shopper_with_coupon(app, client)
    first = signed(client, "POST", REDEEM, order(coupon_id))
    clock.advance(days=31)  # even once the coupon's validity has ended
    again = signed(client, "POST", REDEEM, order(coupon_id))
    assert (again.status_code, again.json) == (200, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    other = signed(client, "POST", REDEEM, order(coupon_id, ref="JD-0002"))
    assert (other.status_code, other.json["error"]) == (409, "coupon_used")
    for changed in ({"order_fen": 30000}, {"category": "laptops"}, {"category": None}):
        reused = signed(client, "POST", REDEEM, order(coupon_id, **changed))
        assert (reused.status_code, reused.json["error"]) == (422, "order_ref_reused"), changed
        assert "another amount or category" in reused.json["message"]


def test_a_missing_coupon_another_users_and_an_unknown_user_are_not_found(app: Flask, client: FlaskClient) -> None:
    coupon_id = shopper_with_coupon(app, client)
    login(app.test_client(), "host-u-2")
    for body in (order(coupon_id + 1000), order(coupon_id, user="host-u-2"), order(coupon_id, user="nobody")):
        answer = signed(client, "POST", REDEEM, body)
        assert (answer.status_code, answer.json["error"]) == (404, "coupon_not_found"), body
    assert client.get("/api/play/wallet").json["coupons"][0]["state"] == "issued"


@pytest.mark.parametrize(
    ("template", "changes", "status", "code"),
    [
        (INTEREST_FREE, {"order_fen": 9999}, 422, "order_below_minimum"),
        (FULL_REDUCTION, {"order_fen": 29999}, 422, "order_below_minimum"),
        (PHONES_ONLY, {"category": "groceries"}, 422, "category_not_covered"),
        (PHONES_ONLY, {"category": None}, 422, "category_not_covered"),
        (INTEREST_FREE, {"order_fen": "200"}, 422, "invalid_input"),
        (INTEREST_FREE, {"order_fen": 2**64}, 422, "invalid_input"),
    ],
)
def test_an_order_the_coupon_does_not_fit_is_refused(
    app: Flask, client: FlaskClient, template: CouponTemplate, changes: dict[str, Any], status: int, code: str
) -> None:
    coupon_id = shopper_with_coupon(app, client, template)
    answer = signed(client, "POST", REDEEM, order(coupon_id, **changes))
    assert (answer.status_code, answer.json["error"]) == (status, code)
    assert signed(client, "POST", REDEEM, order(coupon_id, order_fen=30000)).status_code == 200


@pytest.mark.parametrize("coupon_id", [0, 2**31, 2**63, "1"])
def test_a_coupon_id_beyond_any_row_is_invalid_input(app: Flask, client: FlaskClient, coupon_id: Any) -> None:
    shopper_with_coupon(app, client)
    answer = signed(client, "POST", REDEEM, order(1) | {"coupon_id": coupon_id})
    assert (answer.status_code, answer.json["error"]) == (422, "invalid_input") and "coupon_id" in answer.json["fields"]


def test_expired_and_not_yet_valid_coupons_are_refused(app: Flask, client: FlaskClient, clock: Clock) -> None:
    expired, swept, later = (shopper_with_coupon(app, client) for _ in range(3))
    change_coupon(app, swept, state="expired")
    change_coupon(app, later, valid_from=clock.now + timedelta(days=40), valid_until=clock.now + timedelta(days=50))
    clock.advance(days=30)  # the 30-day coupons end now
    for coupon_id, code in ((expired, "coupon_expired"), (swept, "coupon_expired"), (later, "coupon_not_yet_valid")):
        answer = signed(client, "POST", REDEEM, order(coupon_id, ref=f"JD-{coupon_id}"))
        assert (answer.status_code, answer.json["error"]) == (409, code)


# --- signatures ----------------------------------------------------------------------------------


def test_unsigned_stale_and_forged_requests_get_401(app: Flask, client: FlaskClient) -> None:
    coupon_id = shopper_with_coupon(app, client)
    body = json.dumps(order(coupon_id)).encode()
    other_body = _auth(signed(client, "POST", REDEEM, {"another": "body"}).request.headers)  # valid for that body
    cases = [
        (client.post(REDEEM, data=body, content_type="application/json"), "signature_missing"),
        (client.post(REDEEM, data=body, headers={"X-Carnival-Signature": "x"}), "signature_missing"),
        (signed(client, "POST", REDEEM, order(coupon_id), skew=-301), "timestamp_stale"),
        (signed(client, "POST", REDEEM, order(coupon_id), skew=301), "timestamp_stale"),
        (signed(client, "POST", REDEEM, order(coupon_id), key=Key("demo", "another-secret-of-the-host-app-0123")), ""),
        (client.post(REDEEM, data=body, content_type="application/json", headers=other_body), ""),
        (client.post(REDEEM, data=body, headers={**other_body, "X-Carnival-Timestamp": "1e9"}), ""),
        (client.post(REDEEM, data=body, headers={**other_body, "X-Carnival-Signature": "sïgnature"}), ""),
        (client.post(REDEEM, data=b"{nope", headers=other_body), ""),
    ]
    for answer, code in cases:
        assert (answer.status_code, answer.json["error"]) == (401, code or "signature_invalid")
    assert client.get("/api/play/wallet").json["coupons"][0]["state"] == "issued"
    assert signed(client, "POST", REDEEM, order(coupon_id), skew=-300).status_code == 200


def _auth(headers: Any) -> dict[str, str]:
    return {name: headers[name] for name in ("X-Carnival-Key-Id", "X-Carnival-Timestamp", "X-Carnival-Signature")}


def test_the_signature_covers_the_path_and_query(app: Flask, client: FlaskClient) -> None:
    shopper_with_coupon(app, client)
    listed = signed(client, "GET", "/api/host/coupons?user=host-u-1&order_fen=20000")
    assert listed.status_code == 200 and len(listed.json["coupons"]) == 1
    stolen = _auth(listed.request.headers)
    for path in ("/api/host/coupons?user=host-u-2&order_fen=20000", "/api/host/coupons?user=host-u-1"):
        assert client.get(path, headers=stolen).json["error"] == "signature_invalid"


def test_user_ids_of_any_characters_are_signed_as_sent(app: Flask, client: FlaskClient) -> None:
    issue(app, login(client, "用户 1/&?"))
    query = urlencode({"user": "用户 1/&?", "order_fen": 20000})
    listed = signed(client, "GET", f"/api/host/coupons?{query}")
    assert listed.status_code == 200, listed.json
    assert listed.json["user"] == "用户 1/&?" and len(listed.json["coupons"]) == 1


# --- listing -------------------------------------------------------------------------------------


def test_the_list_holds_the_coupons_an_order_may_use_now(app: Flask, client: FlaskClient, clock: Clock) -> None:
    user = login(client, "host-u-1")
    general, phones, reduction = (issue(app, user, t) for t in (INTEREST_FREE, PHONES_ONLY, FULL_REDUCTION))
    assert signed(client, "POST", REDEEM, order(issue(app, user))).status_code == 200  # a used one is not listed

    def listed(query: str = "", host_user: str = "host-u-1") -> list[int]:
        answer = signed(client, "GET", f"/api/host/coupons?user={host_user}{query}")
        assert answer.status_code == 200, answer.json
        assert answer.json["user"] == host_user
        assert all(coupon["state"] == "issued" for coupon in answer.json["coupons"])
        return [coupon["id"] for coupon in answer.json["coupons"]]

    assert listed() == [reduction, general, phones]  # soonest-ending first: 7 days, then 30 days by id
    assert listed("&order_fen=20000") == [general, phones]
    assert listed("&order_fen=20000&category=food") == [general]
    assert listed("&category=phones") == [reduction, general, phones]
    assert listed(host_user="nobody") == []
    for bad in ("?user=host-u-1&order_fen=-1", f"?user=host-u-1&order_fen={10**11}", "?order_fen=1", "?user="):
        assert signed(client, "GET", f"/api/host/coupons{bad}").status_code == 422, bad
    clock.advance(days=8)
    assert listed() == [general, phones]


# --- races ---------------------------------------------------------------------------------------


def test_ten_orders_racing_for_one_coupon_make_one_redemption(app: Flask, client: FlaskClient) -> None:
    coupon_id = shopper_with_coupon(app, client)
    clients = [app.test_client() for _ in range(10)]
    refs = {id(c): f"JD-race-{i}" for i, c in enumerate(clients)}
    answers = race(clients, lambda c: signed(c, "POST", REDEEM, order(coupon_id, ref=refs[id(c)])))
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == {200: 1, 409: 9}
    assert {a.json["error"] for a in answers if a.status_code == 409} == {"coupon_used"}
    [winner] = [a.json["order_ref"] for a in answers if a.status_code == 200]
    [in_wallet] = client.get("/api/play/wallet").json["coupons"]
    assert (in_wallet["state"], in_wallet["id"]) == ("used", coupon_id)
    replay = signed(client, "POST", REDEEM, order(coupon_id, ref=winner))
    assert replay.status_code == 200 and replay.json["order_ref"] == winner


def test_ten_retries_of_one_order_racing_all_get_the_one_redemption(app: Flask, client: FlaskClient) -> None:
    coupon_id = shopper_with_coupon(app, client)
    answers = race([app.test_client() for _ in range(10)], lambda c: signed(c, "POST", REDEEM, order(coupon_id)))
    assert [answer.status_code for answer in answers] == [200] * 10
    assert len({json.dumps(answer.json, sort_keys=True) for answer in answers}) == 1
    assert sum("Idempotent-Replayed" not in answer.headers for answer in answers) == 1


def test_the_host_api_is_in_the_openapi_document(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").json["paths"]
    redeem = paths["/api/host/coupons/redeem"]["post"]
    assert {p["name"] for p in redeem["parameters"]} >= {"X-Carnival-Timestamp", "X-Carnival-Signature"}
    assert {"200", "401", "404", "409", "422"} <= set(redeem["responses"])
    assert "get" in paths["/api/host/coupons"]
