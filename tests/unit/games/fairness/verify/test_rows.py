"""Lines of another shape than the fast lanes' rows (games/fairness/verify/rows.py): the reference refuses them, naming
the line, and so does every lane, one process or with workers; a member name written twice included (json and
orjson keep the last, the reference refuses the line)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from games.fairness.verify import rows
from tests.unit.games.fairness.verify.exports import (
    SMALL_CHUNKS,
    big_export,
    first_draw,
    one_process,
    reference,
    small_export,
    with_workers,
)
from tests.unit.games.fairness.verify.tamperings import rehashed

EXPORT = small_export()
FIRST_DRAW = first_draw(EXPORT)
BIG = big_export()


# --- Lines of another shape: the reference refuses them, naming the line, and so does every lane ------------


def header_without_campaign(lines: list[str], at: int) -> list[str]:
    header = json.loads(lines[0])
    del header["campaign"]
    return [json.dumps(header) + "\n", *lines[1:]]


MALFORMED: dict[str, tuple[Callable[[list[str], int], list[str]], str]] = {
    "record []": (lambda lines, at: [*lines[:at], '{"type":"draw","record":[]}\n', *lines[at:]], "draw line: record"),
    'detail "x"': (lambda lines, at: rehashed(lines, at, {"detail": "x"}), "detail must be an object"),
    "detail []": (lambda lines, at: rehashed(lines, at, {"detail": []}), "detail must be an object"),
    "v 99": (lambda lines, at: rehashed(lines, at, {"v": 99}), "unknown record version 99"),
    "floats in draws": (lambda lines, at: rehashed(lines, at, {"draws": [[10.0, 5.0]]}), "draws[0][0] must be"),
    'nonce "0"': (lambda lines, at: rehashed(lines, at, {"nonce": "0"}), 'nonce must be an integer from 0, not "0"'),
    "extra member": (lambda lines, at: rehashed(lines, at, {"extra": 1}), 'unexpected member "extra"'),
    "no campaign": (header_without_campaign, "header line: campaign is missing"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_line_of_another_shape_is_refused_in_every_lane(name: str) -> None:
    malform, why = MALFORMED[name]
    for lines, at, lane in ((EXPORT, FIRST_DRAW + 7, one_process), (BIG, 30 + 40 * 10 + 7, with_workers(SMALL_CHUNKS))):
        malformed = malform(lines, at)
        expected = reference(malformed)
        assert expected[0] == "refused" and why in expected[2], expected
        assert expected[1] == (1 if name == "no campaign" else at + 1)
        assert lane(malformed) == expected


# --- A member name twice: json and orjson keep the last, the reference refuses the line, so does every lane --


def repeated(line: str, name: str, value: str) -> str:
    """``line`` with ``"name":value`` written before its first ``name`` member (in any layout)."""
    return re.sub(rf'"{name}"(\s*):', lambda m: f'"{name}"{m[1]}:{value},"{name}"{m[1]}:', line, count=1)


REPEATED: dict[str, tuple[Callable[[str], str], str]] = {
    "another prize first": (lambda line: repeated(line, "prize", '"red_8888"'), "prize"),
    "the same prize twice": (lambda line: line.replace('"prize":', '"prize":"x","prize":', 1), "prize"),
    "another slot first": (lambda line: repeated(line, "slot", "0"), "slot"),
    "type twice": (lambda line: repeated(line, "type", '"draw"'), "type"),
    "another record first": (lambda line: repeated(line, "record", "{}"), "record"),
}


@pytest.mark.parametrize("layout", ["canonical", "spaced"])
@pytest.mark.parametrize("name", list(REPEATED))
def test_a_member_name_twice_is_refused_in_every_lane(name: str, layout: str) -> None:
    """The line is good as json reads it (the last of each name): the fast lanes would take it, were it not for
    the name written twice; the reference refuses it, and every lane gives that verdict."""
    change, member = REPEATED[name]
    for lines, at, lane in ((EXPORT, FIRST_DRAW + 7, one_process), (BIG, 30 + 40 * 10 + 7, with_workers(SMALL_CHUNKS))):
        lines = rehashed(lines, at, {}, layout=layout)
        assert rows._line_row(lines[at]) is not None  # the line as it was: a fast lane takes it
        lines[at] = change(lines[at])
        assert rows._line_row(lines[at]) is None
        expected = reference(lines)
        assert expected == ("refused", at + 1, f'member "{member}" appears twice in one object')
        assert lane(lines) == expected


def test_a_draw_line_with_a_member_beside_type_and_record_is_left_to_the_reference() -> None:
    for layout in ("canonical", "spaced"):
        lines = rehashed(EXPORT, FIRST_DRAW + 7, {}, layout=layout)
        lines[FIRST_DRAW + 7] = json.dumps(json.loads(lines[FIRST_DRAW + 7]) | {"note": 1}) + "\n"
        assert rows._line_row(lines[FIRST_DRAW + 7]) is None
        expected = ("refused", FIRST_DRAW + 8, 'draw line: unexpected member "note"')
        assert one_process(lines) == reference(lines) == expected


def test_names_are_counted_as_written() -> None:
    assert rows._names_written('{"a": {"b":1, "c" :[{"d":"x:y"}]}, "e":"f"}') == 5
    assert rows._names_written('{"a":"\\"b\\":"}') is None  # with escapes the count is not made
