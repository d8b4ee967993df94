"""Each game's part of checking a draw (docs/fairness.md section 7, "How a game's outcome follows"): the
integers a game draws after the pool pick and the amount, and the outcome members of ``detail`` they give.

A game declares its step as a :class:`GameReplay` (the wheel's is :mod:`games.wheel.replay`) and hands it to
the verifier through the registry: each game registered in the ``carnival.games`` entry-point group carries
its ``replay``. A replay uses the standard library only and reads nothing but the record and its config, so
what it checks is the published rule, not the engine's code. A record of a game the verifier has no replay
for is refused by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any, Protocol

ENTRY_POINT_GROUP = "carnival.games"


class GameReplay(Protocol):
    """How one game's outcome follows from its integers.

    - ``game``: the game key records carry;
    - ``detail_members``: the members of ``detail`` the game records (each an integer ≥ 0, all required);
      ``detail`` holds exactly these and, after a range red packet's amount draw, ``amount_fen``;
    - ``missing_config``: what a config lacks when :meth:`config_view` finds nothing to check against,
      said after "config <hash>".
    """

    game: str
    detail_members: tuple[str, ...]
    missing_config: str

    def config_view(self, config: dict[str, Any]) -> Any | None:
        """What the check needs of a config (computed once per config); ``None`` when the config lacks it."""

    def check(self, view: Any, landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]) -> str | None:
        """Why the record's outcome does not follow from ``draws[at:]`` (the game's own integers, each a
        sequence with its bound ``n`` first and its ``value`` last: ``[n, value]``, or a longer tuple in the fast
        lane), or ``None`` when it does. ``landed`` is the granted prize, or the pool's fallback
        when nothing was granted."""


Replays = Mapping[str, GameReplay]


def installed_replays() -> dict[str, GameReplay]:
    """The replay of every game installed in the ``carnival.games`` entry-point group, by game key.

    :raises ValueError: when an installed game has no replay, or one keyed otherwise.
    """
    replays: dict[str, GameReplay] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        replay = getattr(entry_point.load(), "replay", None)
        if getattr(replay, "game", None) != entry_point.name:
            raise ValueError(f"game '{entry_point.name}' has no replay keyed '{entry_point.name}' for the verifier")
        replays[entry_point.name] = replay  # type: ignore[assignment]
    return replays
