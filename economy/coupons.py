"""Redeeming coupons at the host app's checkout: the rules (pure) and the one-shot state change.

A coupon is used once, by one order of the user it was issued to, inside ``[valid_from, valid_until)``,
on an order of at least its minimum (``min_order_fen``, and for 满减 its ``threshold_fen``) in its
category (``None`` covers every category). Redeeming again with the same order (reference, amount and
category) answers the first redemption, and the same reference with another amount or category is
refused; two concurrent redemptions of one coupon give exactly one success.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from economy.errors import Refusal
from economy.models import Coupon
from economy.wallet import coupon_state


class CouponNotFound(Refusal):
    """No such coupon, or it belongs to another user (the two are not told apart)."""

    code = "coupon_not_found"


class CouponUsed(Refusal):
    """The coupon was used already, by another order."""

    code = "coupon_used"


class CouponExpired(Refusal):
    """The coupon's validity ended."""

    code = "coupon_expired"


class CouponNotYetValid(Refusal):
    """The coupon's validity has not started."""

    code = "coupon_not_yet_valid"


class OrderRefReused(Refusal):
    """The order reference already redeemed this coupon with another amount or category."""

    code = "order_ref_reused"


class OrderBelowMinimum(Refusal):
    """The order is below the coupon's minimum order or 满减 threshold."""

    code = "order_below_minimum"


class CategoryNotCovered(Refusal):
    """The order's category is outside the coupon's scope."""

    code = "category_not_covered"


@dataclass(frozen=True)
class Order:
    """The host app's order a coupon is redeemed for: its reference, amount in fen and category."""

    ref: str
    amount_fen: int
    category: str | None


@dataclass(frozen=True)
class Redemption:
    """A used coupon; ``replayed`` when this order had redeemed it before (the answer is the first one)."""

    coupon: Coupon
    replayed: bool = False


def minimum_fen(coupon: Coupon) -> int:
    """The smallest order the coupon applies to: its minimum order and, for 满减, its threshold."""
    return max(coupon.min_order_fen or 0, coupon.threshold_fen or 0)


def is_replay(coupon: Coupon, user_id: int | None, order: Order) -> bool:
    """True when ``order`` of ``user_id`` already used ``coupon``.

    :raises OrderRefReused: when that order reference used it with another amount or category.
    """
    if coupon.user_id != user_id or coupon.state != "used" or coupon.order_ref != order.ref:
        return False
    if (coupon.order_fen, coupon.order_category) != (order.amount_fen, order.category):
        raise OrderRefReused(f"order '{order.ref}' redeemed this coupon with another amount or category")
    return True


def check_window(coupon: Coupon, now: datetime) -> None:
    """:raises CouponUsed, CouponExpired, CouponNotYetValid: unless the coupon is usable at ``now``."""
    state = coupon_state(coupon, now)
    if state == "used":
        raise CouponUsed("this coupon has been used already")
    if state == "expired":
        raise CouponExpired("this coupon has expired")
    if now < coupon.valid_from:
        raise CouponNotYetValid(f"this coupon is valid from {coupon.valid_from.isoformat()}")


def check_order(coupon: Coupon, amount_fen: int | None, category: str | None, any_category: bool = False) -> None:
    """Check the order's amount (unless ``None``) and category (anything when ``any_category``).

    :raises OrderBelowMinimum, CategoryNotCovered: naming the rule the order misses.
    """
    if amount_fen is not None and amount_fen < minimum_fen(coupon):
        raise OrderBelowMinimum(f"this coupon needs an order of at least {minimum_fen(coupon)} fen")
    if not any_category and coupon.category is not None and category != coupon.category:
        raise CategoryNotCovered(f"this coupon covers only the category '{coupon.category}'")


def check_redeemable(coupon: Coupon | None, user_id: int | None, order: Order, now: datetime) -> Coupon:
    """Every rule a redemption must pass, in the order a refusal is reported.

    :returns: the coupon, known to be redeemable by ``order`` at ``now``.
    :raises CouponNotFound, CouponUsed, CouponExpired, CouponNotYetValid, OrderBelowMinimum,
        CategoryNotCovered: the first rule that fails.
    """
    if coupon is None or coupon.user_id != user_id:
        raise CouponNotFound("no such coupon for this user")
    check_window(coupon, now)
    check_order(coupon, order.amount_fen, order.category)
    return coupon


def redeem(session: Session, user_id: int | None, coupon_id: int, order: Order, now: datetime) -> Redemption:
    """Mark a coupon used by ``order`` inside the caller's transaction.

    The state changes by ``UPDATE ... WHERE state = 'issued'``, so of concurrent redemptions one wins
    and the others see the coupon used (or, with the same order reference, the winner's answer).

    :param user_id: the coupon's owner; ``None`` for a user Carnival has never seen (owns nothing).
    :raises Refusal: one of the typed refusals of :func:`check_redeemable`; nothing is changed.
    """
    coupon = session.get(Coupon, coupon_id)
    if coupon is not None and is_replay(coupon, user_id, order):
        return Redemption(coupon, replayed=True)
    coupon = check_redeemable(coupon, user_id, order, now)
    taken = session.execute(
        update(Coupon)
        .where(Coupon.id == coupon.id, Coupon.state == "issued")
        .values(
            state="used", order_ref=order.ref, order_fen=order.amount_fen, order_category=order.category, used_at=now
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(coupon)
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return Redemption(coupon)
    if is_replay(coupon, user_id, order):  # a concurrent request for the same order won
        return Redemption(coupon, replayed=True)
    check_window(coupon, now)
    raise CouponUsed("this coupon has been used already")


def usable_coupons(
    session: Session, user_id: int | None, now: datetime, amount_fen: int | None, category: str | None
) -> list[Coupon]:
    """The user's coupons an order could use at ``now``, soonest-ending first.

    ``amount_fen`` or ``category`` left ``None`` is not filtered on.
    """
    rows = session.scalars(
        select(Coupon)
        .where(Coupon.user_id == user_id, Coupon.state == "issued")
        .where(Coupon.valid_from <= now, Coupon.valid_until > now)
        .order_by(Coupon.valid_until, Coupon.id)
    ).all()
    return [coupon for coupon in rows if fits(coupon, amount_fen, category)]


def fits(coupon: Coupon, amount_fen: int | None, category: str | None) -> bool:
    """True when an order of ``amount_fen`` in ``category`` (``None``: any) meets the coupon's rules."""
    try:
        check_order(coupon, amount_fen, category, any_category=category is None)
    except Refusal:
        return False
    return True
