"""The games' model of play in the simulation (games/insight/play_model.py): the draws a shopper can make a day."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from games.engine.registry import Registry
from games.insight.play_model import daily_draws_of
from games.wheel.game import Wheel

WHEEL = {"slots": ["a", "b", "a", "b", "a", "b"], "free_spins_per_day": 2}


def registry() -> Registry:
    games = Registry()
    games.register(Wheel())
    return games


def test_the_wheel_allows_its_free_and_extra_spins() -> None:
    assert daily_draws_of(registry(), {"wheel": WHEEL}) == 2
    priced = {**WHEEL, "extra_spin_points": 50, "max_extra_spins_per_day": 3}
    assert daily_draws_of(registry(), {"wheel": priced}) == 5
    assert daily_draws_of(registry(), {"wheel": {**WHEEL, "max_extra_spins_per_day": 3}}) == 2  # no price: none
    assert daily_draws_of(registry(), {"wheel": {**WHEEL, "spin_item": "wheel_spin"}}) is None  # items: no limit


def test_unknown_games_and_invalid_configs_are_named_by_game() -> None:
    with pytest.raises(ValidationError) as refused:
        daily_draws_of(registry(), {"dice": {}, "wheel": {**WHEEL, "free_spins_per_day": -1}})
    assert refused.value.messages["dice"] == ["no game is registered as 'dice'"]
    assert "free_spins_per_day" in refused.value.messages["wheel"]
