"""Malformed lines are refused alike by the JavaScript verifier (web/static/audit/verifier.js) and
games.fairness.verify, with their line number and what is wrong: records and lines of another shape, not UTF-8,
nested too deep, and a member name written twice in one object. Neither verifier may crash."""

from __future__ import annotations

import json
import re
from typing import Any

from games.fairness.rng import record_hash
from tests.e2e.js_verifier import (
    CHECKPOINTS,
    Verdict,
    assert_agree,
    python_verdict,
    resealed,
    text_of,
    with_checkpoints,
)
from tests.unit.games.fairness.test_rng import EXPORT

# --- malformed lines: refused alike, with their line number and what is wrong ---------------------------------


def edited(lines: list[str], at: int, change: Any) -> list[str]:
    """The lines with line ``at`` (0-based, or from the end) parsed, changed by ``change`` and written back;
    resealed (hashed and chained again) when it is a config or a draw."""
    at %= len(lines)
    item = json.loads(lines[at])
    out = [*lines[:at], json.dumps(change(item), ensure_ascii=False), *lines[at + 1 :]]
    return resealed(out) if item["type"] in ("config", "draw") else out


def record_edit(change: Any) -> Any:
    return lambda item: item | {"record": change(item["record"])}


def without(key: str) -> Any:
    return lambda item: {k: v for k, v in item.items() if k != key}


MALFORMED_RECORDS: dict[str, Any] = {
    "record []": lambda item: item | {"record": []},
    'detail "x"': record_edit(lambda r: r | {"detail": "x"}),
    "detail []": record_edit(lambda r: r | {"detail": []}),
    "v 99": record_edit(lambda r: r | {"v": 99}),
    "v true": record_edit(lambda r: r | {"v": True}),
    "no v": record_edit(without("v")),
    "float draws": record_edit(lambda r: r | {"draws": [[float(n), float(v)] for n, v in r["draws"]]}),
    'nonce "0"': record_edit(lambda r: r | {"nonce": str(r["nonce"])}),
    "extra member": record_edit(lambda r: r | {"extra": 1}),
    "no draws": record_edit(lambda r: r | {"draws": []}),
    "a triple": record_edit(lambda r: r | {"draws": [[*r["draws"][0], 0], *r["draws"][1:]]}),
    "range 0": record_edit(lambda r: r | {"draws": [[0, 0], *r["draws"][1:]]}),
    "range 2^32 + 1": record_edit(lambda r: r | {"draws": [[2**32 + 1, 0], *r["draws"][1:]]}),
    "client seed with a colon": record_edit(lambda r: r | {"client_seed": "a:1"}),
    "uppercase hash": record_edit(lambda r: r | {"commitment": r["commitment"].upper()}),
    "a date": record_edit(lambda r: r | {"created_at": "2026-11-23"}),
    "reason unknown": record_edit(lambda r: r | {"fallback_reason": "why not"}),
    "slot missing": record_edit(lambda r: r | {"detail": {}}),
    "slot and more": record_edit(lambda r: r | {"detail": r["detail"] | {"colour": "red"}}),
    "slot a float": record_edit(lambda r: r | {"detail": {"slot": 3.0}}),
}
MALFORMED_LINES: dict[str, tuple[int, Any]] = {
    "header without campaign": (0, without("campaign")),
    "header version true": (0, lambda item: item | {"version": True}),
    "header version 1.0": (0, lambda item: item | {"version": 1.0}),
    "header version 3": (0, lambda item: item | {"version": 3}),
    "campaign id a string": (0, lambda item: item | {"campaign": item["campaign"] | {"id": "1"}}),
    "header with more": (0, lambda item: item | {"signed": False}),
    "config with a float": (1, lambda item: item | {"config": item["config"] | {"ratio": 0.5}}),
    "config weight 0": (1, lambda item: item | {"config": weight_zero(item["config"])}),
    "config without pool": (1, lambda item: item | {"config": without("pool")(item["config"])}),
    "period seed short": (2, lambda item: item | {"server_seed": item["server_seed"][:62]}),
    "period without times": (2, without("starts_at")),
    "end count a string": (-1, lambda item: item | {"count": "4"}),
    "end count a float": (-1, lambda item: item | {"count": 4.0}),
    "type a list": (-1, lambda item: item | {"type": []}),
    "no type": (-1, without("type")),
}


def deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels - 1):
        value = [value]
    return value


