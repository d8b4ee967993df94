"""Reward costs in fen and cap windows: pure rules."""

from __future__ import annotations

import pytest

from economy.limits import CAMPAIGN_WINDOW, Cap
from economy.rewards import CouponTemplate, Reward, RewardKind, reward_cost_fen


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
