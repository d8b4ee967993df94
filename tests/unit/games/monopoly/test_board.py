"""The board's pure walk: dice, landings, chance cards chaining, the distance never below 0, laps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from marshmallow import ValidationError

from games.monopoly.board import Landing, laps_after, pick, roll_steps, walk
from games.monopoly.config import MonopolyConfig, MonopolyConfigSchema
from tests.monopoly_boards import board


def load(**changes: Any) -> MonopolyConfig:
    config: MonopolyConfig = MonopolyConfigSchema().load(board(**changes))
    return config


def script(*values: int) -> Any:
    """A draw function giving ``values`` in turn (and checking each is below its range)."""
    given: Iterator[int] = iter(values)
    asked: list[int] = []

    def draw(n: int) -> int:
        value = next(given)
        asked.append(n)
        assert 0 <= value < n
        return value

    draw.asked = asked  # type: ignore[attr-defined]
    return draw


def test_pick_takes_the_prize_whose_cumulative_weight_first_exceeds_the_value() -> None:
    assert [pick([1, 3], v) for v in range(4)] == [0, 1, 1, 1]
    with pytest.raises(ValueError):
        pick([1, 3], 4)


def test_two_dice_draw_two_integers_below_6_and_show_them_plus_one() -> None:
    draw = script(0, 5)
    assert roll_steps(load(), draw) == 1 + 6
    assert draw.asked == [6, 6]


def test_a_plain_tile_lands_once_and_draws_nothing() -> None:
    done = walk(load(), 0, 1, script())
    assert (done.end, done.landings) == (1, (Landing(1, 1),))


def test_a_draw_tile_draws_over_its_pool_weight() -> None:
    draw = script(2)
    done = walk(load(), 0, 5, draw)
    assert done.landings == (Landing(5, 5, pick=1),) and draw.asked == [4]


def test_a_move_card_lands_again_and_the_chain_stops_at_three_landings() -> None:
    draw = script(0, 0, 0)  # 前进3步 on tile 3 → tile 6 (rest)
    done = walk(load(), 0, 3, draw)
    assert [(landing.tile, landing.card) for landing in done.landings] == [(3, 0), (6, None)] and done.end == 6
    chain = walk(
        load(tiles=[{"kind": "start", "name": "s"}] + [{"kind": "chance", "name": "c"}] * 11), 0, 1, script(0, 0, 0)
    )
    assert len(chain.landings) == 3 and chain.end == 10  # the third card still moves: 1 → 4 → 7 → 10


def test_a_card_moving_back_past_the_start_on_the_first_lap_stops_at_the_start() -> None:
    tiles = [{"kind": "start", "name": "s"}, {"kind": "chance", "name": "c"}] + [{"kind": "rest", "name": "r"}] * 10
    cards = [{"kind": "move", "name": "back", "weight": 1, "steps": -5}]
    done = walk(load(tiles=tiles, cards=cards), 0, 1, script(0))
    assert done.end == 0 and done.landings[-1] == Landing(0, 0)


def test_laps_count_the_furthest_distance_reached_never_twice() -> None:
    config = load()
    over = walk(config, 18, 4, script())  # 22: tile 2, a lap
    assert laps_after(config, 0, over) == 1
    back = walk(config, 21, 2, script(3))  # 23 is a chance tile: back 2 to 21
    assert laps_after(config, 1, back) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tiles": [{"kind": "rest", "name": "r"}] * 12}, "tiles"),
        ({"tiles": [{"kind": "start", "name": "s"}] * 12}, "tiles"),
        ({"cards": []}, "cards"),
        ({"dice": 3}, "dice"),
        ({"tiles": [{"kind": "start", "name": "s"}] * 11}, "tiles"),
    ],
)
def test_a_broken_board_is_refused_by_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        load(**changes)
    assert field in refused.value.messages
