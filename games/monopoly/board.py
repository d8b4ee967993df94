"""The board's pure rules: how a roll moves the token and what each landing draws (docs/fairness.md, "The Monopoly
board"). No I/O: the integers come from a ``draw(n)`` function (the fair RNG in a play, a replay's list in the
verifier, every value in turn for the exact odds).

The token's place is its *distance*: the steps walked since the start, never below 0 (a card moving back past
the start on the first lap stops at the start). Its tile is ``distance mod N``; its laps are the most
``distance // N`` has ever been, so walking back over the start and forward again counts no new lap.

A roll: the dice (or a remote-control die's chosen number) move the token; the tile it lands on applies. A draw
tile draws one integer over its pool's total weight (the prize whose cumulative weight first exceeds it); a
chance tile draws one integer over the cards' total weight the same way, and a ``move`` card moves the token
again, whose landing applies in turn, up to :data:`~games.monopoly.config.MAX_CHAIN` landings a roll (a move card
drawn at the last of them still moves the token, but where it stops does not apply).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from games.monopoly.config import MAX_CHAIN, MonopolyConfig

Draw = Callable[[int], int]
"""A uniform integer in ``[0, n)``."""


@dataclass(frozen=True)
class Landing:
    """One landing of a roll: the distance and tile, and the card or draw-tile prize drawn there (indexes;
    ``None``: none)."""

    distance: int
    tile: int
    card: int | None = None
    pick: int | None = None


@dataclass(frozen=True)
class Walk:
    """What one roll did: the distance before and after, the steps rolled, and every landing in order."""

    start: int
    steps: int
    end: int
    landings: tuple[Landing, ...]


def pick(weights: Sequence[int], value: int) -> int:
    """The index whose cumulative weight first exceeds ``value`` (``0 <= value < sum(weights)``)."""
    total = 0
    for index, weight in enumerate(weights):
        total += weight
        if value < total:
            return index
    raise ValueError(f"{value} is not below the total weight {total}")


def roll_steps(config: MonopolyConfig, draw: Draw) -> int:
    """The dice: one integer over 6 per die, each die showing it plus 1; the steps are their sum."""
    return sum(draw(6) + 1 for _ in range(config.dice))


def walk(config: MonopolyConfig, start: int, steps: int, draw: Draw) -> Walk:
    """Move ``steps`` from distance ``start`` and apply the landings (chance cards and draw tiles draw)."""
    distance, landings = start + steps, []
    for _ in range(MAX_CHAIN):
        landing, move = land(config, distance, draw)
        landings.append(landing)
        if move == 0:
            break
        distance = max(distance + move, 0)
    return Walk(start, steps, distance, tuple(landings))


def land(config: MonopolyConfig, distance: int, draw: Draw) -> tuple[Landing, int]:
    """The landing at ``distance`` and the steps a card then moves the token (0: it stays)."""
    index = distance % len(config.tiles)
    tile = config.tiles[index]
    if tile.kind == "draw":
        return Landing(distance, index, pick=pick([d.weight for d in tile.draws], draw(tile.total_weight))), 0
    if tile.kind == "chance":
        card = pick([c.weight for c in config.cards], draw(config.card_weight))
        moved = config.cards[card]
        return Landing(distance, index, card=card), moved.steps if moved.kind == "move" else 0
    return Landing(distance, index), 0


def laps_after(config: MonopolyConfig, laps: int, walk_done: Walk) -> int:
    """The laps completed after ``walk_done``: the most ``distance // N`` any landing reached, never fewer than
    before."""
    reached = [landing.distance for landing in walk_done.landings] + [walk_done.end]
    return max(laps, max(reached) // len(config.tiles))
