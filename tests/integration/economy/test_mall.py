"""Redeeming mall goods on SQLite and PostgreSQL: the ¥500 rule, tier gating, limits, points taken from the
soonest-expiring lots, cancellations refunding them keeping their expiry, idempotency, and a flash redemption
raced by many shoppers that sells exactly the stock with every shopper's points exact."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from economy import ledger
from economy.db import Base, make_engine, make_sessionmaker
from economy.errors import BudgetExhausted, InsufficientBalance, OutOfStock, Refusal
from economy.limits import set_budget
from economy.mall.models import MallGood, MallOrder
from economy.mall.redeem import MallRefusal, RedeemRequest, cancel, fulfil, grant_key, redeem
from economy.models import Coupon, GiftCard, Grant, PointLot
from economy.rewards import CASH, Reward, RewardKind
from economy.service import GrantRequest, grant
from tests.integration.invariants import assert_economy_invariants

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)
DAY = "2026-12-06"
MALL = 9


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with make_sessionmaker(engine)() as session:
        with session.begin():
            set_budget(session, MALL, 100_000_000)
        yield session
        assert_economy_invariants(session)


def good(session: Session, **fields: Any) -> int:
    values = {"campaign_id": MALL, "name": "50元E卡", "kind": "virtual", "category": "卡券", "points_price": 1000,
              "cash_fen": 0, "value_fen": 5000, "stock_total": 10, "stock_left": 10, "daily_limit": None,
              "total_limit": None, "min_tier_rank": 0, "sort": 0, **fields}  # fmt: skip
    with session.begin():
        row = MallGood(**values)
        session.add(row)
        session.flush()
        return row.id


def points(session: Session, user: int, amount: int, key: str, lifetime_days: int = 365) -> None:
    with session.begin():
        request = GrantRequest(key, MALL, user, "welcome", Reward(RewardKind.POINTS, amount), amount, DAY,
                               points_lifetime=timedelta(days=lifetime_days))  # fmt: skip
        grant(session, request, NOW)


def ask(user: int, good_id: int, key: str, quantity: int = 1, tier: str = "normal") -> RedeemRequest:
    return RedeemRequest(key, MALL, user, good_id, quantity, tier, DAY)


def held(session: Session, user: int) -> int:
    with session.begin():
        return ledger.spendable_points(session, user, NOW)


def test_a_redemption_spends_the_tier_price_from_the_soonest_expiring_lots(session: Session) -> None:
    sku = good(session)
    points(session, 1, 600, "late", lifetime_days=300)
    points(session, 1, 500, "soon", lifetime_days=30)
    with session.begin():
        order = redeem(session, ask(1, sku, "k1", tier="gold"), NOW)  # 850 points
    assert (order.points, order.state) == (850, "placed")
    with session.begin():
        lots = {lot.amount: lot.remaining for lot in session.scalars(select(PointLot))}
        stock = session.get(MallGood, sku).stock_left  # type: ignore[union-attr]
    assert lots == {500: 0, 600: 250} and stock == 9  # the soon-expiring lot first


def test_a_cancellation_refunds_the_points_keeping_their_expiry_and_returns_the_stock(session: Session) -> None:
    sku = good(session)
    points(session, 1, 500, "soon", lifetime_days=30)
    points(session, 1, 600, "late", lifetime_days=300)
    with session.begin():
        order_id = redeem(session, ask(1, sku, "k1"), NOW).id
    with session.begin():
        cancel(session, order_id, NOW + timedelta(hours=1))
        again = cancel(session, order_id, NOW + timedelta(hours=2))
        assert again is not None and again.state == "cancelled"
    with session.begin():
        expiries = sorted((lot.expires_at, lot.remaining) for lot in session.scalars(select(PointLot)) if lot.remaining)
        stock = session.get(MallGood, sku).stock_left  # type: ignore[union-attr]
    assert held(session, 1) == 1100 and stock == 10
    assert expiries == [
        (NOW + timedelta(days=30), 500),
        (NOW + timedelta(days=300), 100),  # what the late lot kept
        (NOW + timedelta(days=300), 500),  # refunded, expiring as the lot it came from
    ]


@pytest.mark.parametrize(
    ("fields", "request_changes", "code"),
    [
        ({"value_fen": 30_000}, {"quantity": 2}, "over_single_limit"),  # ¥600 of value in one redemption
        ({"min_tier_rank": 2}, {"tier": "silver"}, "tier_too_low"),
        ({"starts_at": NOW + timedelta(hours=1)}, {}, "not_on_sale"),
        ({"ends_at": NOW}, {}, "not_on_sale"),
        ({"daily_limit": 1}, {"quantity": 2}, "daily_limit"),
        ({"total_limit": 1}, {"quantity": 2}, "total_limit"),
    ],
)
def test_each_rule_refuses_and_changes_nothing(
    session: Session, fields: dict[str, Any], request_changes: dict[str, Any], code: str
) -> None:
    sku = good(session, **fields)
    points(session, 1, 100_000, "rich")
    request = ask(1, sku, "k1")
    request = RedeemRequest(**{**request.__dict__, **request_changes})
    with session.begin(), pytest.raises(MallRefusal) as refused:
        redeem(session, request, NOW)
    assert refused.value.code == code and held(session, 1) == 100_000


def test_exactly_500_yuan_is_allowed_and_limits_count_units_not_cancelled(session: Session) -> None:
    sku = good(session, value_fen=25_000, daily_limit=2)
    points(session, 1, 100_000, "rich")
    with session.begin():
        first = redeem(session, ask(1, sku, "k1", quantity=2), NOW)  # ¥500 exactly, the day's 2
    with session.begin(), pytest.raises(MallRefusal):
        redeem(session, ask(1, sku, "k2"), NOW)
    with session.begin():
        cancel(session, first.id, NOW)
    with session.begin():
        assert redeem(session, ask(1, sku, "k3", quantity=2), NOW).state == "placed"


def test_the_same_key_answers_the_first_order_and_another_body_is_refused(session: Session) -> None:
    sku = good(session)
    points(session, 1, 5000, "some")
    with session.begin():
        first = redeem(session, ask(1, sku, "k1"), NOW).id
    with session.begin():
        assert redeem(session, ask(1, sku, "k1"), NOW).id == first
    with session.begin(), pytest.raises(MallRefusal) as refused:
        redeem(session, ask(1, sku, "k1", quantity=2), NOW)
    assert refused.value.code == "key_reused" and held(session, 1) == 4000


def test_not_enough_points_or_stock_changes_nothing(session: Session) -> None:
    sku = good(session, stock_total=1, stock_left=1)
    points(session, 1, 999, "few")
    with session.begin(), pytest.raises(InsufficientBalance):
        redeem(session, ask(1, sku, "k1"), NOW)
    with session.begin():
        assert session.get(MallGood, sku).stock_left == 1  # type: ignore[union-attr]
    points(session, 2, 5000, "some")
    with session.begin():
        fulfil(session, redeem(session, ask(2, sku, "k2"), NOW).id, NOW)
    points(session, 3, 5000, "more")
    with session.begin(), pytest.raises(OutOfStock):
        redeem(session, ask(3, sku, "k3"), NOW)
    assert held(session, 3) == 5000


SHOPPERS, TRIES = 20, 3  # 60 concurrent requests for 10 units


def test_a_flash_redemption_sells_exactly_its_stock_with_every_shoppers_points_exact(
    engine: Engine, session: Session
) -> None:
    sku = good(session, stock_total=10, stock_left=10)
    for user in range(1, SHOPPERS + 1):
        points(session, user, 2500, f"p{user}")
    gate, outcomes = threading.Barrier(SHOPPERS * TRIES), Counter[str]()
    sessions = make_sessionmaker(engine)

    def go(user: int, attempt: int) -> None:
        gate.wait(20)
        with sessions() as mine:
            try:
                with mine.begin():
                    redeem(mine, ask(user, sku, f"flash-{user}-{attempt}"), NOW)
                outcomes["sold"] += 1
            except Refusal as refusal:
                outcomes[refusal.code] += 1

    threads = [threading.Thread(target=go, args=(u, a)) for u in range(1, SHOPPERS + 1) for a in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert outcomes["sold"] == 10 and sum(outcomes.values()) == SHOPPERS * TRIES, outcomes
    with session.begin():
        orders = list(session.scalars(select(MallOrder.user_id)))
        assert session.get(MallGood, sku).stock_left == 0  # type: ignore[union-attr]
    bought = Counter(orders)
    for user in range(1, SHOPPERS + 1):
        assert held(session, user) == 2500 - 1000 * bought[user]


def test_two_cancellations_at_once_refund_once(engine: Engine, session: Session) -> None:
    sku = good(session)
    points(session, 1, 1500, "some")
    with session.begin():
        order_id = redeem(session, ask(1, sku, "k1"), NOW).id
    sessions, gate = make_sessionmaker(engine), threading.Barrier(4)

    def go() -> None:
        gate.wait(20)
        with sessions() as mine, mine.begin():
            mine.get(MallOrder, order_id)  # already in the session, as a view that looked it up first would have it
            cancel(mine, order_id, NOW)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert held(session, 1) == 1500
    with session.begin():
        assert session.get(MallGood, sku).stock_left == 10  # type: ignore[union-attr]


def test_points_expiring_while_a_redemption_spends_them_are_taken_once(engine: Engine, session: Session) -> None:
    sku = good(session)
    points(session, 1, 1000, "soon", lifetime_days=1)
    points(session, 1, 5000, "later")
    expiry = NOW + timedelta(days=1)  # the first lot's
    expired: list[int] = []

    def expire() -> None:
        with make_sessionmaker(engine)() as mine, mine.begin():
            expired.append(ledger.expire_points(mine, expiry + timedelta(seconds=1)))

    racer = threading.Thread(target=expire)
    with session.begin():
        redeem(session, ask(1, sku, "k1"), expiry - timedelta(seconds=1))  # the lot's last second: its 1000 points
        racer.start()
        racer.join(1)  # the expiry starts while the redemption is not committed
    racer.join(60)
    assert expired == [0]  # the lot was spent: nothing of it left to expire
    assert held(session, 1) == 5000
    with session.begin():
        assert ledger.balance(session, ledger.user_owner(1), "POINTS") == 5000


COUPON = {"type": "interest_free", "title": "12期免息券", "valid_days": 30, "periods": 12}


@pytest.mark.parametrize(
    ("kind", "coupon", "delivered"),
    [
        ("red_packet", None, lambda s: ledger.balance(s, ledger.user_owner(1), CASH)),
        ("gift_card", None, lambda s: sum(s.scalars(select(GiftCard.face_value_fen)))),
        ("coupon", COUPON, lambda s: len(s.scalars(select(Coupon.id)).all()) * 888),
    ],
)
def test_coupons_red_packets_and_gift_cards_are_issued_at_once_through_the_economy(
    session: Session, kind: str, coupon: dict[str, Any] | None, delivered: Any
) -> None:
    sku = good(session, kind=kind, value_fen=888, coupon_json=json.dumps(coupon) if coupon else None)
    points(session, 1, 5000, "some")
    with session.begin(), pytest.raises(MallRefusal) as refused:
        redeem(session, ask(1, sku, "k0", quantity=2), NOW)
    assert refused.value.code == "one_at_a_time"
    for n in range(2):
        with session.begin():
            order = redeem(session, ask(1, sku, f"k{n + 1}"), NOW)
        assert order.state == "fulfilled" and order.settled_at == NOW  # nothing for the host to deliver
    with session.begin():
        grants = session.execute(select(Grant.key, Grant.cost_fen, Grant.prize_key).where(Grant.key != "some")).all()
        assert sorted(grants) == [(grant_key(order.id - n, 0), 888, f"mall.{sku}") for n in (1, 0)]
        assert delivered(session) == 2 * 888
        assert cancel(session, order.id, NOW).state == "fulfilled"  # type: ignore[union-attr]  # delivered: stays


@pytest.mark.parametrize("kind", ["red_packet", "virtual"])
def test_the_stock_is_the_last_row_a_redemption_writes(engine: Engine, session: Session, kind: str) -> None:
    sku = good(session, kind=kind, value_fen=888)
    points(session, 1, 5000, "some")
    written: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            written.append(" ".join(statement.split()[:3]).lower())

    event.listen(engine, "before_cursor_execute", record)
    try:
        with session.begin():
            assert redeem(session, ask(1, sku, "k1"), NOW).state == ("fulfilled" if kind == "red_packet" else "placed")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert written[-1] == "update mall_goods set"  # the good's row, which every redemption of it waits for
    assert written.count("update mall_goods set") == 1 and len(written) > 4


def test_a_mall_whose_budget_cannot_pay_refuses_and_changes_nothing(session: Session) -> None:
    with session.begin():
        set_budget(session, MALL + 1, 1000)
    sku = good(session, kind="red_packet", value_fen=1200, campaign_id=MALL + 1)
    points(session, 1, 5000, "some")
    with session.begin(), pytest.raises(BudgetExhausted):
        redeem(session, RedeemRequest("k1", MALL + 1, 1, sku, 1, "normal", DAY), NOW)  # ¥12 > ¥10
    with session.begin():
        assert session.scalars(select(MallOrder)).all() == []
        assert session.scalars(select(Grant.key).where(Grant.campaign_id == MALL + 1)).all() == []
        assert session.get(MallGood, sku).stock_left == 10  # type: ignore[union-attr]
    assert held(session, 1) == 5000


def test_a_cancellation_racing_a_redemption_of_the_same_good_by_a_shopper_of_the_same_sink_both_land(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import economy.mall.redeem as redeeming

    sku = good(session)
    for user in (1, 17):  # 1 and 17 share the mall's sink account shard (by user id mod 16)
        points(session, user, 5000, f"p{user}")
    with session.begin():
        placed = redeem(session, ask(17, sku, "o17"), NOW).id
    taking, real_take = threading.Event(), redeeming._take_stock

    def slow_take(session: Session, good_id: int, quantity: int) -> None:
        taking.set()  # the redemption holds its sink now; the good's row comes last
        time.sleep(0.5)
        real_take(session, good_id, quantity)

    monkeypatch.setattr(redeeming, "_take_stock", slow_take)
    sessions, done = make_sessionmaker(engine), Counter[str]()

    def buy() -> None:
        with sessions() as mine, mine.begin():
            redeem(mine, ask(1, sku, "o1"), NOW)
        done["redeemed"] += 1

    def undo() -> None:
        taking.wait(10)
        with sessions() as mine, mine.begin():
            cancel(mine, placed, NOW)
        done["cancelled"] += 1

    threads = [threading.Thread(target=buy), threading.Thread(target=undo)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert done == {"redeemed": 1, "cancelled": 1}  # no deadlock: both lock points, sink, then the good
    with session.begin():
        assert session.get(MallGood, sku).stock_left == 9  # type: ignore[union-attr]


def test_a_red_packet_redemption_racing_a_points_grant_to_the_same_shopper_both_land(
    engine: Engine, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from economy import service

    with session.begin():
        set_budget(session, MALL + 2, 16 * 1000)  # 1,000 fen a bucket: the red packet's take must rebalance
    sku = good(session, kind="red_packet", value_fen=1500, campaign_id=MALL + 2)
    with session.begin():
        grant(session, GrantRequest("w1", MALL + 2, 1, "w", Reward(RewardKind.POINTS, 5000), 100, DAY), NOW)
    charged, real_deliver = threading.Event(), service._deliver

    def slow_deliver(session: Session, request: GrantRequest, record: Any, now: datetime) -> None:
        if request.key == "order-paid":  # the points grant holds its budget bucket a while
            charged.set()
            time.sleep(0.5)
        real_deliver(session, request, record, now)

    monkeypatch.setattr(service, "_deliver", slow_deliver)
    sessions, done = make_sessionmaker(engine), Counter[str]()

    def earn() -> None:
        with sessions() as mine, mine.begin():
            order_paid = GrantRequest("order-paid", MALL + 2, 1, "order", Reward(RewardKind.POINTS, 200), 100, DAY)
            grant(mine, order_paid, NOW)
        done["earned"] += 1

    def buy() -> None:
        charged.wait(10)
        with sessions() as mine, mine.begin():
            redeem(mine, RedeemRequest("o1", MALL + 2, 1, sku, 1, "normal", DAY), NOW)
        done["redeemed"] += 1

    threads = [threading.Thread(target=earn), threading.Thread(target=buy)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert done == {"earned": 1, "redeemed": 1}  # both lock the shopper's points before the budget
    assert held(session, 1) == 5200 - 1000
