"""How a roll's walk follows from its integers (docs/fairness.md, "The Monopoly board"), for the verifiers.

Standard library only: it reads the record and the config's ``games.monopoly`` (tiles, dice, cards), nothing of
the engine, and walks the board again by the published rule.
"""

from __future__ import annotations

from typing import Any

MAX_CHAIN = 3


class MonopolyReplay:
    """The board's step. A roll picks no pool prize (``picks_prize`` is false). Without a remote-control die
    (``detail.remote`` 0) its first integers are the dice, ``[6, v]`` each, showing ``v + 1``, and ``detail.steps``
    is their sum; with one (``remote`` 1) the steps were chosen (1 to 6 per die) and no die is drawn. The token
    moves from distance ``detail.start`` by the steps; a draw tile then draws ``[total weight, v]`` over its pool,
    a chance tile ``[total card weight, v]`` over the cards, a move card moves it (never below distance 0) and the
    tile reached applies in turn, up to 3 landings (a move card at the third still moves). ``detail.end`` is the
    distance reached; ``detail.laps`` is at least the furthest distance of the roll divided by the tile count;
    ``detail.doubled`` is 0 or 1. Every integer is used."""

    game = "monopoly"
    picks_prize = False
    detail_members = ("doubled", "end", "laps", "remote", "start", "steps")
    missing_config = "has no Monopoly board (games.monopoly: tiles, dice, cards)"

    def config_view(self, config: dict[str, Any]) -> dict[str, Any] | None:
        """The board: each tile's kind and draw weights, the dice, the cards' weights and moves."""
        games = config.get("games")
        board = games.get("monopoly") if type(games) is dict else None
        tiles = board.get("tiles") if type(board) is dict else None
        if type(tiles) is not list or not tiles or not all(type(t) is dict for t in tiles):
            return None
        cards = board.get("cards", [])
        if type(cards) is not list or not all(type(c) is dict and type(c.get("weight")) is int for c in cards):
            return None
        draws = [[d.get("weight") for d in t.get("draws", [])] for t in tiles]
        if not all(type(w) is int and w > 0 for weights in draws for w in weights):
            return None
        moves = [c.get("steps", 0) if c.get("kind") == "move" else 0 for c in cards]
        dice = board.get("dice", 1)
        if type(dice) is not int or dice not in (1, 2) or not all(type(m) is int for m in moves):
            return None
        kinds = [t.get("kind") for t in tiles]
        return {"kinds": kinds, "draws": draws, "card_weights": [c["weight"] for c in cards], "moves": moves,
                "dice": dice}  # fmt: skip

    def check(
        self, view: dict[str, Any], landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]
    ) -> str | None:
        """Why the walk does not follow from ``draws[at:]``, or ``None``."""
        used = iter(draws[at:])
        steps = self._steps(view, used, detail)
        if isinstance(steps, str):
            return steps
        walked = self._walk(view, detail["start"] + steps, used)
        if isinstance(walked, str):
            return walked
        end, furthest = walked
        if next(used, None) is not None:
            return "a Monopoly roll has more integers than its walk uses"
        if end != detail["end"]:
            return f"Monopoly roll ends at distance {detail['end']} but the walk reaches {end}"
        if detail["laps"] < furthest // len(view["kinds"]) or detail["doubled"] > 1:
            return "Monopoly laps fewer than the walk reached, or doubled neither 0 nor 1"
        return None

    def _steps(self, view: dict[str, Any], used: Any, detail: dict[str, Any]) -> int | str:
        if detail["remote"] > 1:
            return "Monopoly remote is neither 0 nor 1"
        if detail["remote"]:
            ok = 1 <= detail["steps"] <= 6 * view["dice"]
            return (
                detail["steps"] if ok else f"a remote-control roll of {detail['steps']} is not 1 to {6 * view['dice']}"
            )
        total = 0
        for _ in range(view["dice"]):
            die = next(used, None)
            if die is None or die[0] != 6 or not 0 <= die[1] < 6:
                return "a Monopoly die is not an integer below 6"
            total += die[1] + 1
        return total if total == detail["steps"] else f"Monopoly steps {detail['steps']} but the dice show {total}"

    def _walk(self, view: dict[str, Any], distance: int, used: Any) -> tuple[int, int] | str:
        furthest = distance
        for _ in range(MAX_CHAIN):
            tile = distance % len(view["kinds"])
            kind = view["kinds"][tile]
            if kind == "draw":
                value = self._integer(used, sum(view["draws"][tile]))
                return (distance, furthest) if value is not None else "a Monopoly draw tile's integer is wrong"
            if kind != "chance":
                return distance, furthest
            value = self._integer(used, sum(view["card_weights"]))
            if value is None:
                return "a Monopoly chance card's integer is wrong"
            move = view["moves"][_pick(view["card_weights"], value)]
            if move == 0:
                return distance, furthest
            distance = max(distance + move, 0)
            furthest = max(furthest, distance)
        return distance, furthest

    @staticmethod
    def _integer(used: Any, n: int) -> int | None:
        drawn = next(used, None)
        return drawn[1] if drawn is not None and drawn[0] == n and 0 <= drawn[1] < n else None


def _pick(weights: list[int], value: int) -> int:
    total = 0
    for index, weight in enumerate(weights):
        total += weight
        if value < total:
            return index
    return len(weights) - 1


replay = MonopolyReplay()
