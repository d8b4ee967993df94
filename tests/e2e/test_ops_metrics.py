"""The dashboard's numbers on SQLite and PostgreSQL: fallbacks by reason, the notable-wins feed, stock
remaining per prize and draws per minute, read over REST after real spins."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete

from games.insight.metrics import FEED_SIZE, WINDOW_MINUTES
from games.models import DrawRecord
from tests.conftest import Clock, add_campaign, login, seal_logs
from tests.e2e.test_ops_api import staff

# Red is picked on (practically) every draw; two can be won, one per shopper. When red is refused, the
# fallback gives 10 points: a win too, but not one to broadcast.
RED = {
    "key": "red",
    "name": "大红包",
    "weight": 1_000_000_000,
    "stock": 2,
    "broadcast": True,
    "reward": {"kind": "red_packet", "amount_fen": 100},
}
POINTS = {"key": "pts", "name": "10积分", "weight": 1, "reward": {"kind": "points", "points": 10}}
CONFIG = {
    "pool": {"prizes": [RED, POINTS], "fallback": "pts"},
    "caps": [{"key": "one_red", "per": "campaign", "max_count": 1, "prize": "red"}],
    "games": {"wheel": {"slots": ["red"] * 5 + ["pts"], "free_spins_per_day": 1000}},
}


@pytest.fixture
def ops(app: Flask) -> FlaskClient:
    return staff(app, "ops", "olivia")


def shopper(app: Flask, sub: str) -> FlaskClient:
    client = app.test_client()
    login(client, sub, name=f"用户{sub}")
    return client


def spin(client: FlaskClient, campaign: int, key: str) -> dict[str, Any]:
    answer = client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": f"spin-metrics-{key}"})
    assert answer.status_code == 200, answer.json
    return answer.json


def metrics(ops: FlaskClient, campaign: int) -> dict[str, Any]:
    answer = ops.get(f"/api/ops/campaigns/{campaign}/metrics")
    assert answer.status_code == 200, answer.json
    return answer.json


def test_fallbacks_by_reason_stock_and_notable_wins(app: Flask, ops: FlaskClient) -> None:
    campaign = add_campaign(app, CONFIG)
    first, second, third = (shopper(app, sub) for sub in ("amy", "bob", "cai"))
    spin(first, campaign, "amy-1")  # red: one left
    spin(first, campaign, "amy-2")  # red again: capped, so the fallback
    assert metrics(ops, campaign)["stock"] == [
        {"prize": "red", "name": "大红包", "name_en": None, "total": 2, "remaining": 1}
    ]
    spin(second, campaign, "bob-1")  # the last red
    spin(third, campaign, "cai-1")  # red is out of stock: the fallback
    assert [w["seq"] for w in metrics(ops, campaign)["notable_wins"]] == [None, None]  # not sealed yet
    seal_logs(app)
    shown = metrics(ops, campaign)
    assert shown["fallbacks"] == {"cap_reached": 1, "out_of_stock": 1}
    assert shown["stock"] == [{"prize": "red", "name": "大红包", "name_en": None, "total": 2, "remaining": 0}]
    assert shown["grants_by_kind"] == {"red_packet": 2, "points": 2}
    feed = shown["notable_wins"]
    assert [(w["prize"], w["name"]) for w in feed] == [("red", "大红包"), ("red", "大红包")]  # no points wins
    assert [w["seq"] for w in feed] == sorted((w["seq"] for w in feed), reverse=True)  # newest first
    assert all("amy" not in w["user"] and "bob" not in w["user"] and w["user"] for w in feed)


def test_the_feed_is_the_newest_wins_over_every_broadcast_prize(app: Flask, ops: FlaskClient) -> None:
    gold = {**RED, "key": "gold", "name": "金红包", "weight": 1_000_000_000, "stock": None}
    silver = {**RED, "key": "silver", "name": "银红包", "weight": 1_000_000_000, "stock": None}
    config = {
        "pool": {"prizes": [gold, silver, POINTS], "fallback": "pts"},
        "caps": [],
        "games": {"wheel": {"slots": ["gold", "silver", "pts"] * 2, "free_spins_per_day": 1000}},
    }
    campaign = add_campaign(app, config)
    client = shopper(app, "fay")
    won = [spin(client, campaign, f"fay-{i}")["prize"]["key"] for i in range(FEED_SIZE + 8)]
    assert {"gold", "silver"} <= set(won)  # both prizes in the log, more wins than the feed shows
    seal_logs(app)
    feed = metrics(ops, campaign)["notable_wins"]
    newest = [key for key in reversed(won) if key != "pts"][:FEED_SIZE]
    assert [w["prize"] for w in feed] == newest
    assert [w["seq"] for w in feed] == sorted((w["seq"] for w in feed), reverse=True)


def test_without_fallbacks_or_broadcast_prizes_both_are_empty(app: Flask, ops: FlaskClient) -> None:
    quiet = {**CONFIG, "pool": {**CONFIG["pool"], "prizes": [{**RED, "broadcast": False, "stock": None}, POINTS]}}
    campaign = add_campaign(app, {**quiet, "caps": []})
    spin(shopper(app, "dan"), campaign, "dan-1")
    shown = metrics(ops, campaign)
    assert shown["fallbacks"] == {} and shown["notable_wins"] == [] and shown["stock"] == []
    assert shown["grants_by_kind"] == {"red_packet": 1}


def test_draws_per_minute_follow_the_clock(app: Flask, ops: FlaskClient, clock: Clock) -> None:
    campaign = add_campaign(app, {**CONFIG, "caps": []})
    client = shopper(app, "eve")
    start = clock.now  # 04:00:00 UTC
    spin(client, campaign, "eve-1")
    clock.advance(seconds=90)  # 04:01:30
    spin(client, campaign, "eve-2")
    spin(client, campaign, "eve-3")
    shown = metrics(ops, campaign)
    minutes = shown["draws_per_minute"]
    assert len(minutes) == WINDOW_MINUTES and minutes[-1]["minute"].startswith("2026-11-23T04:01:00")
    assert [m["draws"] for m in minutes[-2:]] == [1, 2] and sum(m["draws"] for m in minutes) == 3
    assert shown["draws_last_minute"] == 2 and shown["draws_total"] == 3

    clock.now = start + timedelta(minutes=WINDOW_MINUTES, seconds=30)  # 04:30:30: 04:00 has left the window
    minutes = metrics(ops, campaign)["draws_per_minute"]
    assert minutes[0]["minute"].startswith("2026-11-23T04:01:00") and minutes[0]["draws"] == 2
    assert sum(m["draws"] for m in minutes) == 2
    later = metrics(ops, campaign)
    assert later["draws_last_minute"] == 0 and later["draws_total"] == 3


def test_the_numbers_come_from_the_tallies_once_sealed_not_from_the_log(
    app: Flask, ops: FlaskClient, clock: Clock
) -> None:
    campaign = add_campaign(app, CONFIG)
    first, second, third = (shopper(app, sub) for sub in ("fay", "gus", "hal"))
    for client, key in ((first, "fay-1"), (first, "fay-2"), (second, "gus-1")):
        spin(client, campaign, key)
    seal_logs(app)
    spin(third, campaign, "hal-1")  # stored, not sealed yet: counted from the unsealed records
    spin(first, campaign, "fay-3")
    counted = ("draws_total", "players", "fallbacks", "grants_by_kind", "draws_per_minute")
    before = {name: metrics(ops, campaign)[name] for name in counted}
    assert before["draws_total"] == 5 and before["players"] == 3
    assert before["fallbacks"] == {"cap_reached": 2, "out_of_stock": 1}
    assert before["grants_by_kind"] == {"red_packet": 2, "points": 3}
    seal_logs(app)
    assert {name: metrics(ops, campaign)[name] for name in counted} == before
    with app.extensions["carnival.sessions"]() as session, session.begin():
        session.execute(delete(DrawRecord))  # the dashboard does not read the sealed log any more
    assert {name: metrics(ops, campaign)[name] for name in counted} == before


def test_the_public_winners_feed_masks_names_and_lists_only_announced_prizes(app: Flask) -> None:
    campaign = add_campaign(app, CONFIG)
    for sub in ("w1", "w2", "w3"):  # two red packets, then the fallback points (not announced)
        spin(shopper(app, sub), campaign, f"feed-{sub}")
    anyone = app.test_client()  # no sign-in: the marquee is public
    wins = anyone.get(f"/api/campaigns/{campaign}/winners").json
    assert [(w["who"], w["prize"], w["name"]) for w in wins] == [("用***", "red", "大红包"), ("用***", "red", "大红包")]
    assert all("user" not in w and "seq" not in w for w in wins)  # no id leaves the server
    assert anyone.get("/api/campaigns/999999/winners").status_code == 404
