"""The exact chance of landing on each tile, by enumerating every roll (a Markov chain over the distance walked):
no sampling, exact fractions, for the rules page."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from functools import lru_cache
from itertools import product

from games.monopoly.config import MAX_CHAIN, MonopolyConfig


def dice_sums(dice: int) -> dict[int, Fraction]:
    """The chance of each sum of ``dice`` fair six-sided dice."""
    counts: dict[int, int] = defaultdict(int)
    for faces in product(range(1, 7), repeat=dice):
        counts[sum(faces)] += 1
    return {total: Fraction(count, 6**dice) for total, count in sorted(counts.items())}


@lru_cache(maxsize=64)
def landing_odds(config: MonopolyConfig, rolls: int) -> tuple[Fraction, ...]:
    """Per tile, the expected number of landings on it per roll, over a shopper's first ``rolls`` rolls from the
    start with plain dice (a chance card's move lands again, so a roll may land more than once: the figures sum to
    the mean landings per roll, 1 without chance tiles). Exact: every dice sum and card is enumerated."""
    at: dict[int, Fraction] = {0: Fraction(1)}  # distance walked -> chance
    landed = [Fraction(0)] * len(config.tiles)
    sums = dice_sums(config.dice)
    for _ in range(rolls):
        after: dict[int, Fraction] = defaultdict(Fraction)
        for distance, chance in at.items():
            for steps, rolled in sums.items():
                _land(config, distance + steps, chance * rolled, 1, landed, after)
        at = after
    return tuple(count / rolls for count in landed)


def _land(
    config: MonopolyConfig,
    distance: int,
    chance: Fraction,
    depth: int,
    landed: list[Fraction],
    after: dict[int, Fraction],
) -> None:
    """Count the landing at ``distance`` and follow the chance cards drawn there."""
    tile = distance % len(config.tiles)
    landed[tile] += chance
    if config.tiles[tile].kind != "chance":
        after[distance] += chance
        return
    for card in config.cards:
        drawn = chance * Fraction(card.weight, config.card_weight)
        if card.kind != "move":
            after[distance] += drawn
        elif depth < MAX_CHAIN:
            _land(config, max(distance + card.steps, 0), drawn, depth + 1, landed, after)
        else:
            after[max(distance + card.steps, 0)] += drawn
