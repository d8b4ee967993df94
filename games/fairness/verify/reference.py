"""The reference verifier, written from docs/fairness.md alone: :class:`_Verifier` checks one line at a time,
as the spec reads, with the standard library only.

It uses none of the engine's code, so that what it checks is the published scheme, not our implementation
of it. Every line's shape is checked first (its members and their types, sections 9 and 10, see
:mod:`games.fairness.verify.shapes`): nothing is guessed, and a line of another shape is refused with its line
number, never half-read. The fast lanes only ever accept: every refusal, and its message, is this
verifier's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from games.fairness.verify.lines import NOT_UTF8, Undecodable, _parse
from games.fairness.verify.order import DrawOrder
from games.fairness.verify.outcomes import Replays, installed_replays
from games.fairness.verify.report import Checkpoint, Report, VerificationError
from games.fairness.verify.scheme import FORMAT, GENESIS, SUPPORTED_VERSIONS, _content_hash, _integers, _pick
from games.fairness.verify.shapes import (
    CAMPAIGN_MEMBERS,
    HEX,
    LINE_MEMBERS,
    OBJECT,
    STRING,
    TIMESTAMP,
    _config_shape,
    _exactly,
    _found,
    _integer,
    _Malformed,
    _member,
    _record_shape,
)


class _Verifier:
    def __init__(self, published: Iterable[Checkpoint] = (), replays: Replays | None = None) -> None:
        self.replays = installed_replays() if replays is None else replays
        self.game_views: dict[tuple[str, str], Any] = {}  # (config hash, game) -> the game's view of the config
        self.configs: dict[str, dict[str, Any]] = {}
        self.periods: dict[str, dict[str, Any]] = {}
        self.checkpoints: dict[int, list[Checkpoint]] = {}
        self.order = DrawOrder()
        self.report = Report()
        for checkpoint in published:
            self._add_checkpoint(checkpoint)
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
        self._add_checkpoint(Checkpoint(period, count, head_hash, f"line {number}"))
        self._check_checkpoints(number, 0, GENESIS)

    def _add_checkpoint(self, checkpoint: Checkpoint) -> None:
        self.checkpoints.setdefault(checkpoint.count, []).append(checkpoint)
        self.order.add(checkpoint, self.report.draws)

    def _check_checkpoints(self, number: int, count: int, head: str) -> None:
        """Every checkpoint at ``count`` records must name ``head``; their periods are closed."""
        found = self.checkpoints.get(count)
        if not found:
            return
        for checkpoint in found:
            if checkpoint.head_hash != head:
                raise VerificationError(
                    number,
                    f"checkpoint of period {checkpoint.period} ({checkpoint.source}) says the chain head after "
                    f"{count} records was {checkpoint.head_hash[:16]}…, the log has {head[:16]}… (log rewritten)",
                )
        self.order.passed(found)

    def draw(self, number: int, item: dict[str, Any]) -> None:
        record = item["record"]
        where = _record_shape(record, self.replays)
        self._check_chain(number, where, record)
        fault = self.order.fault(where, record)
        if fault is not None:
            raise VerificationError(number, fault)
        self._check_draw(number, where, record)
        self.order.drawn(record["period"], record["user"], record["nonce"])
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
        if not self.replays[record["game"]].picks_prize:
            self._check_no_pick(number, where, record)
            self._check_game(number, where, record, config, 0)
            return
        prizes = [(p["key"], p["weight"]) for p in config["pool"]["prizes"]]
        if ranges[0] != sum(w for _, w in prizes):
            raise VerificationError(number, f"{where}: first draw range is not the pool's total weight")
        expected = _pick(prizes, record["draws"][0][1])
        if record["prize"] != expected:
            raise VerificationError(number, f"{where}: prize {record['prize']!r} but the draw picks {expected!r}")
        self._check_grant(number, where, record, config)

    def _check_no_pick(self, number: int, where: str, record: dict[str, Any]) -> None:
        """A game that draws no pool pick records none: ``prize`` is ``""``, ``granted`` and ``fallback_reason`` are
        null and ``detail`` has no ``amount_fen`` (section 11, step 4.8)."""
        if record["prize"] != "" or record["granted"] is not None or record["fallback_reason"] is not None:
            raise VerificationError(
                number, f"{where}: a {record['game']} record picks no prize, but it names prize, granted or a reason"
            )
        if "amount_fen" in record["detail"]:
            raise VerificationError(number, f"{where}: an amount_fen in a {record['game']} record, which draws none")

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
        self._check_game(number, where, record, config, 1 + amount_draws)

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

    def _check_game(self, number: int, where: str, record: dict[str, Any], config: dict[str, Any], at: int) -> None:
        """The game's own step (its replay): ``draws[at:]`` give the outcome in ``detail``."""
        replay = self.replays[record["game"]]
        key = (record["config_hash"], record["game"])
        landed = config["pool"]["fallback"] if record["granted"] is None else record["granted"]
        try:
            if key not in self.game_views:
                self.game_views[key] = replay.config_view(config)
            view = self.game_views[key]
            problem = None if view is None else replay.check(view, landed, record["draws"], at, record["detail"])
        except Exception as error:  # a game's replay is outside this verifier: its failure is this line's verdict
            raise VerificationError(number, f"{where}: the {record['game']} replay failed ({error!r})") from error
        if view is None:
            raise VerificationError(number, f"{where}: config {record['config_hash'][:12]} {replay.missing_config}")
        if problem is not None:
            raise VerificationError(number, f"{where}: {problem}")

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


def reference_verify_lines(
    lines: Iterable[str], published: Iterable[Checkpoint] = (), replays: Replays | None = None
) -> Report:
    """:func:`verify_lines` with the reference verifier alone, one line at a time (slow: the fast lanes are
    tested against it). ``replays``: the games it knows (default: the installed ones)."""
    verifier = _Verifier(published, replays)
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
