"""How a helper's prize follows from its integer (docs/fairness.md, "Share-to-unlock"), for the verifiers.

Standard library only: it reads the record and the config's ``games.share.helper_prizes``, nothing of the engine.
"""

from __future__ import annotations

from typing import Any


def pick(weights: list[int], value: int) -> int:
    """The index whose cumulative weight first exceeds ``value``."""
    total = 0
    for index, weight in enumerate(weights):
        total += weight
        if value < total:
            return index
    return len(weights) - 1


class ShareReplay:
    """The share's step. An assist picks no pool prize (``picks_prize`` is false): its one integer ``draws[0]`` is
    ``[W, v]`` over the helper prizes' total weight ``W``, and ``detail.pick`` is the index of the prize whose
    cumulative weight first exceeds ``v``. ``detail.sharer`` (the user id of the shopper assisted) and
    ``detail.share`` (their share's number) name the other player of the assist."""

    game = "share"
    picks_prize = False
    detail_members = ("pick", "share", "sharer")
    missing_config = "has no helper prizes (games.share.helper_prizes: objects with integer weight above 0)"

    def config_view(self, config: dict[str, Any]) -> list[tuple[Any, int]] | None:
        """The helper prizes as ``(prize key, weight)``, when ``games.share.helper_prizes`` is a non-empty list of
        objects with an integer weight above 0."""
        games = config.get("games")
        share = games.get("share") if type(games) is dict else None
        prizes = share.get("helper_prizes") if type(share) is dict else None
        if type(prizes) is not list or not prizes or not all(type(p) is dict for p in prizes):
            return None
        weights = [p.get("weight") for p in prizes]
        if not all(type(w) is int and w > 0 for w in weights):
            return None
        return [(p.get("prize"), p["weight"]) for p in prizes]

    def check(
        self, view: list[int], landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]
    ) -> str | None:
        """Why the helper's prize does not follow from ``draws[at]``, or ``None``."""
        weights = [weight for _, weight in view]
        if len(draws) != at + 1:
            return f"an assist has {at + 1} draw, not {len(draws)}"
        n, value = draws[at][0], draws[at][1]
        if n != sum(weights):
            return f"an assist's draw range {n} is not the helper prizes' total weight {sum(weights)}"
        if detail["pick"] != pick(weights, value):
            return f"an assist's helper prize {detail['pick']} but the draw picks {pick(weights, value)}"
        return None

    def draw_grants(
        self, view: list[tuple[Any, int]], draws: list[list[int]], at: int, detail: dict[str, Any]
    ) -> list[tuple[str, None, None, None]]:
        """The grant an assist's record calls for: the helper prize it picked (a pool prize), for reconciliation."""
        return [(str(view[detail["pick"]][0]), None, None, None)]


replay = ShareReplay()
