"""Monopoly boards for the tests: a 20-tile board with every kind of tile and card, as a campaign config."""

from __future__ import annotations

import copy
from typing import Any

PRIZES = [
    {"key": "dice", "name": "骰子×3", "weight": 0, "reward": {"kind": "item", "item": "dice", "count": 3}},
    {"key": "remote", "name": "遥控骰子", "weight": 0, "reward": {"kind": "item", "item": "remote_dice", "count": 1}},
    {"key": "double", "name": "双倍卡", "weight": 0, "reward": {"kind": "item", "item": "double_card", "count": 1}},
    {"key": "coupon", "name": "3期免息券", "weight": 0, "stock": 1000, "reward": {"kind": "coupon", "cost_fen": 500,
     "coupon": {"type": "interest_free", "title": "3期免息", "valid_days": 30, "periods": 3}}},
    {"key": "packet", "name": "5元红包", "weight": 0, "stock": 1000,
     "reward": {"kind": "red_packet", "amount_fen": 500}},
    {"key": "spins", "name": "转盘机会×1", "weight": 0, "reward": {"kind": "item", "item": "wheel_spin", "count": 1}},
    {"key": "lap", "name": "一圈奖励 50积分", "weight": 0, "reward": {"kind": "points", "points": 50}},
    {"key": "thanks", "name": "谢谢参与", "weight": 1, "reward": {"kind": "nothing"}},
]  # fmt: skip
TILES = [
    {"kind": "start", "name": "起点"},
    {"kind": "points", "name": "10积分", "points": 10},
    {"kind": "prize", "name": "免息券", "prize": "coupon"},
    {"kind": "chance", "name": "机会"},
    {"kind": "points", "name": "20积分", "points": 20},
    {"kind": "draw", "name": "抽奖", "draws": [{"prize": "packet", "weight": 1}, {"prize": "thanks", "weight": 3}]},
    {"kind": "rest", "name": "休息"},
    {"kind": "points", "name": "30积分", "points": 30},
    {"kind": "chance", "name": "机会"},
    {"kind": "prize", "name": "转盘机会", "prize": "spins"},
    {"kind": "points", "name": "10积分", "points": 10},
    {"kind": "draw", "name": "抽奖", "draws": [{"prize": "coupon", "weight": 1}, {"prize": "thanks", "weight": 1}]},
    {"kind": "rest", "name": "休息"},
    {"kind": "chance", "name": "机会"},
    {"kind": "points", "name": "50积分", "points": 50},
    {"kind": "prize", "name": "红包", "prize": "packet"},
    {"kind": "points", "name": "10积分", "points": 10},
    {"kind": "chance", "name": "机会"},
    {"kind": "rest", "name": "休息"},
    {"kind": "points", "name": "100积分", "points": 100},
]
CARDS = [
    {"kind": "move", "name": "前进3步", "weight": 3, "steps": 3},
    {"kind": "move", "name": "后退2步", "weight": 2, "steps": -2},
    {"kind": "double", "name": "双倍卡", "weight": 2},
    {"kind": "free_roll", "name": "再掷一次", "weight": 1},
    {"kind": "prize", "name": "红包", "weight": 2, "prize": "packet"},
]


def board(**changes: Any) -> dict[str, Any]:
    """The test board's game config (two dice, remote and double props, a lap prize and two milestones)."""
    return copy.deepcopy(
        {
            "tiles": TILES,
            "dice": 2,
            "dice_item": "dice",
            "remote_item": "remote_dice",
            "double_item": "double_card",
            "cards": CARDS,
            "lap_prize": "lap",
            "lap_milestones": [{"laps": 1, "prize": "spins"}, {"laps": 3, "prize": "coupon"}],
            **changes,
        }
    )


def monopoly_config(**changes: Any) -> dict[str, Any]:
    """A campaign config whose only game is the test board."""
    return {"pool": {"prizes": copy.deepcopy(PRIZES), "fallback": "thanks"}, "caps": [],
            "games": {"monopoly": board(**changes)}}  # fmt: skip
