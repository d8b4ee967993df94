"""The mall's catalog as a shopper of a tier sees it (their price, whether their tier may redeem, whether a good is
on sale), and the orders as lists. Every function runs inside the caller's transaction."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, CompoundSelect, Integer, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import Session

from economy.ledger import held_points, user_owner
from economy.mall.models import MallGood, MallOrder
from economy.mall.pricing import DEFAULT_DISCOUNTS, price, tier_rank
from economy.models import Account


@dataclass(frozen=True)
class Shown:
    """A good as one shopper sees it."""

    good: MallGood
    points: int
    sale: str  # "on_sale", "coming" (its window has not opened), "ended", "sold_out"
    tier_allowed: bool
    stock_left: int | None = None  # as read afresh, when it was


def goods(session: Session, campaign_id: int) -> list[MallGood]:
    """The campaign's goods, in the order ops sorted them."""
    query = select(MallGood).where(MallGood.campaign_id == campaign_id).order_by(MallGood.sort, MallGood.id)
    return list(session.scalars(query))


class RecentCatalogs:
    """Each campaign's goods as read at most ``seconds`` ago, shared by a server process's requests: the catalog
    is read many times a second, its goods change rarely, and what it shows is not what a redemption relies on
    (that reads the good afresh under its locks). The goods kept are detached copies, read-only; their stock is
    read afresh by :func:`shopper_view` where shoppers see it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._read: dict[int, tuple[float, list[MallGood]]] = {}
        self._lock = threading.Lock()

    def goods(self, session: Session, campaign_id: int) -> list[MallGood]:
        """The campaign's goods, read afresh when the copy kept is older than ``seconds``."""
        now = time.monotonic()
        with self._lock:
            kept = self._read.get(campaign_id)
        if kept is not None and now - kept[0] < self.seconds:
            return kept[1]
        listed = goods(session, campaign_id)
        for good in listed:
            session.expunge(good)
        with self._lock:
            self._read[campaign_id] = (now, listed)
        return listed

    def forget(self, campaign_id: int) -> None:
        """Read the campaign's goods afresh next time (after a change this process made)."""
        with self._lock:
            self._read.pop(campaign_id, None)


def shown(good: MallGood, tier: str, now: datetime, stock_left: int | None = None) -> Shown:
    """``good`` for a shopper of ``tier`` at ``now`` (with ``stock_left`` as read since, if given)."""
    left = good.stock_left if stock_left is None else stock_left
    if good.starts_at and now < good.starts_at:
        sale = "coming"
    elif good.ends_at and now >= good.ends_at:
        sale = "ended"
    else:
        sale = "on_sale" if left > 0 else "sold_out"
    return Shown(good, price(good.points_price, tier), sale, tier_rank(tier) >= good.min_tier_rank, stock_left)


@dataclass(frozen=True)
class ShopperView:
    """What a shopper's catalog reads afresh beside the goods kept: their points and how many expire soon, their
    units per good (today, in all; cancelled orders aside), and each good's stock left as committed."""

    points: int
    points_expiring: int
    used: dict[int, tuple[int, int]]
    stock_left: dict[int, int]


def shopper_view(
    session: Session, campaign_id: int, user_id: int, today: str, now: datetime, until: datetime
) -> ShopperView:
    """The shopper's :class:`ShopperView` in one statement (one round trip on the catalog's hot path): stock,
    usage and points as three parts of a ``UNION ALL``, each row tagged with its part."""
    asked = {"campaign_id": campaign_id, "user_id": user_id, "today": today, "owner": user_owner(user_id), "now": now,
             "until": until}  # fmt: skip
    rows = session.execute(_shopper_view_query(), asked)
    points = expiring = 0
    used: dict[int, tuple[int, int]] = {}
    left: dict[int, int] = {}
    for part, good_id, first, second in rows:
        if part == _STOCK:
            left[good_id] = int(first)
        elif part == _USED:
            used[good_id] = (int(first or 0), int(second or 0))
        else:
            points, expiring = int(first or 0), int(second or 0)
    return ShopperView(points, expiring, used, left)


_STOCK, _USED, _POINTS = 1, 2, 3


@cache
def _shopper_view_query() -> CompoundSelect[tuple[int, int, int, int]]:
    """Built once: ``(part, good id, first, second)`` rows, see :func:`shopper_view`."""
    stock = select(_part(_STOCK), MallGood.id, MallGood.stock_left, literal(0, BigInteger)).where(
        MallGood.campaign_id == bindparam("campaign_id")
    )
    today = func.sum(case((MallOrder.day == bindparam("today"), MallOrder.quantity), else_=0))
    used = (
        select(_part(_USED), MallOrder.good_id, today, func.sum(MallOrder.quantity))
        .where(MallOrder.campaign_id == bindparam("campaign_id"), MallOrder.user_id == bindparam("user_id"))
        .where(MallOrder.state != "cancelled")
        .group_by(MallOrder.good_id)
    )
    mine = Account.owner == bindparam("owner")
    points = held_points(mine, bindparam("now"), bindparam("until"), _part(_POINTS), literal(0, Integer))
    return union_all(stock, used, points)


def _part(tag: int) -> Any:
    return literal(tag, Integer)


def discount_percent(tier: str) -> int:
    """The tier's discount, in percent of the price (100: none)."""
    return DEFAULT_DISCOUNTS.get(tier, 100)


def orders_of(session: Session, campaign_id: int, user_id: int) -> list[MallOrder]:
    """A shopper's orders in the mall, newest first."""
    query = select(MallOrder).where(MallOrder.campaign_id == campaign_id, MallOrder.user_id == user_id)
    return list(session.scalars(query.order_by(MallOrder.id.desc())))


def orders_in(session: Session, state: str, after_id: int, limit: int) -> list[MallOrder]:
    """Orders in ``state`` across malls, by id after ``after_id`` (the host's page)."""
    query = select(MallOrder).where(MallOrder.state == state, MallOrder.id > after_id).order_by(MallOrder.id)
    return list(session.scalars(query.limit(limit)))
