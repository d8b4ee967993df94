"""Play items through the wheel, end to end: a prize grants 3 wheel spins (an item), the wheel spends one per
spin once the free spins are used (before points), reconciliation finds the items in the ledger, and what is
left expires when the campaign ends."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from economy.items import item_balance, items_held
from server import clock as period_clock
from tests.conftest import Clock, add_campaign, login
from tests.e2e.audit_exports import run

CERTAIN = 1_000_000_000  # a weight against 1: the pick is that prize (thanks weighs 1)


def items_config(spins_weight: int = CERTAIN, thanks_weight: int = 1, **wheel: Any) -> dict[str, Any]:
    """A pool of 3 wheel spins (an item) and thanks; one free spin a day, then the spin item, then points."""
    spins = {"kind": "item", "item": "wheel_spin", "count": 3}
    return {
        "pool": {
            "prizes": [
                {"key": "spins", "name": "3 次抽奖机会", "weight": spins_weight, "reward": spins},
                {"key": "thanks", "name": "谢谢参与", "weight": thanks_weight, "reward": {"kind": "nothing"}},
            ],
            "fallback": "thanks",
        },
        "caps": [],
        "games": {
            "wheel": {
                "slots": ["spins", "thanks"] * 3,
                "free_spins_per_day": 1,
                "spin_item": "wheel_spin",
                "extra_spin_points": 10,
                "max_extra_spins_per_day": 5,
                **wheel,
            }
        },
    }


def spin(client: FlaskClient, campaign: int, key: str) -> Any:
    return client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": key})


def held(client: FlaskClient, campaign: int) -> dict[str, int]:
    return client.get(f"/api/play/{campaign}/wheel").json["items_held"]


def test_won_spins_pay_for_spins_after_the_free_one(app: Flask) -> None:
    campaign = add_campaign(app, items_config())
    shopper = app.test_client()
    login(shopper, "item-1")
    assert held(shopper, campaign) == {}
    for n in range(4):  # the free spin, then 3 spins each paid with one won spin (each winning 3 more)
        answer = spin(shopper, campaign, f"item-spin-{n:02d}")
        assert answer.status_code == 200 and answer.json["prize"]["key"] == "spins", answer.json
        assert held(shopper, campaign) == {"wheel_spin": 3 + 2 * n}
        assert answer.json["wheel"]["points"] == 0  # no points: only items could pay after the free spin
    reconciled = run(app, "audit", "reconcile", "--campaign", str(campaign))
    assert reconciled.exit_code == 0 and "OK: the draw log, the grants and the budget agree" in reconciled.output


def test_without_items_a_spin_after_the_free_one_needs_points(app: Flask) -> None:
    campaign = add_campaign(app, items_config(spins_weight=1, thanks_weight=CERTAIN))
    shopper = app.test_client()
    login(shopper, "item-0")
    assert spin(shopper, campaign, "no-item-spin-0").json["prize"]["key"] == "thanks"
    refused = spin(shopper, campaign, "no-item-spin-1")
    assert refused.status_code == 409 and refused.json["error"] == "insufficient_points"


def test_items_held_expire_when_the_campaign_ends(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, items_config(free_spins_per_day=3))
    shopper = app.test_client()
    user_id = login(shopper, "item-2")
    for n in range(3):
        assert spin(shopper, campaign, f"expiry-spin-{n}").status_code == 200
    assert held(shopper, campaign) == {"wheel_spin": 9}
    period_clock.tick(app)
    assert held(shopper, campaign) == {"wheel_spin": 9}  # still running: nothing expires
    clock.advance(days=30, seconds=1)
    period_clock.tick(app)
    ended = shopper.get(f"/api/play/{campaign}/wheel")
    assert ended.status_code == 409 and ended.json["error"] == "campaign_ended"
    with app.extensions["carnival.sessions"]() as session:
        assert item_balance(session, campaign, user_id, "wheel_spin") == 0
        assert items_held(session, campaign, user_id) == {}


def test_the_daily_expiry_catches_up_on_a_campaign_the_clock_missed(app: Flask, clock: Clock) -> None:
    campaign = add_campaign(app, items_config())
    shopper = app.test_client()
    user_id = login(shopper, "item-3")
    assert spin(shopper, campaign, "missed-spin-0").status_code == 200
    clock.advance(days=40)  # ended 10 days ago: beyond the clock's window
    assert run(app, "points", "expire").output.strip().endswith("and 3 play items of ended campaigns")
    assert run(app, "points", "expire").output.strip().endswith("and 0 play items of ended campaigns")
    with app.extensions["carnival.sessions"]() as session:
        assert items_held(session, campaign, user_id) == {}


def test_the_wallet_lists_the_items_held_by_campaign(app: Flask) -> None:
    campaign = add_campaign(app, items_config())
    shopper = app.test_client()
    login(shopper, "item-4")
    assert shopper.get("/api/play/wallet").json["items"] == []
    assert spin(shopper, campaign, "wallet-spin-0").status_code == 200
    wallet = shopper.get("/api/play/wallet").json
    assert wallet["items"] == [{"campaign_id": campaign, "item": "wheel_spin", "count": 3}]
    assert [(h["reward_kind"], h["amount"]) for h in wallet["history"]] == [("item", 3)]
