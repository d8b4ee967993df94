"""The fast lanes of :mod:`games.verify`: draw lines of the usual shape, checked quickly, here or in workers.

A fast lane only ever *accepts*. It takes a draw line only when the line parses to a record of exactly the
shape of docs/fairness.md section 9 (the known members and ``hash``; ``v`` 1; integers that are ``int``, not
``bool`` or ``float``, in ``0 .. 2^63 - 1``; strings of printable ASCII without ``"`` or ``\\``, the client
seed and ``created_at`` of their patterns; ``granted`` such a string or ``null``, ``fallback_reason`` a
known reason or ``null``; draws as ``[int, int]`` pairs; a detail of ``slot`` and/or ``amount_fen``
integers), hashes the canonical JSON of section 8 written for that shape by string formatting (byte for byte
what ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` writes for it: such strings
and integers are written as themselves, which the tests also check), and finds that every check of section
11 holds, helped by per-config and per-period precomputation (cumulative weights, amount ranges and wheel
slots by prize key, the HMAC key pads). Any other line, and any line a check fails on, goes to the reference
verifier (:class:`games.verify._Verifier`), which gives the verdict and its message: both are the
reference's for every input, and the fast lanes only decide how fast a good export passes.

Parsing uses orjson when it is installed and the standard ``json`` module when it is not. orjson refuses
some text that ``json`` takes (``NaN``, lone surrogates: such lines go to the reference) and reads
integers beyond 64 bits as floats (which no usual record holds); on every line a fast lane accepts, the
two parsers agree.

Large exports: after ``Tuning.parallel_after`` lines, draw lines go in chunks to worker processes
(``python -c "...serve()"``, talking pickles over their standard input and output), never more than
``Tuning.in_flight`` chunks at a time, so memory stays flat. A worker checks each record's content and
the links between the records of its chunk, and answers the chunk's first ``seq``, first ``prev_hash``,
the records' hashes and the draws per period, or ``None`` when any line is not plainly good. This process
applies the answers in order, checking each chunk's link to the chain so far and the checkpoints it
reaches; a ``None``, a broken link, a checkpoint mismatch or a change of configs or periods since the
chunk went out sends the whole chunk through this process's verifier instead, which then names the first
bad line exactly as a single pass would. Every other line (header, configs, periods, checkpoints, the end
line, anything unexpected) waits for the chunks before it and is verified here, in order.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from itertools import islice, repeat
from operator import itemgetter
from pathlib import Path
from struct import Struct
from typing import IO, Any

from games.verify import CLIENT_SEED, FALLBACK_REASONS, RECORD_VERSIONS, TIMESTAMP, Checkpoint, _Verifier

try:
    import orjson
except ImportError:  # the verifier still runs with the standard library alone
    orjson = None

loads: Callable[[str], Any] = orjson.loads if orjson is not None else json.loads

TWO_32 = 2**32
_WORDS = Struct(">8I").unpack  # a 32-byte block as 8 big-endian words
_RECORD_KEYS = (
    "campaign", "client_seed", "commitment", "config_hash", "created_at", "detail", "draws",
    "fallback_reason", "game", "granted", "hash", "nonce", "period", "prev_hash", "prize", "seq", "user", "v",
)  # fmt: skip
_TAKE = itemgetter(*_RECORD_KEYS)
_CLIENT_SEED, _TIMESTAMP = CLIENT_SEED[1], TIMESTAMP[1]  # the reference's tests of these members
_DRAW_PREFIXES = ('{"record":', '{"type":"draw"')  # canonical member order, and the order the server exports


def _is_draw_like(text: str) -> bool:
    """A line that looks like a draw (to send to a worker, which decides): its start, and a newline at its end."""
    return text.startswith(_DRAW_PREFIXES) and text.endswith("}\n")


def _all_draw_like(lines: list[str]) -> bool:
    """:func:`_is_draw_like` of every line (without a Python call per line)."""
    return all(map(str.startswith, lines, repeat(_DRAW_PREFIXES))) and all(map(str.endswith, lines, repeat("}\n")))


Accepted = tuple[int, str, str, str]  # seq, prev_hash, hash, period of a record the fast lane took


# --- The canonical JSON of a usual record, by string formatting ------------------------------------------


def _plain(text: str) -> bool:
    """Printable ASCII without ``"`` or ``\\``: what canonical JSON writes as itself between quotes."""
    return text.isascii() and text.isprintable() and '"' not in text and "\\" not in text


