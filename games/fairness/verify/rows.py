"""A draw line of the usual shape read into a :data:`Row`: the strings the fast lane checks.

A line in canonical JSON (as the server and the bench write it) is matched by the grammar of exactly that
text; any other layout is parsed, and its canonical JSON written by :func:`games.fairness.verify.canonical._shape`.
Parsing uses orjson when it is installed and the standard ``json`` module when it is not. orjson refuses
some text that ``json`` takes (``NaN``, lone surrogates: such lines go to the reference) and reads integers
beyond 64 bits as floats (which no usual record holds); on every line a fast lane accepts, the two parsers
agree.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from games.fairness.verify.canonical import _shape
from games.fairness.verify.scheme import FALLBACK_REASONS

try:
    import orjson
except ImportError:  # the verifier still runs with the standard library alone
    orjson = None

loads: Callable[[str], Any] = orjson.loads if orjson is not None else json.loads

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
_RECORD_GRAMMAR = (  # 24 groups: a Row
    rf'(\{{"campaign":{_INT},"client_seed":"({_SEED})","commitment":"({_HASH})","config_hash":"({_HASH})",'
    rf'"created_at":"{_TIME}","detail":\{{(?:"amount_fen":({_INT})(?:,"slot":({_INT}))?|"slot":({_INT}))?\}},'
    rf'"draws":\[{_PAIR}(?:,{_PAIR}(?:,{_PAIR})?)?\],"fallback_reason":(?:null|("(?:{_REASON})")),"game":"({_STR})",'
    rf'"granted":(?:null|("{_STR}")),)"hash":"({_HASH})",("nonce":({_INT}),"period":"({_STR})",'
    rf'"prev_hash":"({_HASH})","prize":"({_STR})","seq":({_INT}),"user":({_INT}),"v":1\}})'
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
# hash, tail (the record's text after its hash), nonce, period, prev_hash, prize, seq, user: strings, "" for none


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


_JSON_SPACE = " \t\n\r"


def _names_written(text: str) -> int | None:
    """How many member names the JSON ``text`` writes, in every object, those a parser drops included (a name
    is a string followed by ``:``); ``None`` when the text holds a backslash (then a ``"`` may be inside a
    string, and the count is not made)."""
    if "\\" in text:
        return None
    after_strings = text.split('"')[2::2]  # without escapes, every '"' opens or closes a string
    return sum(1 for part in after_strings if part.lstrip(_JSON_SPACE).startswith(":"))


def _parsed_row(text: str) -> Row | None:
    """The row of a draw line of the usual shape in any JSON layout: parsed, its canonical JSON written by
    :func:`_shape` (as the row's head); ``None`` for any other line, or more than three draws.

    json and orjson keep the last of a repeated member name (the reference refuses the line) and read a
    wrapper of more members than ``type`` and ``record``: so the text must write exactly the names of a usual
    draw line (``type`` and ``record``, the record's and its detail's), each once."""
    item = loads(text)
    record = item["record"] if type(item) is dict and item.get("type") == "draw" else None
    shaped = _shape(record)
    if shaped is None or not 1 <= len(record["draws"]) <= 3:
        return None
    if _names_written(text) != 2 + len(record) + len(record["detail"]):
        return None
    body, values = shaped
    (_, client_seed, commitment, config_hash, _, detail, draws, reason, game, granted, hash_) = values[:11]
    (nonce, period, prev_hash, prize, seq, user) = values[11:17]
    pairs = [str(number) for pair in draws for number in pair] + ["", "", "", ""]
    amount, slot = detail.get("amount_fen"), detail.get("slot")
    return (
        body.decode("ascii"), client_seed, commitment, config_hash, "" if amount is None else str(amount), "",
        "" if slot is None else str(slot), *pairs[:6], "" if reason is None else f'"{reason}"', game,
        "" if granted is None else f'"{granted}"', hash_, "", str(nonce), period, prev_hash, prize, str(seq),
        str(user),
    )  # fmt: skip


def _line_row(text: str) -> Row | None:
    """The row of a draw line of the usual shape, in canonical JSON or any other layout."""
    return _canonical_row(text) or _parsed_row(text)
