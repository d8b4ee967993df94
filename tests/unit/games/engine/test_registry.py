"""The game registry checks the plugin contract and loads built-in games through entry points."""

from __future__ import annotations

import pytest

from games.engine.registry import Registry, RegistryError, check_contract, load_registry
from games.wheel.game import Wheel


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