def _uint63(value: Any) -> bool:
    """An ``int`` (not a ``bool``) in ``0 .. 2^63 - 1``."""
    return type(value) is int and not value >> 63


def _null_or_plain(value: Any) -> str | None:
    """``null``, or a plain string in quotes; ``None`` for anything else."""
    if value is None:
        return "null"
    return f'"{value}"' if type(value) is str and _plain(value) else None


def _detail_json(detail: Any) -> str | None:
    """A detail of an ``amount_fen`` and/or a ``slot`` integer as canonical JSON; ``None`` for any other."""
    if type(detail) is not dict:
        return None
    amount, slot = detail.get("amount_fen"), detail.get("slot")
    if (amount is not None) + (slot is not None) != len(detail):  # no other member, no null
        return None
    if amount is not None and (type(amount) is not int or amount >> 63):  # >> 63: negative or 2^63 and more
        return None
    if slot is not None and (type(slot) is not int or slot >> 63):
        return None
    if amount is None:
        return "{}" if slot is None else f'{{"slot":{slot}}}'
    return f'{{"amount_fen":{amount}}}' if slot is None else f'{{"amount_fen":{amount},"slot":{slot}}}'


def _draws_json(draws: Any) -> str | None:
    """Draws, a list of ``[n, value]`` integer pairs, as canonical JSON; ``None`` for anything else."""
    if type(draws) is not list:
        return None
    for pair in draws:
        if type(pair) is not list or len(pair) != 2:
            return None
        n, value = pair
        if type(n) is not int or type(value) is not int or (n | value) >> 63:
            return None
    return repr(draws).replace(" ", "")  # a list's repr is "[" + ", ".join(reprs) + "]", an int's its digits


def _shape(record: Any) -> tuple[bytes, tuple[Any, ...]] | None:
    """A usual record's canonical JSON without its ``hash``, and its members in ``_RECORD_KEYS`` order;
    ``None`` for any other record."""
    if type(record) is not dict or len(record) != len(_RECORD_KEYS):
        return None
    try:
        values = _TAKE(record)
    except KeyError:
        return None
    (campaign, client_seed, commitment, config_hash, created_at, detail, draws, reason, game, granted, _) = values[:11]
    (nonce, period, prev_hash, prize, seq, user, v) = values[11:]
    if not type(campaign) is type(nonce) is type(seq) is type(user) is type(v) is int:
        return None
    if (campaign | nonce | seq | user | v) >> 63 or v not in RECORD_VERSIONS:
        return None
    if not (_CLIENT_SEED(client_seed) and _TIMESTAMP(created_at) and (reason is None or reason in FALLBACK_REASONS)):
        return None
    strings = (client_seed, commitment, config_hash, created_at, game, period, prev_hash, prize)
    if not all(type(string) is str for string in strings) or not _plain("".join(strings)):
        return None
    parts = (_detail_json(detail), _draws_json(draws), _null_or_plain(reason), _null_or_plain(granted))
    if None in parts:
        return None
    detail_json, draws_json, reason_json, granted_json = parts
    text = (
        f'{{"campaign":{campaign},"client_seed":"{client_seed}","commitment":"{commitment}",'
        f'"config_hash":"{config_hash}","created_at":"{created_at}","detail":{detail_json},"draws":{draws_json},'
        f'"fallback_reason":{reason_json},"game":"{game}","granted":{granted_json},"nonce":{nonce},'
        f'"period":"{period}","prev_hash":"{prev_hash}","prize":"{prize}","seq":{seq},"user":{user},"v":{v}}}'
    )
    return text.encode("ascii"), values


