"""Wallet and coupons through the Flask test client, on SQLite and PostgreSQL.

Extra spins paid with points (soonest-expiring lots first), a 满减 coupon prize and its expiry,
a per-day cap that resets at midnight in the campaign's time zone, and launch tokens of another
purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from economy import ledger
from economy.models import Account, Coupon, LedgerEntry, PointLot
from economy.rewards import POINTS, Reward, RewardKind
from economy.service import GrantRequest, grant
from games.models import DrawRecord
from server.cli import cli
from server.config import DEV_LAUNCH_SECRET
from tests.conftest import Clock, add_campaign, login, single_prize_config

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTHING_PRIZE: dict[str, Any] = {"key": "none", "name": "再接再厉", "reward": {"kind": "nothing"}}
POINTS_PRIZE: dict[str, Any] = {"key": "pts", "name": "10积分", "reward": {"kind": "points", "points": 10}}
FULL_REDUCTION: dict[str, Any] = {
    "type": "full_reduction",
    "title": "满100减10",
    "valid_days": 7,
    "threshold_fen": 10000,
    "amount_fen": 1000,
}
COUPON_PRIZE: dict[str, Any] = {
    "key": "mj",
    "name": "满100减10券",
    "reward": {"kind": "coupon", "cost_fen": 500, "coupon": FULL_REDUCTION},
}


def spin(client: FlaskClient, campaign_id: int, key: str) -> TestResponse:
    """Post one spin with ``key`` as its Idempotency-Key."""
    return client.post(f"/api/play/{campaign_id}/wheel/spin", headers={"Idempotency-Key": key})


def give_points(app: Flask, campaign_id: int, user_id: int, points: int, lifetime: timedelta) -> None:
    """Grant ``points`` through the economy's one door, as one lot living ``lifetime``."""
    now: datetime = app.extensions["carnival.clock"]()
    request = GrantRequest(
        key=f"bonus:{user_id}:{points}:{lifetime.days}",
        campaign_id=campaign_id,
        user_id=user_id,
        prize_key="bonus",
        reward=Reward(RewardKind.POINTS, points),
        cost_fen=points,
        day=now.astimezone(SHANGHAI).date().isoformat(),
        points_lifetime=lifetime,
    )
    with app.extensions["carnival.sessions"]() as session, session.begin():
        grant(session, request, now)


def lots(app: Flask, user_id: int) -> list[tuple[int, int]]:
    """The user's point lots as (amount, remaining), soonest-expiring first."""
    query = (
        select(PointLot.amount, PointLot.remaining)
        .join(Account, Account.id == PointLot.account_id)
        .where(Account.owner == ledger.user_owner(user_id))
        .order_by(PointLot.expires_at)
    )
    with app.extensions["carnival.sessions"]() as session:
        return [(row.amount, row.remaining) for row in session.execute(query)]


def count_rows(app: Flask, model: type[Any]) -> int:
    """How many rows ``model``'s table holds."""
    with app.extensions["carnival.sessions"]() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def sink_points(app: Flask, campaign_id: int) -> int:
    """Points the campaign's sink has taken in."""
    with app.extensions["carnival.sessions"]() as session:
        return ledger.campaign_balance(session, campaign_id, "sink", POINTS)


def coupon_rows(app: Flask, user_id: int) -> list[Coupon]:
    """The user's coupon rows as stored."""
    with app.extensions["carnival.sessions"]() as session:
        return list(session.scalars(select(Coupon).where(Coupon.user_id == user_id)))


def run_cli(app: Flask, *args: str) -> Result:
    """Run a ``carnival`` command against ``app``."""
    try:
        return app.test_cli_runner().invoke(cli, list(args))
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)  # Flask's CLI sets it; servers started later would not run


