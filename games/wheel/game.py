"""The lottery wheel (抽奖转盘): free spins per day, extra spins for points, slots showing prizes."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

from games.engine.contract import Action, GameEvent, Outcome, PlayContext, Rejection, RuleLine, Viewer
from games.engine.disclosed_terms import DisclosedTerm, Worse
from games.fairness.pools import Pool
from games.fairness.prize_draw import draw_prize
from games.wheel.config import WheelConfig, WheelConfigSchema
from games.wheel.replay import replay as wheel_replay

ITEM_NAMES = {"wheel_spin": ("抽奖机会", "wheel spin")}  # the spin item's name on the rules page, when it is this one


@dataclass(frozen=True)
class WheelState:
    """Spins used on ``day`` (campaign time zone); a new day starts from zero."""

    day: str = ""
    free_used: int = 0
    extra_used: int = 0
    item_used: int = 0


class Wheel:
    """The wheel game. Action ``spin``: pay (free spin first, then points), draw, grant, land."""

    key = "wheel"
    config_schema = WheelConfigSchema
    replay = wheel_replay
    actions = frozenset({"spin"})
    disclosed_terms = (
        DisclosedTerm("free_spins_per_day", "the free spins a day", Worse.LOWER),
        DisclosedTerm("max_extra_spins_per_day", "the extra spins a day", Worse.LOWER),
        DisclosedTerm("extra_spin_points", "the points per extra spin", Worse.HIGHER, unset=math.inf),
        DisclosedTerm("spin_item", "the item that pays for a spin", Worse.CHANGE),
    )

    def check_config(self, config: WheelConfig, pool: Pool) -> dict[str, list[str]]:
        """Every slot shows a pool prize and every prize the wheel can draw (weight above 0) has a slot."""
        keys = {p.key for p in pool.prizes if p.weight > 0} | {pool.fallback_key}
        never = {p.key for p in pool.prizes} - keys
        errors: list[str] = []
        for i, k in enumerate(config.slots):
            if k in never:
                errors.append(f"slot {i + 1} shows '{k}', which the wheel never draws (weight 0)")
            elif k not in keys:
                errors.append(f"slot {i + 1} shows unknown prize '{k}'")
        errors += [f"prize '{k}' has no slot on the wheel" for k in sorted(keys - set(config.slots))]
        return {"slots": errors} if errors else {}

    def initial_state(self) -> WheelState:
        """A player who has not spun."""
        return WheelState()

    def load_state(self, data: dict[str, Any]) -> WheelState:
        """Rebuild from JSON."""
        return WheelState(**data)

    def dump_state(self, state: WheelState) -> dict[str, Any]:
        """JSON form."""
        return asdict(state)

    def view(self, config: WheelConfig, state: WheelState, viewer: Viewer) -> dict[str, Any]:
        """Spins left today and the price of an extra spin."""
        state = _on(state, viewer.today)
        return {
            "free_spins_left": max(config.free_spins_per_day - state.free_used, 0),
            "extra_spins_left": max(config.max_extra_spins_per_day - state.extra_used, 0)
            if config.extra_spin_points
            else 0,
            "extra_spin_points": config.extra_spin_points,
            "spin_item": config.spin_item,
            "slots": config.slots,
        }

    def rules_lines(self, config: WheelConfig, pool: Pool) -> list[RuleLine]:
        """Free spins a day and, when offered, the price and daily number of extra spins."""
        lines = [
            RuleLine(f"每天免费抽奖 {config.free_spins_per_day} 次", f"{config.free_spins_per_day} free spins a day")
        ]
        if config.extra_spin_points:
            points, most = config.extra_spin_points, config.max_extra_spins_per_day
            lines.append(
                RuleLine(
                    f"免费次数用完后可用 {points} 积分加抽，每天最多 {most} 次",
                    f"Then extra spins for {points} points each, at most {most} a day",
                )
            )
        if config.spin_item:
            zh, en = ITEM_NAMES.get(config.spin_item, (config.spin_item, config.spin_item))
            lines.append(
                RuleLine(f"免费次数用完后，每个「{zh}」可加抽一次", f"After the free spins, each {en} buys a spin")
            )
        return lines

    def daily_draws(self, config: WheelConfig) -> int | None:
        """One draw a spin: the free spins and, when offered, the extra spins of a day; no limit when spins can
        be paid with items (a shopper may hold any number)."""
        if config.spin_item:
            return None
        extra = config.max_extra_spins_per_day if config.extra_spin_points else 0
        return config.free_spins_per_day + extra

    def apply(self, ctx: PlayContext, state: WheelState, action: Action) -> Outcome:
        """Spin: one free spin, one ``spin_item`` or ``extra_spin_points``, one pool pick (and a range red packet's
        amount), one grant, one slot to land on.

        The event's payload has ``slot``, ``prize`` (landed), ``picked``, ``fallback_reason`` and, when
        the picked prize is a range red packet, ``amount_fen`` (its drawn amount).

        :raises Rejection: ``no_spins_left`` or ``insufficient_points``; nothing is drawn then.
        """
        if action.name not in self.actions:
            raise Rejection("unknown_action", f"the wheel has no action '{action.name}'")
        config: WheelConfig = ctx.config
        state = _pay_for_spin(ctx, config, _on(state, ctx.today))
        drawn = draw_prize(ctx.pool, ctx.rng)
        outcome = ctx.economy.grant_prize(drawn.prize)
        landed = outcome.granted or ctx.pool.fallback_key
        candidates = [i for i, key in enumerate(config.slots) if key == landed]
        slot = candidates[ctx.rng.below(len(candidates))]
        prize = ctx.pool.prize(landed)
        payload = {"slot": slot, "prize": landed, "picked": outcome.picked, "fallback_reason": outcome.fallback_reason}
        if drawn.amount_fen is not None:
            payload["amount_fen"] = drawn.amount_fen
        event = GameEvent("wheel.spun", payload, broadcast=prize.broadcast and outcome.granted == outcome.picked)
        return Outcome(state=state, events=[event], grants=[outcome])


def _on(state: WheelState, today: str) -> WheelState:
    return state if state.day == today else WheelState(day=today)


def _pay_for_spin(ctx: PlayContext, config: WheelConfig, state: WheelState) -> WheelState:
    """A free spin first, then one of the spin item, then points."""
    if state.free_used < config.free_spins_per_day:
        return replace(state, free_used=state.free_used + 1)
    if config.spin_item and ctx.economy.item_balance(config.spin_item) > 0:
        ctx.economy.spend_item(config.spin_item, 1, "wheel.item_spin")
        return replace(state, item_used=state.item_used + 1)
    if not config.extra_spin_points or state.extra_used >= config.max_extra_spins_per_day:
        raise Rejection("no_spins_left", "no spins left today")
    if ctx.economy.points_balance() < config.extra_spin_points:
        raise Rejection("insufficient_points", f"an extra spin costs {config.extra_spin_points} points")
    ctx.economy.spend_points(config.extra_spin_points, "wheel.extra_spin")
    return replace(state, extra_used=state.extra_used + 1)


game = Wheel()
