"""The fast lane of :mod:`games.fairness.verify`: draw lines of the usual shape, checked quickly.

A fast lane only ever *accepts*. It takes a draw line only when the line reads to a record of exactly the usual
shape (see :mod:`games.fairness.verify.canonical` and :mod:`games.fairness.verify.rows`), hashes the canonical JSON
of section 8 written for that shape by string formatting, and finds that every check of section 11 holds, helped by
per-config and per-period precomputation (:mod:`games.fairness.verify.precomputed`). Any other line, and any line a
check fails on, goes to the reference verifier (:class:`games.fairness.verify.reference._Verifier`), which gives the
verdict and its message: both are the reference's for every input, and the fast lanes only decide how fast a good
export passes.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterable
from struct import Struct
from typing import Any

from games.fairness.verify.outcomes import Replays
from games.fairness.verify.precomputed import Period, Periods, Pool, Pools, compile_period, compile_pool
from games.fairness.verify.reference import _Verifier
from games.fairness.verify.report import Checkpoint
from games.fairness.verify.rows import Row, _line_row

TWO_32 = 2**32
_WORDS = Struct(">8I").unpack  # a 32-byte block as 8 big-endian words

Accepted = tuple[int, str, str, str, int, int]  # seq, prev_hash, hash, period, user, nonce of a record taken

_RANGES: dict[str, tuple[int, int]] = {}  # a range's digits -> (n, limit): the few ranges an export draws in


def _range(digits: str) -> tuple[int, int]:
    """``(n, limit)`` for a draw below ``n`` (written ``digits``): ``limit`` is the largest multiple of ``n`` not
    above 2^32 (section 6). :raises ValueError: ``n`` outside ``1 .. 2^32``."""
    known = _RANGES.get(digits)
    if known is None:
        n = int(digits)
        if not 1 <= n <= TWO_32:
            raise ValueError(f"range {n} outside 1..2^32")
        known = (n, TWO_32 - TWO_32 % n)
        if len(_RANGES) < 10_000:
            _RANGES[digits] = known
    return known


def _follows(period: Period, client_seed: str, nonce: str, draws: list[tuple[int, int, int]]) -> bool:
    """Whether each ``(n, value, limit)`` of ``draws`` is the next integer below ``n`` of the draw's one word
    stream (sections 5 and 6)."""
    words, at, cursor = _WORDS(period.block(f"{client_seed}:{nonce}:0".encode("ascii"))), 0, 1
    for n, value, limit in draws:
        while True:
            if at == 8:  # the next block of the same stream
                words, at = _WORDS(period.block(f"{client_seed}:{nonce}:{cursor}".encode("ascii"))), 0
                cursor += 1
            word = words[at]
            at += 1
            if word < limit:
                break
        if word % n != value:
            return False
    return True


def _outcome_holds(
    pool: Pool,
    prize: str,
    granted: str | None,
    reason: str | None,
    game: str,
    draws: list,
    amount: int | None,
    slot: int | None,
) -> bool:
    """Section 11 steps 4.8 to 4.11 for a usual record whose draws follow from its seeds: the pick, the grant,
    the amount draw and the game's own step (as ``games.fairness.verify.reference._Verifier._check_draw`` does
    them)."""
    n, value, _ = draws[0]
    if n != pool.total or prize != pool.keys[bisect_right(pool.uppers, value)]:
        return False
    if not ((granted == prize and reason is None) or (reason is not None and granted in (pool.fallback, None))):
        return False
    amount_range, at = pool.ranges[prize], 1
    if amount_range is None:
        if amount is not None:
            return False
    else:
        low, high = amount_range
        if len(draws) < 2 or draws[1][0] != high - low + 1 or amount != low + draws[1][1]:
            return False
        at = 2
    known = pool.games.get(game)
    if known is None:
        return False
    check, view, with_slot = known
    if with_slot is (slot is None):
        return False
    detail = {"slot": slot} if with_slot else {}
    if amount is not None:
        detail["amount_fen"] = amount
    landed = pool.fallback if granted is None else granted
    return check(view, landed, draws, at, detail) is None  # each draw starts [n, value], as the reference's do


def _row_holds(row: Row, pools: Pools, periods: Periods) -> Accepted | None:
    """``(seq, prev_hash, hash, period, user, nonce)`` of a record whose content holds (section 11 steps 4.1 and
    4.6 to 4.11; the links and the order, 4.2 to 4.5, are the caller's); ``None`` when anything does not."""
    (
        head, client_seed, commitment, config_hash, amount, slot, slot_alone, n1, v1, n2, v2, n3, v3, reason, game,
        granted, hash_, tail, nonce, period_key, prev_hash, prize, seq, user,
    ) = row  # fmt: skip
    if hashlib.sha256((head + tail).encode("ascii")).hexdigest() != hash_:
        return None
    pool, period = pools.get(config_hash), periods.get(period_key)
    if pool is None or period is None or commitment != period.commitment:
        return None
    n, limit = _RANGES.get(n1) or _range(n1)
    draws = [(n, int(v1), limit)]  # [n, value] as a record has them, then what the stream check needs
    if n2:
        n, limit = _RANGES.get(n2) or _range(n2)
        draws.append((n, int(v2), limit))
        if n3:
            n, limit = _RANGES.get(n3) or _range(n3)
            draws.append((n, int(v3), limit))
    if not _follows(period, client_seed, nonce, draws):
        return None
    reason_, granted_ = reason[1:-1] if reason else None, granted[1:-1] if granted else None
    amount_, slot_ = int(amount) if amount else None, int(slot_alone or slot) if slot_alone or slot else None
    if not _outcome_holds(pool, prize, granted_, reason_, game, draws, amount_, slot_):
        return None
    return int(seq), prev_hash, hash_, period_key, int(user), int(nonce)


def accept_draw(text: str, pools: Pools, periods: Periods) -> Accepted | None:
    """``(seq, prev_hash, hash, period, user, nonce)`` of a draw line of the usual shape whose content holds
    (section 11 steps 4.1 and 4.6 to 4.11; the links and the order, 4.2 to 4.5, are the caller's); ``None`` for
    any other line."""
    try:
        row = _line_row(text)
        return None if row is None else _row_holds(row, pools, periods)
    except Exception:  # whatever it is, the reference verifier gives the verdict
        return None


class FastVerifier(_Verifier):
    """The reference verifier with the fast lane in front of it for draw lines.

    It keeps each config's :class:`Pool` and each period's :class:`Period` beside the reference's, and a
    ``generation`` that moves whenever a config, a period or the end line is taken: workers' answers
    computed in an older generation are not used.
    """

    def __init__(self, published: Iterable[Checkpoint] = (), replays: Replays | None = None) -> None:
        super().__init__(published, replays)
        self.pools: Pools = {}
        self.fast_periods: Periods = {}
        self.generation = 0

    def line(self, number: int, text: str) -> None:
        """Take a usual good draw line in the fast lane; leave any other line to the reference."""
        ready = self.header_seen and not self.end_seen
        accepted = accept_draw(text, self.pools, self.fast_periods) if ready else None
        if accepted is None or not self.take(number, accepted):
            super().line(number, text)

    def take(self, number: int, accepted: tuple) -> bool:
        """Chain a record whose content holds, as the reference does (False, changing nothing, when it does not
        link or is out of order: the reference then names the fault). :raises VerificationError: a checkpoint
        mismatch."""
        seq, prev_hash, head, period, user, nonce = accepted
        if seq != self.expected_seq or prev_hash != self.report.head_hash:
            return False
        closing = self.order.closings.get(period)
        if closing is not None and seq > closing.count:
            return False
        users = self.order.nonces.get(period)
        if (0 if users is None else users.get(user, 0)) != nonce:
            return False
        if users is None:
            users = self.order.nonces[period] = {}
        users[user] = nonce + 1
        self.report.draws += 1
        self.report.periods[period] += 1
        self.report.head_hash = head
        self.expected_seq += 1
        self._check_checkpoints(number, self.report.draws, head)
        return True

    def config(self, number: int, item: dict[str, Any]) -> None:
        """The reference's config check, then the config's :class:`Pool`."""
        super().config(number, item)
        self.pools[item["hash"]] = compile_pool(item["config"], self.replays)
        self.generation += 1

    def period(self, number: int, item: dict[str, Any]) -> None:
        """The reference's period check, then the period's :class:`Period`."""
        super().period(number, item)
        self.fast_periods[item["key"]] = compile_period(item)
        self.generation += 1

    def end(self, number: int, item: dict[str, Any]) -> None:
        """The reference's end check; nothing may be taken after it."""
        super().end(number, item)
        self.generation += 1
