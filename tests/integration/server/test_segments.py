"""Segments on SQLite and PostgreSQL: each rule picks the shoppers it names from a table of shoppers, rules combine,
an uploaded segment holds the ids uploaded (each once), and the members come in pages by host user id."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from games.commerce.models import HostEvent
from games.messages.admin import create_segment
from games.models import GameState, Player
from server.models import User
from server.segments import count_members, members_after, upload_members
from tests.conftest import Clock, add_campaign, wheel_config

#: host id: (tier, days since the host account opened, days since the last launch, orders [(category, days ago)])
SHOPPERS: dict[str, tuple[str, int, int | None, list[tuple[str, int]]]] = {
    "a-new": ("normal", 5, 1, []),
    "b-lapsed": ("silver", 400, 60, [("beauty", 70), ("beauty", 80), ("books", 90)]),
    "c-fan": ("gold", 300, 2, [("electronics", 3)]),
    "d-old-fan": ("diamond", 800, 100, [("electronics", 200)]),
    "e-idle": ("normal", 40, None, []),
}


@pytest.fixture
def shoppers(app: Flask, clock: Clock) -> Iterator[Session]:
    """The table's shoppers, their orders, and a campaign each of a-new and c-fan played."""
    now = clock.now
    campaign = add_campaign(app, wheel_config())
    with app.extensions["carnival.sessions"]() as session, session.begin():
        for host_id, (tier, joined, launched, orders) in SHOPPERS.items():
            user = User(role="shopper", external_id=host_id, display_name=host_id, tier=tier, created_at=now,
                        host_joined_on=now.date() - timedelta(days=joined),
                        last_launch_at=None if launched is None else now - timedelta(days=launched))  # fmt: skip
            session.add(user)
            session.flush()
            for n, (category, days) in enumerate(orders):
                session.add(order(campaign, host_id, n, category, now - timedelta(days=days)))
            if host_id in ("a-new", "c-fan"):
                session.add(Player(campaign_id=campaign, user_id=user.id, client_seed="s", drew=True))
    with app.extensions["carnival.sessions"]() as session:
        session.info["campaign"] = campaign
        yield session


def order(campaign: int, host_id: str, n: int, category: str, at: datetime) -> HostEvent:
    body = json.dumps({"category": category})
    return HostEvent(event_id=f"{host_id}-{n}", campaign_id=campaign, type="order_paid", user=host_id, occurred_at=at,
                     received_at=at, body_json=body, body_hash="h", subject=f"o-{host_id}-{n}", category=category,
                     amount_fen=10_000)  # fmt: skip


def picked(session: Session, rules: dict[str, Any], now: datetime) -> list[str]:
    transaction = session.begin()  # the segment is not kept
    try:
        segment = create_segment(session, "t", rules, now)
        found = [m.external_id for m in members_after(session, segment, now, "", 100)]
        assert count_members(session, segment, now) == len(found)
    finally:
        transaction.rollback()
    return found


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        ({}, ["a-new", "b-lapsed", "c-fan", "d-old-fan", "e-idle"]),
        ({"tiers": ["gold", "diamond"]}, ["c-fan", "d-old-fan"]),
        ({"joined_within_days": 30, "orders": "none"}, ["a-new"]),
        ({"joined_before_days": 365}, ["b-lapsed", "d-old-fan"]),
        ({"active_within_days": 7}, ["a-new", "c-fan"]),
        ({"inactive_days": 30}, ["b-lapsed", "d-old-fan", "e-idle"]),
        ({"min_orders": 2, "inactive_days": 30}, ["b-lapsed"]),
        ({"orders": "some"}, ["b-lapsed", "c-fan", "d-old-fan"]),
        ({"categories": ["electronics"]}, ["c-fan", "d-old-fan"]),
        ({"categories": ["electronics"], "categories_within_days": 90}, ["c-fan"]),
        ({"categories": ["beauty", "books"]}, ["b-lapsed"]),
        ({"tiers": ["normal"], "orders": "none", "active_within_days": 7}, ["a-new"]),
    ],
)
def test_each_rule_picks_the_shoppers_it_names(
    shoppers: Session, clock: Clock, rules: dict[str, Any], expected: list[str]
) -> None:
    assert picked(shoppers, rules, clock.now) == expected


def test_campaign_play_rules(shoppers: Session, clock: Clock) -> None:
    campaign = shoppers.info["campaign"]
    assert picked(shoppers, {"played_campaign": campaign}, clock.now) == ["a-new", "c-fan"]
    assert picked(shoppers, {"not_played_campaign": campaign}, clock.now) == ["b-lapsed", "d-old-fan", "e-idle"]


def test_a_checkin_streak_rule_reads_the_streak_up_to_today(app: Flask, shoppers: Session, clock: Clock) -> None:
    campaign = shoppers.info["campaign"]
    today = clock.now.date()  # noon in Shanghai: the same date there
    streaks = {"a-new": 3, "c-fan": 1, "e-idle": 5}
    with shoppers.begin():
        ids = dict(shoppers.execute(select(User.external_id, User.id)).all())
        rows = [{"campaign_id": campaign, "user_id": ids[host], "game": "checkin",
                 "state_json": json.dumps({"days": {str(today - timedelta(days=d + 1)): "checked" for d in range(n)}})}
                for host, n in streaks.items()]  # fmt: skip
        shoppers.execute(insert(GameState), rows)
    rules = {"checkin_campaign": campaign, "checkin_streak_at_least": 3}
    assert picked(shoppers, rules, clock.now) == ["a-new", "e-idle"]


def test_an_uploaded_segment_holds_each_id_once_and_pages_by_host_id(shoppers: Session, clock: Clock) -> None:
    with shoppers.begin():
        segment = create_segment(shoppers, "名单", None, clock.now)
        assert upload_members(shoppers, segment.id, ["z-9", "a-new", "m-1", "a-new"]) == 3
        assert upload_members(shoppers, segment.id, ["m-1", "n-2"]) == 1
        first = members_after(shoppers, segment, clock.now, "", 2)
        rest = members_after(shoppers, segment, clock.now, first[-1].external_id, 10)
    assert [(m.external_id, m.user_id is not None) for m in first + rest] == [
        ("a-new", True), ("m-1", False), ("n-2", False), ("z-9", False)
    ]  # fmt: skip


def test_an_order_sent_to_two_campaigns_counts_once_for_min_orders(shoppers: Session, clock: Clock) -> None:
    with shoppers.begin():
        twice = order(shoppers.info["campaign"], "c-fan", 9, "electronics", clock.now - timedelta(days=3))
        twice.subject = "o-c-fan-0"  # c-fan's one order, sent again for another campaign
        shoppers.add(twice)
    assert "c-fan" not in picked(shoppers, {"min_orders": 2}, clock.now)
