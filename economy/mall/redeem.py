"""Redeeming mall goods for points, one atomic action through the economy: the shopper's points are locked (their
redemptions run one at a time), then one query reads the order their key placed before, the good, the points they
owe and the mall's account; the good's window, tier and the ¥500 rule are checked, the shopper's limits are
counted from their orders, the points are spent from the soonest-expiring lots (the oldest, points living alike)
and the lots taken are recorded, and last the stock is taken by a conditional update (never below zero; last, so
the good's row, which every redemption of it updates, stays locked only until the commit), all in one savepoint
(or in the caller's transaction when it is the redemption's alone). Idempotent by the shopper's key. Cancelling
refunds the points as new lots expiring when the ones taken would have, and returns the stock. A coupon, red
packet or gift card is issued through the economy's grant in the same savepoint (its order delivered at once);
physical and virtual goods wait for the host. Every function runs inside the caller's transaction."""

from __future__ import annotations

import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Insert, Select, Update, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from economy import ledger
from economy.clawback import OWED, refuse_if_owed, repay_owed
from economy.db import UTCDateTime, is_postgresql
from economy.errors import InsufficientBalance, OutOfStock, Refusal
from economy.mall.models import MallGood, MallOrder, MallOrderLot
from economy.mall.pricing import SINGLE_REDEMPTION_MAX_FEN, price, tier_rank
from economy.models import Account, PointLot
from economy.rewards import POINTS, CouponTemplate, Reward, RewardKind, reward_cost_fen
from economy.service import GrantRequest, grant

SINK_ROLE = "mall"  # the mall campaign's account redeemed points go to (and refunds come from)