def canonical_body(record: Any) -> bytes | None:
    """The canonical JSON (docs/fairness.md section 8) of a record of the usual shape (see the module doc)
    without its ``hash``, written by string formatting; ``None`` for any other record, whose callers fall back
    to ``json.dumps``. Whenever it is not ``None`` it is byte for byte ``games.verify._canonical``'s."""
    shaped = _shape(record)
    return None if shaped is None else shaped[0]


# --- Configs and periods, precomputed -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pool:
    """What the draw checks need of a config, precomputed: the pick by bisection over cumulative weights."""

    total: int
    uppers: tuple[int, ...]  # cumulative weights, strictly increasing
    keys: tuple[str, ...]  # the prize at each position
    fallback: str
    ranges: dict[str, tuple[int, int] | None]  # prize key (first of that key) -> (min_fen, max_fen) or None
    slots: dict[str, tuple[int, ...]] | None  # prize key -> wheel slots showing it; None: no usual wheel


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


def _wheel_slots(config: dict[str, Any]) -> dict[str, tuple[int, ...]] | None:
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


def compile_pool(config: Any) -> Pool | None:
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
        return Pool(upper, tuple(uppers), tuple(keys), fallback, ranges, _wheel_slots(config))
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


# --- The fast lane ----------------------------------------------------------------------------------------

# A draw line in canonical JSON, as the server and the bench write it, matched by the grammar of exactly
# that text: members in key order, no whitespace, integers without sign or leading zero (at most 18
# digits), strings of printable ASCII without '"' or '\\', no escapes, one to three draws. The four hashes
# are any 64 characters but '"' here: each must then equal a hash known to be hex (the period's commitment,
# a config's hash, the record's own hash, the previous record's) before a record is taken. What is taken is
# canonical by construction (json.loads gives back exactly these values, and json.dumps writes exactly this
# text for them), so the record's hash is checked over the text itself, less its "hash" member.
_INT, _STR, _HASH = r"(?:0|[1-9][0-9]{0,17})", r"[ !#-\[\]-~]*", r'[^"]{64}'
_SEED, _TIME = r"[A-Za-z0-9_-]{1,64}", r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z"
_REASON = "|".join(FALLBACK_REASONS)
_PAIR = rf"\[({_INT}),({_INT})\]"
_RECORD_GRAMMAR = (  # 23 groups: a Row
    rf'(\{{"campaign":{_INT},"client_seed":"({_SEED})","commitment":"({_HASH})","config_hash":"({_HASH})",'
    rf'"created_at":"{_TIME}","detail":\{{(?:"amount_fen":({_INT})(?:,"slot":({_INT}))?|"slot":({_INT}))?\}},'
    rf'"draws":\[{_PAIR}(?:,{_PAIR}(?:,{_PAIR})?)?\],"fallback_reason":(?:null|("(?:{_REASON})")),"game":"({_STR})",'
    rf'"granted":(?:null|("{_STR}")),)"hash":"({_HASH})",("nonce":({_INT}),"period":"({_STR})",'
    rf'"prev_hash":"({_HASH})","prize":"({_STR})","seq":({_INT}),"user":{_INT},"v":1\}})'
)
_RECORD = re.compile(_RECORD_GRAMMAR)


@cache
def _chunk_grammar(server_order: bool) -> re.Pattern[str]:
    """Whole chunks of such lines, one match a line: as the bench writes them, or as the server does (compiled
    where needed: in the workers)."""
    if server_order:
        return re.compile(rf'^\{{"type":"draw","record":{_RECORD_GRAMMAR}\}}\n', re.MULTILINE)
    return re.compile(rf'^\{{"record":{_RECORD_GRAMMAR},"type":"draw"\}}\n', re.MULTILINE)


Row = tuple  # head (the record's text up to its hash), client_seed, commitment, config_hash, amount_fen, slot
# (after an amount), slot (alone), n1, v1, n2, v2, n3, v3, fallback_reason (quoted), game, granted (quoted),
# hash, tail (the record's text after its hash), nonce, period, prev_hash, prize, seq: strings, "" for none


