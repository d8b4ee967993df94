"""The exact landing odds: dice sums, a board without cards, and agreement with a million simulated rolls."""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

import numpy as np

from games.fairness.pools import load_pool
from games.monopoly.config import MonopolyConfig, MonopolyConfigSchema
from games.monopoly.odds import dice_sums, landing_odds
from games.monopoly.simulation import board_model, walk_board
from tests.monopoly_boards import PRIZES, board

ROLLS = 10
SHOPPERS = 100_000  # × 10 rolls: a million board moves


def load(**changes: object) -> MonopolyConfig:
    config: MonopolyConfig = MonopolyConfigSchema().load(board(**changes))
    return config


def test_dice_sums_are_exact() -> None:
    assert dice_sums(1) == {n: Fraction(1, 6) for n in range(1, 7)}
    two = dice_sums(2)
    assert (two[2], two[7], two[12], sum(two.values())) == (Fraction(1, 36), Fraction(6, 36), Fraction(1, 36), 1)


def test_without_chance_tiles_a_roll_lands_once_and_the_first_roll_follows_the_die() -> None:
    tiles = [{"kind": "start", "name": "s"}] + [{"kind": "rest", "name": "r"}] * 11
    config = load(tiles=tiles, cards=[], dice=1)
    first = landing_odds(config, 1)
    assert first == tuple([Fraction(0)] + [Fraction(1, 6)] * 6 + [Fraction(0)] * 5)
    assert sum(landing_odds(config, 5)) == 1


def test_chance_moves_add_landings_exactly() -> None:
    odds = landing_odds(load(), ROLLS)
    assert sum(odds) > 1  # a move card lands again
    assert all(isinstance(chance, Fraction) for chance in odds)


def test_the_exact_odds_agree_with_a_million_simulated_rolls() -> None:
    config = load()
    exact = landing_odds(config, ROLLS)
    model = board_model(config, load_pool({"prizes": PRIZES, "fallback": "thanks"}))
    model = replace(model, card_free=np.zeros_like(model.card_free))  # exactly ROLLS rolls each, as the odds count
    walked = walk_board(model, SHOPPERS, config.dice, ROLLS, np.random.default_rng(20261206))
    assert walked.rolls == SHOPPERS * ROLLS
    for tile, chance in enumerate(exact):
        measured = walked.landings[tile] / walked.rolls
        spread = math.sqrt(max(float(chance), 1e-9) / walked.rolls)  # a landing count's standard error, at most
        assert abs(measured - float(chance)) < 6 * spread, (tile, measured, float(chance))
