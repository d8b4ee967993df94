"""How a coin flip's side follows from its integer, for the verifiers: ``draws[at] = [2, v]`` and
``detail.side`` is ``v`` (0 heads, 1 tails), the last integer."""

from __future__ import annotations

from typing import Any


class CoinReplay:
    """The coin's step of the draw check."""

    game = "coin"
    picks_prize = True
    detail_members = ("side",)
    missing_config = "has no coin settings"

    def config_view(self, config: dict[str, Any]) -> bool | None:
        """True when the config has a coin game, else ``None``."""
        games = config.get("games")
        return True if type(games) is dict and type(games.get("coin")) is dict else None

    def check(self, view: bool, landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]) -> str | None:
        """Why the side does not follow from ``draws[at]``, or ``None``."""
        if len(draws) != at + 1:
            return f"a coin flip has {at + 1} draws, not {len(draws)}"
        if draws[at][0] != 2 or detail["side"] != draws[at][1]:
            return "coin side does not follow from the draw"
        return None


replay = CoinReplay()
