"""Play items as rules: item rewards, their assets and their (nil) cost, with no database."""

from __future__ import annotations

from fractions import Fraction

import pytest

from economy.items import campaign_items_prefix, is_item_asset, item_asset
from economy.models import Account
from economy.rewards import POINTS, Reward, RewardKind, expected_cost_fen, is_item_key, reward_cost_fen, top_cost_fen
from economy.service import GrantRequest, SpendRequest


def spins(count: int = 3) -> Reward:
    return Reward(RewardKind.ITEM, count, item="wheel_spin")


@pytest.mark.parametrize("key", ["wheel_spin", "dice", "makeup_card", "x", "a" * 32, "card_2", "_"])
def test_item_keys_are_lowercase_letters_digits_and_underscores_up_to_32(key: str) -> None:
    assert is_item_key(key)
    assert Reward(RewardKind.ITEM, 1, item=key).item == key


@pytest.mark.parametrize("key", ["", "a" * 33, "Wheel", "wheel-spin", "dice\n", "骰子", "two words", "dice:1"])
def test_other_item_keys_are_refused(key: str) -> None:
    assert not is_item_key(key)
    with pytest.raises(ValueError, match="item key"):
        Reward(RewardKind.ITEM, 1, item=key)


def test_an_item_reward_names_its_item_and_grants_at_least_one() -> None:
    with pytest.raises(ValueError, match="item key"):
        Reward(RewardKind.ITEM, 1)
    for count in (0, -2):
        with pytest.raises(ValueError, match="count of at least 1"):
            Reward(RewardKind.ITEM, count, item="dice")
    assert spins(5).amount == 5


@pytest.mark.parametrize("kind", [RewardKind.POINTS, RewardKind.RED_PACKET, RewardKind.COUPON, RewardKind.NOTHING])
def test_only_an_item_reward_names_an_item(kind: RewardKind) -> None:
    with pytest.raises(ValueError, match="only an item reward"):
        Reward(kind, 1, item="dice")


def test_an_item_reward_has_no_amount_range() -> None:
    with pytest.raises(ValueError, match="amount range"):
        Reward(RewardKind.ITEM, 1, item="dice", max_amount=3)


def test_items_cost_the_budget_nothing_at_any_rate() -> None:
    for rate in (1, 100, 300):
        assert reward_cost_fen(spins(7), points_per_yuan=rate) == 0
        assert expected_cost_fen(spins(7), points_per_yuan=rate) == Fraction(0)
        assert top_cost_fen(spins(7), points_per_yuan=rate) == 0
    assert reward_cost_fen(Reward(RewardKind.POINTS, 250)) == 250  # other kinds keep their cost


def test_an_item_asset_names_its_campaign_and_item() -> None:
    assert item_asset(7, "wheel_spin") == "ITEM:7:wheel_spin"
    assert item_asset(7, "wheel_spin") != item_asset(8, "wheel_spin")
    assert item_asset(7, "dice").startswith(campaign_items_prefix(7))
    assert not item_asset(70, "dice").startswith(campaign_items_prefix(7))
    assert is_item_asset(item_asset(1, "dice")) and not is_item_asset(POINTS)


def test_an_item_asset_needs_a_valid_key_and_campaign() -> None:
    with pytest.raises(ValueError, match="not an item key"):
        item_asset(7, "Dice")
    with pytest.raises(ValueError, match="negative"):
        item_asset(-1, "dice")


def test_the_longest_item_asset_fits_the_accounts_column() -> None:
    longest = item_asset(2**63 - 1, "z" * 32)
    assert len(longest) == 57
    assert Account.__table__.c.asset.type.length >= len(longest)  # type: ignore[attr-defined]


def test_only_an_item_grant_has_a_holding_limit_of_at_least_one() -> None:
    assert GrantRequest("k", 1, 7, "spins", spins(), 0, "2026-11-23", max_held=3).max_held == 3
    with pytest.raises(ValueError, match="holding limit"):
        GrantRequest("k", 1, 7, "spins", spins(), 0, "2026-11-23", max_held=0)
    with pytest.raises(ValueError, match="holding limit"):
        GrantRequest("k", 1, 7, "pts", Reward(RewardKind.POINTS, 5), 5, "2026-11-23", max_held=10)


def test_an_item_is_spent_only_in_its_campaign() -> None:
    assert SpendRequest("s", 7, 1, item_asset(7, "dice"), 1).asset == "ITEM:7:dice"
    with pytest.raises(ValueError, match="not an item of campaign 8"):
        SpendRequest("s", 8, 1, item_asset(7, "dice"), 1)