def _canonical_row(text: str) -> Row | None:
    """The row of a draw line written in canonical JSON (the grammar above), as the bench writes it
    (``{"record":…,"type":"draw"}``) or as the server exports it (``{"type":"draw","record":…}``); ``None``
    for any other line."""
    end = len(text) - text.endswith("\n")
    if text.startswith('{"record":') and text.endswith(',"type":"draw"}', 0, end):
        match = _RECORD.fullmatch(text, 10, end - 15)
    elif text.startswith('{"type":"draw","record":') and text.endswith("}", 0, end):
        match = _RECORD.fullmatch(text, 24, end - 1)
    else:
        return None
    return None if match is None else match.groups("")


def _parsed_row(text: str) -> Row | None:
    """The row of a draw line of the usual shape in any JSON layout: parsed, its canonical JSON written by
    :func:`_shape` (as the row's head); ``None`` for any other line, or more than three draws."""
    item = loads(text)
    record = item["record"] if type(item) is dict and item.get("type") == "draw" else None
    shaped = _shape(record)
    if shaped is None or not 1 <= len(record["draws"]) <= 3:
        return None
    body, values = shaped
    (_, client_seed, commitment, config_hash, _, detail, draws, reason, game, granted, hash_) = values[:11]
    (nonce, period, prev_hash, prize, seq) = values[11:16]
    pairs = [str(number) for pair in draws for number in pair] + ["", "", "", ""]
    amount, slot = detail.get("amount_fen"), detail.get("slot")
    return (
        body.decode("ascii"), client_seed, commitment, config_hash, "" if amount is None else str(amount), "",
        "" if slot is None else str(slot), *pairs[:6], "" if reason is None else f'"{reason}"', game,
        "" if granted is None else f'"{granted}"', hash_, "", str(nonce), period, prev_hash, prize, str(seq),
    )  # fmt: skip


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
    """Whether each ``(n, limit, value)`` of ``draws`` is the next integer below ``n`` of the draw's one word
    stream (sections 5 and 6)."""
    words, at, cursor = _WORDS(period.block(f"{client_seed}:{nonce}:0".encode("ascii"))), 0, 1
    for n, limit, value in draws:
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
    """Section 11 steps 4.6 to 4.9 for a usual record whose draws follow from its seeds: the pick, the grant,
    the amount draw and, for the wheel, the slot (as ``games.verify._Verifier._check_draw`` does them)."""
    n, _, value = draws[0]
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
        if len(draws) < 2 or draws[1][0] != high - low + 1 or amount != low + draws[1][2]:
            return False
        at = 2
    if game != "wheel":
        return True
    if pool.slots is None or len(draws) != at + 1:
        return False
    n, _, value = draws[at]
    showing = pool.slots.get(pool.fallback if granted is None else granted, ())
    return n == len(showing) and slot == showing[value]


def _row_holds(row: Row, pools: Pools, periods: Periods) -> Accepted | None:
    """``(seq, prev_hash, hash, period)`` of a record whose content holds (section 11 steps 4.1 and 4.4 to 4.9;
    the links, 4.2 and 4.3, are the caller's); ``None`` when anything does not."""
    (
        head, client_seed, commitment, config_hash, amount, slot, slot_alone, n1, v1, n2, v2, n3, v3, reason, game,
        granted, hash_, tail, nonce, period_key, prev_hash, prize, seq,
    ) = row  # fmt: skip
    if hashlib.sha256((head + tail).encode("ascii")).hexdigest() != hash_:
        return None
    pool, period = pools.get(config_hash), periods.get(period_key)
    if pool is None or period is None or commitment != period.commitment:
        return None
    draws = [(*(_RANGES.get(n1) or _range(n1)), int(v1))]
    if n2:
        draws.append((*(_RANGES.get(n2) or _range(n2)), int(v2)))
        if n3:
            draws.append((*(_RANGES.get(n3) or _range(n3)), int(v3)))
    if not _follows(period, client_seed, nonce, draws):
        return None
    reason_, granted_ = reason[1:-1] if reason else None, granted[1:-1] if granted else None
    amount_, slot_ = int(amount) if amount else None, int(slot_alone or slot) if slot_alone or slot else None
    if not _outcome_holds(pool, prize, granted_, reason_, game, draws, amount_, slot_):
        return None
    return int(seq), prev_hash, hash_, period_key


