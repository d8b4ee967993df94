"""What the cost simulation learns from the games themselves: how many draws a shopper can make a day.

Each game models its play for the simulation (:meth:`games.engine.contract.Game.daily_draws`); a campaign's
shoppers can make at most the sum over its games.
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from games.engine.registry import Registry


def daily_draws_of(registry: Registry, games: dict[str, Any]) -> int | None:
    """The most draws one shopper can make a day across ``games`` (raw configs by game key); ``None`` when a
    game sets no limit.

    :raises marshmallow.ValidationError: an unknown game or an invalid config, messages keyed by game.
    """
    errors: dict[str, Any] = {}
    most: int | None = 0
    for key, raw in sorted(games.items()):
        try:
            game = registry.get(key)
        except KeyError:
            errors[key] = [f"no game is registered as '{key}'"]
            continue
        try:
            config = game.config_schema().load(raw)
        except ValidationError as error:
            errors[key] = error.messages
            continue
        draws = game.daily_draws(config)
        most = None if most is None or draws is None else most + draws
    if errors:
        raise ValidationError(errors)
    return most
