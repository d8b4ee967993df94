"""The points mall through the API: ops add goods (in the audit trail), a shopper sees the catalog at their tier
price and redeems (idempotent by key), limits and the ¥500 rule answer with their codes, the host lists placed
orders, delivers or cancels them (points back keeping their expiry), signed."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, select

from economy.clawback import Clawback, claw_back_points
from economy.mall.models import MallOrder
from economy.models import Grant
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from server.api_mall import MallGoodSchema, MallSchema
from tests.conftest import add_campaign, wheel_config
from tests.e2e.audit_exports import run
from tests.e2e.checkin_support import login_tier
from tests.e2e.test_host_api import signed
from tests.e2e.test_ops_api import staff

CARD = {"name": "50元京东E卡", "kind": "virtual", "category": "卡券", "points_price": 5000, "value_fen": 5000,
        "stock_left": 3, "daily_limit": 1}  # fmt: skip


def give_points(app: Flask, campaign: int, user: int, points: int) -> None:
    now = app.extensions["carnival.clock"]()
    with app.extensions["carnival.sessions"]() as session, session.begin():
        request = GrantRequest(f"welcome:{user}:{points}", campaign, user, "welcome", Reward(RewardKind.POINTS, points),
                               points, now.date().isoformat())  # fmt: skip
        grant(session, request, now)


def redeem(client: Any, campaign: int, good: int, key: str, quantity: int = 1) -> Any:
    return client.post(f"/api/play/{campaign}/mall/{good}/redeem", json={"quantity": quantity},
                       headers={"Idempotency-Key": key})  # fmt: skip


def test_ops_stock_a_good_a_gold_shopper_redeems_it_and_the_host_delivers(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "olga")
    added = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json=CARD)
    assert added.status_code == 201, added.json
    good = added.json["id"]
    shopper = app.test_client()
    user = login_tier(shopper, "mall-gold", tier="gold")
    give_points(app, campaign, user, 10_000)
    home = shopper.get(f"/api/play/{campaign}/mall").json
    assert (home["tier"], home["discount_percent"], home["points"]) == ("gold", 85, 10_000)
    assert (home["goods"][0]["points"], home["goods"][0]["list_points"], home["goods"][0]["sale"]) == (
        4250,
        5000,
        "on_sale",
    )
    order = redeem(shopper, campaign, good, "mall-order-0001")
    assert order.status_code == 200 and order.json["points"] == 4250, order.json
    assert redeem(shopper, campaign, good, "mall-order-0001").json["id"] == order.json["id"]  # the same key
    second = redeem(shopper, campaign, good, "mall-order-0002")
    assert (second.status_code, second.json["error"]) == (409, "daily_limit")
    placed = signed(app.test_client(), "GET", "/api/host/mall/orders").json["orders"]
    assert [(o["user"], o["good_name"], o["points"]) for o in placed] == [("mall-gold", "50元京东E卡", 4250)]
    done = signed(app.test_client(), "POST", f"/api/host/mall/orders/{order.json['id']}/fulfilled")
    assert done.status_code == 200 and done.json["state"] == "fulfilled"
    late_cancel = signed(app.test_client(), "POST", f"/api/host/mall/orders/{order.json['id']}/cancelled")
    assert (late_cancel.status_code, late_cancel.json["error"]) == (409, "order_settled")
    listed = ops.get(f"/api/ops/campaigns/{campaign}/mall/goods").json[0]
    assert (listed["stock_left"], listed["redeemed"]) == (2, 1)
    trail = [entry["action"] for entry in ops.get(f"/api/ops/campaigns/{campaign}/audit").json]
    assert "mall_good_added" in trail


def test_a_cancelled_order_gives_the_points_back_and_refusals_name_their_rule(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "omar")
    good = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, "daily_limit": None}).json["id"]
    pricey = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods",
                      json={**CARD, "name": "手机", "value_fen": 30_000, "points_price": 100}).json["id"]  # fmt: skip
    shopper = app.test_client()
    user = login_tier(shopper, "mall-normal")
    give_points(app, campaign, user, 6000)
    order = redeem(shopper, campaign, good, "mall-order-0101").json
    assert shopper.get(f"/api/play/{campaign}/mall").json["points"] == 1000
    cancelled = shopper.post(f"/api/play/{campaign}/mall/orders/{order['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    assert shopper.get(f"/api/play/{campaign}/mall").json["points"] == 6000
    broke = redeem(shopper, campaign, good, "mall-order-0102", quantity=2)
    assert (broke.status_code, broke.json["error"]) == (409, "insufficient_balance")
    over = redeem(shopper, campaign, pricey, "mall-order-0103", quantity=2)
    assert (over.status_code, over.json["error"]) == (422, "over_single_limit")
    missing = redeem(shopper, campaign, 999, "mall-order-0104")
    assert (missing.status_code, missing.json["error"]) == (404, "good_not_found")
    assert shopper.post(f"/api/play/{campaign}/mall/{good}/redeem", json={}).json["error"] == "idempotency_key_required"
    mine = shopper.get(f"/api/play/{campaign}/mall/orders").json
    assert [(o["state"], o["good_name"]) for o in mine] == [("cancelled", "50元京东E卡")]
    home = shopper.get(f"/api/play/{campaign}/mall").json
    assert home["timezone"] == "Asia/Shanghai" and (home["goods"][0]["used_today"], home["goods"][0]["min_tier"]) == (
        0,
        "normal",
    )


def test_the_report_counts_redemptions_by_tier_and_the_liability(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "otto")
    good = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, "stock_left": 1}).json["id"]
    shopper = app.test_client()
    user = login_tier(shopper, "mall-diamond", tier="diamond")
    give_points(app, campaign, user, 8000)
    assert redeem(shopper, campaign, good, "mall-order-0201").status_code == 200  # 3750 at 7.5折
    found = ops.get(f"/api/ops/campaigns/{campaign}/mall/report").json
    assert found["redemptions"] == [{"good": "50元京东E卡", "tier": "diamond", "orders": 1, "units": 1, "points": 3750}]
    assert found["sold_out"] == ["50元京东E卡"]
    assert found["liability"]["redeemed"] == 3750 and found["liability"]["outstanding"] == 8000 - 3750
    assert found["liability"]["issued"] >= 8000
    text = ops.get(f"/api/ops/campaigns/{campaign}/mall/report.csv").get_data(as_text=True)
    assert "redemption,50元京东E卡/diamond,1,1,3750" in text


def test_the_monthly_tier_rule_from_points_earned(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    shopper = app.test_client()
    user = login_tier(shopper, "tiered")
    give_points(app, campaign, user, 6000)
    month = app.extensions["carnival.clock"]().strftime("%Y-%m")
    answer = signed(app.test_client(), "GET", f"/api/host/mall/tier?user=tiered&month={month}").json
    assert (answer["earned"], answer["tier"]) == (6000, "gold")
    good = staff(app, "ops", "olga").post(f"/api/ops/campaigns/{campaign}/mall/goods", json=CARD).json["id"]
    assert redeem(shopper, campaign, good, "tiered-0001").status_code == 200  # 5,000 spent, 1,000 held
    with app.extensions["carnival.sessions"]() as session, session.begin():  # a refund takes back 2,000
        assert claw_back_points(session, campaign, user, 2000, "refund:JD-1", app.extensions["carnival.clock"]()) == (
            Clawback(taken=1000, owed=1000)
        )
    answer = signed(app.test_client(), "GET", f"/api/host/mall/tier?user=tiered&month={month}").json
    assert (answer["earned"], answer["tier"]) == (4000, "silver")  # taken and owed alike count against it
    bad = signed(app.test_client(), "GET", "/api/host/mall/tier?user=tiered&month=2026-13")
    assert bad.status_code == 422


def test_an_edit_made_on_a_stale_stock_is_refused_and_undoes_no_redemption(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "olga")
    good = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json=CARD).json["id"]
    shopper = app.test_client()
    give_points(app, campaign, login_tier(shopper, "mall-stale", tier="normal"), 10_000)
    assert redeem(shopper, campaign, good, "mall-stale-0001").status_code == 200  # stock 3 → 2 after ops loaded it
    url = f"/api/ops/campaigns/{campaign}/mall/goods/{good}"
    stale = ops.put(url, json={**CARD, "stock_left": 10, "expected_stock_left": 3})
    assert (stale.status_code, stale.json["error"]) == (409, "stock_changed")
    assert "2" in stale.json["message"]
    fresh = ops.put(url, json={**CARD, "stock_left": 10, "expected_stock_left": 2})
    assert fresh.status_code == 200, fresh.json
    assert (fresh.json["stock_left"], fresh.json["stock_total"], fresh.json["redeemed"]) == (10, 11, 1)


def test_a_coupon_good_issues_its_coupon_into_the_wallet_and_only_a_coupon_good_carries_one(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "olga")
    coupon = {"type": "interest_free", "title": "12期免息券", "valid_days": 30, "periods": 12}
    body = {**CARD, "name": "12期免息券", "kind": "coupon", "value_fen": 1200, "coupon": coupon}
    added = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json=body)
    assert added.status_code == 201 and added.json["coupon"]["periods"] == 12, added.json
    wrong = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json={**body, "kind": "red_packet"})
    assert wrong.status_code == 422 and "coupon" in str(wrong.json), wrong.json
    shopper = app.test_client()
    give_points(app, campaign, login_tier(shopper, "mall-coupon", tier="normal"), 10_000)
    assert shopper.get(f"/api/play/{campaign}/mall").json["goods"][0]["delivered_by"] == "carnival"
    order = redeem(shopper, campaign, added.json["id"], "mall-coupon-0001")
    assert (order.json["state"], order.json["delivered_by"]) == ("fulfilled", "carnival"), order.json
    wallet = shopper.get("/api/play/wallet").json
    assert [c["title"] for c in wallet["coupons"]] == ["12期免息券"], wallet
    assert [h["prize_name"] for h in wallet["history"] if h["reward_kind"] == "coupon"] == ["12期免息券"]
    assert signed(app.test_client(), "GET", "/api/host/mall/orders").json["orders"] == []  # nothing to deliver


def test_reconciliation_traces_each_issued_unit_to_its_redemption_and_names_a_grant_without_one(app: Flask) -> None:
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "olga")
    body = {**CARD, "name": "8.88元红包", "kind": "red_packet", "value_fen": 888, "daily_limit": None}
    packet = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json=body).json["id"]
    shopper = app.test_client()
    user = login_tier(shopper, "mall-audit", tier="normal")
    give_points(app, campaign, user, 20_000)
    assert redeem(shopper, campaign, packet, "mall-audit-0001", quantity=2).json["error"] == "one_at_a_time"
    for n in range(2):
        assert redeem(shopper, campaign, packet, f"mall-audit-000{n + 2}").json["state"] == "fulfilled"
    ok = "OK: the draw log, the grants and the budget agree"
    assert ok in run(app, "audit", "reconcile", "--campaign", str(campaign)).output
    with app.extensions["carnival.sessions"]() as session, session.begin():
        forged = GrantRequest("mall:999:0", campaign, user, f"mall.{packet}", Reward(RewardKind.RED_PACKET, 888), 888,
                              "2026-11-23")  # fmt: skip
        grant(session, forged, app.extensions["carnival.clock"]())
    with app.extensions["carnival.sessions"]() as session, session.begin():  # an issued order loses its grant
        first = session.scalars(select(MallOrder).order_by(MallOrder.id)).first()
        assert first is not None
        session.execute(delete(Grant).where(Grant.key == f"mall:{first.id}:0"))
    output = run(app, "audit", "reconcile", "--campaign", str(campaign)).output
    assert "a mall grant that no redemption of this campaign explains" in output and "mall:999:0" in output, output
    assert f"mall order {first.id} delivered by Carnival has no grant" in output, output


def test_the_catalog_answers_what_its_schema_documents(app: Flask) -> None:
    """The catalog is built JSON-ready (its hot path skips the schema's dump): the same fields, the same forms."""
    campaign = add_campaign(app, wheel_config())
    ops = staff(app, "ops", "oskar")
    window = {"starts_at": "2020-01-01T00:00:00+00:00", "ends_at": "2099-01-01T12:30:00+00:00"}
    good = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, **window}).json["id"]
    gold_only = {**CARD, "name": "无期限", "min_tier_rank": 2, "sort": 1}
    ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json=gold_only)
    shopper = app.test_client()
    give_points(app, campaign, login_tier(shopper, "mall-schema", tier="silver"), 20_000)
    assert redeem(shopper, campaign, good, "mall-schema-01").status_code == 200
    home = shopper.get(f"/api/play/{campaign}/mall").json
    assert set(home) == set(MallSchema().fields)
    assert all(set(listed) == set(MallGoodSchema().fields) for listed in home["goods"])
    assert MallSchema().dump(MallSchema().load(home)) == home
    first, second = home["goods"]
    assert (first["used_today"], first["used_total"], first["stock_left"], home["points"]) == (1, 1, 2, 15_250)
    assert (first["starts_at"] is not None, second["starts_at"], second["tier_allowed"]) == (True, None, False)
