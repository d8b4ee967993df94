"""Races with real threads through the HTTP stack, on SQLite and PostgreSQL.

Each test lines its threads up on a barrier so the requests really overlap.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from games.campaigns.config import parsed_config
from games.models import Campaign, ConfigVersion, DrawRecord
from tests.conftest import add_campaign, login, single_prize_config
from tests.integration.invariants import assert_caps_held, assert_economy_invariants

RED_PACKET = {"key": "red", "name": "红包", "reward": {"kind": "red_packet", "amount_fen": 100}}


def race(clients: list[FlaskClient], request: Callable[[FlaskClient], Any]) -> list[Any]:
    """Run ``request`` once per client, all threads released together."""
    barrier = threading.Barrier(len(clients))

    def run(client: FlaskClient) -> Any:
        barrier.wait(timeout=60)
        return request(client)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(run, clients))


def spin_once(campaign: int, key: str | None = None) -> Callable[[FlaskClient], tuple[int, dict[str, Any]]]:
    def request(client: FlaskClient) -> tuple[int, dict[str, Any]]:
        idempotency_key = key or f"race-{uuid.uuid4()}"
        answer = client.post(f"/api/play/{campaign}/wheel/spin", headers={"Idempotency-Key": idempotency_key})
        return answer.status_code, answer.json

    return request


def shoppers(app: Flask, count: int, same_user: bool = False) -> list[FlaskClient]:
    clients = [app.test_client() for _ in range(count)]
    for i, client in enumerate(clients):
        login(client, "same-shopper" if same_user else f"shopper-{i}")
    return clients


def records(app: Flask, campaign: int) -> list[DrawRecord]:
    with app.extensions["carnival.sessions"]() as session:
        return list(session.scalars(select(DrawRecord).where(DrawRecord.campaign_id == campaign)))


def check_invariants(app: Flask) -> None:
    """The economy's invariants, and every campaign's caps recounted from its grants."""
    with app.extensions["carnival.sessions"]() as session, session.begin():
        assert_economy_invariants(session)
        for campaign in session.scalars(select(Campaign)):
            config_json = session.get(ConfigVersion, campaign.version_id).config_json
            assert_caps_held(session, campaign.id, parsed_config(app.extensions["carnival.registry"], config_json).caps)


def spinners(app: Flask) -> int:
    """500 shoppers at once on PostgreSQL (many connections, buckets rebalanced under load), 200 on SQLite."""
    return 500 if app.extensions["carnival.engine"].dialect.name == "postgresql" else 200


def test_shoppers_race_for_a_prize_with_stock_20(app: Flask) -> None:
    campaign = add_campaign(app, single_prize_config({**RED_PACKET, "stock": 20}))
    count = spinners(app)
    answers = race(shoppers(app, count), spin_once(campaign))
    assert [status for status, _ in answers] == [200] * count
    outcomes = Counter((r.granted_key, r.fallback_reason) for r in records(app, campaign))
    assert outcomes == {("red", None): 20, ("thanks", "out_of_stock"): count - 20}
    check_invariants(app)


def test_budget_covering_exactly_50_grants_gives_50(app: Flask) -> None:
    campaign = add_campaign(app, single_prize_config(RED_PACKET), budget_fen=50 * 100)
    count = spinners(app)
    answers = race(shoppers(app, count), spin_once(campaign))
    assert [status for status, _ in answers] == [200] * count
    outcomes = Counter((r.granted_key, r.fallback_reason) for r in records(app, campaign))
    assert outcomes == {("red", None): 50, ("thanks", "budget_exhausted"): count - 50}
    check_invariants(app)


def test_one_shopper_50_parallel_spins_with_a_daily_cap_of_3(app: Flask) -> None:
    caps = [{"key": "three_a_day", "per": "day", "max_count": 3}]
    campaign = add_campaign(app, single_prize_config(RED_PACKET, caps=caps))
    answers = race(shoppers(app, 50, same_user=True), spin_once(campaign))
    assert [status for status, _ in answers] == [200] * 50
    outcomes = Counter((r.granted_key, r.fallback_reason) for r in records(app, campaign))
    assert outcomes == {("red", None): 3, ("thanks", "cap_reached"): 47}
    nonces = sorted(r.record_json for r in records(app, campaign))
    assert len(set(nonces)) == 50
    check_invariants(app)


def test_one_shopper_30_parallel_spins_with_a_campaign_value_cap_of_3_yuan(app: Flask) -> None:
    caps = [{"key": "three_yuan", "per": "campaign", "max_value_fen": 300}]
    campaign = add_campaign(app, single_prize_config(RED_PACKET, caps=caps))
    race(shoppers(app, 30, same_user=True), spin_once(campaign))
    outcomes = Counter((r.granted_key, r.fallback_reason) for r in records(app, campaign))
    assert outcomes == {("red", None): 3, ("thanks", "cap_reached"): 27}
    check_invariants(app)


def test_20_retries_with_one_key_make_one_draw(app: Flask) -> None:
    campaign = add_campaign(app, single_prize_config(RED_PACKET))
    answers = race(shoppers(app, 20, same_user=True), spin_once(campaign, key="one-key-for-all-retries"))
    assert len(records(app, campaign)) == 1
    assert [status for status, _ in answers] == [200] * 20, "each retry waits for the first and replays it"
    bodies = {repr(body) for _, body in answers}
    assert len(bodies) == 1, "every retry returns the first answer"
    check_invariants(app)
