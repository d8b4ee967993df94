"""The demo's points mall, in the wheel campaign: goods of every kind from 500 to 50,000 points (none worth more than
¥500, each with its art), a 限时兑换 of 100 units opening at the next whole hour, a good sold out, one for 金牌
members and above; 小明 has his points (1,500 expiring within 30 days) and his delivered top-up in My redemptions;
the wallet links to the mall (while the campaign runs); when the flash sale opens he redeems it, once; the coupon,
red packet and e-card are Carnival's to issue (the history shoppers' red packets are in their wallets, and 小明's
coupon lands in his as he redeems it), the rest the host's to deliver; the ledger balances throughout."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select

import web
from games.models import Campaign
from server.demo import DEMO_SHOPPERS, DEMO_SLUG, HISTORY_SHOPPERS, WELCOME_POINTS
from server.demo_checkin import CHECKIN_SLUG
from server.demo_mall import BONUS_POINTS, SHOPPING_POINTS
from tests.conftest import Clock
from tests.e2e.audit_exports import run
from tests.e2e.checkin_support import login_tier
from tests.e2e.test_mall import redeem
from tests.integration.invariants import assert_economy_invariants

XIAOMING, WANGFANG = DEMO_SHOPPERS[0], DEMO_SHOPPERS[2]  # 普通, 金牌
KINDS = {"physical", "coupon", "red_packet", "gift_card", "virtual"}
RED_PACKET = "8.88元现金红包"  # sold out by the history shoppers
ISSUED = {"coupon", "red_packet", "gift_card"}  # the kinds Carnival issues in the demo; the host delivers the rest


def test_the_demo_mall_has_every_kind_a_flash_sale_coming_and_xiaomings_points_and_order(
    app: Flask, clock: Clock
) -> None:
    assert run(app, "seed-demo").exit_code == 0
    assert run(app, "seed-demo").exit_code == 0  # once only
    wheel, checkin = _campaign(app, DEMO_SLUG), _campaign(app, CHECKIN_SLUG)
    shopper = app.test_client()
    login_tier(shopper, XIAOMING["sub"], XIAOMING["tier"])
    mall = shopper.get(f"/api/play/{wheel}/mall").json
    goods = mall["goods"]
    assert len(goods) == 8 and {g["kind"] for g in goods} == KINDS
    assert min(g["list_points"] for g in goods) == 500 and max(g["list_points"] for g in goods) == 50_000
    assert all(g["value_fen"] <= 50_000 and g["name_en"] and _art_exists(g["image"]) for g in goods)
    assert any(g["daily_limit"] for g in goods) and any(g["total_limit"] for g in goods)
    assert all(g["delivered_by"] == ("carnival" if g["kind"] in ISSUED else "host") for g in goods)
    assert [g["name"] for g in goods if g["sale"] == "sold_out"] == [RED_PACKET]
    [gated] = [g for g in goods if not g["tier_allowed"]]
    assert gated["min_tier"] == "gold" and gated["list_points"] == 50_000
    [flash] = [g for g in goods if g["sale"] == "coming"]
    assert flash["stock_left"] == 100 and datetime.fromisoformat(flash["starts_at"]) == clock.now + timedelta(hours=1)
    assert (mall["tier"], mall["points_expiring"]) == ("normal", BONUS_POINTS)
    assert mall["points"] >= WELCOME_POINTS + SHOPPING_POINTS - 1_000 + BONUS_POINTS >= flash["points"]
    orders = shopper.get(f"/api/play/{wheel}/mall/orders").json
    assert [(o["good_name"], o["points"], o["state"], o["delivered_by"]) for o in orders] == [
        ("10元话费直充", 1_000, "fulfilled", "host")
    ]
    assert f'href="/play/{wheel}/mall"' in shopper.get(f"/play/wallet?campaign={wheel}").get_data(as_text=True)
    assert "mall-link" not in shopper.get(f"/play/wallet?campaign={checkin}").get_data(as_text=True)
    _assert_ledger_balances(app)

    clock.advance(hours=1)  # the flash sale opens
    bought = redeem(shopper, wheel, flash["id"], "demo-flash-0001")
    assert bought.status_code == 200 and bought.json["points"] == flash["points"], bought.json
    assert (again := redeem(shopper, wheel, flash["id"], "demo-flash-0002")).json["error"] == "total_limit", again.json
    app.extensions["carnival.mall_catalogs"].forget(wheel)  # the catalog shows goods as read up to a second ago
    after = shopper.get(f"/api/play/{wheel}/mall").json
    assert after["points"] == mall["points"] - flash["points"]
    assert [g["stock_left"] for g in after["goods"] if g["id"] == flash["id"]] == [99]
    _assert_ledger_balances(app)


def test_the_history_shoppers_red_packets_are_in_their_wallets(app: Flask) -> None:
    assert run(app, "seed-demo").exit_code == 0
    wheel = _campaign(app, DEMO_SLUG)
    for history in HISTORY_SHOPPERS:
        shopper = app.test_client()
        login_tier(shopper, history["sub"], history["tier"])
        [order] = shopper.get(f"/api/play/{wheel}/mall/orders").json
        assert (order["good_name"], order["state"], order["delivered_by"]) == (RED_PACKET, "fulfilled", "carnival")
        wallet = shopper.get("/api/play/wallet").json
        issued = [h for h in wallet["history"] if h["prize_key"] == f"mall.{order['good_id']}"]
        assert [(h["reward_kind"], h["amount"]) for h in issued] == [("red_packet", 888)]
        assert wallet["cash_fen"] >= 888
    _assert_ledger_balances(app)


def test_xiaoming_redeems_the_coupon_and_carnival_issues_it_into_his_wallet(app: Flask, clock: Clock) -> None:
    assert run(app, "seed-demo").exit_code == 0
    wheel = _campaign(app, DEMO_SLUG)
    shopper = app.test_client()
    login_tier(shopper, XIAOMING["sub"], XIAOMING["tier"])
    [good] = [g for g in shopper.get(f"/api/play/{wheel}/mall").json["goods"] if g["kind"] == "coupon"]
    bought = redeem(shopper, wheel, good["id"], "demo-coupon-0001")
    assert bought.status_code == 200, bought.json
    assert (bought.json["state"], bought.json["delivered_by"]) == ("fulfilled", "carnival")
    [coupon] = shopper.get("/api/play/wallet").json["coupons"]
    assert (coupon["kind"], coupon["title"], coupon["state"]) == ("full_reduction", "白条满200减20券", "issued")
    assert (coupon["threshold_fen"], coupon["amount_fen"]) == (20_000, 2_000)
    assert datetime.fromisoformat(coupon["valid_until"]) == clock.now + timedelta(days=30)
    _assert_ledger_balances(app)


def test_a_gold_member_may_redeem_the_gold_good_at_the_gold_price(app: Flask) -> None:
    assert run(app, "seed-demo").exit_code == 0
    shopper = app.test_client()
    login_tier(shopper, WANGFANG["sub"], WANGFANG["tier"])
    mall = shopper.get(f"/api/play/{_campaign(app, DEMO_SLUG)}/mall").json
    [gated] = [g for g in mall["goods"] if g["min_tier"] == "gold"]
    assert gated["tier_allowed"] and (gated["points"], mall["discount_percent"]) == (42_500, 85)


def test_the_wallet_stops_linking_to_the_mall_once_the_campaign_ended(app: Flask, clock: Clock) -> None:
    assert run(app, "seed-demo").exit_code == 0
    wheel = _campaign(app, DEMO_SLUG)
    shopper = app.test_client()
    login_tier(shopper, XIAOMING["sub"], XIAOMING["tier"])
    clock.advance(days=61)  # the demo's wheel campaign runs 60 days
    assert "mall-link" not in shopper.get(f"/play/wallet?campaign={wheel}").get_data(as_text=True)


def _campaign(app: Flask, slug: str) -> int:
    with app.extensions["carnival.sessions"]() as session:
        return session.scalars(select(Campaign.id).where(Campaign.slug == slug)).one()


def _art_exists(image: str) -> bool:
    """The image is a file of the shopper pages' static art."""
    return image.startswith("/static/play/") and (Path(web.__file__).parent / image.removeprefix("/")).is_file()


def _assert_ledger_balances(app: Flask) -> None:
    with app.extensions["carnival.sessions"]() as session:
        assert_economy_invariants(session)
