"""The registry of games. Built-in games arrive through the ``carnival.games`` entry-point group,
exactly like a third-party package's would."""

from __future__ import annotations

import re
from importlib.metadata import entry_points

from marshmallow import Schema

from games.engine.contract import Game
from games.engine.disclosed_terms import DisclosedTerm

ENTRY_POINT_GROUP = "carnival.games"
GAME_KEY = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
HOOKS = ("check_config", "initial_state", "load_state", "dump_state", "apply", "view", "rules_lines", "daily_draws")


class RegistryError(ValueError):
    """A game does not honour the plugin contract, or its key is taken."""


class Registry:
    """Games by key."""

    def __init__(self) -> None:
        self._games: dict[str, Game] = {}

    def register(self, game: Game) -> None:
        """Add ``game`` after checking the contract. :raises RegistryError: on a broken contract or a duplicate key."""
        check_contract(game)
        if game.key in self._games:
            raise RegistryError(f"a game is already registered under '{game.key}'")
        self._games[game.key] = game

    def get(self, key: str) -> Game:
        """The game registered under ``key``. :raises KeyError: when there is none."""
        return self._games[key]

    def names(self) -> list[str]:
        """Registered game keys, sorted."""
        return sorted(self._games)


def check_contract(game: object) -> None:
    """Raise :class:`RegistryError` naming what ``game`` lacks."""
    key = getattr(game, "key", None)
    if not isinstance(key, str) or not GAME_KEY.match(key):
        raise RegistryError(f"game key {key!r} must match {GAME_KEY.pattern}")
    schema = getattr(game, "config_schema", None)
    if not (isinstance(schema, type) and issubclass(schema, Schema)):
        raise RegistryError(f"game '{key}' needs a marshmallow config_schema class")
    actions = getattr(game, "actions", None)
    if not isinstance(actions, frozenset) or not actions:
        raise RegistryError(f"game '{key}' needs a non-empty frozenset of actions")
    missing = [hook for hook in HOOKS if not callable(getattr(game, hook, None))]
    if missing:
        raise RegistryError(f"game '{key}' lacks {', '.join(missing)}")
    _check_terms(key, schema, getattr(game, "disclosed_terms", None))
    _check_audience_model(key, game)
    if getattr(game, "worse_changes", None) is not None and not callable(game.worse_changes):
        raise RegistryError(f"game '{key}' worse_changes must be callable")
    _check_replay(key, getattr(game, "replay", None))


def _check_terms(key: str, schema: type[Schema], terms: object) -> None:
    """The declared disclosed terms are a tuple of :class:`DisclosedTerm` naming fields of the schema."""
    if not isinstance(terms, tuple) or not all(isinstance(term, DisclosedTerm) for term in terms):
        raise RegistryError(f"game '{key}' needs a tuple of DisclosedTerm as disclosed_terms (empty: none)")
    unknown = [term.field for term in terms if term.field not in schema().fields]
    if unknown:
        raise RegistryError(f"game '{key}' discloses fields its config_schema lacks: {', '.join(unknown)}")


def _check_audience_model(key: str, game: object) -> None:
    """A game's own cost model, when it has one: a marshmallow ``audience_schema`` and ``simulate_audience``."""
    schema, model = getattr(game, "audience_schema", None), getattr(game, "simulate_audience", None)
    if schema is None and model is None:
        return
    if not (isinstance(schema, type) and issubclass(schema, Schema)) or not callable(model):
        raise RegistryError(f"game '{key}' needs both an audience_schema class and simulate_audience, or neither")


def _check_replay(key: str, replay: object) -> None:
    """The verifiers' step for the game: keyed like it, with integer detail members and the two hooks."""
    if getattr(replay, "game", None) != key:
        raise RegistryError(f"game '{key}' needs a replay for the verifiers whose game is '{key}'")
    members = getattr(replay, "detail_members", None)
    if not isinstance(members, tuple) or not all(isinstance(name, str) and name != "amount_fen" for name in members):
        raise RegistryError(f"game '{key}' replay needs a tuple of detail member names (amount_fen is the pool's)")
    if not isinstance(getattr(replay, "picks_prize", None), bool):
        raise RegistryError(f"game '{key}' replay needs picks_prize: whether its records start with a pool pick")
    if not isinstance(getattr(replay, "missing_config", None), str):
        raise RegistryError(f"game '{key}' replay needs a missing_config text")
    missing = [hook for hook in ("config_view", "check") if not callable(getattr(replay, hook, None))]
    if missing:
        raise RegistryError(f"game '{key}' replay lacks {', '.join(missing)}")


def load_registry() -> Registry:
    """A registry holding every game published in the ``carnival.games`` entry-point group."""
    registry = Registry()
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        game = entry_point.load()
        if getattr(game, "key", None) != entry_point.name:
            raise RegistryError(f"entry point '{entry_point.name}' loads a game keyed {getattr(game, 'key', None)!r}")
        registry.register(game)
    return registry