class MallRefusal(Refusal):
    """A redemption the mall refuses; ``code`` says why (``good_not_found``, ``not_on_sale``, ``tier_too_low``,
    ``over_single_limit``, ``one_at_a_time``, ``daily_limit``, ``total_limit``, ``key_reused``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class RedeemRequest:
    """A shopper of ``tier`` redeems ``quantity`` of a good on ``day`` (the campaign's), under their ``key``."""

    key: str
    campaign_id: int
    user_id: int
    good_id: int
    quantity: int
    tier: str
    day: str


def redeem(session: Session, request: RedeemRequest, now: datetime) -> MallOrder:
    """Redeem, or answer the order the key placed before.

    :raises MallRefusal, OutOfStock, InsufficientBalance, PointsOnHold: and nothing changed.
    """
    return redeem_placing(session, request, now)[0]


def redeem_placing(
    session: Session, request: RedeemRequest, now: datetime, *, whole_transaction: bool = False
) -> tuple[MallOrder, bool]:
    """:func:`redeem`, and whether this call placed the order (False: the key placed it before).
    ``whole_transaction``: the caller's transaction is the redemption's alone and rolls back whole on a refusal,
    so no savepoint is needed."""
    with nullcontext() if whole_transaction else session.begin_nested():
        source = ledger.lock_points(session, request.user_id)  # the shopper's redemptions run one at a time
        reading = _read(session, request)
        if reading.earlier_id is not None:
            earlier = session.get(MallOrder, reading.earlier_id)
            assert earlier is not None
            return _same(earlier, request), False
        good = reading.good
        _check(session, good, request, now)
        refuse_if_owed(reading.owed)
        assert good is not None
        _check_limits(session, good, request)
        order = _place(session, good, request, now)
        _spend(session, order, source, reading.sink_id, now)
        _issue(session, good, order, now)
        _take_stock(session, good.id, request.quantity)  # last: the good's row stays locked only until the commit
    return order, True


@dataclass(frozen=True)
class _Reading:
    """What a redemption reads in one query under the shopper's lock: the order the key placed before, the good,
    the points the shopper owes and the mall's account their points go to (``None``: not there yet)."""

    earlier_id: int | None
    good: MallGood | None
    owed: int | None
    sink_id: int | None


def _read(session: Session, request: RedeemRequest) -> _Reading:
    named = {"key": request.key, "good": request.good_id, "owed": ledger.user_owner(request.user_id),
             "sink": ledger.campaign_owner(request.campaign_id, SINK_ROLE, request.user_id)}  # fmt: skip
    row = session.execute(_reading_query(), named).one_or_none()
    if row is None:  # no such good: only the key's earlier order (of a good since removed) is worth an answer
        earlier = session.execute(_reading_query(with_good=False), named).one()
        return _Reading(earlier[0], None, earlier[1], earlier[2])
    good, earlier_id, owed, sink_id = row
    return _Reading(earlier_id, good, owed, sink_id)


@cache
def _reading_query(with_good: bool = True) -> Select[Any]:
    """Built once: the good (parameter ``good``), the id of the order of ``key``, the balance owed by the
    account ``owed`` and the id of the mall's points account ``sink``."""
    accounts = Account.__table__.c
    columns = (
        select(MallOrder.id).where(MallOrder.key == bindparam("key")).scalar_subquery(),
        select(accounts.balance).where(accounts.owner == bindparam("owed"), accounts.asset == OWED).scalar_subquery(),
        select(accounts.id).where(accounts.owner == bindparam("sink"), accounts.asset == POINTS).scalar_subquery(),
    )
    return select(MallGood, *columns).where(MallGood.id == bindparam("good")) if with_good else select(*columns)


def issued_reward(good: MallGood) -> Reward | None:
    """What one unit of ``good`` gives through the economy: a coupon (its template; costing the budget its value),
    a red packet or a gift card of ``value_fen``; None for goods the host delivers (physical, virtual)."""
    if good.kind == "red_packet":
        return Reward(RewardKind.RED_PACKET, good.value_fen)
    if good.kind == "gift_card":
        return Reward(RewardKind.GIFT_CARD, good.value_fen)
    if good.kind == "coupon" and good.coupon_json:
        return Reward(RewardKind.COUPON, coupon=CouponTemplate(**json.loads(good.coupon_json)),
                      coupon_cost_fen=good.value_fen)  # fmt: skip
    return None


def grant_key(order_id: int, unit: int) -> str:
    """The grant key of an order's ``unit``-th unit (from 0)."""
    return f"mall:{order_id}:{unit}"


def _issue(session: Session, good: MallGood, order: MallOrder, now: datetime) -> None:
    """Issue what the order's units give through the economy (charged to the mall campaign's budget), and settle
    the order as delivered; an order of goods the host delivers stays placed.

    :raises BudgetExhausted: when the mall's budget cannot pay (the savepoint rolls everything back).
    """
    reward = issued_reward(good)
    if reward is None:
        return
    for unit in range(order.quantity):
        asked = GrantRequest(grant_key(order.id, unit), order.campaign_id, order.user_id, f"mall.{good.id}", reward,
                             reward_cost_fen(reward), order.day)  # fmt: skip
        grant(session, asked, now)
    order.state, order.settled_at, order.delivered_by = "fulfilled", now, "carnival"


def cancel(session: Session, order_id: int, now: datetime) -> MallOrder | None:
    """Cancel a placed order: its points back as new lots keeping their expiry, its stock back; a settled order is
    answered as it is. ``None`` when there is no such order."""
    order = session.get(MallOrder, order_id, with_for_update=is_postgresql(session), populate_existing=True)
    if order is None or order.state != "placed":
        return order
    ledger.lock_points(session, order.user_id)  # then the sink, then the good's row last: as a redemption locks
    sink = ledger.account_id(session, ledger.campaign_owner(order.campaign_id, SINK_ROLE, order.user_id), POINTS)
    target = ledger.account_id(session, ledger.user_owner(order.user_id), POINTS)
    for taken in session.scalars(select(MallOrderLot).where(MallOrderLot.order_id == order.id)):
        reference = f"mall-refund:{order.id}:{taken.lot_id}"
        ledger.credit_points(session, target, sink, taken.points, reference, now, taken.expires_at)
    repay_owed(session, order.campaign_id, order.user_id, f"mall-refund:{order.id}", now)  # owed points come first
    session.execute(
        update(MallGood).where(MallGood.id == order.good_id).values(stock_left=MallGood.stock_left + order.quantity)
    )
    order.state, order.settled_at = "cancelled", now
    session.flush()
    return order


def fulfil(session: Session, order_id: int, now: datetime) -> MallOrder | None:
    """The host delivered a placed order (a cancelled one stays cancelled); ``None`` when there is no such order."""
    order = session.get(MallOrder, order_id, with_for_update=is_postgresql(session), populate_existing=True)
    if order is not None and order.state == "placed":
        order.state, order.settled_at = "fulfilled", now
        session.flush()
    return order


def _same(order: MallOrder, request: RedeemRequest) -> MallOrder:
    if (order.user_id, order.good_id, order.quantity) != (request.user_id, request.good_id, request.quantity):
        raise MallRefusal("key_reused", "this idempotency key placed another redemption")
    return order


def _check(session: Session, good: MallGood | None, request: RedeemRequest, now: datetime) -> None:
    if good is None or good.campaign_id != request.campaign_id:
        raise MallRefusal("good_not_found", "no such good in this mall")
    if (good.starts_at and now < good.starts_at) or (good.ends_at and now >= good.ends_at):
        raise MallRefusal("not_on_sale", "this good is not on sale now")
    if tier_rank(request.tier) < good.min_tier_rank:
        raise MallRefusal("tier_too_low", "this good is for members of a higher tier")
    if good.value_fen * request.quantity > SINGLE_REDEMPTION_MAX_FEN:
        raise MallRefusal("over_single_limit", "one redemption may be worth at most ¥500")
    if request.quantity > 1 and issued_reward(good) is not None:  # one grant, one budget take: no waits in between
        raise MallRefusal("one_at_a_time", "coupons, red packets and gift cards are redeemed one at a time")
    if good.stock_left < request.quantity:  # as last committed: sold out needs no lock (the update below is the truth)
        raise OutOfStock("this good is sold out")


def _check_limits(session: Session, good: MallGood, request: RedeemRequest) -> None:
    """The shopper's units of the good today and in all (cancelled orders aside), under the shopper's lock."""
    if good.daily_limit is None and good.total_limit is None:
        return
    mine = select(func.coalesce(func.sum(MallOrder.quantity), 0)).where(
        MallOrder.user_id == request.user_id, MallOrder.good_id == good.id, MallOrder.state != "cancelled"
    )
    if good.daily_limit is not None:
        today = session.scalar(mine.where(MallOrder.day == request.day)) or 0
        if today + request.quantity > good.daily_limit:
            raise MallRefusal("daily_limit", f"at most {good.daily_limit} of this good a day")
    if good.total_limit is not None and (session.scalar(mine) or 0) + request.quantity > good.total_limit:
        raise MallRefusal("total_limit", f"at most {good.total_limit} of this good in all")


def _take_stock(session: Session, good_id: int, quantity: int) -> None:
    """One conditional update: the stock never goes below zero, whoever else is redeeming."""
    if session.execute(_stock_take(), {"good": good_id, "quantity": quantity}).rowcount != 1:
        raise OutOfStock("this good is sold out")


@cache
def _stock_take() -> Update:
    """Built once, on the table (the session's good is not touched): take ``quantity`` from the good ``good``'s
    stock where it holds that many."""
    goods, quantity = MallGood.__table__.c, bindparam("quantity", type_=BigInteger)
    return (
        update(MallGood.__table__)
        .where(goods.id == bindparam("good"), goods.stock_left >= quantity)
        .values(stock_left=goods.stock_left - quantity)
    )


def _place(session: Session, good: MallGood, request: RedeemRequest, now: datetime) -> MallOrder:
    """Insert the order (one statement) and answer it as the session's: what the redemption changes later (an
    issued good's order settled) is flushed like any change."""
    points = price(good.points_price, request.tier) * request.quantity
    placed = {
        "key": request.key, "campaign_id": good.campaign_id, "user_id": request.user_id, "good_id": good.id,
        "quantity": request.quantity, "points": points, "cash_fen": good.cash_fen * request.quantity,
        "value_fen": good.value_fen * request.quantity, "tier": request.tier, "day": request.day, "state": "placed",
        "delivered_by": "host", "created_at": now, "settled_at": None,
    }  # fmt: skip
    order = MallOrder(id=session.execute(_insert_order(), placed).scalar_one(), **placed)
    make_transient_to_detached(order)  # as if read: its attributes are what the row holds
    session.add(order)
    return order


@cache
def _insert_order() -> Insert:
    """Built once: insert an order, returning its id."""
    orders = MallOrder.__table__
    return insert(orders).returning(orders.c.id)


def _spend(session: Session, order: MallOrder, source: int, sink: int | None, now: datetime) -> None:
    """Take the order's points from the soonest-expiring lots of the shopper's account ``source`` into the mall's
    account ``sink`` (created when ``None``), and record each lot taken.

    :raises InsufficientBalance: when the unexpired lots hold fewer (the caller rolls everything back).
    """
    if sink is None:
        sink = ledger.account_id(session, ledger.campaign_owner(order.campaign_id, SINK_ROLE, order.user_id), POINTS)
    held = session.execute(_usable_lots(), {"account": source, "now": now}).all()
    expiry = {lot_id: expires_at for lot_id, _, expires_at in held}
    plan = ledger.plan_spend((ledger.Lot(*lot) for lot in held), order.points, now)
    ledger.post(session, "points_spend", f"mall:{order.id}", ledger.Transfer(source, sink, order.points), now)
    session.execute(_take_from_lot(), [{"lot": lot_id, "taken": taken} for lot_id, taken in plan])
    taken_lots = [{"order_id": order.id, "lot_id": i, "points": p, "expires_at": expiry[i]} for i, p in plan]
    session.execute(insert(MallOrderLot.__table__), taken_lots)


@cache
def _usable_lots() -> Select[tuple[int, int, datetime]]:
    """Built once: an account's lots with points left, unexpired."""
    lots = PointLot.__table__.c
    account, now = bindparam("account"), bindparam("now", type_=UTCDateTime)
    return select(lots.id, lots.remaining, lots.expires_at).where(
        lots.account_id == account, lots.remaining > 0, lots.expires_at > now
    )


@cache
def _take_from_lot() -> Update:
    """Built once: take points from one lot."""
    lots = PointLot.__table__.c
    return (
        update(PointLot.__table__)
        .where(lots.id == bindparam("lot"))
        .values(remaining=lots.remaining - bindparam("taken", type_=BigInteger))
    )


__all__ = [
    "InsufficientBalance",
    "MallRefusal",
    "OutOfStock",
    "RedeemRequest",
    "cancel",
    "fulfil",
    "redeem",
    "redeem_placing",
]
