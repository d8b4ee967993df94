"""An independent verifier of draw exports, written from docs/fairness.md alone.

It uses none of the engine's code, so that what it checks is the published scheme, not our
implementation of it. It streams: memory stays flat in the number of draws.

This module is the reference: :class:`_Verifier` checks one line at a time, as the spec reads, with the
standard library only. Every line's shape is checked first (its members and their types, sections 9 and
10): nothing is guessed, and a line of another shape is refused with its line number, never half-read.
:func:`verify_lines` adds the fast lanes of :mod:`games.verify_parallel` (orjson when installed, a
specialised canonical serializer, worker processes for large exports); they only ever *accept* draw lines
of the usual shape, and every other line, and every refusal, is this reference's verdict, so the verdicts
and messages are the reference's for every input.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
FORMAT = "carnival.draws"
EXPORT_VERSION = 2  # 2 added checkpoint lines
SUPPORTED_VERSIONS = (1, 2)
RECORD_VERSIONS = (1,)
FALLBACK_REASONS = ("out_of_stock", "cap_reached", "budget_exhausted")
RANGE_MAX = 2**32
NOT_UTF8 = "not valid UTF-8"
MAX_DEPTH = 100  # arrays and objects nested deeper in a line are refused (an export's are 6 deep at most)

LINE_MEMBERS = {
    "header": ("type", "format", "version", "exported_at", "campaign"),
    "config": ("type", "hash", "config"),
    "period": ("type", "key", "commitment", "committed_at", "starts_at", "ends_at", "server_seed"),
    "checkpoint": ("type", "period", "count", "head_hash", "published_at"),
    "draw": ("type", "record"),
    "end": ("type", "count", "head_hash"),
}
CAMPAIGN_MEMBERS = ("id", "slug", "name", "timezone")
RECORD_MEMBERS = (
    "v", "campaign", "seq", "game", "user", "config_hash", "period", "commitment", "client_seed", "nonce",
    "draws", "prize", "granted", "fallback_reason", "detail", "created_at", "prev_hash", "hash",
)  # fmt: skip

Rule = tuple[str, Callable[[Any], bool]]  # what a value must be (in words), and the test


def _pattern(regex: str, flags: int = 0) -> Callable[[Any], bool]:
    compiled = re.compile(regex, flags)
    return lambda value: type(value) is str and compiled.fullmatch(value) is not None


def _integer(low: int, high: int | None = None) -> Rule:
    words = f"an integer from {low}" + ("" if high is None else f" to {high}")
    return words, lambda v: type(v) is int and v >= low and (high is None or v <= high)


STRING: Rule = ("a string", lambda v: type(v) is str)
OBJECT: Rule = ("an object", lambda v: type(v) is dict)
HEX: Rule = ("64 lowercase hex digits", _pattern("[0-9a-f]{64}"))
TIMESTAMP: Rule = (
    "a timestamp YYYY-MM-DDTHH:MM:SS.ffffffZ",
    _pattern(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", re.ASCII),
)
REASON: Rule = (
    'null, "out_of_stock", "cap_reached" or "budget_exhausted"',
    lambda v: v is None or v in FALLBACK_REASONS,
)
CLIENT_SEED: Rule = ("1 to 64 characters of A-Z a-z 0-9 _ -", _pattern("[A-Za-z0-9_-]{1,64}"))
RECORD_RULES: tuple[tuple[str, Rule], ...] = (
    ("campaign", _integer(0)),
    ("seq", _integer(1)),
    ("game", STRING),
    ("user", _integer(0)),
    ("config_hash", HEX),
    ("period", STRING),
    ("commitment", HEX),
    ("client_seed", CLIENT_SEED),
    ("nonce", _integer(0)),
    ("draws", ("a non-empty list", lambda v: type(v) is list and len(v) > 0)),
    ("prize", STRING),
    ("granted", ("a string or null", lambda v: v is None or type(v) is str)),
    ("fallback_reason", REASON),
    ("detail", OBJECT),
    ("created_at", TIMESTAMP),
    ("prev_hash", HEX),
    ("hash", HEX),
)


class VerificationError(Exception):
    """The first thing in an export that does not hold, with its line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


class _Malformed(Exception):
    """A line whose shape is not the one docs/fairness.md gives; the message says where and how."""


class Undecodable(str):
    """A line of a file that is not valid UTF-8 (its text is :data:`NOT_UTF8`: never blank, never a draw)."""


