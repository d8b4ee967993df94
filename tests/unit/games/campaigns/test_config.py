"""Whole campaign configs (games/campaigns/config.py): caps and games validated with the pool, hashed by content."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from marshmallow import ValidationError

from games.campaigns.config import validate_config
from games.engine.registry import load_registry
from server.demo import demo_config


def refusal(config: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(ValidationError) as refused:
        validate_config(load_registry(), config)
    return refused.value.messages  # type: ignore[return-value]


def test_two_caps_may_not_share_a_key() -> None:
    config = copy.deepcopy(demo_config())
    config["caps"] = [
        {"key": "daily", "per": "day", "max_count": 3},
        {"key": "daily", "per": "campaign", "max_value_fen": 5000},
    ]
    assert refusal(config) == {"caps": ["each cap needs its own key; repeated: daily"]}


def test_a_cap_on_an_unknown_prize_is_refused() -> None:
    config = copy.deepcopy(demo_config())
    config["caps"] = [{"key": "gold", "per": "day", "max_count": 1, "prize": "no_such_prize"}]
    assert refusal(config) == {"caps": ["cap 'gold' names unknown prize 'no_such_prize'"]}


def test_the_hash_names_the_content_not_its_key_order() -> None:
    config = copy.deepcopy(demo_config())
    reordered = dict(reversed(list(config.items())))
    assert validate_config(load_registry(), config).hash == validate_config(load_registry(), reordered).hash
    config["points_lifetime_days"] = 30
    assert validate_config(load_registry(), config).hash != validate_config(load_registry(), reordered).hash


@pytest.mark.parametrize(
    ("cap", "field"),
    [
        ({"max_count": 10**10}, "max_count"),
        ({"max_count": 0}, "max_count"),
        ({"max_value_fen": 10**13}, "max_value_fen"),
        ({"max_value_fen": 1.5}, "max_value_fen"),
    ],
)
def test_cap_limits_are_bounded_whole_numbers(cap: dict[str, Any], field: str) -> None:
    config = copy.deepcopy(demo_config())
    config["caps"] = [{"key": "big", "per": "day", **cap}]
    assert list(refusal(config)["caps"][0]) == [field]
