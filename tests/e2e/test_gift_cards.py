"""Gift cards (E-cards): a gift-card prize charges the budget its face value and issues a claim code; the shopper's
wallet shows it; the host's server lists the issued ones (signed, paged) and confirms each delivery once."""

from __future__ import annotations

import copy

from flask import Flask
from sqlalchemy import select

from economy.limits import budget_level
from economy.models import GiftCard
from economy.rewards import Reward, RewardKind
from economy.service import GrantRequest, grant
from tests.conftest import add_campaign, login, wheel_config
from tests.e2e.test_host_api import signed


def card_config() -> dict[str, object]:
    config = copy.deepcopy(wheel_config())
    config["pool"]["prizes"].append(
        {
            "key": "ecard",
            "name": "50元E卡",
            "weight": 0,
            "stock": 10,
            "reward": {"kind": "gift_card", "amount_fen": 5000},
        }
    )
    return config


def give_card(app: Flask, campaign: int, user: int, key: str) -> None:
    with app.extensions["carnival.sessions"]() as session, session.begin():
        request = GrantRequest(key, campaign, user, "ecard", Reward(RewardKind.GIFT_CARD, 5000), 5000, "2026-11-23")
        grant(session, request, app.extensions["carnival.clock"]())


def test_a_gift_card_is_issued_shown_listed_and_delivered_once(app: Flask) -> None:
    campaign = add_campaign(app, card_config(), budget_fen=100_000)
    shopper = app.test_client()
    user = login(shopper, "card-holder")
    give_card(app, campaign, user, "invite:first-baitiao:1")
    with app.extensions["carnival.sessions"]() as session:
        card = session.scalars(select(GiftCard)).one()
        assert (card.face_value_fen, card.state, len(card.code)) == (5000, "issued", 19)
        assert budget_level(session, campaign).spent_fen == 5000  # type: ignore[union-attr]
    assert shopper.get("/api/play/wallet").json["gift_cards"][0]["state"] == "issued"
    page = signed(app.test_client(), "GET", "/api/host/gift-cards").json
    assert [(c["user"], c["face_value_fen"], c["code"]) for c in page["cards"]] == [("card-holder", 5000, card.code)]
    done = signed(app.test_client(), "POST", f"/api/host/gift-cards/{card.id}/delivered")
    assert done.status_code == 200 and done.json["state"] == "delivered"
    again = signed(app.test_client(), "POST", f"/api/host/gift-cards/{card.id}/delivered")
    assert again.json["delivered_at"] == done.json["delivered_at"]
    assert signed(app.test_client(), "GET", "/api/host/gift-cards").json["cards"] == []
    assert signed(app.test_client(), "POST", "/api/host/gift-cards/999/delivered").status_code == 404
    assert app.test_client().get("/api/host/gift-cards").status_code == 401


def test_the_wallet_page_shows_gift_cards_and_owed_points(app: Flask) -> None:
    campaign = add_campaign(app, card_config(), budget_fen=100_000)
    shopper = app.test_client()
    user = login(shopper, "card-page")
    give_card(app, campaign, user, "invite:first-baitiao:2")
    page = shopper.get(f"/play/wallet?campaign={campaign}").get_data(as_text=True)
    assert 'data-testid="wallet-gift-cards"' in page and 'data-testid="wallet-owed"' in page
    assert f'href="/play/{campaign}"' in page  # back to the campaign's first game page
