"""白条大富翁: a ring board the shopper walks by rolling dice (one dice item a roll), landing on points, prizes,
draws and chance cards, with props (遥控骰子 chooses the roll, 双倍卡 doubles the landing rewards) and laps."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from games.engine.contract import Action, GameEvent, Outcome, PlayContext, PrizeOutcome, Rejection, RuleLine, Viewer
from games.engine.disclosed_terms import DisclosedTerm, Worse
from games.fairness.pools import Pool, Prize, item_prize, points_prize
from games.monopoly.board import Landing, Walk, laps_after, roll_steps, walk
from games.monopoly.config import MonopolyConfig, MonopolyConfigSchema
from games.monopoly.disclosure import rules_lines, worse_changes
from games.monopoly.replay import replay as monopoly_replay
from games.monopoly.simulation import BoardAudienceSchema, simulate_board

POINTS_PRIZE = "monopoly.points"
FREE_ROLL_PRIZE = "monopoly.free_roll"


@dataclass(frozen=True)
class BoardState:
    """The token's distance walked, the laps completed, whether a double card waits for the next reward, the
    rolls made and the lap milestones granted."""

    distance: int = 0
    laps: int = 0
    double_pending: bool = False
    rolls: int = 0
    milestones: tuple[int, ...] = ()


class Monopoly:
    """The board game. Action ``roll``: payload ``{}``, or ``{"remote": k}`` (a remote-control die chooses ``k``),
    and/or ``{"double": true}`` (a double card doubles this roll's landing rewards)."""

    key = "monopoly"
    config_schema = MonopolyConfigSchema
    replay = monopoly_replay
    actions = frozenset({"roll"})
    grant_names: ClassVar[dict[str, tuple[str, str]]] = {
        POINTS_PRIZE: ("大富翁积分", "Board points"),
        FREE_ROLL_PRIZE: ("机会卡：再掷一次", "Chance card: a free roll"),
    }
    disclosed_terms = (
        DisclosedTerm("dice", "the number of dice", Worse.CHANGE),
        DisclosedTerm("dice_item", "the item a roll takes", Worse.CHANGE),
    )
    audience_schema = BoardAudienceSchema

    def worse_changes(self, before: MonopolyConfig, after: MonopolyConfig) -> list[tuple[str, str]]:
        """What a new board makes worse (:func:`games.monopoly.disclosure.worse_changes`)."""
        return worse_changes(before, after)

    def check_config(self, config: MonopolyConfig, pool: Pool) -> dict[str, list[str]]:
        """Every prize the board names is a prize of the pool with a fixed reward (a red packet's amount range
        would need a draw of its own)."""
        prizes = {p.key: p for p in pool.prizes}
        errors: dict[str, list[str]] = {}
        for path, key in config.prize_keys():
            if key not in prizes:
                errors[path] = [f"'{key}' is not a prize of the pool"]
            elif prizes[key].reward.is_range:
                errors[path] = [f"'{key}' is a red packet of random amount; the board grants fixed rewards"]
        return errors

    def initial_state(self) -> BoardState:
        """The token on the start."""
        return BoardState()

    def load_state(self, data: dict[str, Any]) -> BoardState:
        """Rebuild from JSON."""
        return BoardState(**{**data, "milestones": tuple(data.get("milestones", ()))})

    def dump_state(self, state: BoardState) -> dict[str, Any]:
        """JSON form."""
        return {**asdict(state), "milestones": list(state.milestones)}

    def simulate_audience(self, config: MonopolyConfig, pool: Pool, audience: dict[str, Any]) -> dict[str, Any]:
        """The board's cost for a dice supply per shopper (:func:`games.monopoly.simulation.simulate_board`)."""
        return simulate_board(config, pool, audience)

    def daily_draws(self, config: MonopolyConfig) -> int | None:
        """As many rolls as dice held: the config sets no daily limit."""
        return None

    def apply(self, ctx: PlayContext, state: BoardState, action: Action) -> Outcome:
        """Roll: spend a die (and the props asked for), move, apply every landing, count laps.

        The first event's payload holds the record's ``detail``: ``start`` and ``end`` (distances), ``steps``,
        ``remote`` (1 when a remote-control die chose the steps), ``doubled`` (1 when a double card was used),
        ``pending`` (1 when a chance card's double waited from before), ``laps_before`` and ``laps`` (after).

        :raises Rejection: ``invalid_roll`` (a bad payload), ``prop_unavailable`` (the board has no such prop),
            ``insufficient_items`` (no die, or no prop asked for); nothing is drawn or spent then.
        """
        config: MonopolyConfig = ctx.config
        remote, double = _props(config, action.payload)
        ctx.economy.spend_item(config.dice_item, 1, "monopoly.roll")
        if remote is not None and config.remote_item:
            ctx.economy.spend_item(config.remote_item, 1, "monopoly.remote")
        if double and config.double_item:
            ctx.economy.spend_item(config.double_item, 1, "monopoly.double")
        rolled = roll_steps(config, ctx.rng.below)  # drawn even when a remote-control die chooses: every roll draws
        steps = remote if remote is not None else rolled
        dice_faces = [value + 1 for _, value in ctx.rng.calls[: config.dice]]
        done = walk(config, state.distance, steps, ctx.rng.below)
        rewards = _Rewards(ctx, config, double, state.double_pending)
        landings = [rewards.landing(landing) for landing in done.landings]
        laps = laps_after(config, state.laps, done)
        lap_grants, milestones = _lap_rewards(ctx, config, state, laps)
        new_state = BoardState(done.end, laps, rewards.pending, state.rolls + 1, state.milestones + milestones)
        payload = _payload(config, done, remote, double, laps, dice_faces, landings, lap_grants)
        payload |= {"pending": int(state.double_pending), "laps_before": state.laps, "items": _items(ctx, config)}
        return Outcome(new_state, [GameEvent("monopoly.rolled", payload)], rewards.outcomes + lap_grants)

    def view(self, config: MonopolyConfig, state: BoardState, viewer: Viewer) -> dict[str, Any]:
        """The board and its chance cards, the token's tile, laps, the next lap milestone and whether a double card
        waits."""
        upcoming = next((m for m in config.lap_milestones if m.laps > state.laps), None)
        return {
            "tiles": [_tile_view(tile) for tile in config.tiles],
            "cards": [
                {"kind": c.kind, "name": c.name, "name_en": c.name_en, "steps": c.steps, "prize": c.prize}
                for c in config.cards
            ],
            "tile": state.distance % len(config.tiles),
            "distance": state.distance,
            "laps": state.laps,
            "rolls": state.rolls,
            "double_pending": state.double_pending,
            "dice": config.dice,
            "dice_item": config.dice_item,
            "remote_item": config.remote_item,
            "double_item": config.double_item,
            "next_lap_milestone": None if upcoming is None else {"laps": upcoming.laps, "prize": upcoming.prize},
        }

    def rules_lines(self, config: MonopolyConfig, pool: Pool) -> list[RuleLine]:
        """How to play, each tile's reward, the cards and the exact chance of landing on each tile per roll."""
        return rules_lines(config, pool)


class _Rewards:
    """Grants a roll's landings through the economy; ``pending`` is the double card waiting after the roll."""

    def __init__(self, ctx: PlayContext, config: MonopolyConfig, prop: bool, pending: bool) -> None:
        self.ctx, self.config, self.prop, self.pending = ctx, config, prop, pending
        self.outcomes: list[PrizeOutcome] = []

    def landing(self, landing: Landing) -> dict[str, Any]:
        """Apply one landing; what it granted, for the page."""
        tile = self.config.tiles[landing.tile]
        seen: dict[str, Any] = {"tile": landing.tile, "distance": landing.distance}
        if tile.kind == "points":
            prize = self._points(tile.points)
            seen |= {"points": prize.reward.amount, "granted": self._grant(prize)}
        elif tile.kind == "prize" and tile.prize:
            seen["granted"] = self._grant(self.ctx.pool.prize(tile.prize))
        elif tile.kind == "draw" and landing.pick is not None:
            seen["pick"] = landing.pick
            seen["granted"] = self._grant(self.ctx.pool.prize(tile.draws[landing.pick].prize))
        elif tile.kind == "chance" and landing.card is not None:
            seen["card"] = landing.card
            seen["granted"] = self._card(landing.card)
        return seen

    def _card(self, index: int) -> list[str | None]:
        card = self.config.cards[index]
        if card.kind == "double":
            self.pending = True
        elif card.kind == "free_roll":
            name, name_en = Monopoly.grant_names[FREE_ROLL_PRIZE]
            prize = item_prize(FREE_ROLL_PRIZE, name, name_en, self.config.dice_item, 1)
            return self._grant_times(prize, 1)
        elif card.kind == "prize" and card.prize:
            return self._grant(self.ctx.pool.prize(card.prize))
        return []

    def _points(self, points: int) -> Prize:
        name, name_en = Monopoly.grant_names[POINTS_PRIZE]
        return points_prize(POINTS_PRIZE, name, name_en, points * self._multiplier(), self.ctx.pool.points_per_yuan)

    def _grant(self, prize: Prize) -> list[str | None]:
        """Grant a landing's reward: twice when doubled (points come doubled in one grant)."""
        times = 1 if prize.key == POINTS_PRIZE else self._multiplier()
        self._consume()
        return self._grant_times(prize, times)

    def _grant_times(self, prize: Prize, times: int) -> list[str | None]:
        granted = [self.ctx.economy.grant_prize(prize) for _ in range(times)]
        self.outcomes += granted
        return [outcome.granted for outcome in granted]

    def _multiplier(self) -> int:
        return 2 if self.prop or self.pending else 1

    def _consume(self) -> None:
        """The double card waiting is used by the first reward after it."""
        self.pending = False


def _props(config: MonopolyConfig, payload: dict[str, Any]) -> tuple[int | None, bool]:
    remote, double = payload.get("remote"), payload.get("double", False)
    if remote is not None and (type(remote) is not int or not 1 <= remote <= 6 * config.dice):
        raise Rejection("invalid_roll", f"a remote-control die chooses 1 to {6 * config.dice}")
    if type(double) is not bool:
        raise Rejection("invalid_roll", 'a double card is {"double": true}')
    if (remote is not None and not config.remote_item) or (double and not config.double_item):
        raise Rejection("prop_unavailable", "this board has no such prop")
    return remote, double


def _lap_rewards(
    ctx: PlayContext, config: MonopolyConfig, state: BoardState, laps: int
) -> tuple[list[PrizeOutcome], tuple[int, ...]]:
    """The lap prize for each lap completed, and the lap milestones reached (each once)."""
    granted: list[PrizeOutcome] = []
    if config.lap_prize:
        granted += [ctx.economy.grant_prize(ctx.pool.prize(config.lap_prize)) for _ in range(laps - state.laps)]
    reached = tuple(m.laps for m in config.lap_milestones if state.laps < m.laps <= laps)
    for milestone in (m for m in config.lap_milestones if m.laps in reached):
        granted.append(ctx.economy.grant_prize(ctx.pool.prize(milestone.prize)))
    return granted, reached


def _payload(
    config: MonopolyConfig,
    done: Walk,
    remote: int | None,
    double: bool,
    laps: int,
    dice_faces: list[int],
    landings: list[dict[str, Any]],
    lap_grants: list[PrizeOutcome],
) -> dict[str, Any]:
    return {
        "start": done.start,
        "end": done.end,
        "steps": done.steps,
        "remote": int(remote is not None),
        "doubled": int(double),
        "laps": laps,
        "dice": dice_faces,
        "tile": done.end % len(config.tiles),
        "landings": landings,
        "lap_grants": [outcome.granted for outcome in lap_grants],
    }


def _items(ctx: PlayContext, config: MonopolyConfig) -> dict[str, int]:
    """The dice and props the shopper holds after the roll."""
    keys = [key for key in (config.dice_item, config.remote_item, config.double_item) if key]
    return {key: ctx.economy.item_balance(key) for key in keys}


def _tile_view(tile: Any) -> dict[str, Any]:
    return {"kind": tile.kind, "name": tile.name, "name_en": tile.name_en, "points": tile.points, "prize": tile.prize}


game = Monopoly()
