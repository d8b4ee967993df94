"""The shapes of an export's lines (docs/fairness.md sections 9 and 10), as the reference verifier checks
them before anything else: each line's members and their types, a record's, a config's pool. Nothing is
guessed: a value of another shape is a :class:`_Malformed` naming where it is and what it must be.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from games.fairness.verify.outcomes import Replays
from games.fairness.verify.scheme import FALLBACK_REASONS, RANGE_MAX, RECORD_VERSIONS

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


class _Malformed(Exception):
    """A line whose shape is not the one docs/fairness.md gives; the message says where and how."""


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


def _record_shape(record: Any, replays: Replays) -> str:
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
    _detail_shape(record, where, replays)
    return where


def _detail_shape(record: dict[str, Any], where: str, replays: Replays) -> None:
    """``detail``: a game the verifier knows; an integer ``amount_fen`` if any; each of the game's detail
    members an integer, and no other member; for any game no number that is not an integer."""
    detail, replay = record["detail"], replays.get(record["game"])
    if replay is None:
        known = ", ".join(sorted(replays)) or "none"
        raise _Malformed(f"{where}: game {_found(record['game'])} is not one this verifier knows (it knows: {known})")
    for name in replay.detail_members:
        _member(detail, name, _integer(0), where, "detail.")
    if "amount_fen" in detail:
        _member(detail, "amount_fen", _integer(0), where, "detail.")
    members = ("amount_fen", *replay.detail_members)
    _exactly(detail, tuple(sorted(name for name in members if name in detail)), where, "detail.")
    number = _first_float(detail)
    if number is not None:
        raise _Malformed(f"{where}: detail holds a number that is not an integer ({_found(number)})")


def _config_shape(config: dict[str, Any], where: str) -> None:
    """What the checks read of a config (section 10): ``pool.prizes``, each with a string ``key``, a non-negative
    integer ``weight`` (0: never drawn) and a ``reward`` object (a range red packet's with integer ``min_fen`` and
    ``max_fen``), and a string ``pool.fallback``; and no number that is not an integer anywhere."""
    number = _first_float(config)
    if number is not None:
        raise _Malformed(f"{where}: config holds a number that is not an integer ({_found(number)})")
    pool = _member(config, "pool", OBJECT, where)
    prizes = _member(pool, "prizes", ("a non-empty list", lambda v: type(v) is list and len(v) > 0), where, "pool.")
    for index, prize in enumerate(prizes):
        path = f"pool.prizes[{index}]"
        _holds(prize, OBJECT, where, path)
        _member(prize, "key", STRING, where, path + ".")
        _member(prize, "weight", _integer(0), where, path + ".")
        reward = _member(prize, "reward", OBJECT, where, path + ".")
        if "min_fen" in reward or "max_fen" in reward:
            low = _member(reward, "min_fen", _integer(0), where, path + ".reward.")
            _member(reward, "max_fen", _integer(low, low + RANGE_MAX - 1), where, path + ".reward.")
    _member(pool, "fallback", STRING, where, "pool.")