def at_shanghai(day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """A wall-clock moment in Shanghai in November 2026, as UTC."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


# --- extra spins paid with points ---------------------------------------------------------------


def extra_spin_campaign(app: Flask) -> int:
    """One free spin a day, then up to 5 extra spins at 50 points; every prize gives nothing."""
    config = single_prize_config(NOTHING_PRIZE, free_spins_per_day=1, extra_spin_points=50, max_extra_spins_per_day=5)
    return add_campaign(app, config)


def test_extra_spins_take_points_from_the_soonest_expiring_lot_first(app: Flask, client: FlaskClient) -> None:
    campaign = extra_spin_campaign(app)
    user = login(client, "u-extra-1")
    give_points(app, campaign, user, 100, timedelta(days=200))  # granted first, expires last
    give_points(app, campaign, user, 30, timedelta(days=10))
    assert client.get("/api/play/wallet").json["points"] == 130
    assert [e["points"] for e in client.get("/api/play/wallet").json["points_expiring"]] == [30]
    free = spin(client, campaign, "spin-free-0001")
    assert free.status_code == 200, free.json
    assert (free.json["wheel"]["points"], free.json["wheel"]["free_spins_left"]) == (130, 0)
    extra = spin(client, campaign, "spin-extra-001")
    assert extra.status_code == 200, extra.json
    assert (extra.json["wheel"]["points"], extra.json["wheel"]["extra_spins_left"]) == (80, 4)
    assert lots(app, user) == [(30, 0), (100, 80)]  # the 10-day lot emptied before the 200-day one
    assert client.get("/api/play/wallet").json["points"] == 80
    assert client.get("/api/play/wallet").json["points_expiring"] == []
    assert sink_points(app, campaign) == 50


def test_an_extra_spin_without_enough_points_is_refused_and_changes_nothing(app: Flask, client: FlaskClient) -> None:
    campaign = extra_spin_campaign(app)
    user = login(client, "u-extra-2")
    give_points(app, campaign, user, 100, timedelta(days=200))
    give_points(app, campaign, user, 30, timedelta(days=10))
    for key in ("spin-free-0001", "spin-extra-001", "spin-extra-002"):
        assert spin(client, campaign, key).status_code == 200
    assert lots(app, user) == [(30, 0), (100, 30)]
    before = (client.get("/api/play/wallet").json, client.get(f"/api/play/{campaign}/wheel").json)
    counts = (count_rows(app, DrawRecord), count_rows(app, LedgerEntry))
    refused = spin(client, campaign, "spin-extra-003")
    assert (refused.status_code, refused.json["error"]) == (409, "insufficient_points")
    assert refused.json["message"] == "an extra spin costs 50 points"
    assert (client.get("/api/play/wallet").json, client.get(f"/api/play/{campaign}/wheel").json) == before
    assert before[1]["points"] == 30 and before[1]["extra_spins_left"] == 3
    assert (count_rows(app, DrawRecord), count_rows(app, LedgerEntry)) == counts
    assert lots(app, user) == [(30, 0), (100, 30)] and sink_points(app, campaign) == 100


# --- a 满减 coupon prize ---------------------------------------------------------------------------


def test_a_full_reduction_coupon_prize_lands_in_the_wallet_with_its_terms(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    campaign = add_campaign(app, single_prize_config(COUPON_PRIZE))
    login(client, "u-coupon-1")
    won = spin(client, campaign, "spin-coupon-01")
    assert won.status_code == 200, won.json
    assert (won.json["prize"]["key"], won.json["prize"]["kind"], won.json["fallback_reason"]) == ("mj", "coupon", None)
    wallet = client.get("/api/play/wallet").json
    [coupon] = wallet["coupons"]
    terms = ("kind", "title", "threshold_fen", "amount_fen", "periods", "min_order_fen", "category", "state")
    assert {k: coupon[k] for k in terms} == {
        "kind": "full_reduction",
        "title": "满100减10",
        "threshold_fen": 10000,
        "amount_fen": 1000,
        "periods": None,
        "min_order_fen": 0,
        "category": None,
        "state": "issued",
    }
    assert datetime.fromisoformat(coupon["valid_from"]) == clock.now
    assert datetime.fromisoformat(coupon["valid_until"]) == clock.now + timedelta(days=7)
    assert [(h["prize_key"], h["reward_kind"]) for h in wallet["history"]] == [("mj", "coupon")]
    assert (wallet["points"], wallet["cash_fen"]) == (0, 0)


def test_points_expire_marks_a_coupon_expired_once_past_valid_until(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    campaign = add_campaign(app, single_prize_config(COUPON_PRIZE))
    user = login(client, "u-coupon-2")
    assert spin(client, campaign, "spin-coupon-02").status_code == 200
    clock.advance(days=7, seconds=-1)  # one second before valid_until
    early = run_cli(app, "points", "expire")
    assert early.exit_code == 0 and "expired 0 points, 0 coupons and 0 play items" in early.output, early.output
    assert [c.state for c in coupon_rows(app, user)] == ["issued"]
    assert client.get("/api/play/wallet").json["coupons"][0]["state"] == "issued"
    clock.advance(seconds=1)  # valid_until itself: no longer valid
    done = run_cli(app, "points", "expire")
    assert done.exit_code == 0 and "expired 0 points, 1 coupons and 0 play items" in done.output, done.output
    assert [c.state for c in coupon_rows(app, user)] == ["expired"]
    assert client.get("/api/play/wallet").json["coupons"][0]["state"] == "expired"
    again = run_cli(app, "points", "expire")
    assert "expired 0 points, 0 coupons and 0 play items of ended campaigns" in again.output, again.output


# --- a per-day cap resets at midnight in the campaign's time zone ------------------------------------


def spin_outcome(client: FlaskClient, campaign: int, key: str) -> tuple[str, str, str | None]:
    """A successful spin's (picked, landed prize, fallback reason)."""
    answer = spin(client, campaign, key)
    assert answer.status_code == 200, answer.json
    return answer.json["picked"], answer.json["prize"]["key"], answer.json["fallback_reason"]


def test_a_day_cap_resets_at_shanghai_midnight_not_utc_midnight(app: Flask, client: FlaskClient, clock: Clock) -> None:
    caps = [{"key": "daily_pts", "per": "day", "max_count": 2}]
    campaign = add_campaign(app, single_prize_config(POINTS_PRIZE, caps=caps))
    login(client, "u-cap-1")
    granted, capped = ("pts", "pts", None), ("pts", "thanks", "cap_reached")
    assert [spin_outcome(client, campaign, f"spin-cap-noon-{i}") for i in range(3)] == [granted, granted, capped]
    clock.now = at_shanghai(23, 23, 59)  # 15:59 UTC
    assert spin_outcome(client, campaign, "spin-cap-2359") == capped
    clock.now = at_shanghai(24, 0, 0, 1)  # 16:00:01 UTC: still 2026-11-23 in UTC
    assert clock.now.date().isoformat() == "2026-11-23"
    assert spin_outcome(client, campaign, "spin-cap-next-day") == granted
    assert client.get("/api/play/wallet").json["points"] == 30


# --- launch tokens ---------------------------------------------------------------------------------


def b64url(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def hand_made_token(body: dict[str, Any], secret: str = DEV_LAUNCH_SECRET) -> str:
    """``v1.<payload>.<signature>`` built by hand, as server/launch.py documents the format."""
    payload = b64url(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    signature = b64url(hmac.new(secret.encode(), f"v1.{payload}".encode(), hashlib.sha256).digest())
    return f"v1.{payload}.{signature}"


def launch_body(clock: Clock, **changes: Any) -> dict[str, Any]:
    """A launch token body valid for 10 minutes on ``clock``, signed with the development key "demo"."""
    body = {"purpose": "carnival.launch", "sub": "u-token-1", "name": "测试用户", "tier": "normal", "kid": "demo"}
    body["jti"] = f"jti-{secrets.token_hex(8)}"
    return {**body, "exp": int(clock.now.timestamp()) + 600, **changes}


def test_a_hand_made_token_of_the_right_purpose_starts_a_session(client: FlaskClient, clock: Clock) -> None:
    answer = client.post("/api/session/launch", json={"token": hand_made_token(launch_body(clock))})
    assert answer.status_code == 200, answer.json
    assert client.get("/api/session/me").status_code == 200


def test_a_token_with_the_wrong_purpose_is_refused(client: FlaskClient, clock: Clock) -> None:
    for body in (
        launch_body(clock, purpose="carnival.reset"),
        {k: v for k, v in launch_body(clock).items() if k != "purpose"},
    ):
        answer = client.post("/api/session/launch", json={"token": hand_made_token(body)})
        assert (answer.status_code, answer.json["error"]) == (401, "token_wrong_purpose"), answer.json
        assert answer.json["message"] == "this token is not a Carnival launch token"
        assert client.get("/api/session/me").status_code == 401
