"""Reward kinds and what each costs the campaign budget, in fen."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from fractions import Fraction

POINTS = "POINTS"
CASH = "CASH"
DEFAULT_POINTS_PER_YUAN = 100
ITEM_KEY = re.compile(r"[a-z0-9_]{1,32}")


def is_item_key(item: str) -> bool:
    """True for a valid item key: 1 to 32 lowercase ASCII letters, digits or underscores (``wheel_spin``)."""
    return ITEM_KEY.fullmatch(item) is not None


class RewardKind(StrEnum):
    """What a prize gives."""

    POINTS = "points"
    COUPON = "coupon"
    RED_PACKET = "red_packet"
    NOTHING = "nothing"
    ITEM = "item"
    GIFT_CARD = "gift_card"


@dataclass(frozen=True)
class CouponTemplate:
    """The shape of a coupon to issue: ``interest_free`` (免息) or ``full_reduction`` (满减)."""

    type: str
    title: str
    valid_days: int
    periods: int | None = None
    min_order_fen: int = 0
    category: str | None = None
    threshold_fen: int | None = None
    amount_fen: int | None = None


@dataclass(frozen=True)
class Reward:
    """A reward: ``amount`` is points for POINTS, fen for RED_PACKET, the face value in fen for GIFT_CARD (an E-card
    the host delivers), the count (>= 1) of ``item`` for ITEM,
    0 otherwise. Only an ITEM reward names an ``item`` (a key such as ``wheel_spin``, :func:`is_item_key`).

    A red packet with ``max_amount`` is a *range*: it gives ``amount`` to ``max_amount`` fen (both
    included), the amount being drawn for each grant. Only a fixed reward can be granted: a range is
    first turned into one with :meth:`drawn`.
    """

    kind: RewardKind
    amount: int = 0
    coupon: CouponTemplate | None = None
    coupon_cost_fen: int = 0
    max_amount: int | None = None
    item: str | None = None

    def __post_init__(self) -> None:
        if self.max_amount is not None and (self.kind is not RewardKind.RED_PACKET or self.max_amount <= self.amount):
            raise ValueError("only a red packet has an amount range, and its maximum must exceed its minimum")
        if self.kind is not RewardKind.ITEM and self.item is not None:
            raise ValueError("only an item reward names an item")
        if self.kind is RewardKind.ITEM and (self.item is None or not is_item_key(self.item) or self.amount < 1):
            raise ValueError("an item reward needs an item key (a-z, 0-9, _; 1 to 32) and a count of at least 1")

    @property
    def is_range(self) -> bool:
        """True for a red packet whose amount is drawn per grant."""
        return self.max_amount is not None

    @property
    def top_amount(self) -> int:
        """The largest amount one grant can give (``amount`` unless this is a range)."""
        return self.amount if self.max_amount is None else self.max_amount

    def drawn(self, amount: int) -> Reward:
        """This range red packet with its amount fixed at ``amount`` fen.

        :raises ValueError: when this is not a range or ``amount`` lies outside it.
        """
        if self.max_amount is None or not self.amount <= amount <= self.max_amount:
            raise ValueError(f"{amount} fen is not an amount of this reward")
        return replace(self, amount=amount, max_amount=None)


def reward_cost_fen(reward: Reward, points_per_yuan: int = DEFAULT_POINTS_PER_YUAN) -> int:
    """The budget cost of one grant of ``reward`` in fen (points are converted at ``points_per_yuan``,
    rounding up; a red packet costs its amount, a gift card its face value, a coupon its stated cost, play items
    and nothing 0).

    :raises ValueError: on a non-positive exchange rate, or for a range red packet: it costs the
        amount drawn for it, so draw it first (:meth:`Reward.drawn`).
    """
    if points_per_yuan <= 0:
        raise ValueError("points_per_yuan must be positive")
    if reward.is_range:
        raise ValueError("a range red packet costs the amount drawn for it; draw it first")
    if reward.kind is RewardKind.POINTS:
        return -(-reward.amount * 100 // points_per_yuan)
    if reward.kind in (RewardKind.RED_PACKET, RewardKind.GIFT_CARD):
        return reward.amount
    if reward.kind is RewardKind.COUPON:
        return reward.coupon_cost_fen
    return 0


def expected_cost_fen(reward: Reward, points_per_yuan: int = DEFAULT_POINTS_PER_YUAN) -> Fraction:
    """The mean budget cost of one grant of ``reward``, exactly: for a range red packet, whose amounts
    are equally likely, the midpoint ``(min + max) / 2``; otherwise :func:`reward_cost_fen`."""
    if reward.max_amount is not None:
        return Fraction(reward.amount + reward.max_amount, 2)
    return Fraction(reward_cost_fen(reward, points_per_yuan))


def top_cost_fen(reward: Reward, points_per_yuan: int = DEFAULT_POINTS_PER_YUAN) -> int:
    """The highest budget cost one grant of ``reward`` can have (a range red packet's maximum)."""
    return reward_cost_fen(replace(reward, amount=reward.top_amount, max_amount=None), points_per_yuan)