def weight_zero(config: dict[str, Any]) -> dict[str, Any]:
    prizes = [p | {"weight": 0} if i == 1 else p for i, p in enumerate(config["pool"]["prizes"])]
    return config | {"pool": config["pool"] | {"prizes": prizes}}


def test_malformed_lines_are_refused_alike_with_their_line_number() -> None:
    first_draw = next(i for i, line in enumerate(EXPORT) if '"type":"draw"' in line)
    cases: dict[str, str | bytes] = {
        name: text_of(edited(EXPORT, first_draw + 1, change)) for name, change in MALFORMED_RECORDS.items()
    }
    cases |= {name: text_of(edited(EXPORT, at, change)) for name, (at, change) in MALFORMED_LINES.items()}
    cases["checkpoint in version 1"] = text_of(with_checkpoints(EXPORT, [(2, None)])).replace(
        '"version": 2', '"version": 1'
    )
    surrogate = json.loads(EXPORT[first_draw + 1])
    surrogate["record"]["game"] = "wheel\ud800"  # written \\ud800 (ASCII): a string no UTF-8 text can hold
    cases["lone surrogate"] = text_of([*EXPORT[: first_draw + 1], json.dumps(surrogate), *EXPORT[first_draw + 2 :]])
    cases["a line []"] = text_of([*EXPORT[:4], "[]", *EXPORT[4:]])
    cases["4301 digits"] = text_of([*EXPORT[:4], '{"type":' + "9" * 4301 + "}", *EXPORT[4:]])
    cases["4300 digits"] = text_of([*EXPORT[:4], '{"type":' + "9" * 4300 + "}", *EXPORT[4:]])
    cases["nested"] = text_of([*EXPORT[:4], "[" * 100_000, *EXPORT[4:]])
    cases["nested 101"] = text_of([*EXPORT[:4], "[" * 101 + "]" * 101, *EXPORT[4:]])
    cases["nested 100"] = text_of([*EXPORT[:4], "[" * 100 + "]" * 100, *EXPORT[4:]])
    cases["nested 500 in a config"] = text_of(
        edited(EXPORT, 1, lambda i: i | {"config": i["config"] | {"x": deep(499)}})
    )
    data = [line.encode() for line in EXPORT]
    for at in (0, 3, len(EXPORT) - 1):
        cases[f"not utf-8 at line {at + 1}"] = b"".join(
            line.replace(b'":"', b'":"\xc3(', 1) + b"\n" if i == at else line + b"\n" for i, line in enumerate(data)
        )
    cases["cut inside a character"] = "".join(line + "\n" for line in EXPORT).encode()[:-1] + "谢".encode()[:2]
    cases["cr inside a string"] = text_of([*EXPORT[:3], EXPORT[3].replace("alice", "ali\rce"), *EXPORT[4:]])
    cases["cr between members"] = text_of([*EXPORT[:4], EXPORT[4].replace(',"game"', ',\r"game"'), *EXPORT[5:]])
    assert_agree(cases)
    verdicts = {name: python_verdict(case) for name, case in cases.items()}
    accepted = [name for name, verdict in verdicts.items() if verdict.ok or not verdict.line]
    assert accepted == ["cr between members"]
    assert verdicts["4300 digits"].message == "unknown line type " + "9" * 30 + "…"
    assert verdicts["nested 100"].message == "a line must be a JSON object, not a list"
    for name in ("nested", "nested 101", "nested 500 in a config"):
        assert verdicts[name].message == "not valid JSON (nested more than 100 deep)", name
    assert verdicts["4301 digits"].message == "not valid JSON (an integer of more than 4300 digits)"
    assert verdicts["v 99"] == Verdict(False, first_draw + 2, "record seq 2: unknown record version 99")
    assert verdicts["not utf-8 at line 4"] == Verdict(False, 4, "not valid UTF-8")
    assert verdicts["record []"].message == "draw line: record must be an object, not an empty list"
    assert verdicts["header without campaign"] == Verdict(False, 1, "header line: campaign is missing")


# --- a member name twice in one object ----------------------------------------------------------------------


def twice(line: str, name: str, value: str) -> str:
    """``line`` with ``"name":value`` written before its first ``name`` member (in any layout)."""
    return re.sub(rf'"{name}"(\s*):', lambda m: f'"{name}"{m[1]}:{value},"{name}"{m[1]}:', line, count=1)


def put(lines: list[str], at: int, line: str) -> list[str]:
    return [*lines[:at], line, *lines[at + 1 :]]


