"""The check-in's replay (games/checkin/replay.py): a check-in picks no prize, and its points are the fewest of the
recorded tier plus its one integer; the worked example of docs/fairness.md ("The check-in calendar") follows from
the seeds."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from games.checkin.replay import replay
from games.fairness.rng import draw_block
from games.fairness.rng import replay as integers
from tests.unit.games.fairness.test_rng import SPEC_TEXT, VECTORS

TIERS = [
    {"code": "normal", "name": "普通会员", "points_min": 10, "points_max": 20},
    {"code": "gold", "name": "金牌会员", "points_min": 30, "points_max": 40},
]
CONFIG = {"games": {"checkin": {"tiers": TIERS}}}
VIEW = ((10, 20), (30, 40))
GOLD = {"day": 20780, "makeup": 0, "paid": 1, "points": 34, "tier": 1}


def test_it_picks_no_prize_and_records_the_day_the_make_up_the_points_and_the_tier() -> None:
    assert replay.game == "checkin" and replay.picks_prize is False
    assert replay.detail_members == ("day", "makeup", "paid", "points", "tier")


def test_the_view_is_each_tiers_points_range_in_order() -> None:
    assert replay.config_view(CONFIG) == VIEW
    assert replay.config_view({"games": {"checkin": {"tiers": [TIERS[0] | {"points_max": 10}]}}}) == ((10, 10),)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"games": []},
        {"games": {"wheel": {}}},
        {"games": {"checkin": {}}},
        {"games": {"checkin": {"tiers": []}}},
        {"games": {"checkin": {"tiers": {"normal": TIERS[0]}}}},
        {"games": {"checkin": {"tiers": [TIERS[0], "gold"]}}},
        {"games": {"checkin": {"tiers": [{"points_min": 10}]}}},
        {"games": {"checkin": {"tiers": [TIERS[0] | {"points_max": "20"}]}}},
        {"games": {"checkin": {"tiers": [TIERS[0] | {"points_min": True}]}}},
        {"games": {"checkin": {"tiers": [TIERS[0] | {"points_min": -1}]}}},
        {"games": {"checkin": {"tiers": [TIERS[0] | {"points_min": 21}]}}},
    ],
)
def test_a_config_without_usable_tiers_has_no_view(config: dict[str, Any]) -> None:
    assert replay.config_view(config) is None


def test_the_points_are_the_tiers_fewest_plus_the_integer() -> None:
    assert replay.check(VIEW, "thanks", [[11, 4]], 0, GOLD) is None
    assert replay.check(VIEW, "thanks", [[11, 4]], 0, GOLD | {"tier": 0, "points": 14, "makeup": 1}) is None
    assert replay.check(((7, 7),), "thanks", [[1, 0]], 0, GOLD | {"tier": 0, "points": 7}) is None
    assert replay.check(((0, 0),), "thanks", [[1, 0]], 0, GOLD | {"tier": 0, "points": 0, "paid": 0}) is None


@pytest.mark.parametrize(
    ("draws", "detail", "why"),
    [
        ([[11, 4]], GOLD | {"points": 35}, "check-in points 35 but the draw gives 34"),
        ([[11, 4]], GOLD | {"tier": 0}, "check-in points 34 but the draw gives 14"),
        ([[11, 4]], GOLD | {"tier": 2}, "check-in tier 2 is not one of the config's 2 tiers"),
        ([[11, 4]], GOLD | {"makeup": 2}, "check-in makeup is neither 0 nor 1"),
        ([[11, 4]], GOLD | {"paid": 2}, "check-in paid is neither 0 nor 1, or pays 0 points"),
        ([[12, 4]], GOLD, "check-in draw range 12 is not the 11 daily points of tier 1"),
        ([[11, 4], [1, 0]], GOLD, "a check-in has 1 draw, not 2"),
    ],
)
def test_points_that_do_not_follow_are_refused_with_the_reason(
    draws: list[list[int]], detail: dict[str, int], why: str
) -> None:
    assert replay.check(VIEW, "thanks", draws, 0, detail) == why


def test_the_spec_worked_example_follows_from_the_seeds() -> None:
    section = SPEC_TEXT[SPEC_TEXT.index("#### The check-in calendar") : SPEC_TEXT.index("## 8. Canonical JSON")]
    text = " ".join(section.split())
    seed = VECTORS["wheel"]["server_seed"]
    block = draw_block(seed, "bob-seed", 0, 0).hex()
    value = integers(seed, "bob-seed", 0, [11])[0]
    day = (date(2026, 11, 23) - date(1970, 1, 1)).days
    detail = {"day": day, "makeup": 0, "paid": 1, "points": 30 + value, "tier": 1}
    compact = {"separators": (",", ":")}
    for said in (
        f"seed `{seed[:8]}…{seed[-4:]}`",
        "client seed `bob-seed`, nonce 0",
        f"`limit = {2**32 - 2**32 % 11}`",
        f"Block 0 is `{block}`",
        f"`0x{block[:8]} = {int(block[:8], 16)}`",
        f"`{int(block[:8], 16)} mod 11 = {value}`",
        f"`draws {json.dumps([[11, value]], **compact)}`",
        f"`detail {json.dumps(detail, **compact)}`",
        f"`10 + {value} = {10 + value}` points",
    ):
        assert said in text, said
    assert int(block[:8], 16) % 11 == value and detail == GOLD
    assert replay.check(replay.config_view(CONFIG), "thanks", [[11, value]], 0, detail) is None


def test_the_points_paid_are_the_grants_the_record_calls_for() -> None:
    assert replay.ledger_rewards(GOLD) == [("2026-11-23:daily", "checkin.points", "points", 34)]
    with pytest.raises(ValueError, match="beyond any calendar"):
        replay.ledger_rewards(GOLD | {"day": 10**9})
    assert replay.ledger_rewards(GOLD | {"paid": 0}) == []
    assert replay.owns_reference("2026-11-23:daily") and not replay.owns_reference("streak:0:7:2026-11-23")
