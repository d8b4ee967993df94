"""A running check-in campaign's new version may improve its terms but not make them worse: the tiers' points,
the milestones and their prizes, the make-up rules; the publish check names each worse change by field."""

from __future__ import annotations

import copy
from typing import Any

from games.campaigns.config import validate_config
from games.campaigns.disclosure import worsening_by_field
from games.engine.registry import load_registry
from tests.e2e.checkin_support import checkin_config

REGISTRY = load_registry()


def changed(change: Any) -> dict[str, list[str]]:
    """The worse changes, by field path, of a version changed by ``change`` (a function of the config)."""
    before = checkin_config()
    after = copy.deepcopy(before)
    change(after["games"]["checkin"])
    return worsening_by_field(validate_config(REGISTRY, before), validate_config(REGISTRY, after), REGISTRY)


def test_better_terms_may_be_published() -> None:
    def better(game: dict[str, Any]) -> None:
        game["tiers"][1]["points_max"] = 60
        game["tiers"].append({"code": "diamond", "name": "钻石会员", "points_min": 40, "points_max": 50})
        game["milestones"].append({"kind": "total", "days": 10, "prize": "spins"})
        game["makeup"] = {"window_days": 7, "monthly_max": 5, "price_points": 10}

    assert changed(better) == {}


def test_each_worse_change_is_named_by_its_field() -> None:
    def worse(game: dict[str, Any]) -> None:
        game["tiers"][1]["points_min"] = 20
        game["milestones"][0]["prize"] = "thanks"
        game["makeup"] = {"window_days": 1, "monthly_max": 1, "price_points": 30}
        game["restart_after_last"] = False

    reasons = changed(worse)
    assert reasons["config.games.checkin.tiers"] == [
        "game 'checkin': the daily points of tier gold would fall from 30–40 to 20–40"
    ]
    assert reasons["config.games.checkin.milestones"] == [
        "game 'checkin': the streak milestone of 7 days would grant thanks instead of streak7"
    ]
    assert set(reasons) >= {
        "config.games.checkin.makeup.window_days",
        "config.games.checkin.makeup.monthly_max",
        "config.games.checkin.makeup.price_points",
        "config.games.checkin.restart_after_last",
    }


def test_removing_a_tier_or_a_milestone_is_worse() -> None:
    def removed(game: dict[str, Any]) -> None:
        game["tiers"].pop()
        game["milestones"].clear()

    reasons = changed(removed)
    assert reasons["config.games.checkin.tiers"] == ["game 'checkin': the tier gold would be removed"]
    assert reasons["config.games.checkin.milestones"] == [
        "game 'checkin': the streak milestone of 7 days would be removed"
    ]


def test_a_new_tier_below_the_first_or_a_longer_cycle_is_worse() -> None:
    def lower_tier(game: dict[str, Any]) -> None:
        game["tiers"].append({"code": "basic", "name": "基础会员", "points_min": 5, "points_max": 8})

    assert changed(lower_tier)["config.games.checkin.tiers"] == [
        "game 'checkin': shoppers of tier basic would get 5–8 points a day, not the 10–10 of normal"
    ]

    def longer_cycle(game: dict[str, Any]) -> None:
        game["milestones"].append({"kind": "streak", "days": 30, "prize": "spins"})

    assert changed(longer_cycle)["config.games.checkin.milestones"] == [
        "game 'checkin': the streak milestones would start over every 30 days, not 7"
    ]
