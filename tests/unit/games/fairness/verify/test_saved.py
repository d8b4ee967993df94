"""Saved checkpoints files (games/fairness/verify/saved.py) are read strictly: exactly the API's form, or refused with a
message naming the entry and the member. ``MALFORMED`` is shared with the browser's verifier's test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from games.fairness import verify

HEAD = "81b100c166c3d0dbce64b248304415ca2315dc6882485e6eed0b42564734f292"
ENTRY = {"count": 4, "head_hash": HEAD, "period": "20261123-1", "published_at": "2026-11-23T16:00:05+00:00"}


def saved(*entries: Any) -> bytes:
    return json.dumps(list(entries), ensure_ascii=False).encode("utf-8")


def entry(**change: Any) -> dict[str, Any]:
    """``ENTRY`` with members changed (``None``: removed)."""
    return {k: v for k, v in (ENTRY | change).items() if v is not None}


MALFORMED: dict[str, tuple[bytes, str]] = {
    "count a string": (saved(ENTRY, entry(count="4")), 'entry 2: count must be an integer from 0, not "4"'),
    "count a float": (saved(entry(count=4.0)), "entry 1: count must be an integer from 0, not 4.0"),
    "count true": (saved(entry(count=True)), "entry 1: count must be an integer from 0, not true"),
    "count -1": (saved(entry(count=-1)), "entry 1: count must be an integer from 0, not -1"),
    "count null": (saved(ENTRY | {"count": None}), "entry 1: count must be an integer from 0, not null"),
    "head in capitals": (
        saved(entry(head_hash=HEAD.upper())),
        f'entry 1: head_hash must be 64 lowercase hex digits, not "{HEAD.upper()[:29]}…',
    ),
    "head short": (saved(entry(head_hash="abc")), 'entry 1: head_hash must be 64 lowercase hex digits, not "abc"'),
    "period a number": (saved(entry(period=20261123)), "entry 1: period must be a string, not 20261123"),
    "published_at a number": (saved(entry(published_at=1)), "entry 1: published_at must be a string, not 1"),
    "period missing": (saved(ENTRY, ENTRY, entry(period=None)), "entry 3: period is missing"),
    "count and head missing": (saved(entry(head_hash=None, count=None)), "entry 1: count is missing"),
    "a member more": (saved(entry(note="mine")), 'entry 1: unexpected member "note"'),
    "an entry a list": (saved(ENTRY, [4, HEAD]), "entry 2 must be an object, not a list"),
    "an entry null": (saved(None), "entry 1 must be an object, not null"),
    "an object": (json.dumps(ENTRY).encode(), "a checkpoints file holds a JSON list, not an object"),
    "a number": (b"4", "a checkpoints file holds a JSON list, not 4"),
    "count twice": (
        saved(ENTRY).replace(b'"count": 4', b'"count": 5, "count": 4'),
        'member "count" appears twice in one object',
    ),
    "empty": (b"", "not valid JSON (Expecting value)"),
    "two lists": (saved(ENTRY) + b"\n" + saved(ENTRY), "not valid JSON (Extra data)"),
    "a byte-order mark": (
        b"\xef\xbb\xbf" + saved(ENTRY),
        "not valid JSON (Unexpected UTF-8 BOM (decode using utf-8-sig))",
    ),
    "not utf-8": (saved(entry(period="20261123-1?")).replace(b"-1?", b"-1\xff"), "not valid UTF-8"),
    "nested": (b"[" * 101 + b"]" * 101, "not valid JSON (nested more than 100 deep)"),
}
WELL_FORMED: dict[str, bytes] = {
    "as the API answers": saved(ENTRY),
    "without published_at": saved(entry(published_at=None)),
    "none": b"[]",
    "indented, two": json.dumps([entry(period="20261122-1", count=0, head_hash="0" * 64), ENTRY], indent=2).encode(),
    "a huge count": saved(entry(count=2**70)),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_file_is_refused_naming_the_entry_and_the_member(name: str) -> None:
    data, why = MALFORMED[name]
    with pytest.raises(verify.CheckpointsError) as refused:
        verify.parse_checkpoints(data)
    assert str(refused.value) == why


@pytest.mark.parametrize("name", list(WELL_FORMED))
def test_a_well_formed_file_is_read(name: str) -> None:
    checkpoints = verify.parse_checkpoints(WELL_FORMED[name])
    assert all(checkpoint.source == "published" for checkpoint in checkpoints)
    assert [(c.period, c.count, c.head_hash) for c in checkpoints] == [
        (item["period"], item["count"], item["head_hash"]) for item in json.loads(WELL_FORMED[name])
    ]


def test_read_checkpoints_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "saved.json"
    path.write_bytes(saved(ENTRY))
    assert verify.read_checkpoints(str(path)) == [verify.Checkpoint("20261123-1", 4, HEAD, "published")]
    path.write_bytes(MALFORMED["count a string"][0])
    with pytest.raises(verify.CheckpointsError):
        verify.read_checkpoints(str(path))
    with pytest.raises(OSError):
        verify.read_checkpoints(str(tmp_path / "missing.json"))
