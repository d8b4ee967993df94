"""An independent verifier of draw exports, written from docs/fairness.md alone.

It uses none of the engine's code, so that what it checks is the published scheme, not our
implementation of it. It streams: memory stays flat in the number of draws.

This module is the reference: :class:`_Verifier` checks one line at a time, as the spec reads, with the
standard library only. :func:`verify_lines` adds the fast lanes of :mod:`games.verify_parallel` (orjson
when installed, a specialised canonical serializer, worker processes for large exports); they only ever
*accept* draw lines of the usual shape, and every other line, and every refusal, is this reference's
verdict, so the verdicts and messages are the reference's for every input.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
FORMAT = "carnival.draws"
EXPORT_VERSION = 2  # 2 added checkpoint lines
SUPPORTED_VERSIONS = {1, 2}


class VerificationError(Exception):
    """The first thing in an export that does not hold, with its line number."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class Report:
    """What a successful verification covered."""

    draws: int = 0
    periods: dict[str, int] = field(default_factory=dict)
    head_hash: str = GENESIS


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _integers(server_seed: str, client_seed: str, nonce: int, ranges: list[int]) -> list[int]:
    key = bytes.fromhex(server_seed)
    out: list[int] = []
    cursor, offset, block = 0, 32, b""
    for n in ranges:
        if not 1 <= n <= 2**32:
            raise ValueError(f"range {n} outside 1..2^32")
        limit = 2**32 - (2**32 % n)
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


def _reward(config: dict[str, Any], key: str) -> dict[str, Any]:
    return next(p["reward"] for p in config["pool"]["prizes"] if p["key"] == key)


def _pick(prizes: list[tuple[str, int]], value: int) -> str:
    upper = 0
    for key, weight in prizes:
        upper += weight
        if value < upper:
            return key
    raise ValueError(f"value {value} beyond the total weight {upper}")


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
        self.header_seen = False
        self.end_seen = False

    def line(self, number: int, text: str) -> None:
        try:
            item = json.loads(text)
        except json.JSONDecodeError as error:
            raise VerificationError(number, f"not valid JSON ({error.msg})") from error
        kind = item.get("type") if isinstance(item, dict) else None
        if not self.header_seen and kind != "header":
            raise VerificationError(number, "the export must start with a header line")
        if self.end_seen:
            raise VerificationError(number, "content after the end line")
        handler = {
            "header": self.header,
            "config": self.config,
            "period": self.period,
            "checkpoint": self.checkpoint,
            "draw": self.draw,
            "end": self.end,
        }.get(kind)
        if handler is None:
            raise VerificationError(number, f"unknown line type {kind!r}")
        try:
            handler(number, item)
        except (KeyError, TypeError, ValueError) as error:
            raise VerificationError(number, f"malformed {kind} line ({error!r})") from error

    def header(self, number: int, item: dict[str, Any]) -> None:
        if self.header_seen:
            raise VerificationError(number, "a second header line")
        if item.get("format") != FORMAT or item.get("version") not in SUPPORTED_VERSIONS:
            raise VerificationError(number, f"unknown format {item.get('format')!r} version {item.get('version')!r}")
        self.header_seen = True

    def config(self, number: int, item: dict[str, Any]) -> None:
        if _sha256(_canonical(item["config"])) != item["hash"]:
            raise VerificationError(number, f"config does not hash to {item['hash']}")
        self.configs[item["hash"]] = item["config"]

    def period(self, number: int, item: dict[str, Any]) -> None:
        if _sha256(bytes.fromhex(item["server_seed"])) != item["commitment"]:
            raise VerificationError(number, f"period {item['key']}: revealed seed does not match its commitment")
        self.periods[item["key"]] = item
        self.report.periods.setdefault(item["key"], 0)

    def checkpoint(self, number: int, item: dict[str, Any]) -> None:
        checkpoint = Checkpoint(item["period"], int(item["count"]), str(item["head_hash"]), f"line {number}")
        if checkpoint.count < 0:
            raise ValueError("a negative count")
        self.checkpoints.setdefault(checkpoint.count, []).append(checkpoint)
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
        where = f"record seq {record.get('seq')}"
        self._check_chain(number, where, record)
        self._check_draw(number, where, record)
        self.report.draws += 1
        self.report.periods[record["period"]] += 1
        self.report.head_hash = record["hash"]
        self.expected_seq += 1
        self._check_checkpoints(number, self.report.draws, self.report.head_hash)

    def _check_chain(self, number: int, where: str, record: dict[str, Any]) -> None:
        body = {k: v for k, v in record.items() if k != "hash"}
        if _sha256(_canonical(body)) != record["hash"]:
            raise VerificationError(number, f"{where}: content does not match its hash (record altered)")
        if record["seq"] != self.expected_seq:
            raise VerificationError(
                number, f"{where}: expected seq {self.expected_seq} (record missing or out of order)"
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
        amount_draws = self._check_amount(number, where, record, _reward(config, record["prize"]))
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
        slots = config["games"]["wheel"]["slots"]
        landed = record["granted"] or config["pool"]["fallback"]
        candidates = [i for i, key in enumerate(slots) if key == landed]
        if len(record["draws"]) != at + 1:
            raise VerificationError(number, f"{where}: a wheel spin has {at + 1} draws, not {len(record['draws'])}")
        n, value = record["draws"][at]
        if n != len(candidates) or record["detail"].get("slot") != candidates[value]:
            raise VerificationError(number, f"{where}: wheel slot does not follow from the draw")

    def end(self, number: int, item: dict[str, Any]) -> None:
        if item["count"] != self.report.draws or item["head_hash"] != self.report.head_hash:
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


def read_lines(path: str) -> Iterator[str]:
    """The lines of an export file, read lazily."""
    with open(path, encoding="utf-8") as handle:
        yield from handle


def read_checkpoints(path: str) -> list[Checkpoint]:
    """Checkpoints saved from ``GET /api/campaigns/{id}/checkpoints``: a JSON list of objects with
    ``period``, ``count`` and ``head_hash``. :raises ValueError: when the file holds anything else."""
    with open(path, encoding="utf-8") as handle:
        items = json.load(handle)
    if not isinstance(items, list):
        raise ValueError("a checkpoints file holds a JSON list")
    return [Checkpoint(str(i["period"]), int(i["count"]), str(i["head_hash"]), "published") for i in items]
