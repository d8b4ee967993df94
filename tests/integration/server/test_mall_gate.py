"""The mall's admission gate on a real Redis: it admits exactly the stock across racing threads, gives units back,
rebuilds a lost counter from SQL, admits everyone when Redis is unreachable; and a flash sale through the HTTP API
with the gate, Redis lost in the middle, sells exactly the stock with every shopper's points exact (SQLite and
PostgreSQL)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import event, select

from economy import ledger
from economy.mall.models import MallGood, MallOrder
from server.mall_gate import StockGate, gate_for
from tests.conftest import Clock, add_campaign, build_app, wheel_config
from tests.e2e.checkin_support import login_tier
from tests.e2e.test_mall import CARD, give_points, redeem
from tests.e2e.test_ops_api import staff
from tests.services import redis_url

pytestmark = pytest.mark.redis


@pytest.fixture
def gate() -> Iterator[StockGate]:
    client = redis.Redis.from_url(redis_url())
    yield StockGate(client, f"test-{uuid.uuid4().hex[:8]}")
    client.close()


def race(count: int, action: object) -> None:
    """Run ``action(i)`` for i in range(count) on as many threads, released together."""
    start = threading.Barrier(count)

    def go(i: int) -> None:
        start.wait(20)
        action(i)  # type: ignore[operator]

    threads = [threading.Thread(target=go, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def test_the_counter_admits_exactly_the_stock_across_threads_and_takes_units_back(gate: StockGate) -> None:
    answers: list[bool | None] = []
    race(40, lambda _: answers.append(gate.admit(7, 1, lambda: 10)))
    assert Counter(answers) == {True: 10, False: 30}
    gate.give_back(7, 2)  # two admitted redemptions the SQL refused
    assert [gate.admit(7, 1, lambda: 10) for _ in range(3)] == [True, True, False]
    assert gate.admit(7, 5, lambda: 10) is False  # several units at once: all or none


def test_a_lost_counter_is_rebuilt_from_the_stock_in_sql(gate: StockGate) -> None:
    assert all(gate.admit(8, 1, lambda: 10) for _ in range(4))
    assert gate.client is not None
    gate.client.delete(gate.key(8))  # Redis lost it (or it expired)
    assert [gate.admit(8, 3, lambda: 6) for _ in range(3)] == [True, True, False]  # rebuilt from SQL's 6
    gate.forget(8)
    assert gate.admit(8, 1, lambda: 0) is False
    assert gate.admit(9, 1, lambda: None) is None  # no such good: the transaction answers


def test_without_redis_or_with_redis_down_everyone_is_admitted() -> None:
    assert gate_for(None, "x").admit(1, 1, lambda: 0) is None
    down = gate_for("redis://127.0.0.1:1/0", "x")
    assert down.admit(1, 1, lambda: 0) is None
    down.give_back(1, 1)  # nothing raised
    down.forget(1)

    def unreachable(**_: object) -> int:
        raise AssertionError("the gate tried Redis again within its pause")

    down._take = unreachable  # type: ignore[assignment]
    assert down.admit(1, 1, lambda: 0) is None  # it stands aside for a while, without waiting on Redis again


def test_a_flash_sale_through_the_gate_sells_exactly_its_stock_though_redis_is_lost(
    database_url: str, clock: Clock
) -> None:
    app = build_app(database_url, clock, REDIS_URL=redis_url(), CARNIVAL_SOCKETIO_CHANNEL=f"t{uuid.uuid4().hex[:8]}")
    try:
        outcomes, users = _flash(app, units=10, shoppers=20, tries=3)
        assert outcomes["200"] == 10 and set(outcomes) <= {"200", "409 out_of_stock", "409 busy"}, outcomes
        with app.extensions["carnival.sessions"]() as session, session.begin():
            bought = Counter(session.scalars(select(MallOrder.user_id)))
            assert sum(bought.values()) == 10
            assert session.scalar(select(MallGood.stock_left)) == 0
            now = clock()
            assert {u: ledger.spendable_points(session, u, now) for u in users} == {
                u: 30_000 - 5000 * bought[u] for u in users
            }
        assert set(_statements_of_one_more_try(app)) == {"SELECT"}  # sold out: answered by the gate, no write
    finally:
        app.extensions["carnival.engine"].dispose()


def _statements_of_one_more_try(app: Flask) -> list[str]:
    """The SQL a late shopper's redemption runs beyond signing in: the gate answers; the campaign, the shopper's lock,
    the key's order and the stock left are read."""
    client, seen = app.test_client(), []
    with app.extensions["carnival.sessions"]() as session, session.begin():
        campaign, good = session.execute(select(MallGood.campaign_id, MallGood.id)).one()
    give_points(app, campaign, login_tier(client, "flash-late", tier="normal"), 30_000)
    gate: StockGate = app.extensions["carnival.mall_gate"]
    assert gate.client is not None
    gate.client.delete(gate.key(good))  # as when it expires: a counter rebuilt mid-sale may have over-admitted

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "auth_sessions" not in statement and not statement.startswith("BEGIN"):  # SQLite begins explicitly
            seen.append(statement.split()[0])

    engine = app.extensions["carnival.engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        answer = redeem(client, campaign, good, "flash-late-0001")
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert (answer.status_code, answer.json["error"]) == (409, "out_of_stock")
    return seen


def _flash(app: Flask, units: int, shoppers: int, tries: int) -> tuple[Counter[str], list[int]]:
    """``shoppers`` shoppers try ``tries`` times each at once; the gate's counter is flushed by one more thread."""
    campaign = add_campaign(app, wheel_config())
    good = staff(app, "ops", "olga").post(
        f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, "stock_left": units, "daily_limit": None}
    )
    assert good.status_code == 201, good.json
    clients, users = [], []
    for i in range(shoppers):
        client = app.test_client()
        users.append(login_tier(client, f"flash-{i}", tier="normal"))
        give_points(app, campaign, users[-1], 30_000)
        clients.append(client)
    outcomes: Counter[str] = Counter()
    gate: StockGate = app.extensions["carnival.mall_gate"]

    def act(i: int) -> None:
        if i == shoppers * tries:
            assert gate.client is not None
            gate.client.delete(gate.key(good.json["id"]))  # Redis loses the counter mid-sale
            return
        answer = redeem(clients[i % shoppers], campaign, good.json["id"], f"flash-key-{i:04d}")
        outcomes["200" if answer.status_code == 200 else f"{answer.status_code} {answer.json['error']}"] += 1

    race(shoppers * tries + 1, act)
    return outcomes, users


