"""The mall's reports for ops: redemptions by good and tier, the points liability (issued, redeemed, expired,
outstanding, owed) and the goods sold out. Every function runs inside the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from economy.clawback import OWED
from economy.mall.models import MallGood, MallOrder
from economy.models import Account, LedgerEntry, PointLot, Posting
from economy.rewards import POINTS


@dataclass(frozen=True)
class Liability:
    """Points issued to shoppers in all, redeemed in the mall (orders not cancelled), expired, still held by
    shoppers (their liability: 100 points are ¥1) and owed back by shoppers for refunded orders."""

    issued: int
    redeemed: int
    expired: int
    outstanding: int
    owed: int


def redemptions(session: Session, campaign_id: int) -> list[tuple[str, str, int, int, int]]:
    """(good, tier, orders, units, points) of the campaign's orders not cancelled, by good and tier."""
    query = (
        select(MallGood.name, MallOrder.tier, func.count(), func.sum(MallOrder.quantity), func.sum(MallOrder.points))
        .join(MallGood, MallGood.id == MallOrder.good_id)
        .where(MallOrder.campaign_id == campaign_id, MallOrder.state != "cancelled")
        .group_by(MallGood.name, MallOrder.tier)
        .order_by(MallGood.name, MallOrder.tier)
    )
    return [(name, tier, int(n), int(units), int(points)) for name, tier, n, units, points in session.execute(query)]


def liability(session: Session, campaign_id: int) -> Liability:
    """The points liability (issued, expired, outstanding and owed across the economy; redeemed in this mall)."""
    users = Account.owner.startswith("user:")
    issued = session.scalar(
        select(func.coalesce(func.sum(PointLot.amount), 0))
        .join(LedgerEntry, LedgerEntry.id == PointLot.entry_id)
        .where(~LedgerEntry.reference.startswith("mall-refund:"))  # a cancellation's refund is no new issue
    )
    redeemed = session.scalar(
        select(func.coalesce(func.sum(MallOrder.points), 0)).where(
            MallOrder.campaign_id == campaign_id, MallOrder.state != "cancelled"
        )
    )
    expired = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0))
        .join(LedgerEntry, LedgerEntry.id == Posting.entry_id)
        .join(Account, Account.id == Posting.account_id)
        .where(LedgerEntry.kind == "points_expire", Posting.amount > 0)
    )
    held = select(func.coalesce(func.sum(Account.balance), 0)).where(users)
    outstanding = session.scalar(held.where(Account.asset == POINTS))
    owed = session.scalar(held.where(Account.asset == OWED))
    return Liability(int(issued or 0), int(redeemed or 0), int(expired or 0), int(outstanding or 0), int(owed or 0))


def sold_out(session: Session, campaign_id: int) -> list[str]:
    """The names of the campaign's goods with no stock left."""
    query = select(MallGood.name).where(MallGood.campaign_id == campaign_id, MallGood.stock_left == 0)
    return list(session.scalars(query.order_by(MallGood.sort, MallGood.id)))
