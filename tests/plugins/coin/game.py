"""The coin flip: each flip draws a prize from the pool, then a side (heads or tails), a few flips a day.

The console must offer it, build its settings form from its schema and show its validation messages; the
rules page, the simulation and the verifiers learn it from what it declares here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields, validate

from games.engine.contract import Action, GameEvent, Outcome, PlayContext, Rejection, RuleLine, Viewer
from games.engine.disclosed_terms import DisclosedTerm, Worse
from games.fairness.pools import Pool
from games.fairness.prize_draw import draw_prize
from tests.plugins.coin.replay import replay as coin_replay


class CoinConfigSchema(Schema):
    """The coin's part of a campaign config."""

    flips_per_day = fields.Integer(strict=True, load_default=2, validate=validate.Range(1, 100))
    heads_label = fields.String(load_default="正面", validate=validate.Length(1, 20))


@dataclass(frozen=True)
class CoinState:
    """Flips on ``day``."""

    flips: int = 0
    day: str = ""


class Coin:
    """Flip a coin: a minimal game that honours the plugin contract."""

    key = "coin"
    config_schema = CoinConfigSchema
    actions = frozenset({"flip", "use"})
    disclosed_terms = (DisclosedTerm("flips_per_day", "the flips a day", Worse.LOWER),)
    replay = coin_replay

    def check_config(self, config: Any, pool: Pool) -> dict[str, list[str]]:
        """Nothing to cross-check against the pool."""
        return {}

    def initial_state(self) -> CoinState:
        """No flips yet."""
        return CoinState()

    def load_state(self, data: dict[str, Any]) -> CoinState:
        """The state from its stored form."""
        return CoinState(int(data.get("flips", 0)), str(data.get("day", "")))

    def dump_state(self, state: CoinState) -> dict[str, Any]:
        """The state's stored form."""
        return {"flips": state.flips, "day": state.day}

    def apply(self, ctx: PlayContext, state: CoinState, action: Action) -> Outcome:
        """Flip: a prize from the pool (granted or its fallback), then a side. Use: spend a ``token`` item,
        drawing nothing.

        :raises Rejection: ``no_flips_left`` once the day's flips are used; ``insufficient_items``.
        """
        if action.name == "use":  # spend one token, draw nothing
            ctx.economy.spend_item("token", 1, "coin.use")
            return Outcome(state, [GameEvent("coin.used", {"item": "token"})], [])
        flips = state.flips if state.day == ctx.today else 0
        if flips >= ctx.config["flips_per_day"]:
            raise Rejection("no_flips_left", "no flips left today")
        drawn = draw_prize(ctx.pool, ctx.rng)
        outcome = ctx.economy.grant_prize(drawn.prize)
        side = ctx.rng.below(2)
        payload = {"side": side, "prize": outcome.granted or ctx.pool.fallback_key}
        if drawn.amount_fen is not None:
            payload["amount_fen"] = drawn.amount_fen
        return Outcome(CoinState(flips + 1, ctx.today), [GameEvent("coin.flipped", payload)], [outcome])

    def view(self, config: Any, state: CoinState, viewer: Viewer) -> dict[str, Any]:
        """Flips left today."""
        return {"flips_left": config["flips_per_day"] - (state.flips if state.day == viewer.today else 0)}

    def rules_lines(self, config: Any, pool: Pool) -> list[RuleLine]:
        """The flips a day."""
        n = config["flips_per_day"]
        return [RuleLine(f"每天可抛硬币 {n} 次", f"{n} coin flips a day")]

    def daily_draws(self, config: Any) -> int:
        """One draw a flip."""
        return config["flips_per_day"]


game = Coin()
