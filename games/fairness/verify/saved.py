"""Checkpoints an auditor saved from ``GET /api/campaigns/{id}/checkpoints``, read strictly (docs/audit.md and
docs/fairness.md section 11): a UTF-8 JSON list of objects, each with exactly ``period`` (a string), ``count``
(an integer from 0) and ``head_hash`` (64 lowercase hex digits), and optionally ``published_at`` (a string,
not read). The JSON rules of an export's lines hold here too (no member name twice in one object). Nothing is
guessed: anything else is a :class:`CheckpointsError` naming the entry (numbered from 1) and the member.
"""

from __future__ import annotations

from typing import Any

from games.fairness.verify.lines import NOT_UTF8, Refused, json_value
from games.fairness.verify.report import Checkpoint
from games.fairness.verify.shapes import HEX, STRING, _exactly, _found, _integer, _Malformed, _member

CHECKPOINT_MEMBERS = ("period", "count", "head_hash")
OPTIONAL_MEMBERS = ("published_at",)  # what the API answers besides: allowed, a string, not read


class CheckpointsError(ValueError):
    """A saved checkpoints file that is not of the format above; the message says where and how."""


def _entry(number: int, entry: Any) -> Checkpoint:
    """Entry ``number`` (from 1) of the list. :raises CheckpointsError: when it is not of the format."""
    where = f"entry {number}"
    if type(entry) is not dict:
        raise CheckpointsError(f"{where} must be an object, not {_found(entry)}")
    try:
        _exactly(entry, CHECKPOINT_MEMBERS + tuple(name for name in OPTIONAL_MEMBERS if name in entry), where)
        period = _member(entry, "period", STRING, where)
        count = _member(entry, "count", _integer(0), where)
        head_hash = _member(entry, "head_hash", HEX, where)
        if "published_at" in entry:
            _member(entry, "published_at", STRING, where)
    except _Malformed as error:
        raise CheckpointsError(str(error)) from None
    return Checkpoint(period, count, head_hash, "published")


def parse_checkpoints(data: bytes) -> list[Checkpoint]:
    """The checkpoints of a saved file's bytes. :raises CheckpointsError: when they are not of the format."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointsError(NOT_UTF8) from None
    try:
        items = json_value(text)
    except Refused as error:
        raise CheckpointsError(str(error)) from None
    if type(items) is not list:
        raise CheckpointsError(f"a checkpoints file holds a JSON list, not {_found(items)}")
    return [_entry(number, entry) for number, entry in enumerate(items, start=1)]


def read_checkpoints(path: str) -> list[Checkpoint]:
    """The checkpoints saved in the file at ``path`` (see the module doc). :raises OSError: when it cannot be
    read; CheckpointsError: when it is not of the format."""
    with open(path, "rb") as handle:
        return parse_checkpoints(handle.read())
