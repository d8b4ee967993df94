"""The wheel's replay (games/wheel/replay.py): the slot follows from the integer after the pick and amount."""

from __future__ import annotations

from games.wheel.replay import replay

CONFIG = {"games": {"wheel": {"slots": ["big", "pts", "thanks", "pts", "thanks", "pts"]}}}


def test_the_view_lists_the_slots_showing_each_prize() -> None:
    assert replay.config_view(CONFIG) == {"big": (0,), "pts": (1, 3, 5), "thanks": (2, 4)}
    assert replay.config_view({"games": {"wheel": {"slots": "big"}}}) is None
    assert replay.config_view({"games": {}}) is None


def test_the_slot_is_the_drawn_one_among_those_showing_the_landed_prize() -> None:
    view = replay.config_view(CONFIG)
    assert replay.check(view, "pts", [[10, 4], [3, 1]], 1, {"slot": 3}) is None
    assert replay.check(view, "pts", [[10, 4], [3, 1]], 1, {"slot": 5}) == "wheel slot does not follow from the draw"
    assert replay.check(view, "pts", [[10, 4], [2, 1]], 1, {"slot": 3}) == "wheel slot does not follow from the draw"
    assert replay.check(view, "thanks", [[10, 0], [8801, 5], [2, 1]], 2, {"slot": 4, "amount_fen": 93}) is None


def test_a_spin_has_no_integer_after_the_slot() -> None:
    view = replay.config_view(CONFIG)
    assert replay.check(view, "pts", [[10, 4], [3, 1], [3, 1]], 1, {"slot": 3}) == "a wheel spin has 2 draws, not 3"
    assert replay.check(view, "pts", [[10, 4]], 1, {"slot": 3}) == "a wheel spin has 2 draws, not 1"