def test_a_cancelled_unit_is_back_on_sale_through_the_gate_at_once(database_url: str, clock: Clock) -> None:
    app = build_app(database_url, clock, REDIS_URL=redis_url(), CARNIVAL_SOCKETIO_CHANNEL=f"t{uuid.uuid4().hex[:8]}")
    try:
        campaign = add_campaign(app, wheel_config())
        ops = staff(app, "ops", "olga")
        good = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, "stock_left": 1}).json["id"]
        first, second = app.test_client(), app.test_client()
        for name, client in (("first", first), ("second", second)):
            give_points(app, campaign, login_tier(client, f"gate-{name}", tier="normal"), 10_000)
        order = redeem(first, campaign, good, "gate-first-0001")
        assert order.status_code == 200
        assert redeem(second, campaign, good, "gate-second-001").json["error"] == "out_of_stock"
        assert redeem(first, campaign, good, "gate-first-0001").json["id"] == order.json["id"]  # a retry: its order
        assert first.post(f"/api/play/{campaign}/mall/orders/{order.json['id']}/cancel").status_code == 200
        assert redeem(second, campaign, good, "gate-second-002").status_code == 200
    finally:
        app.extensions["carnival.engine"].dispose()


def _gated_app(database_url: str, clock: Clock) -> Flask:
    return build_app(database_url, clock, REDIS_URL=redis_url(), CARNIVAL_SOCKETIO_CHANNEL=f"t{uuid.uuid4().hex[:8]}")


def _shopper(app: Flask, campaign: int, name: str, points: int, tier: str = "normal") -> Any:
    client = app.test_client()
    user = login_tier(client, name, tier=tier)
    if points:
        give_points(app, campaign, user, points)
    return client


def test_a_unit_admitted_to_a_redemption_the_database_refuses_goes_back_and_refusals_keep_their_codes(
    database_url: str, clock: Clock
) -> None:
    app = _gated_app(database_url, clock)
    try:
        campaign = add_campaign(app, wheel_config())
        ops = staff(app, "ops", "olga")
        good = ops.post(f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, "stock_left": 1}).json["id"]
        gold = ops.post(
            f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, "stock_left": 1, "min_tier_rank": 2}
        ).json["id"]
        broke = _shopper(app, campaign, "gate-broke", 0)
        assert redeem(broke, campaign, good, "gate-broke-0001").json["error"] == "insufficient_balance"
        buyer = _shopper(app, campaign, "gate-buyer", 10_000)
        assert redeem(buyer, campaign, good, "gate-buyer-0001").status_code == 200  # the broke shopper's unit came back
        assert redeem(buyer, campaign, gold, "gate-buyer-0002").json["error"] == "tier_too_low"  # not the gate's
        vip = _shopper(app, campaign, "gate-vip", 10_000, tier="gold")
        assert redeem(vip, campaign, gold, "gate-vip-00001").status_code == 200
        assert redeem(vip, campaign, good, "gate-vip-00002").json["error"] == "out_of_stock"
    finally:
        app.extensions["carnival.engine"].dispose()


def test_a_retry_while_its_first_attempt_is_running_is_never_told_sold_out(
    database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import server.api_mall as api_mall

    app = _gated_app(database_url, clock)
    try:
        campaign = add_campaign(app, wheel_config())
        good = (
            staff(app, "ops", "olga")
            .post(f"/api/ops/campaigns/{campaign}/mall/goods", json={**CARD, "stock_left": 1})
            .json["id"]
        )
        first, retry = _shopper(app, campaign, "gate-retry", 10_000), app.test_client()
        session_cookie = first.get_cookie(app.config["SESSION_COOKIE_NAME"])
        assert session_cookie is not None
        retry.set_cookie(session_cookie.key, session_cookie.value)  # the same shopper's page, sending again
        running, real = threading.Event(), api_mall.redeem_placing

        def slow(*args: Any, **options: Any) -> Any:
            placed = real(*args, **options)
            running.set()  # placed, not committed yet
            time.sleep(0.5)
            return placed

        monkeypatch.setattr(api_mall, "redeem_placing", slow)
        answers: dict[str, Any] = {}

        def send(name: str, client: Any) -> None:
            if name == "retry":
                running.wait(10)
            answers[name] = redeem(client, campaign, good, "gate-retry-0001")

        threads = [threading.Thread(target=send, args=pair) for pair in (("first", first), ("retry", retry))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert answers["first"].status_code == 200
        again = answers["retry"]
        if database_url.startswith("postgresql"):  # the retry waits for the first under the shopper's lock
            assert again.status_code == 200 and again.json["id"] == answers["first"].json["id"]
        else:  # SQLite readers do not wait: "busy, try again", never "sold out"
            assert (again.status_code, again.json.get("error")) in {(200, None), (409, "busy")}, again.json
    finally:
        app.extensions["carnival.engine"].dispose()
