"""The verifiers' replay of a roll: docs/fairness.md's worked example, the game's own walk agreeing with the replay
on many seeds, and the grants a roll calls for."""

from __future__ import annotations

from typing import Any

import pytest

from games.fairness.rng import FairRng
from games.monopoly.board import laps_after, roll_steps, walk
from games.monopoly.config import MonopolyConfig, MonopolyConfigSchema
from games.monopoly.replay import replay
from tests.e2e.test_js_verifier_monopoly import CARDS, TILES

SEED = "65522ffc81e0df2fa83dc41d75d6e337e1b5d33038eee32ab756471770234b15"
RAW = {"games": {"monopoly": {"tiles": TILES, "cards": CARDS, "dice": 2, "lap_prize": "lap"}}}
EXAMPLE = {"doubled": 0, "end": 2, "laps": 0, "laps_before": 0, "pending": 0, "remote": 0, "start": 0, "steps": 5}


def board() -> MonopolyConfig:
    config: MonopolyConfig = MonopolyConfigSchema().load(RAW["games"]["monopoly"])
    return config


def test_the_worked_example_of_the_spec() -> None:
    rng = FairRng(SEED, "dave-seed", 0)
    steps = roll_steps(board(), rng.below)
    done = walk(board(), 0, steps, rng.below)
    draws = [list(call) for call in rng.calls]
    assert draws == [[6, 0], [6, 3], [6, 3], [6, 5]] and (steps, done.end) == (5, 2)
    view = replay.config_view(RAW)
    assert replay.check(view, "", draws, 0, EXAMPLE) is None
    assert replay.draw_grants(view, draws, 0, EXAMPLE) == [("packet", None, None, None)]


@pytest.mark.parametrize("start", [0, 7, 11, 23, 240])
def test_the_games_walk_and_the_replay_agree_on_many_seeds(start: int) -> None:
    view = replay.config_view(RAW)
    for nonce in range(200):
        rng = FairRng(SEED, "agreeing", nonce)
        steps = roll_steps(board(), rng.below)
        done = walk(board(), start, steps, rng.below)
        detail = {"doubled": 0, "end": done.end, "laps_before": 1, "laps": laps_after(board(), 1, done),
                  "pending": 0, "remote": 0, "start": start, "steps": steps}  # fmt: skip
        draws = [list(call) for call in rng.calls]
        assert replay.check(view, "", draws, 0, detail) is None, (nonce, draws, detail)
        wrong: dict[str, Any] = detail | {"end": done.end + 1}
        assert replay.check(view, "", draws, 0, wrong) is not None


def test_a_doubled_roll_calls_for_its_rewards_twice_and_laps_for_their_prize() -> None:
    view = replay.config_view(RAW)
    detail = {"doubled": 1, "end": 13, "laps": 1, "laps_before": 0, "pending": 0, "remote": 1, "start": 6,
              "steps": 7}  # fmt: skip
    # 6 + 7 = 13: tile 1, 10 points, doubled; one lap completed
    assert replay.check(view, "", [[6, 0], [6, 0]], 0, detail) is None
    called = replay.draw_grants(view, [[6, 0], [6, 0]], 0, detail)
    assert called == [("monopoly.points", "points", 20, None), ("lap", None, None, None)]


def test_a_config_without_a_usable_board_has_no_view() -> None:
    for broken in ({}, {"games": {"monopoly": {"tiles": []}}}, {"games": {"monopoly": {"tiles": TILES, "dice": 3}}},
                   {"games": {"monopoly": {"tiles": TILES, "cards": [{"weight": 0}]}}}):  # fmt: skip
        assert replay.config_view(broken) is None
