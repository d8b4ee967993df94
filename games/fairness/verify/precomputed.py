"""What the fast lane needs of each config and period, computed once: a config's pool (cumulative weights,
amount ranges, and each known game's view of it) and a period's HMAC key pads. A config or period outside the
usual shape gets ``None``: the draws that use it go to the reference verifier."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from games.fairness.verify.canonical import _uint63
from games.fairness.verify.outcomes import Replays


@dataclass(frozen=True, slots=True)
class Pool:
    """What the draw checks need of a config, precomputed: the pick by bisection over cumulative weights."""

    total: int
    uppers: tuple[int, ...]  # cumulative weights, strictly increasing
    keys: tuple[str, ...]  # the prize at each position
    fallback: str
    ranges: dict[str, tuple[int, int] | None]  # prize key (first of that key) -> (min_fen, max_fen) or None
    games: dict[str, FastGame]  # the games whose records of this config the fast lane can check


FastGame = tuple[Callable[..., str | None], Any, bool]  # a replay's check, its view of a config, detail.slot


def _fast_games(config: dict[str, Any], replays: Replays) -> dict[str, FastGame]:
    """The games whose records of ``config`` fit the fast lane's rows (detail: ``slot`` or nothing beyond an
    amount), with the view each replay takes of the config; a game missing here goes to the reference."""
    games = {}
    for key, replay in replays.items():
        view = replay.config_view(config)
        if view is not None and replay.detail_members in ((), ("slot",)):
            games[key] = (replay.check, view, replay.detail_members == ("slot",))
    return games


Pools = dict[str, Pool | None]  # by config hash; None: the config is not usual, its draws go to the reference


class _Unusual(Exception):
    """A config outside the fast lane: its draws go to the reference verifier."""


def _amount_range(reward: Any) -> tuple[int, int] | None:
    """A range red packet's ``(min_fen, max_fen)``, ``None`` for a reward without an amount range."""
    if type(reward) is not dict:
        raise _Unusual
    if "max_fen" not in reward:
        return None
    low, high = reward.get("min_fen"), reward["max_fen"]
    if not (_uint63(low) and _uint63(high)):
        raise _Unusual
    return low, high


def compile_pool(config: Any, replays: Replays) -> Pool | None:
    """The precomputed :class:`Pool` of a config, ``None`` when anything in it is unusual (positive integer
    weights, string keys and fallback, rewards as objects with integer amount ranges)."""
    try:
        pool = config["pool"]
        prizes, fallback = pool["prizes"], pool["fallback"]
        if type(prizes) is not list or not prizes or type(fallback) is not str:
            raise _Unusual
        uppers, keys, ranges, upper = [], [], {}, 0
        for prize in prizes:
            key, weight = prize["key"], prize["weight"]
            if type(key) is not str or not _uint63(weight) or weight < 1:
                raise _Unusual
            upper += weight
            uppers.append(upper)
            keys.append(key)
            ranges.setdefault(key, _amount_range(prize["reward"]))
        return Pool(upper, tuple(uppers), tuple(keys), fallback, ranges, _fast_games(config, replays))
    except (_Unusual, KeyError, TypeError, AttributeError):
        return None


class Period:
    """A revealed period: its commitment, and HMAC-SHA256 under its server seed with the key pads hashed once."""

    __slots__ = ("commitment", "inner", "outer")

    def __init__(self, commitment: str, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self.commitment = commitment
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def block(self, message: bytes) -> bytes:
        """``HMAC-SHA256(server seed, message)`` (RFC 2104 from the saved pad states)."""
        inner = self.inner.copy()
        inner.update(message)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.digest()


Periods = dict[str, "Period | None"]  # by period key; None: not usual


def compile_period(item: Any) -> Period | None:
    """The :class:`Period` of a period line the reference verifier accepted; ``None`` if it is unusual."""
    try:
        commitment, seed = item["commitment"], item["server_seed"]
        return Period(commitment, bytes.fromhex(seed)) if type(commitment) is str else None
    except (KeyError, TypeError, ValueError):
        return None