@dataclass
class Report:
    """What a successful verification covered."""

    draws: int = 0
    periods: dict[str, int] = field(default_factory=dict)
    head_hash: str = GENESIS


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _found(value: Any) -> str:
    """A value as a message shows it: JSON text (cut after 30 characters), or "a list", "an empty object"..."""
    if type(value) is list:
        return "a list" if value else "an empty list"
    if type(value) is dict:
        return "an object" if value else "an empty object"
    text = _json(value)
    return text if len(text) <= 40 else text[:30] + "…"


def _holds(value: Any, rule: Rule, where: str, name: str) -> Any:
    """``value`` when it holds ``rule``. :raises _Malformed: naming it ``name``."""
    words, test = rule
    if not test(value):
        raise _Malformed(f"{where}: {name} must be {words}, not {_found(value)}")
    return value


def _member(owner: dict[str, Any], key: str, rule: Rule, where: str, path: str = "") -> Any:
    """``owner[key]`` when it is there and holds ``rule``. :raises _Malformed: naming ``path + key``."""
    if key not in owner:
        raise _Malformed(f"{where}: {path}{key} is missing")
    return _holds(owner[key], rule, where, path + key)


def _exactly(owner: dict[str, Any], names: tuple[str, ...], where: str, path: str = "") -> None:
    """``owner`` has each of ``names`` (missing ones named in that order) and no other member."""
    for name in names:
        if name not in owner:
            raise _Malformed(f"{where}: {path}{name} is missing")
    for name in owner:
        if name not in names:
            raise _Malformed(f"{where}: unexpected member {_json(name)}" + (f" in {path[:-1]}" if path else ""))


def _first_float(value: Any) -> float | None:
    """The first number with a fraction or an exponent in ``value`` (depth first, in member order)."""
    if type(value) is float:
        return value
    children = value.values() if type(value) is dict else value if type(value) is list else ()
    for child in children:
        found = _first_float(child)
        if found is not None:
            return found
    return None


def _content_hash(value: Any) -> str | None:
    """docs/fairness.md section 8; ``None`` when a string holds a lone surrogate (it has no UTF-8 form)."""
    try:
        return hashlib.sha256(_canonical(value)).hexdigest()
    except UnicodeEncodeError:
        return None


