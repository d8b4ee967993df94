"""Reward costs in fen and cap windows: pure rules."""

from __future__ import annotations

from fractions import Fraction

import pytest

from economy.limits import CAMPAIGN_WINDOW, Cap
from economy.rewards import CouponTemplate, Reward, RewardKind, expected_cost_fen, reward_cost_fen, top_cost_fen
from economy.service import GrantRequest


def test_points_cost_one_fen_each_at_the_default_rate() -> None:
    assert reward_cost_fen(Reward(RewardKind.POINTS, 250)) == 250


def test_points_cost_rounds_up_at_other_rates() -> None:
    assert reward_cost_fen(Reward(RewardKind.POINTS, 10), points_per_yuan=300) == 4


def test_red_packet_costs_its_amount_and_coupon_its_stated_cost() -> None:
    coupon = CouponTemplate(type="interest_free", title="3期免息", valid_days=30, periods=3)
    assert reward_cost_fen(Reward(RewardKind.RED_PACKET, 188)) == 188
    assert reward_cost_fen(Reward(RewardKind.COUPON, coupon=coupon, coupon_cost_fen=300)) == 300
    assert reward_cost_fen(Reward(RewardKind.NOTHING)) == 0


def test_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="points_per_yuan"):
        reward_cost_fen(Reward(RewardKind.POINTS, 1), points_per_yuan=0)


def test_cap_windows_and_scope() -> None:
    daily = Cap("d", "day", max_count=3)
    whole = Cap("c", "campaign", max_count=1, prize_key="big")
    assert daily.window("2026-11-23") == "2026-11-23"
    assert whole.window("2026-11-23") == CAMPAIGN_WINDOW
    assert daily.covers("anything") and whole.covers("big") and not whole.covers("small")


def test_a_range_red_packet_costs_its_mean_on_average_and_its_maximum_at_most() -> None:
    lucky = Reward(RewardKind.RED_PACKET, 88, max_amount=8888)
    assert lucky.is_range and lucky.top_amount == 8888
    assert expected_cost_fen(lucky) == Fraction(4488) and top_cost_fen(lucky) == 8888
    assert expected_cost_fen(Reward(RewardKind.RED_PACKET, 1, max_amount=2)) == Fraction(3, 2)
    assert (
        expected_cost_fen(Reward(RewardKind.POINTS, 10), points_per_yuan=300)
        == 4
        == top_cost_fen(Reward(RewardKind.POINTS, 10), points_per_yuan=300)
    )


def test_a_range_is_granted_only_once_its_amount_is_drawn() -> None:
    lucky = Reward(RewardKind.RED_PACKET, 88, max_amount=8888)
    with pytest.raises(ValueError, match="draw it first"):
        reward_cost_fen(lucky)
    drawn = lucky.drawn(5793)
    assert drawn == Reward(RewardKind.RED_PACKET, 5793) and reward_cost_fen(drawn) == 5793
    assert lucky.drawn(88).amount == 88 and lucky.drawn(8888).amount == 8888
    for bad in (87, 8889):
        with pytest.raises(ValueError):
            lucky.drawn(bad)
    with pytest.raises(ValueError):
        drawn.drawn(5793)


@pytest.mark.parametrize(
    ("kind", "low", "high"),
    [(RewardKind.POINTS, 1, 10), (RewardKind.RED_PACKET, 10, 10), (RewardKind.RED_PACKET, 10, 9)],
)
def test_only_a_red_packet_has_a_range_and_its_maximum_exceeds_its_minimum(
    kind: RewardKind, low: int, high: int
) -> None:
    with pytest.raises(ValueError, match="amount range"):
        Reward(kind, low, max_amount=high)


def test_the_economy_refuses_an_undrawn_range_and_a_red_packet_charged_other_than_its_amount() -> None:
    lucky = Reward(RewardKind.RED_PACKET, 88, max_amount=8888)
    with pytest.raises(ValueError, match="draw a range red packet"):
        GrantRequest("k", 1, 1, "lucky", lucky, 4488, "2026-11-23")
    with pytest.raises(ValueError, match="exactly the amount"):
        GrantRequest("k", 1, 1, "lucky", lucky.drawn(5793), 4488, "2026-11-23")
    assert GrantRequest("k", 1, 1, "lucky", lucky.drawn(5793), 5793, "2026-11-23").cost_fen == 5793
