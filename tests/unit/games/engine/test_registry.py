"""The game registry checks the plugin contract and loads built-in games through entry points."""

from __future__ import annotations

import re

import pytest

from games.engine.registry import Registry, RegistryError, check_contract, load_registry
from games.wheel.game import Wheel
from games.wheel.replay import WheelReplay


def test_builtin_wheel_arrives_through_the_entry_point_group() -> None:
    assert "wheel" in load_registry().names()


def test_duplicate_keys_are_refused() -> None:
    registry = Registry()
    registry.register(Wheel())
    with pytest.raises(RegistryError, match="already registered"):
        registry.register(Wheel())


def test_contract_names_what_is_missing() -> None:
    class Broken:
        key = "broken"
        config_schema = object
        actions = frozenset({"go"})

    with pytest.raises(RegistryError, match="config_schema"):
        check_contract(Broken())

    class NoHooks(Wheel):
        apply = None  # type: ignore[assignment]

    with pytest.raises(RegistryError, match="lacks apply"):
        check_contract(NoHooks())


def test_bad_keys_are_refused() -> None:
    class Shouting(Wheel):
        key = "Wheel!"

    with pytest.raises(RegistryError, match="must match"):
        check_contract(Shouting())


def test_the_hooks_for_rules_and_simulation_are_required() -> None:
    class Silent(Wheel):
        rules_lines = None  # type: ignore[assignment]
        daily_draws = None  # type: ignore[assignment]

    with pytest.raises(RegistryError, match="lacks rules_lines, daily_draws"):
        check_contract(Silent())


class _Replay(WheelReplay):
    pass


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"game": "dice"}, "needs a replay for the verifiers whose game is 'wheel'"),
        ({"detail_members": ["slot"]}, "needs a tuple of detail member names"),
        ({"detail_members": ("amount_fen",)}, "amount_fen is the pool's"),
        ({"missing_config": None}, "needs a missing_config text"),
        ({"check": None}, "replay lacks check"),
        ({"config_view": None}, "replay lacks config_view"),
    ],
)
def test_a_game_needs_a_replay_the_verifiers_can_use(change: dict[str, object], message: str) -> None:
    replay = _Replay()
    for name, value in change.items():
        setattr(replay, name, value)

    class Unverifiable(Wheel):
        pass

    game = Unverifiable()
    game.replay = replay  # type: ignore[misc]
    with pytest.raises(RegistryError, match=re.escape(message)):
        check_contract(game)
    check_contract(Wheel())  # the wheel's own replay passes
