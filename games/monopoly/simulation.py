"""The board's cost model for ops (numpy): shoppers each roll the dice they are given (plus the free rolls chance
cards give back), walking the board as the rules say; each landing costs its tile's reward (a draw tile its
pool's mean cost), doubled by a waiting double card; each lap its prize and each lap milestone its prize once.
Out: the expected, p95 and p99 cost per shopper and for the audience, and how often each tile was landed on.

Props (remote-control dice, double cards from the shopper's own stock) are not modelled; stock and budget limits
are not applied: the figures are what the rules would pay, an upper bound on what a limited stock or budget lets
out. Points cost ``100 / points_per_yuan`` fen each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from marshmallow import Schema, fields, validate

from economy.rewards import Reward, RewardKind, reward_cost_fen
from games.fairness.pools import Pool
from games.monopoly.config import MAX_CHAIN, MonopolyConfig

MAX_SAMPLE = 200_000  # shoppers walked; the audience's total follows from them (normal approximation)
MAX_ROLLS = 1_000  # rolls one shopper may make in the model, free rolls included
Z95, Z99 = 1.6448536269514722, 2.3263478740408408


class BoardAudienceSchema(Schema):
    """Who the forecast is for: shoppers and the dice each is given."""

    shoppers = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100_000_000))
    dice_per_shopper = fields.Integer(strict=True, required=True, validate=validate.Range(1, 200))
    seed = fields.Integer(strict=True, load_default=None, allow_none=True, validate=validate.Range(0, 2**63 - 1))


@dataclass(frozen=True)
class BoardModel:
    """The board as arrays: per tile its kind flags and landing cost; per card its steps, kind and cost."""

    size: int
    chance: np.ndarray
    tile_cost: np.ndarray
    card_p: np.ndarray
    card_steps: np.ndarray
    card_cost: np.ndarray
    card_double: np.ndarray
    card_free: np.ndarray
    lap_cost: float
    milestones: tuple[tuple[int, float], ...]


@dataclass
class Walked:
    """What a batch of shoppers' walks came to: cost per shopper, laps per shopper, landings per tile, rolls."""

    cost: np.ndarray
    laps: np.ndarray
    landings: np.ndarray
    rolls: int = 0


def board_model(config: MonopolyConfig, pool: Pool) -> BoardModel:
    """The board's arrays for :func:`walk_board`."""
    fen = _fen(pool)
    tile_cost = []
    for tile in config.tiles:
        if tile.kind == "points":
            tile_cost.append(reward_cost_fen(_points(tile.points), pool.points_per_yuan))
        elif tile.kind == "prize" and tile.prize:
            tile_cost.append(fen(tile.prize))
        elif tile.kind == "draw":
            tile_cost.append(sum(d.weight * fen(d.prize) for d in tile.draws) / tile.total_weight)
        else:
            tile_cost.append(0.0)
    cards = config.cards or ()
    weights = np.array([c.weight for c in cards], dtype=float)
    return BoardModel(
        size=len(config.tiles),
        chance=np.array([t.kind == "chance" for t in config.tiles]),
        tile_cost=np.array(tile_cost, dtype=float),
        card_p=weights / weights.sum() if cards else np.zeros(0),
        card_steps=np.array([c.steps if c.kind == "move" else 0 for c in cards], dtype=np.int64),
        card_cost=np.array([fen(c.prize) if c.kind == "prize" and c.prize else 0.0 for c in cards]),
        card_double=np.array([c.kind == "double" for c in cards]),
        card_free=np.array([c.kind == "free_roll" for c in cards]),
        lap_cost=fen(config.lap_prize) if config.lap_prize else 0.0,
        milestones=tuple((m.laps, fen(m.prize)) for m in config.lap_milestones),
    )


