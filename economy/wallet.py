"""A shopper's wallet as read models: balances, points expiring soon, coupons, history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from economy import ledger
from economy.clawback import owed_points
from economy.gift_cards import cards_of
from economy.items import items_of_user
from economy.models import Coupon, GiftCard, Grant
from economy.rewards import CASH

EXPIRY_WARNING = timedelta(days=30)


@dataclass(frozen=True)
class Wallet:
    """What the wallet page shows."""

    points: int
    points_owed: int  # points of refunded orders still owed: while above 0, points are on hold (economy.clawback)
    points_expiring: list[tuple[int, datetime]]
    cash_fen: int
    coupons: list[Coupon]
    gift_cards: list[GiftCard]  # E-cards granted: the host delivers them (issued, then delivered)
    items: list[tuple[int, str, int]]  # play items held: (campaign id, item key, count)
    history: list[Grant]


def wallet(session: Session, user_id: int, now: datetime, history_limit: int = 50) -> Wallet:
    """Spendable points (and points owed), cash, lots expiring within 30 days, coupons (expired ones marked), the
    play items held and recent grants."""
    owner = ledger.user_owner(user_id)
    coupons = session.scalars(select(Coupon).where(Coupon.user_id == user_id).order_by(Coupon.id.desc())).all()
    history = session.scalars(
        select(Grant).where(Grant.user_id == user_id).order_by(Grant.id.desc()).limit(history_limit)
    ).all()
    return Wallet(
        points=ledger.spendable_points(session, user_id, now),  # expired lots count no more, swept or not
        points_owed=owed_points(session, user_id),
        points_expiring=ledger.points_expiring(session, user_id, now, now + EXPIRY_WARNING),
        cash_fen=ledger.balance(session, owner, CASH),
        coupons=list(coupons),
        gift_cards=cards_of(session, user_id),
        items=items_of_user(session, user_id),
        history=list(history),
    )


def coupon_state(coupon: Coupon, now: datetime) -> str:
    """``issued``, ``used`` or ``expired`` as of ``now`` (issued coupons past their end read as expired)."""
    if coupon.state == "issued" and coupon.valid_until <= now:
        return "expired"
    return coupon.state


def coupon_as_of(coupon: Coupon, now: datetime) -> dict[str, Any]:
    """A coupon's columns with ``state`` as of ``now`` (:func:`coupon_state`), for the schemas to dump."""
    return {**{c.key: getattr(coupon, c.key) for c in Coupon.__table__.columns}, "state": coupon_state(coupon, now)}


def expire_coupons(session: Session, now: datetime) -> int:
    """Mark issued coupons past their end as expired; returns how many."""
    result = session.execute(
        update(Coupon).where(Coupon.state == "issued", Coupon.valid_until <= now).values(state="expired")
    )
    return result.rowcount
