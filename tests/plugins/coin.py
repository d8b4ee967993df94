"""A game registered only by tests, standing in for one a third-party package adds later: the console
must offer it, build its settings form from its schema and show its validation messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

from games.engine.contract import Action, Outcome, PlayContext
from games.engine.disclosed_terms import DisclosedTerm, Worse
from games.fairness.pools import Pool


class CoinConfigSchema(Schema):
    """The coin's part of a campaign config."""

    flips_per_day = fields.Integer(strict=True, load_default=2, validate=validate.Range(1, 100))
    heads_label = fields.String(load_default="正面", validate=validate.Length(1, 20))


@dataclass(frozen=True)
class CoinState:
    """Flips so far (the game is only configured in tests, never played)."""

    flips: int = 0


class Coin:
    """Flip a coin: a minimal game that honours the plugin contract."""

    key = "coin"
    config_schema = CoinConfigSchema
    actions = frozenset({"flip"})
    disclosed_terms = (DisclosedTerm("flips_per_day", "the flips a day", Worse.LOWER),)

    def check_config(self, config: Any, pool: Pool) -> dict[str, list[str]]:
        """Nothing to cross-check against the pool."""
        return {}

    def initial_state(self) -> CoinState:
        """No flips yet."""
        return CoinState()

    def load_state(self, data: dict[str, Any]) -> CoinState:
        """The state from its stored form."""
        return CoinState(int(data.get("flips", 0)))

    def dump_state(self, state: CoinState) -> dict[str, Any]:
        """The state's stored form."""
        return {"flips": state.flips}

    def apply(self, ctx: PlayContext, state: CoinState, action: Action) -> Outcome:
        """Count a flip; grants nothing."""
        return Outcome(CoinState(state.flips + 1), [], [])

    def view(self, config: Any, state: CoinState, today: str) -> dict[str, Any]:
        """Flips so far."""
        return {"flips": state.flips}