def walk_board(model: BoardModel, shoppers: int, dice: int, supply: int, rng: np.random.Generator) -> Walked:
    """Walk ``shoppers`` shoppers, each rolling ``supply`` dice (and the free rolls cards give), all at once."""
    distance, laps = np.zeros(shoppers, dtype=np.int64), np.zeros(shoppers, dtype=np.int64)
    left, pending = np.full(shoppers, supply, dtype=np.int64), np.zeros(shoppers, dtype=bool)
    walked = Walked(np.zeros(shoppers), laps, np.zeros(model.size, dtype=np.int64))
    for _ in range(MAX_ROLLS):
        rolling = np.flatnonzero(left > 0)
        if rolling.size == 0:
            break
        left[rolling] -= 1
        walked.rolls += rolling.size
        distance[rolling] += rng.integers(1, 7, size=(rolling.size, dice)).sum(axis=1)
        _landings(model, rolling, distance, left, pending, walked, rng)
        reached = distance[rolling] // model.size
        walked.cost[rolling] += np.maximum(reached - laps[rolling], 0) * model.lap_cost
        laps[rolling] = np.maximum(laps[rolling], reached)
    for threshold, cost in model.milestones:
        walked.cost += (laps >= threshold) * cost
    return walked


def _landings(
    model: BoardModel,
    who: np.ndarray,
    distance: np.ndarray,
    left: np.ndarray,
    pending: np.ndarray,
    walked: Walked,
    rng: np.random.Generator,
) -> None:
    """The landings of one roll of the shoppers ``who``: count them, pay them, follow chance cards."""
    for depth in range(1, MAX_CHAIN + 1):
        tile = distance[who] % model.size
        walked.landings += np.bincount(tile, minlength=model.size)
        _pay(who, model.tile_cost[tile], pending, walked)
        on_chance = model.chance[tile]
        drawing = who[on_chance]
        if drawing.size == 0 or model.card_p.size == 0:
            return
        card = rng.choice(model.card_p.size, size=drawing.size, p=model.card_p)
        _pay(drawing, model.card_cost[card], pending, walked)
        pending[drawing[model.card_double[card]]] = True
        left[drawing[model.card_free[card]]] += 1
        steps = model.card_steps[card]
        moving = drawing[steps != 0]
        distance[moving] = np.maximum(distance[moving] + steps[steps != 0], 0)
        if depth == MAX_CHAIN:
            return
        who = moving


def _pay(who: np.ndarray, cost: np.ndarray, pending: np.ndarray, walked: Walked) -> None:
    """Add each landing's cost, doubled where a double card waits (and used by a reward)."""
    paying = cost > 0
    doubled = pending[who] & paying
    walked.cost[who] += cost * np.where(doubled, 2.0, 1.0)
    pending[who[doubled]] = False


def simulate_board(config: MonopolyConfig, pool: Pool, audience: dict[str, Any]) -> dict[str, Any]:
    """The forecast for ``audience`` (loaded by :class:`BoardAudienceSchema`)."""
    rng = np.random.default_rng(audience["seed"])
    sample = min(audience["shoppers"], MAX_SAMPLE)
    walked = walk_board(board_model(config, pool), sample, config.dice, audience["dice_per_shopper"], rng)
    p95, p99 = np.percentile(walked.cost, [95, 99])
    mean, spread = float(walked.cost.mean()), float(walked.cost.std())
    shoppers = audience["shoppers"]
    total_mean, total_spread = mean * shoppers, spread * math.sqrt(shoppers)
    return {
        "per_shopper": {"expected_fen": mean, "p95_fen": float(p95), "p99_fen": float(p99)},
        "audience": {
            "expected_fen": total_mean,
            "p95_fen": total_mean + Z95 * total_spread,
            "p99_fen": total_mean + Z99 * total_spread,
        },
        "landings_per_roll": [float(n) / walked.rolls for n in walked.landings],
        "mean_laps": float(walked.laps.mean()),
        "shoppers_simulated": sample,
        "rolls_simulated": walked.rolls,
        "method": "shoppers walked roll by roll (numpy); a draw tile costs its pool's mean; props not modelled; no"
        " stock or budget limits (an upper bound)",
    }


def _fen(pool: Pool) -> Any:
    keys = {p.key: float(p.cost_fen) for p in pool.prizes}
    return lambda key: keys.get(key, 0.0)


def _points(points: int) -> Reward:
    return Reward(RewardKind.POINTS, points)