def _canonical(value: Any) -> bytes:
    """Canonical JSON (section 8) as UTF-8. :raises UnicodeEncodeError: for a lone surrogate."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _integers(server_seed: str, client_seed: str, nonce: int, ranges: list[int]) -> list[int]:
    """Sections 5 and 6: an integer below each ``n`` of ``ranges``, from one stream. :raises ValueError: for an
    ``n`` outside 1..2^32 (a record's are checked before)."""
    key = bytes.fromhex(server_seed)
    out: list[int] = []
    cursor, offset, block = 0, 32, b""
    for n in ranges:
        if not 1 <= n <= RANGE_MAX:
            raise ValueError(f"range {n} outside 1..2^32")
        limit = RANGE_MAX - (RANGE_MAX % n)
        while True:
            if offset == 32:
                block = hmac.new(key, f"{client_seed}:{nonce}:{cursor}".encode(), hashlib.sha256).digest()
                cursor, offset = cursor + 1, 0
            word = int.from_bytes(block[offset : offset + 4], "big")
            offset += 4
            if word < limit:
                out.append(word % n)
                break
    return out


def _pick(prizes: list[tuple[str, int]], value: int) -> str:
    """The prize whose weight bucket holds ``value`` (below the total weight: the caller checked)."""
    upper = 0
    for key, weight in prizes:
        upper += weight
        if value < upper:
            return key
    raise AssertionError(f"value {value} beyond the total weight {upper}")


def _record_shape(record: Any) -> str:
    """Check a record's shape (section 9): an object, a known ``v``, exactly its members, each of its type.
    Returns how messages name it. :raises _Malformed: the first thing that does not hold."""
    if type(record) is not dict:
        raise _Malformed(f"draw line: record must be an object, not {_found(record)}")
    seq = record.get("seq")
    where = f"record seq {seq}" if type(seq) is int else "record"
    if "v" not in record:
        raise _Malformed(f"{where}: v is missing")
    if type(record["v"]) is not int or record["v"] not in RECORD_VERSIONS:
        raise _Malformed(f"{where}: unknown record version {_found(record['v'])}")
    _exactly(record, RECORD_MEMBERS, where)
    for key, rule in RECORD_RULES:
        _member(record, key, rule, where)
    for index, pair in enumerate(record["draws"]):
        if type(pair) is not list or len(pair) != 2:
            raise _Malformed(f"{where}: draws[{index}] must be a pair [n, value], not {_found(pair)}")
        _holds(pair[0], _integer(1, RANGE_MAX), where, f"draws[{index}][0]")
        _holds(pair[1], _integer(0), where, f"draws[{index}][1]")
    _detail_shape(record, where)
    return where


def _detail_shape(record: dict[str, Any], where: str) -> None:
    """``detail``: an integer ``amount_fen`` if any; for the wheel an integer ``slot`` and no other member;
    for any game no number that is not an integer."""
    detail = record["detail"]
    if record["game"] == "wheel":
        _member(detail, "slot", _integer(0), where, "detail.")
    if "amount_fen" in detail:
        _member(detail, "amount_fen", _integer(0), where, "detail.")
    if record["game"] == "wheel":
        _exactly(detail, tuple(name for name in ("amount_fen", "slot") if name in detail), where, "detail.")
    number = _first_float(detail)
    if number is not None:
        raise _Malformed(f"{where}: detail holds a number that is not an integer ({_found(number)})")


def _config_shape(config: dict[str, Any], where: str) -> None:
    """What the checks read of a config (section 10): ``pool.prizes``, each with a string ``key``, a positive
    integer ``weight`` and a ``reward`` object (a range red packet's with integer ``min_fen`` and ``max_fen``),
    and a string ``pool.fallback``; and no number that is not an integer anywhere."""
    number = _first_float(config)
    if number is not None:
        raise _Malformed(f"{where}: config holds a number that is not an integer ({_found(number)})")
    pool = _member(config, "pool", OBJECT, where)
    prizes = _member(pool, "prizes", ("a non-empty list", lambda v: type(v) is list and len(v) > 0), where, "pool.")
    for index, prize in enumerate(prizes):
        path = f"pool.prizes[{index}]"
        _holds(prize, OBJECT, where, path)
        _member(prize, "key", STRING, where, path + ".")
        _member(prize, "weight", _integer(1), where, path + ".")
        reward = _member(prize, "reward", OBJECT, where, path + ".")
        if "min_fen" in reward or "max_fen" in reward:
            low = _member(reward, "min_fen", _integer(0), where, path + ".reward.")
            _member(reward, "max_fen", _integer(low, low + RANGE_MAX - 1), where, path + ".reward.")
    _member(pool, "fallback", STRING, where, "pool.")


def _wheel_slots(config: dict[str, Any]) -> list[str] | None:
    """``games.wheel.slots`` when it is a list of strings."""
    games = config.get("games")
    wheel = games.get("wheel") if type(games) is dict else None
    slots = wheel.get("slots") if type(wheel) is dict else None
    return slots if type(slots) is list and all(type(key) is str for key in slots) else None


@dataclass(frozen=True)
class Checkpoint:
    """A chain head someone saw published: after ``count`` records the head was ``head_hash``."""

    period: str
    count: int
    head_hash: str
    source: str  # "line N" of the export, or "published" for one saved from the rules page


class _Verifier:
    def __init__(self, published: Iterable[Checkpoint] = ()) -> None:
        self.configs: dict[str, dict[str, Any]] = {}
        self.periods: dict[str, dict[str, Any]] = {}
        self.checkpoints: dict[int, list[Checkpoint]] = {}
        for checkpoint in published:
            self.checkpoints.setdefault(checkpoint.count, []).append(checkpoint)
        self.report = Report()
        self.expected_seq = 1
        self.version = 0  # the header's, once seen
        self.header_seen = False
        self.end_seen = False

    def line(self, number: int, text: str) -> None:
        """Check line ``number``. :raises VerificationError: naming it, when it is not what it must be."""
        if type(text) is Undecodable:
            raise VerificationError(number, NOT_UTF8)
        item = _parse(number, text)
        kind = item.get("type") if type(item) is dict else None
        if not self.header_seen and kind != "header":
            raise VerificationError(number, "the export must start with a header line")
        if self.end_seen:
            raise VerificationError(number, "content after the end line")
        if type(item) is not dict:
            raise VerificationError(number, f"a line must be a JSON object, not {_found(item)}")
        if "type" not in item:
            raise VerificationError(number, 'a line without a "type" member')
        if type(kind) is not str or kind not in LINE_MEMBERS:
            raise VerificationError(number, f"unknown line type {_found(kind)}")
        try:
            if kind != "header":  # a header's format and version come first: another version has other members
                _exactly(item, LINE_MEMBERS[kind], f"{kind} line")
            getattr(self, kind)(number, item)
        except _Malformed as error:
            raise VerificationError(number, str(error)) from None

    def header(self, number: int, item: dict[str, Any]) -> None:
        if self.header_seen:
            raise VerificationError(number, "a second header line")
        version = item.get("version")
        if item.get("format") != FORMAT or type(version) is not int or version not in SUPPORTED_VERSIONS:
            raise VerificationError(number, f"unknown format {_found(item.get('format'))} version {_found(version)}")
        _exactly(item, LINE_MEMBERS["header"], "header line")
        _member(item, "exported_at", TIMESTAMP, "header line")
        campaign = _member(item, "campaign", OBJECT, "header line")
        _exactly(campaign, CAMPAIGN_MEMBERS, "header line", "campaign.")
        for key, rule in (("id", _integer(0)), ("slug", STRING), ("name", STRING), ("timezone", STRING)):
            _member(campaign, key, rule, "header line", "campaign.")
        self.header_seen, self.version = True, version

    def config(self, number: int, item: dict[str, Any]) -> None:
        claimed = _member(item, "hash", HEX, "config line")
        config = _member(item, "config", OBJECT, "config line")
        where = f"config {claimed[:12]}"
        _config_shape(config, where)
        computed = _content_hash(config)
        if computed is None:
            raise VerificationError(number, f"{where}: a string holds a lone surrogate (it is not Unicode text)")
        if computed != claimed:
            raise VerificationError(number, f"config does not hash to {claimed}")
        self.configs[claimed] = config

    def period(self, number: int, item: dict[str, Any]) -> None:
        key = _member(item, "key", STRING, "period line")
        commitment = _member(item, "commitment", HEX, "period line")
        for name in ("committed_at", "starts_at", "ends_at"):
            _member(item, name, TIMESTAMP, "period line")
        seed = _member(item, "server_seed", HEX, "period line")
        if hashlib.sha256(bytes.fromhex(seed)).hexdigest() != commitment:
            raise VerificationError(number, f"period {key}: revealed seed does not match its commitment")
        self.periods[key] = item
        self.report.periods.setdefault(key, 0)

    def checkpoint(self, number: int, item: dict[str, Any]) -> None:
        if self.version < 2:
            raise VerificationError(number, f"a checkpoint line in a version {self.version} export")
        period = _member(item, "period", STRING, "checkpoint line")
        count = _member(item, "count", _integer(0), "checkpoint line")
        head_hash = _member(item, "head_hash", HEX, "checkpoint line")
        _member(item, "published_at", TIMESTAMP, "checkpoint line")
        self.checkpoints.setdefault(count, []).append(Checkpoint(period, count, head_hash, f"line {number}"))
        self._check_checkpoints(number, 0, GENESIS)

    def _check_checkpoints(self, number: int, count: int, head: str) -> None:
        """Every checkpoint at ``count`` records must name ``head``."""
        for checkpoint in self.checkpoints.get(count, []):
            if checkpoint.head_hash != head:
                raise VerificationError(
                    number,
                    f"checkpoint of period {checkpoint.period} ({checkpoint.source}) says the chain head after "
                    f"{count} records was {checkpoint.head_hash[:16]}…, the log has {head[:16]}… (log rewritten)",
                )

    def draw(self, number: int, item: dict[str, Any]) -> None:
        record = item["record"]
        where = _record_shape(record)
        self._check_chain(number, where, record)
        self._check_draw(number, where, record)
        self.report.draws += 1
        self.report.periods[record["period"]] += 1
        self.report.head_hash = record["hash"]
        self.expected_seq += 1
        self._check_checkpoints(number, self.report.draws, self.report.head_hash)

    def _check_chain(self, number: int, where: str, record: dict[str, Any]) -> None:
        computed = _content_hash({k: v for k, v in record.items() if k != "hash"})
        if computed is None:
            raise VerificationError(number, f"{where}: a string holds a lone surrogate (it is not Unicode text)")
        if computed != record["hash"]:
            raise VerificationError(number, f"{where}: content does not match its hash (record altered)")
        if record["seq"] != self.expected_seq:
            raise VerificationError(
                number,
                f"{where}: seq {record['seq']} where {self.expected_seq} was expected: a record was inserted,"
                " deleted or moved",
            )
        if record["prev_hash"] != self.report.head_hash:
            raise VerificationError(number, f"{where}: prev_hash does not link to the record before it")

    def _check_draw(self, number: int, where: str, record: dict[str, Any]) -> None:
        config = self.configs.get(record["config_hash"])
        period = self.periods.get(record["period"])
        if config is None or period is None:
            raise VerificationError(
                number, f"{where}: unknown config {record['config_hash'][:12]} or period {record['period']}"
            )
        if record["commitment"] != period["commitment"]:
            raise VerificationError(number, f"{where}: commitment differs from period {record['period']}")
        ranges = [n for n, _ in record["draws"]]
        if _integers(period["server_seed"], record["client_seed"], record["nonce"], ranges) != [
            v for _, v in record["draws"]
        ]:
            raise VerificationError(number, f"{where}: drawn integers do not follow from the seeds")
        prizes = [(p["key"], p["weight"]) for p in config["pool"]["prizes"]]
        if ranges[0] != sum(w for _, w in prizes):
            raise VerificationError(number, f"{where}: first draw range is not the pool's total weight")
        expected = _pick(prizes, record["draws"][0][1])
        if record["prize"] != expected:
            raise VerificationError(number, f"{where}: prize {record['prize']!r} but the draw picks {expected!r}")
        self._check_grant(number, where, record, config)

    def _check_grant(self, number: int, where: str, record: dict[str, Any], config: dict[str, Any]) -> None:
        granted, reason = record["granted"], record["fallback_reason"]
        fallback = config["pool"]["fallback"]
        fine = (granted == record["prize"] and reason is None) or (reason is not None and granted in (fallback, None))
        if not fine:
            raise VerificationError(
                number, f"{where}: granted {granted!r} is neither the prize nor an explained fallback"
            )
        reward = next(p["reward"] for p in config["pool"]["prizes"] if p["key"] == record["prize"])
        amount_draws = self._check_amount(number, where, record, reward)
        if record["game"] == "wheel":
            self._check_wheel(number, where, record, config, 1 + amount_draws)

    def _check_amount(self, number: int, where: str, record: dict[str, Any], reward: dict[str, Any]) -> int:
        """A range red packet's amount: ``draws[1]`` over ``max - min + 1`` gives ``detail.amount_fen``.

        Returns how many draws the amount took (1, or 0 when the prize has no amount range).
        """
        if "max_fen" not in reward:
            if "amount_fen" in record["detail"]:
                raise VerificationError(number, f"{where}: an amount_fen for a prize without an amount range")
            return 0
        low, high = reward["min_fen"], reward["max_fen"]
        if len(record["draws"]) < 2 or record["draws"][1][0] != high - low + 1:
            raise VerificationError(
                number, f"{where}: second draw range is not the {high - low + 1} amounts of the red packet"
            )
        amount = low + record["draws"][1][1]
        if record["detail"].get("amount_fen") != amount:
            raise VerificationError(
                number, f"{where}: amount_fen {record['detail'].get('amount_fen')!r} but the draw gives {amount}"
            )
        return 1

    def _check_wheel(self, number: int, where: str, record: dict[str, Any], config: dict[str, Any], at: int) -> None:
        """The slot: ``draws[at]`` among the slots showing the landed prize; no draw after it."""
        slots = _wheel_slots(config)
        if slots is None:
            raise VerificationError(
                number, f"{where}: config {record['config_hash'][:12]} has no wheel slots (a list of prize keys)"
            )
        landed = config["pool"]["fallback"] if record["granted"] is None else record["granted"]
        candidates = [i for i, key in enumerate(slots) if key == landed]
        if len(record["draws"]) != at + 1:
            raise VerificationError(number, f"{where}: a wheel spin has {at + 1} draws, not {len(record['draws'])}")
        n, value = record["draws"][at]
        if n != len(candidates) or record["detail"]["slot"] != candidates[value]:
            raise VerificationError(number, f"{where}: wheel slot does not follow from the draw")

    def end(self, number: int, item: dict[str, Any]) -> None:
        count = _member(item, "count", _integer(0), "end line")
        head_hash = _member(item, "head_hash", HEX, "end line")
        if count != self.report.draws or head_hash != self.report.head_hash:
            raise VerificationError(number, "end line's count or head hash does not match the draws (records missing)")
        self._check_checkpoints(number, 0, GENESIS)  # published ones at 0 records
        beyond = [c for count, found in self.checkpoints.items() if count > self.report.draws for c in found]
        if beyond:
            first = min(beyond, key=lambda c: c.count)
            raise VerificationError(
                number,
                f"checkpoint of period {first.period} ({first.source}) counts {first.count} records, the export"
                f" holds {self.report.draws} (records missing)",
            )
        self.end_seen = True


def _parse(number: int, text: str) -> Any:
    """The JSON value of a line. :raises VerificationError: when it is not JSON, holds an integer too long for
    Python to read (more than 4300 digits) or arrays and objects nested more than ``MAX_DEPTH`` deep."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise VerificationError(number, f"not valid JSON ({error.msg})") from None
    except ValueError:  # json.loads reads at most 4300 digits in an integer
        raise VerificationError(number, "not valid JSON (an integer of more than 4300 digits)") from None
    except RecursionError:
        raise VerificationError(number, f"not valid JSON (nested more than {MAX_DEPTH} deep)") from None
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(value) > MAX_DEPTH:
        raise VerificationError(number, f"not valid JSON (nested more than {MAX_DEPTH} deep)")
    return value


def _depth(value: Any) -> int:
    """How deep arrays and objects are nested in ``value`` (0 for a number, a string, ...)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if type(item) is dict else item if type(item) is list else None
        if children is not None:
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in children)
    return deepest


