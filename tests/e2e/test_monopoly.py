"""白条大富翁 through the play API: a roll spends a die, moves the token, applies the landing and records one draw;
props; 50 concurrent rolls by a shopper holding 10 dice make exactly 10 rolls."""

from __future__ import annotations

import threading
from collections import Counter

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from games.models import DrawRecord
from tests.conftest import add_campaign, login, seal_logs
from tests.e2e.monopoly_support import give, held, roll
from tests.monopoly_boards import monopoly_config

RACERS = 50


def draws(app: Flask, campaign: int) -> int:
    with app.extensions["carnival.sessions"]() as session:
        where = DrawRecord.campaign_id == campaign
        return int(session.scalar(select(func.count()).select_from(DrawRecord).where(where)) or 0)


def test_a_roll_spends_a_die_moves_and_records_one_draw(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, monopoly_config())
    user = login(client, "roller-1")
    give(app, campaign, user, "dice", 2)
    answer = roll(client, campaign)
    assert answer.status_code == 200, answer.json
    rolled = answer.json["events"][0]["payload"]
    assert len(rolled["dice"]) == 2 and rolled["steps"] == sum(rolled["dice"])
    assert rolled["start"] == 0 and rolled["landings"][0]["distance"] == rolled["steps"]
    assert rolled["items"]["dice"] == 1 + sum(1 for g in answer.json["grants"] if g["granted"] == "monopoly.free_roll")
    assert answer.json["view"]["tile"] == rolled["end"] % 20 and answer.json["proof"]["nonce"] == 0
    assert draws(app, campaign) == 1


def test_without_a_die_a_roll_is_refused_and_draws_nothing(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, monopoly_config())
    login(client, "roller-2")
    answer = roll(client, campaign)
    assert (answer.status_code, answer.json["error"]) == (409, "insufficient_items")
    assert draws(app, campaign) == 0


def test_a_remote_control_die_chooses_the_steps_and_is_spent(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, monopoly_config())
    user = login(client, "roller-3")
    give(app, campaign, user, "dice", 1)
    give(app, campaign, user, "remote_dice", 1)
    answer = roll(client, campaign, {"remote": 7})
    assert answer.status_code == 200, answer.json
    rolled = answer.json["events"][0]["payload"]
    assert (rolled["steps"], rolled["remote"], len(rolled["dice"])) == (7, 1, 2)
    assert rolled["landings"][0]["tile"] == 7 and rolled["landings"][0]["granted"] == ["monopoly.points"]
    assert held(app, campaign, user, "remote_dice") == 0


def test_bad_props_are_refused_by_name(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, monopoly_config(remote_item=None))
    user = login(client, "roller-4")
    give(app, campaign, user, "dice", 3)
    assert roll(client, campaign, {"remote": 3}).json["error"] == "prop_unavailable"
    assert roll(client, campaign, {"double": "yes"}).json["error"] == "invalid_roll"
    no_card = roll(client, campaign, {"double": True})
    assert (no_card.status_code, no_card.json["error"]) == (409, "insufficient_items")
    assert held(app, campaign, user) == 3


def test_a_double_card_doubles_the_landing_reward(app: Flask, client: FlaskClient) -> None:
    campaign = add_campaign(app, monopoly_config())
    user = login(client, "roller-5")
    give(app, campaign, user, "dice", 1)
    give(app, campaign, user, "remote_dice", 1)
    give(app, campaign, user, "double_card", 1)
    answer = roll(client, campaign, {"remote": 2, "double": True})  # tile 2: the coupon, twice
    assert answer.json["events"][0]["payload"]["landings"][0]["granted"] == ["coupon", "coupon"]
    wallet = client.get("/api/play/wallet").json
    assert len(wallet["coupons"]) == 2


def test_50_concurrent_rolls_by_a_shopper_holding_10_dice_make_exactly_10(app: Flask) -> None:
    config = monopoly_config(cards=[{"kind": "move", "name": "前进1步", "weight": 1, "steps": 1}])
    campaign = add_campaign(app, config)  # no free-roll card: the 10 dice are all there is
    clients = [app.test_client() for _ in range(RACERS)]
    user = [login(c, "racer") for c in clients].pop()
    give(app, campaign, user, "dice", 10)
    start, statuses = threading.Barrier(RACERS), [0] * RACERS

    def go(index: int) -> None:
        start.wait(10)
        statuses[index] = roll(clients[index], campaign).status_code

    threads = [threading.Thread(target=go, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert Counter(statuses) == {200: 10, 409: RACERS - 10}
    assert held(app, campaign, user) == 0
    seal_logs(app)
    assert draws(app, campaign) == 10
