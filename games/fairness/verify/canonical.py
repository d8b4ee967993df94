"""The canonical JSON (docs/fairness.md section 8) of a record of the usual shape, by string formatting.

A usual record is exactly the shape of section 9: the known members and ``hash``; ``v`` 1; integers that are
``int``, not ``bool`` or ``float``, in ``0 .. 2^63 - 1``; strings of printable ASCII without ``"`` or ``\\``,
the client seed and ``created_at`` of their patterns; ``granted`` such a string or ``null``,
``fallback_reason`` a known reason or ``null``; draws as ``[int, int]`` pairs; a detail of ``slot`` and/or
``amount_fen`` integers. For it, the text written here is byte for byte what
``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` writes: such strings and integers
are written as themselves, which the tests also check.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from games.fairness.verify.scheme import FALLBACK_REASONS, RECORD_VERSIONS
from games.fairness.verify.shapes import CLIENT_SEED, TIMESTAMP

_RECORD_KEYS = (
    "campaign", "client_seed", "commitment", "config_hash", "created_at", "detail", "draws",
    "fallback_reason", "game", "granted", "hash", "nonce", "period", "prev_hash", "prize", "seq", "user", "v",
)  # fmt: skip
_TAKE = itemgetter(*_RECORD_KEYS)
_CLIENT_SEED, _TIMESTAMP = CLIENT_SEED[1], TIMESTAMP[1]  # the reference's tests of these members


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
    to ``json.dumps``. Whenever it is not ``None`` it is byte for byte ``games.fairness.verify.scheme._canonical``'s."""
    shaped = _shape(record)
    return None if shaped is None else shaped[0]
