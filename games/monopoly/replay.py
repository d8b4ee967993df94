"""How a roll's walk follows from its integers (docs/fairness.md, "The Monopoly board"), for the verifiers, and
which grants the roll calls for, for reconciliation.

Standard library only: it reads the record and the config's ``games.monopoly`` (tiles, dice, cards, laps),
nothing of the engine, and walks the board again by the published rule.
"""

from __future__ import annotations

from typing import Any

MAX_CHAIN = 3
POINTS_PRIZE, FREE_ROLL_PRIZE = "monopoly.points", "monopoly.free_roll"
REWARDING = ("points", "prize", "draw")  # tiles whose landing is a reward (a waiting double card is used on it)

Landed = tuple[int, int | None, int | None]  # (tile, card index, draw-tile prize index)
Called = tuple[str, str | None, int | None, str | None]  # (prize key, kind, amount, item): a grant a roll calls for
POOL: tuple[None, None, None] = (None, None, None)  # a pool prize: its kind and amount are the pool's


class MonopolyReplay:
    """The board's step. A roll picks no pool prize (``picks_prize`` is false). Its first integers are the dice,
    ``[6, v]`` each, showing ``v + 1``; ``detail.steps`` is their sum, unless a remote-control die chose them
    (``detail.remote`` 1: 1 to 6 per die; the dice are drawn all the same). The token
    moves from distance ``detail.start`` by the steps; a draw tile then draws ``[total weight, v]`` over its pool,
    a chance tile ``[total card weight, v]`` over the cards, a move card moves it (never below distance 0) and the
    tile reached applies in turn, up to 3 landings (a move card at the third still moves). ``detail.end`` is the
    distance reached; ``detail.laps`` is ``detail.laps_before`` or the furthest distance of the roll divided by
    the tile count, whichever is more; ``detail.doubled`` and ``detail.pending`` are 0 or 1. Every integer is
    used."""

    game = "monopoly"
    picks_prize = False
    detail_members = ("doubled", "end", "laps", "laps_before", "pending", "remote", "start", "steps")
    missing_config = "has no Monopoly board (games.monopoly: tiles, dice, cards)"

    def config_view(self, config: dict[str, Any]) -> dict[str, Any] | None:
        """The board as the check needs it, or ``None`` when ``games.monopoly`` does not hold one: a non-empty list
        of tile objects (a tile's ``draws`` a list of objects with integer ``weight`` above 0), a list of card
        objects (integer ``weight`` above 0, integer ``steps`` when given) and ``dice`` 1 or 2."""
        games = config.get("games")
        board = games.get("monopoly") if type(games) is dict else None
        if type(board) is not dict:
            return None
        tiles, cards, dice = board.get("tiles"), board.get("cards", []), board.get("dice", 1)
        if (
            type(tiles) is not list
            or not tiles
            or type(cards) is not list
            or type(dice) is not int
            or dice not in (1, 2)
        ):
            return None
        if not all(type(tile) is dict for tile in tiles) or not all(_card_usable(card) for card in cards):
            return None
        draws = [tile.get("draws", []) for tile in tiles]
        if not all(type(pool) is list and all(_weighted(entry) for entry in pool) for pool in draws):
            return None
        weights = [[(entry.get("prize"), entry["weight"]) for entry in pool] for pool in draws]
        return {"tiles": tiles, "draws": weights, "cards": cards, "dice": dice, "board": board}

    def check(
        self, view: dict[str, Any], landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]
    ) -> str | None:
        """Why the walk does not follow from ``draws[at:]``, or ``None``."""
        walked = _replay(view, draws, at, detail)
        if isinstance(walked, str):
            return walked
        _, end, furthest = walked
        if end != detail["end"]:
            return f"Monopoly roll ends at distance {detail['end']} but the walk reaches {end}"
        if detail["laps"] != max(detail["laps_before"], furthest // len(view["tiles"])):
            return f"Monopoly laps {detail['laps']} do not follow from the walk"
        if detail["doubled"] > 1 or detail["pending"] > 1:
            return "Monopoly doubled or pending is neither 0 nor 1"
        return None

    def draw_grants(
        self, view: dict[str, Any], draws: list[list[int]], at: int, detail: dict[str, Any]
    ) -> list[Called]:
        """The grants the roll calls for, in the order the game makes them: ``(prize key, kind, amount, item)``,
        the last three only for the board's own rewards (``monopoly.points``: points; ``monopoly.free_roll``: one
        of the board's dice items), ``None`` for a pool prize. Landings first (doubled by a double card used, or
        by a waiting one on the first reward), then a lap prize per lap completed, then the lap milestones passed.
        For a record :meth:`check` accepts.

        :raises ValueError: for a record whose integers do not make a walk."""
        walked = _replay(view, draws, at, detail)
        if isinstance(walked, str):
            raise ValueError(walked)
        grants: list[Called] = []
        pending = bool(detail["pending"])
        for tile, card, picked in walked[0]:
            found, pending = _landing_grants(view, tile, card, picked, bool(detail["doubled"]), pending)
            grants += found
        board = view["board"]
        if board.get("lap_prize"):
            grants += [(board["lap_prize"], *POOL)] * (detail["laps"] - detail["laps_before"])
        for milestone in sorted(board.get("lap_milestones", []), key=lambda m: m["laps"]):
            if detail["laps_before"] < milestone["laps"] <= detail["laps"]:
                grants.append((milestone["prize"], *POOL))
        return grants


def _weighted(entry: object) -> bool:
    """A draw tile's prize or a card: an object with an integer ``weight`` above 0."""
    return type(entry) is dict and type(entry.get("weight")) is int and entry["weight"] > 0


def _card_usable(card: object) -> bool:
    return _weighted(card) and type(card.get("steps", 0)) is int  # type: ignore[union-attr]


def _landing_grants(
    view: dict[str, Any], tile: int, card: int | None, picked: int | None, prop: bool, pending: bool
) -> tuple[list[Called], bool]:
    """One landing's grants, and whether a double card still waits after it."""
    spec = view["tiles"][tile]
    times = 2 if prop or pending else 1
    kind = spec.get("kind")
    if kind == "points":
        return [(POINTS_PRIZE, "points", spec["points"] * times, None)], False
    if kind == "prize":
        return [(spec["prize"], *POOL)] * times, False
    if kind == "draw" and picked is not None:
        return [(view["draws"][tile][picked][0], *POOL)] * times, False
    if card is None:
        return [], pending
    drawn = view["cards"][card]
    if drawn.get("kind") == "double":
        return [], True
    if drawn.get("kind") == "free_roll":
        return [(FREE_ROLL_PRIZE, "item", 1, view["board"].get("dice_item", "dice"))], pending
    if drawn.get("kind") == "prize":
        return [(drawn["prize"], *POOL)] * times, False
    return [], pending


def _replay(
    view: dict[str, Any], draws: list[list[int]], at: int, detail: dict[str, Any]
) -> tuple[list[Landed], int, int] | str:
    """The roll's landings, end distance and furthest distance, or why its integers do not make a walk."""
    used = iter(draws[at:])
    steps = _steps(view, used, detail)
    if isinstance(steps, str):
        return steps
    walked = _walk(view, detail["start"] + steps, used)
    if not isinstance(walked, str) and next(used, None) is not None:
        return "a Monopoly roll has more integers than its walk uses"
    return walked


def _steps(view: dict[str, Any], used: Any, detail: dict[str, Any]) -> int | str:
    if detail["remote"] > 1:
        return "Monopoly remote is neither 0 nor 1"
    total = 0
    for _ in range(view["dice"]):
        die = _integer(used, 6)
        if die is None:
            return "a Monopoly die is not an integer below 6"
        total += die + 1
    if detail["remote"]:
        top = 6 * view["dice"]
        return detail["steps"] if 1 <= detail["steps"] <= top else f"a remote-control roll is not 1 to {top}"
    return total if total == detail["steps"] else f"Monopoly steps {detail['steps']} but the dice show {total}"


def _walk(view: dict[str, Any], distance: int, used: Any) -> tuple[list[Landed], int, int] | str:
    landings: list[Landed] = []
    furthest = distance
    for _ in range(MAX_CHAIN):
        tile = distance % len(view["tiles"])
        kind = view["tiles"][tile].get("kind")
        if kind == "draw":
            value = _integer(used, sum(w for _, w in view["draws"][tile]))
            if value is None:
                return "a Monopoly draw tile's integer is wrong"
            landings.append((tile, None, _pick([w for _, w in view["draws"][tile]], value)))
            return landings, distance, furthest
        if kind != "chance":
            landings.append((tile, None, None))
            return landings, distance, furthest
        value = _integer(used, sum(c["weight"] for c in view["cards"]))
        if value is None:
            return "a Monopoly chance card's integer is wrong"
        card = _pick([c["weight"] for c in view["cards"]], value)
        landings.append((tile, card, None))
        drawn = view["cards"][card]
        move = drawn.get("steps", 0) if drawn.get("kind") == "move" else 0
        if move == 0:
            return landings, distance, furthest
        distance = max(distance + move, 0)
        furthest = max(furthest, distance)
    return landings, distance, furthest


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