def verify_lines(lines: Iterable[str], published: Iterable[Checkpoint] = (), *, workers: int | None = None) -> Report:
    """Verify an export given as lines, and that it extends every ``published`` checkpoint (saved earlier
    from the rules page). ``workers``: processes for the draw lines of a large export (default: up to the
    CPUs available; 1 verifies in this process only). :raises VerificationError: naming the first bad line."""
    from games.verify_parallel import FastVerifier, Tuning, verify_stream  # it builds on this module

    verifier = FastVerifier(published)
    number = verify_stream(verifier, lines, Tuning.default(workers))
    return _finish(verifier, number)


def reference_verify_lines(lines: Iterable[str], published: Iterable[Checkpoint] = ()) -> Report:
    """:func:`verify_lines` with the reference verifier alone, one line at a time (slow: the fast lanes are
    tested against it)."""
    verifier = _Verifier(published)
    number = 0
    for number, text in enumerate(lines, start=1):
        if text.strip():
            verifier.line(number, text)
    return _finish(verifier, number)


def _finish(verifier: _Verifier, number: int) -> Report:
    """The report, once all ``number`` lines are read: only an export that ended with its end line passes."""
    if not verifier.end_seen:
        raise VerificationError(number + 1, "no end line: the export is truncated")
    return verifier.report