def _line_row(text: str) -> Row | None:
    """The row of a draw line of the usual shape, in canonical JSON or any other layout."""
    return _canonical_row(text) or _parsed_row(text)


def accept_draw(text: str, pools: Pools, periods: Periods) -> Accepted | None:
    """``(seq, prev_hash, hash, period)`` of a draw line of the usual shape whose content holds (section 11
    steps 4.1 and 4.4 to 4.9; the links, 4.2 and 4.3, are the caller's); ``None`` for any other line."""
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

    def __init__(self, published: Iterable[Checkpoint] = ()) -> None:
        super().__init__(published)
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
        link: the reference then names the fault). :raises VerificationError: a checkpoint mismatch."""
        seq, prev_hash, head, period = accepted
        if seq != self.expected_seq or prev_hash != self.report.head_hash:
            return False
        self.report.draws += 1
        self.report.periods[period] += 1
        self.report.head_hash = head
        self.expected_seq += 1
        self._check_checkpoints(number, self.report.draws, head)
        return True

    def config(self, number: int, item: dict[str, Any]) -> None:
        """The reference's config check, then the config's :class:`Pool`."""
        super().config(number, item)
        self.pools[item["hash"]] = compile_pool(item["config"])
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


# --- Large exports: worker processes --------------------------------------------------------------------

MAX_WORKERS = 4
_ROOT = str(Path(__file__).resolve().parents[1])  # the folder holding this ``games`` package
_SERVE = f"import sys; sys.path.insert(0, {_ROOT!r}); from games.verify_parallel import serve; serve()"


def _cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Tuning:
    """How a stream is verified: ``workers`` processes (1: this one only) take chunks of ``chunk_lines`` draw
    lines once ``parallel_after`` lines are read, with at most ``in_flight`` chunks out at a time."""

    workers: int = 1
    chunk_lines: int = 4000
    parallel_after: int = 5000
    in_flight: int = 4

    @classmethod
    def default(cls, workers: int | None = None) -> Tuning:
        """``workers`` (default: the CPUs available, at most ``MAX_WORKERS``), two chunks out per worker."""
        count = max(1, min(MAX_WORKERS, _cpus()) if workers is None else workers)
        return cls(workers=count, in_flight=2 * count)


def verify_stream(verifier: FastVerifier, lines: Iterable[str], tuning: Tuning) -> int:
    """Feed ``lines`` (numbered from 1; blank ones skipped) to ``verifier``, the draw lines of a long stream
    through worker processes (started halfway to ``parallel_after``, so that they are ready when the stream
    reaches it). Returns how many lines there were. :raises VerificationError: the first fault."""
    rest = iter(lines)
    number = 0
    pipeline = None
    try:
        for number, text in enumerate(rest, start=1):
            if text.strip():
                verifier.line(number, text)
            if tuning.workers > 1 and pipeline is None and number >= tuning.parallel_after // 2:
                pipeline = _Pipeline(verifier, tuning)
                pipeline.start()
            if pipeline is not None and number >= tuning.parallel_after:
                return pipeline.run(rest, number)
    finally:
        if pipeline is not None:
            pipeline.stop()
    return number


class _Worker:
    """One worker process; a thread writes its input, so that sending never waits on its answers."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.outbox: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, args=(self.process.stdin,), daemon=True)
        self.writer.start()
        self.generation = -1  # of the configs and periods it has

    def _write(self, pipe: IO[bytes]) -> None:
        try:
            while (message := self.outbox.get()) is not None:
                pickle.dump(message, pipe, pickle.HIGHEST_PROTOCOL)
                pipe.flush()
        except Exception:  # the worker is gone, or a message would not go: its answers will be missing
            pass
        finally:
            with suppress(OSError):
                pipe.close()  # the worker then stops, and its missing answers send the rest to this process

    def send(self, message: tuple) -> None:
        """Queue a message for the worker."""
        self.outbox.put(message)

    def receive(self) -> Any:
        """The worker's next answer. :raises EOFError, OSError, pickle.UnpicklingError: it died."""
        return pickle.load(self.process.stdout)  # type: ignore[arg-type]

    def stop(self, kill: bool = False) -> None:
        """End the worker: it stops at the end of its input, or when an answer finds nobody reading it; with
        ``kill``, at once."""
        self.outbox.put(None)
        if self.process.stdout is not None:
            self.process.stdout.close()
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.writer.join(timeout=10)


