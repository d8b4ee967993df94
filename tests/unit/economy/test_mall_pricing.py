"""Mall prices by member tier: the default discounts (9.5折, 8.5折, 7.5折), always rounded up."""

from __future__ import annotations

import pytest

from economy.mall.pricing import price, tier_rank


@pytest.mark.parametrize(
    ("points", "tier", "expected"),
    [
        (1000, "normal", 1000),
        (1000, "silver", 950),
        (1000, "gold", 850),
        (1000, "diamond", 750),
        (999, "silver", 950),  # 949.05 rounds up
        (999, "gold", 850),  # 849.15 rounds up
        (101, "diamond", 76),  # 75.75 rounds up
        (100, "diamond", 75),  # exact: no rounding
        (1, "diamond", 1),  # 0.75 rounds up to 1: never free
        (1000, "platinum", 1000),  # a tier the mall does not know pays the full price
    ],
)
def test_tier_prices_round_up(points: int, tier: str, expected: int) -> None:
    assert price(points, tier) == expected


def test_custom_discounts_and_ranks() -> None:
    assert price(1000, "gold", {"gold": 80}) == 800
    assert [tier_rank(t) for t in ("normal", "silver", "gold", "diamond", "other")] == [0, 1, 2, 3, 0]
