"""Reward kinds and what each costs the campaign budget, in fen."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

POINTS = "POINTS"
CASH = "CASH"
DEFAULT_POINTS_PER_YUAN = 100


class RewardKind(StrEnum):
    """What a prize gives."""

    POINTS = "points"
    COUPON = "coupon"
    RED_PACKET = "red_packet"
    NOTHING = "nothing"


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
    """A reward: ``amount`` is points for POINTS, fen for RED_PACKET, 0 otherwise."""

    kind: RewardKind
    amount: int = 0
    coupon: CouponTemplate | None = None
    coupon_cost_fen: int = 0


def reward_cost_fen(reward: Reward, points_per_yuan: int = DEFAULT_POINTS_PER_YUAN) -> int:
    """The budget cost of ``reward`` in fen (points are converted at ``points_per_yuan``, rounding up).

    :raises ValueError: on a non-positive exchange rate.
    """
    if points_per_yuan <= 0:
        raise ValueError("points_per_yuan must be positive")
    if reward.kind is RewardKind.POINTS:
        return -(-reward.amount * 100 // points_per_yuan)
    if reward.kind is RewardKind.RED_PACKET:
        return reward.amount
    if reward.kind is RewardKind.COUPON:
        return reward.coupon_cost_fen
    return 0
