"""Mall prices by member tier: the points price times the tier's discount, rounded up (a shopper never pays less
than the discount says); and the single-redemption ceiling of ¥500 of value."""

from __future__ import annotations

TIER_RANKS = {"normal": 0, "silver": 1, "gold": 2, "diamond": 3}  # 普通, 银牌, 金牌, 钻石
DEFAULT_DISCOUNTS = {"normal": 100, "silver": 95, "gold": 85, "diamond": 75}  # percent: 9.5折, 8.5折, 7.5折
SINGLE_REDEMPTION_MAX_FEN = 50_000  # ¥500 of value at most in one redemption


def tier_rank(tier: str) -> int:
    """A tier's rank (an unknown code counts as the first tier)."""
    return TIER_RANKS.get(tier, 0)


def price(points_price: int, tier: str, discounts: dict[str, int] | None = None) -> int:
    """The points one unit costs a shopper of ``tier``: ``ceil(points_price × percent / 100)``."""
    percent = (discounts or DEFAULT_DISCOUNTS).get(tier, 100)
    return -(-points_price * percent // 100)
