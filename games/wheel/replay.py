"""How a wheel spin's slot follows from its integers (docs/fairness.md, "The wheel"), for the verifiers.

Standard library only: it reads the record and the config's ``games.wheel.slots``, nothing of the engine.
"""

from __future__ import annotations

from typing import Any


class WheelReplay:
    """The wheel's step: ``draws[at]`` is ``[len(candidates), v]`` over the slots showing the landed prize,
    ``detail.slot`` is ``candidates[v]``, and no integer follows."""

    game = "wheel"
    picks_prize = True
    detail_members = ("slot",)
    missing_config = "has no wheel slots (a list of prize keys)"

    def config_view(self, config: dict[str, Any]) -> dict[str, tuple[int, ...]] | None:
        """The slot indexes showing each prize key, when ``games.wheel.slots`` is a list of strings."""
        games = config.get("games")
        wheel = games.get("wheel") if type(games) is dict else None
        slots = wheel.get("slots") if type(wheel) is dict else None
        if type(slots) is not list or not all(type(key) is str for key in slots):
            return None
        showing: dict[str, list[int]] = {}
        for index, key in enumerate(slots):
            showing.setdefault(key, []).append(index)
        return {key: tuple(indexes) for key, indexes in showing.items()}

    def check(
        self, view: dict[str, tuple[int, ...]], landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]
    ) -> str | None:
        """Why the slot does not follow from ``draws[at]``, or ``None``."""
        if len(draws) != at + 1:
            return f"a wheel spin has {at + 1} draws, not {len(draws)}"
        n, value = draws[at][0], draws[at][1]
        candidates = view.get(landed, ())
        if n != len(candidates) or value >= n or detail["slot"] != candidates[value]:
            return "wheel slot does not follow from the draw"
        return None


replay = WheelReplay()