@dataclass
class _Chunk:
    """Consecutive draw lines from line ``first``, sent out while ``generation`` was current."""

    first: int
    lines: list[str]
    generation: int
    worker: _Worker | None  # None: not sent; this process verifies the lines


class _Pipeline:
    """Chunks of draw lines out to worker processes, their answers applied in order (see the module doc)."""

    def __init__(self, verifier: FastVerifier, tuning: Tuning) -> None:
        self.verifier, self.tuning = verifier, tuning
        self.pending: deque[_Chunk] = deque()
        self.workers: list[_Worker] = []
        self.sent = 0
        self.broken = False  # the workers could not be started or died: this process does the rest
        self.context: tuple[int, bytes] = (-1, b"")  # the configs and periods of a generation, pickled

    def run(self, lines: Iterator[str], number: int) -> int:
        """Verify the rest of the stream, the lines after line ``number``; returns the number of its last line."""
        try:
            while batch := list(islice(lines, self.tuning.chunk_lines)):
                if self.ready() and _all_draw_like(batch):
                    self.submit(number + 1, batch)
                else:
                    self.mixed(number + 1, batch)
                number += len(batch)
            self.drain()
        finally:
            self.stop()
        return number

    def ready(self) -> bool:
        """Whether draw lines may be sent out: after the header, before the end line."""
        return self.verifier.header_seen and not self.verifier.end_seen

    def mixed(self, first: int, batch: list[str]) -> None:
        """A batch of lines from line ``first`` holding other lines than draws: its runs of draw lines go out as
        chunks, and each other line is verified here once the chunks before it are."""
        run: list[str] = []
        start = first
        for number, text in enumerate(batch, start=first):
            if self.ready() and _is_draw_like(text):
                if not run:
                    start = number
                run.append(text)
                continue
            if run:  # a chunk holds consecutive lines
                self.submit(start, run)
                run = []
            if text.strip():
                self.drain()
                self.verifier.line(number, text)
        if run:
            self.submit(start, run)

    def submit(self, first: int, lines: list[str]) -> None:
        """Send a chunk out, once fewer than ``in_flight`` are."""
        if len(self.pending) >= self.tuning.in_flight:
            self.apply(self.pending.popleft())
        generation = self.verifier.generation
        self.pending.append(_Chunk(first, lines, generation, self.dispatch(lines, generation)))

    def start(self) -> None:
        """Start the workers (or find that there can be none here: this process then does it all)."""
        try:
            self.workers = [_Worker() for _ in range(self.tuning.workers)]
        except (OSError, ValueError):
            self.broken = True

    def dispatch(self, lines: list[str], generation: int) -> _Worker | None:
        """Send ``lines`` to the next worker (with the configs and periods, when they changed); ``None`` when
        there are no workers."""
        if self.broken or not self.workers:
            return None
        worker = self.workers[self.sent % len(self.workers)]
        self.sent += 1
        if worker.generation != generation:
            if self.context[0] != generation:  # taken now: this process may change them while it is sent
                self.context = (generation, pickle.dumps((self.verifier.configs, self.verifier.periods)))
            worker.send(("context", self.context[1]))
            worker.generation = generation
        worker.send(("chunk", "".join(lines), len(lines)))
        return worker

    def drain(self) -> None:
        """Apply every chunk out, in order."""
        while self.pending:
            self.apply(self.pending.popleft())

    def apply(self, chunk: _Chunk) -> None:
        """Chain a chunk on the worker's answer when it is good and current, else verify its lines here."""
        verifier = self.verifier
        answer = self.answer(chunk)
        if answer is None or chunk.generation != verifier.generation or not self.links(chunk, answer):
            for offset, text in enumerate(chunk.lines):
                verifier.line(chunk.first + offset, text)
            return
        _, _, hashes, counts = answer
        verifier.report.draws += len(chunk.lines)
        verifier.expected_seq += len(chunk.lines)
        verifier.report.head_hash = hashes[-64:]
        for period, count in counts.items():
            verifier.report.periods[period] += count

    def answer(self, chunk: _Chunk) -> tuple | None:
        """The worker's answer for ``chunk``; ``None`` when it was not sent or the worker died."""
        if chunk.worker is None or self.broken:
            return None
        try:
            return chunk.worker.receive()
        except (EOFError, OSError, pickle.UnpicklingError):
            self.broken = True  # answers may be out of step now: this process does the rest
            return None

    def links(self, chunk: _Chunk, answer: tuple) -> bool:
        """Whether the chunk's records extend the chain so far and name every checkpoint they reach."""
        first_seq, first_prev, hashes, _ = answer
        verifier, start, count = self.verifier, self.verifier.report.draws, len(chunk.lines)
        if first_seq != verifier.expected_seq or first_prev != verifier.report.head_hash or len(hashes) != 64 * count:
            return False
        return all(
            checkpoint.head_hash == hashes[64 * (at - start - 1) : 64 * (at - start)]
            for at, found in verifier.checkpoints.items()
            if start < at <= start + count
            for checkpoint in found
        )

    def stop(self) -> None:
        """Stop the workers (at once when they were never used)."""
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.stop(kill=not self.sent)


