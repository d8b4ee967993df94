"""Each game's part of checking a draw (docs/fairness.md section 7, "How a game's outcome follows"): the
integers a game draws after the pool pick and the amount (all of them, for a game that picks no prize), and
the outcome members of ``detail`` they give.

A game declares its step as a :class:`GameReplay` (the wheel's is :mod:`games.wheel.replay`): the game object
the registry holds carries it as ``replay``, and the game's package publishes the same object in the
``carnival.replays`` entry-point group, so that the verifier loads the replays alone (standard library only,
nothing of the engine). A replay reads nothing but the record and its config, so what it checks is the
published rule, not the engine's code. A record of a game the verifier has no replay for is refused by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any, Protocol

ENTRY_POINT_GROUP = "carnival.replays"


class ReplaysUnavailable(Exception):
    """An installed game's replay cannot be loaded: nothing can be verified until it is fixed or removed."""


class GameReplay(Protocol):
    """How one game's outcome follows from its integers.

    - ``game``: the game key records carry;
    - ``picks_prize``: whether the game's records start with a pool pick (and, for a range red packet, its
      amount); when false, the record names no prize (``prize`` ``""``, ``granted`` and ``fallback_reason``
      null) and all its integers are the game's own (``at`` is 0);
    - ``detail_members``: the members of ``detail`` the game records (each an integer ≥ 0, all required);
      ``detail`` holds exactly these and, after a range red packet's amount draw, ``amount_fen``;
    - optionally ``ledger_rewards(detail)`` and ``owns_reference(reference)``: the grants a record calls for
      outside the draw's own (``(reference, prize key, kind, amount)``, keyed
      ``game:{campaign}:{user}:{game}:{reference}``) and which such references are records' (reconciliation
      pairs them, :mod:`games.audit.reconcile`);
    - optionally ``once_per(detail)``: what a shopper has at most one record of (a check-in's day); reconciliation
      names a second one;
    - ``missing_config``: what a config lacks when :meth:`config_view` finds nothing to check against,
      said after "config <hash>".
    """

    game: str
    picks_prize: bool
    detail_members: tuple[str, ...]
    missing_config: str

    def config_view(self, config: dict[str, Any]) -> Any | None:
        """What the check needs of a config (computed once per config); ``None`` when the config lacks it."""

    def check(self, view: Any, landed: str, draws: list[list[int]], at: int, detail: dict[str, Any]) -> str | None:
        """Why the record's outcome does not follow from ``draws[at:]`` (the game's own integers, each a
        sequence that starts ``n, value``: read them as ``draws[i][0]`` and ``draws[i][1]``, for the fast lane
        hands on longer tuples), or ``None`` when it does. ``landed`` is the granted prize, or the pool's fallback
        when nothing was granted (for a game that picks no prize: the fallback)."""


Replays = Mapping[str, GameReplay]


def installed_replays() -> dict[str, GameReplay]:
    """The replay of every game installed in the ``carnival.replays`` entry-point group, by game key.

    :raises ReplaysUnavailable: when one cannot be loaded, or is keyed otherwise.
    """
    replays: dict[str, GameReplay] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            replay = entry_point.load()
        except Exception as error:  # a third-party package's import may fail in any way
            raise ReplaysUnavailable(f"the replay of game '{entry_point.name}' cannot be loaded: {error}") from error
        if getattr(replay, "game", None) != entry_point.name:
            raise ReplaysUnavailable(f"the replay published as '{entry_point.name}' is not keyed '{entry_point.name}'")
        if not isinstance(getattr(replay, "picks_prize", None), bool):
            raise ReplaysUnavailable(f"the replay of game '{entry_point.name}' does not say whether it picks a prize")
        replays[entry_point.name] = replay
    return replays
