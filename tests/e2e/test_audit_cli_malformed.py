"""``carnival audit verify`` on malformed exports: every bad line is refused with its number and what is wrong,
never a traceback; lines end at a newline only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import Clock
from tests.e2e.audit_exports import (
    DRAWS,
    MOVED,
    content_hash,
    draw_line,
    export,
    failed,
    index_of,
    play_and_reveal,
    prize_altered,
    rechained,
    record,
    verify,
    write,
)


def resealed_record(lines: list[str], seq: int, change: Callable[[dict[str, Any]], dict[str, Any]]) -> list[str]:
    """The lines with record ``seq`` changed by ``change`` and every record hashed and chained again."""
    at = index_of(lines, seq)
    return rechained([*lines[:at], draw_line(change(record(lines[at]))), *lines[at + 1 :]])


def header_without_campaign(lines: list[str]) -> list[str]:
    header = json.loads(lines[0])
    del header["campaign"]
    return [json.dumps(header), *lines[1:]]


MALFORMED: dict[str, tuple[Callable[[list[str]], list[str]], str]] = {
    "record not an object": (
        lambda lines: [*lines[: index_of(lines, 5)], '{"type":"draw","record":[]}', *lines[index_of(lines, 5) :]],
        "draw line: record must be an object, not an empty list",
    ),
    "detail a string": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"detail": "x"}),
        'record seq 5: detail must be an object, not "x"',
    ),
    "detail a list": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"detail": []}),
        "record seq 5: detail must be an object, not an empty list",
    ),
    "unknown record version": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"v": 99}),
        "record seq 5: unknown record version 99",
    ),
    "floats in draws": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"draws": [[float(n), float(v)] for n, v in r["draws"]]}),
        "record seq 5: draws[0][0] must be an integer from 1 to 4294967296, not 10000.0",
    ),
    "nonce a string": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"nonce": str(r["nonce"])}),
        'record seq 5: nonce must be an integer from 0, not "1"',
    ),
    "extra member": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"note": "hi"}),
        'record seq 5: unexpected member "note"',
    ),
    "member missing": (
        lambda lines: resealed_record(lines, 5, lambda r: {k: v for k, v in r.items() if k != "created_at"}),
        "record seq 5: created_at is missing",
    ),
    "no draws": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"draws": []}),
        "record seq 5: draws must be a non-empty list, not an empty list",
    ),
    "unknown fallback reason": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"fallback_reason": "tired"}),
        'record seq 5: fallback_reason must be null, "out_of_stock", "cap_reached" or "budget_exhausted", not "tired"',
    ),
    "header without campaign": (header_without_campaign, "header line: campaign is missing"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_record_or_header_is_refused_naming_its_line(
    app: Flask, clock: Clock, tmp_path: Path, name: str
) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    malform, why = MALFORMED[name]
    malformed = malform(lines)
    line = 1 if name.startswith("header") else index_of(lines, 5) + 1
    for progress in ("--progress", "--no-progress"):
        result = verify(write(tmp_path / "malformed.jsonl", malformed), progress)
        assert failed(result), result.output
        assert result.stderr.splitlines()[-1] == f"FAILED malformed.jsonl: line {line}: {why}"


def test_a_record_inserted_is_refused_naming_its_line(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    after = index_of(lines, 8) + 1
    duplicate = [*lines[:after], lines[index_of(lines, 5)], *lines[after:]]
    result = verify(write(tmp_path / "duplicate.jsonl", duplicate))
    assert failed(result)
    assert (
        result.stderr
        == f"FAILED duplicate.jsonl: line {after + 1}: record seq 5: seq 5 where 9 was expected: {MOVED}\n"
    )

    forged = {k: v for k, v in record(lines[after - 1]).items() if k != "hash"} | {"user": 99}  # a copy of seq 8
    forged_line = draw_line(forged | {"hash": content_hash(forged)})  # its hash is valid: only the chain tells
    inserted = [*lines[:after], forged_line, *lines[after:]]
    result = verify(write(tmp_path / "forged.jsonl", inserted))
    assert failed(result)
    assert (
        result.stderr == f"FAILED forged.jsonl: line {after + 1}: record seq 8: seq 8 where 9 was expected: {MOVED}\n"
    )


def not_utf8(lines: list[str], at: int) -> bytes:
    """The export's bytes with a byte that is never UTF-8 in line ``at`` (1-based), inside its first string."""
    data = [line.encode("utf-8") for line in lines]
    data[at - 1] = data[at - 1].replace(b'":"', b'":"\xff', 1)
    return b"".join(line + b"\n" for line in data)


def test_a_line_that_is_not_utf8_is_named(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    for at in (3, 4, len(lines) - 1):
        path = tmp_path / "bytes.jsonl"
        path.write_bytes(not_utf8(lines, at))
        for progress in ("--progress", "--no-progress"):
            result = verify(path, progress)
            assert failed(result)
            assert result.stderr.splitlines()[-1] == f"FAILED bytes.jsonl: line {at}: not valid UTF-8"


def carriage_returns(lines: list[str]) -> dict[str, tuple[bytes, str | None]]:
    """Exports with ``\\r`` in them, and the verdict's end: lines end at ``\\n`` only."""
    at = index_of(lines, 6)
    inside = lines[at].replace('"client_seed":"', '"client_seed":"\r', 1)
    between = lines[at].replace(',"commitment"', ',\r"commitment"', 1)
    return {
        "crlf": (b"".join(line.encode() + b"\r\n" for line in lines), None),
        "cr only": (b"".join(line.encode() + b"\r" for line in lines), "line 1: not valid JSON (Extra data)"),
        "cr inside a string": (
            text_bytes([*lines[:at], inside, *lines[at + 1 :]]),
            f"line {at + 1}: not valid JSON (Invalid control character at)",
        ),
        "cr between members": (text_bytes([*lines[:at], between, *lines[at + 1 :]]), None),
    }


def text_bytes(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def test_lines_end_at_newline_only_with_or_without_progress(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    cases = carriage_returns(lines) | {
        "clean": (text_bytes(lines), None),
        "tampered": (text_bytes(prize_altered(lines)[0]), "record altered"),
        "not utf-8": (not_utf8(lines, 5), "line 5: not valid UTF-8"),
    }
    for name, (data, failure) in cases.items():
        path = tmp_path / "case.jsonl"
        path.write_bytes(data)
        shown, hidden = verify(path, "--progress"), verify(path, "--no-progress")
        assert shown.stdout == hidden.stdout, name
        assert shown.exit_code == hidden.exit_code == (0 if failure is None else 1), name
        assert [line for line in shown.stderr.splitlines() if not line.startswith("verifying")] == (
            hidden.stderr.splitlines()
        ), name
        if failure is None:
            assert hidden.stdout.startswith(f"OK: {DRAWS} draws verified"), name
        else:
            assert hidden.stderr.startswith("FAILED case.jsonl: ") and failure in hidden.stderr, name