def decode_lines(raw_lines: Iterable[bytes], progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The lines of an export given as bytes, each ending at ``\\n`` (and only there: a ``\\r`` is part of its
    line), decoded as UTF-8; a line that is not UTF-8 is an :class:`Undecodable`. ``progress(bytes read)`` is
    called about every MiB and at the end."""
    done = step = 1 << 20
    read = 0
    for raw in raw_lines:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = Undecodable(NOT_UTF8)
        if progress is not None:
            read += len(raw)
            if read >= done:
                progress(read)
                done = read + step
        yield text
    if progress is not None:
        progress(read)


def read_lines(path: str, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The lines of an export file, read lazily (see :func:`decode_lines`)."""
    with open(path, "rb") as handle:
        yield from decode_lines(handle, progress)


def read_checkpoints(path: str) -> list[Checkpoint]:
    """Checkpoints saved from ``GET /api/campaigns/{id}/checkpoints``: a JSON list of objects with
    ``period``, ``count`` and ``head_hash``. :raises ValueError: when the file holds anything else."""
    with open(path, encoding="utf-8") as handle:
        items = json.load(handle)
    if not isinstance(items, list):
        raise ValueError("a checkpoints file holds a JSON list")
    return [Checkpoint(str(i["period"]), int(i["count"]), str(i["head_hash"]), "published") for i in items]