def check_chunk(pools: Pools, periods: Periods, text: str, count: int) -> tuple | None:
    """``(first seq, first prev_hash, the hashes joined, draws per period)`` of the ``count`` lines of ``text``
    (each ending in a newline) when each is a usual draw line whose content holds and each links to the one
    before it; ``None`` otherwise. Lines in canonical JSON are read all at once, one match a line."""
    try:
        if text.count("\n") != count:
            return None
        rows: list[Row | None] = _chunk_grammar(not text.startswith('{"record":')).findall(text)
        if len(rows) != count:  # else: matches do not overlap and each spans a whole line, so every line matched
            rows = [_line_row(line) for line in text.split("\n")[:count]]
        return _chained(pools, periods, rows)
    except Exception:  # whatever it is, this process's reference verifier gives the verdict
        return None


def _chained(pools: Pools, periods: Periods, rows: list[Row | None]) -> tuple | None:
    """:func:`check_chunk`'s answer for the rows of its lines."""
    hashes: list[str] = []
    counts: dict[str, int] = {}
    first = last = None
    for row in rows:
        accepted = None if row is None else _row_holds(row, pools, periods)
        if accepted is None or (last is not None and (accepted[0] != last[0] + 1 or accepted[1] != last[2])):
            return None
        first, last = first or accepted, accepted
        hashes.append(accepted[2])
        counts[accepted[3]] = counts.get(accepted[3], 0) + 1
    return None if first is None else (first[0], first[1], "".join(hashes), counts)


def serve(inbox: IO[bytes] | None = None, outbox: IO[bytes] | None = None) -> None:
    """A worker process's loop: ``("context", pickled (configs, periods))`` and ``("chunk", text, count)`` messages
    in, an answer of :func:`check_chunk` out for each chunk, until the input ends."""
    inbox, outbox = inbox or sys.stdin.buffer, outbox or sys.stdout.buffer
    gc.disable()  # what a worker holds makes no reference cycles: counting references frees it all
    pools: Pools = {}
    periods: Periods = {}
    while True:
        try:
            message = pickle.load(inbox)
        except EOFError:
            return
        if message[0] == "context":
            configs, items = pickle.loads(message[1])
            pools = {key: compile_pool(config) for key, config in configs.items()}
            periods = {key: compile_period(item) for key, item in items.items()}
            continue
        pickle.dump(check_chunk(pools, periods, message[1], message[2]), outbox, pickle.HIGHEST_PROTOCOL)
        outbox.flush()