def repeated_member_exports() -> dict[str, tuple[list[str], int, str]]:
    """(export lines, the line refused, the message) of exports where an object holds a member name twice, most
    of them good as a parser keeping the last value reads them (the hashes hold for it)."""
    named = "member {} appears twice in one object"
    header, config, period, draw, end = EXPORT[0], EXPORT[1], EXPORT[2], EXPORT[3], EXPORT[-1]
    altered = edited(EXPORT, 3, record_edit(lambda r: r | {"prize": "thanks"}))  # resealed: hashes and chain
    other = json.dumps(json.loads(EXPORT[4])["record"])
    checkpoints = with_checkpoints(EXPORT, CHECKPOINTS["fine"])
    cases: dict[str, tuple[list[str], int, str]] = {
        "record: another prize before the true one": (put(EXPORT, 3, twice(draw, "prize", '"big"')), 4, '"prize"'),
        "record: the true prize before one resealed": (
            put(altered, 3, twice(altered[3], "prize", '"pts"')),
            4,
            '"prize"',
        ),
        "record: another slot first": (put(EXPORT, 3, twice(draw, "slot", "0")), 4, '"slot"'),
        "record: in another layout": (put(EXPORT, 3, twice(json.dumps(json.loads(draw)), "nonce", "7")), 4, '"nonce"'),
        "draw line: type twice": (put(EXPORT, 4, twice(EXPORT[4], "type", '"draw"')), 5, '"type"'),
        "draw line: another record first": (put(EXPORT, 4, twice(EXPORT[4], "record", other)), 5, '"record"'),
        "config: a weight": (put(EXPORT, 1, config.replace('"weight":1', '"weight":7,"weight":1', 1)), 2, '"weight"'),
        "config: the slots": (put(EXPORT, 1, twice(config, "slots", '["big","big","big"]')), 2, '"slots"'),
        "config: a prize name, in Chinese": (put(EXPORT, 1, twice(config, "name", '"一等奖"')), 2, '"name"'),
        "period: the seed": (put(EXPORT, 2, twice(period, "server_seed", '"' + "00" * 32 + '"')), 3, '"server_seed"'),
        "header: the campaign id": (put(EXPORT, 0, twice(header, "id", "2")), 1, '"id"'),
        "header: the version": (put(EXPORT, 0, twice(header, "version", "1")), 1, '"version"'),
        "end: the count": (put(EXPORT, 7, twice(end, "count", "3")), 8, '"count"'),
        "checkpoint: the head": (put(checkpoints, 4, twice(checkpoints[4], "head_hash", '"x"')), 5, '"head_hash"'),
        "the inner object ends first": (put(EXPORT, 3, twice(twice(draw, "type", '"x"'), "v", "2")), 4, '"v"'),
        "the first name repeating one": (
            put(EXPORT, 3, draw.replace('"record":{', '"record":{"user":9,"game":"x",')),
            4,
            '"game"',
        ),
        "an escaped name": (put(EXPORT, 3, draw.replace('"prize":', '"pri\\u007ae":"big","prize":')), 4, '"prize"'),
        "after the end line": ([*EXPORT, '{"a":1,"a":1}'], 9, '"a"'),
        "before the header": (['{"type":"header","type":"header"}', *EXPORT[1:]], 1, '"type"'),
    }
    out = {name: (lines, line, named.format(member)) for name, (lines, line, member) in cases.items()}
    deep = '{"type":"end","a":' + "[" * 150 + '{"k":1,"k":2}' + "]" * 150 + "}"
    out["and not JSON after it"] = (
        put(EXPORT, 3, twice(draw, "prize", '"big"') + " x"),
        4,
        "not valid JSON (Extra data)",
    )
    out["nested too deep"] = ([*EXPORT[:3], deep, *EXPORT[3:]], 4, "not valid JSON (nested more than 100 deep)")
    return out


def test_a_member_name_twice_is_refused_alike_on_any_line() -> None:
    exports = repeated_member_exports()
    forged = exports["record: another prize before the true one"][0][3]
    last_wins = json.loads(forged)["record"]
    first_wins = json.loads(forged, object_pairs_hook=lambda pairs: dict(reversed(pairs)))["record"]
    assert record_hash(last_wins) == last_wins["hash"] and (last_wins["prize"], first_wins["prize"]) == ("pts", "big")
    for name, (lines, line, why) in exports.items():
        assert python_verdict(text_of(lines)) == Verdict(False, line, why), name
    assert_agree({name: text_of(lines) for name, (lines, _, _) in exports.items()})
