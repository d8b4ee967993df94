"""The auditors' JavaScript verifier (web/static/audit/verifier.js, run under Node) agrees with games.verify.

Agreement means: on every test vector of docs/fairness.md the same numbers; on every export (clean, tampered,
malformed, not UTF-8, with Chinese text and characters that need escaping, and a few thousand mutations of the
spec's examples) the same verdict, the same failing line and the same message. Neither verifier may crash:
a line of any shape is refused with its line number.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from games import verify
from games.fairness import commitment, content_hash, record_hash, replay
from tests.conftest import Clock
from tests.e2e.test_audit_cli import (
    export,
    index_of,
    last_deleted,
    middle_deleted,
    play_and_reveal,
    prize_altered,
    prize_altered_and_rehashed,
    swapped,
    write,
)
from tests.services import node_path
from tests.unit.games.test_fairness import EXPORT, VECTORS, range_export
from tests.unit.games.verify import test_saved

RUNNER = Path(__file__).parent / "js" / "verifier_runner.mjs"
GENESIS = "0" * 64


def run_node(mode: str, payload: Any = None, *args: str) -> Any:
    """The runner's JSON answer in ``mode`` (``payload`` as JSON on stdin)."""
    result = subprocess.run(
        [node_path(), str(RUNNER), mode, *args],
        input=None if payload is None else json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    return json.loads(result.stdout)


@dataclass(frozen=True)
class Verdict:
    """A verifier's answer: OK with its figures, or the failing line and its message."""

    ok: bool
    line: int | None = None
    message: str | None = None
    draws: int | None = None
    head_hash: str | None = None
    periods: dict[str, int] | None = None


def python_verdict(case: str | bytes) -> Verdict:
    """``games.verify`` on an export's text or bytes, read as ``carnival audit verify`` reads a file."""
    data = case.encode("utf-8") if isinstance(case, str) else case
    try:
        report = verify.verify_lines(verify.decode_lines(io.BytesIO(data)))
    except verify.VerificationError as error:
        return Verdict(False, error.line, error.message)
    periods = {str(key): count for key, count in report.periods.items()}
    return Verdict(True, draws=report.draws, head_hash=report.head_hash, periods=periods)


def js_verdict(answer: dict[str, Any]) -> Verdict:
    """The runner's verdict as a :class:`Verdict`."""
    if answer["ok"]:
        return Verdict(True, draws=answer["draws"], head_hash=answer["headHash"], periods=answer["periods"])
    return Verdict(False, answer["error"]["line"], answer["error"]["message"])


def js_verdicts(cases: list[str | bytes]) -> list[Verdict]:
    """verifier.js on each export text or bytes (streamed from a Blob, as the page streams a file)."""
    payload = [c if isinstance(c, str) else {"base64": base64.b64encode(c).decode()} for c in cases]
    return [js_verdict(answer) for answer in run_node("exports", payload)]


def assert_agree(cases: dict[str, str | bytes]) -> None:
    """Both verifiers give the same verdict on every named export."""
    disagreements = []
    for (name, case), js in zip(cases.items(), js_verdicts(list(cases.values())), strict=True):
        python = python_verdict(case)
        if js != python:
            disagreements.append(f"{name}:\n  python {python}\n  js     {js}")
    assert not disagreements, f"{len(disagreements)} of {len(cases)} disagree:\n" + "\n".join(disagreements[:20])


def text_of(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


CAMPAIGN = {"id": 1, "slug": "example", "name": "示例活动", "timezone": "Asia/Shanghai"}
PERIOD_TIMES = {
    "committed_at": "2026-11-22T04:00:00.000000Z",
    "starts_at": "2026-11-22T16:00:00.000000Z",
    "ends_at": "2026-11-23T16:00:00.000000Z",
}
RECORD_MEMBERS = {"v": 1, "campaign": 1, "user": 1, "created_at": "2026-11-23T04:00:01.250000Z"}


def full_range_export() -> list[str]:
    """The range red packet vectors' export (tests/unit/games/test_fairness.py) with every member section 10
    requires (the campaign, the periods' times, the records' version, campaign, user and time), hashed again."""
    lines = []
    for line in range_export():
        item = json.loads(line)
        if item["type"] == "header":
            item["campaign"] = CAMPAIGN
        elif item["type"] == "period":
            item |= PERIOD_TIMES
        elif item["type"] == "draw":
            item["record"] = RECORD_MEMBERS | item["record"]
        lines.append(json.dumps(item, ensure_ascii=False))
    return resealed(lines)


# --- test vectors --------------------------------------------------------------------------------------------


def test_every_test_vector_of_the_spec() -> None:
    computed = run_node("vectors", VECTORS)
    for vector, got in zip(VECTORS["streams"], computed["streams"], strict=True):
        assert got["commitment"] == vector["commitment"]
        assert got["messages"] == vector["messages"] and got["blocks"] == vector["blocks"]
        assert got["words"] == vector["words"] and got["draws"] == vector["draws"]
    for vector, got in zip(VECTORS["rejections"], computed["rejections"], strict=True):
        assert (got["words"], got["rejected"], got["value"]) == (vector["words"], vector["rejected"], vector["value"])
    assert computed["pick"] == [key for _, key in VECTORS["pick"]["values"]]
    for vector, got in zip(VECTORS["canonical"], computed["canonical"], strict=True):
        assert got["json"] == got["from_text"] == vector["json"]
        assert got["sha256"] == vector["sha256"]
    for name in ("wheel", "red_packet_range"):
        for spin, got in zip(VECTORS[name]["spins"], computed[name], strict=True):
            assert got["draws"] == spin["draws"] and got["picked"] == spin["picked"]
            assert got["landed"] == spin["landed"] and got["slot"] == spin["slot"]
            assert got["amount_fen"] == spin.get("amount_fen")


def test_the_spec_example_export_and_the_range_vectors_verify_alike(tmp_path: Path) -> None:
    example = write(tmp_path / "example.jsonl", EXPORT)
    streamed = js_verdict(run_node("file", None, str(example)))
    assert streamed == python_verdict(example.read_text("utf-8"))
    assert streamed.ok and streamed.draws == 4 and streamed.periods == {"20261123-1": 4}
    assert_agree({"example": text_of(EXPORT), "range": text_of(full_range_export())})
    assert python_verdict(text_of(full_range_export())).draws == 3


def explain(record: dict[str, Any], config: dict[str, Any], period: dict[str, Any], previous: str | None) -> Any:
    payload = {"record": json.dumps(record), "config": json.dumps(config), "period": json.dumps(period)}
    return run_node("explain", payload | {"previous_hash": previous})


def test_explain_draw_passes_every_step_of_the_example_records() -> None:
    items = [json.loads(line) for line in EXPORT]
    config = next(i["config"] for i in items if i["type"] == "config")
    period = next(i for i in items if i["type"] == "period")
    previous = GENESIS
    for record in (i["record"] for i in items if i["type"] == "draw"):
        answer = explain(record, config, period, previous)
        assert answer["ok"], answer
        steps = {step["id"]: step for step in answer["steps"]}
        assert all(step["ok"] for step in steps.values())
        assert steps["pick"]["picked"] == record["prize"] and steps["slot"]["slot"] == record["detail"]["slot"]
        assert steps["record_hash"]["computed"] == record["hash"]
        previous = record["hash"]


def test_explain_draw_fails_the_step_a_forger_could_not_fake() -> None:
    items = [json.loads(line) for line in EXPORT]
    config = next(i["config"] for i in items if i["type"] == "config")
    period = next(i for i in items if i["type"] == "period")
    record = next(i["record"] for i in items if i["type"] == "draw" and i["record"]["seq"] == 1)
    forged = {**record, "prize": "big", "granted": "big"}
    answer = explain({**forged, "hash": record_hash(forged)}, config, period, GENESIS)
    failed = {step["id"] for step in answer["steps"] if step["ok"] is False}
    assert not answer["ok"] and failed == {"pick", "slot"}
    altered = explain(forged, config, period, GENESIS)
    assert {step["id"] for step in altered["steps"] if step["ok"] is False} == {"record_hash", "pick", "slot"}
    wrong_seed = explain(record, config, {"server_seed": "00" * 32}, GENESIS)
    assert {"commitment", "integers"} <= {step["id"] for step in wrong_seed["steps"] if step["ok"] is False}


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


# --- exports of a campaign played through the app ------------------------------------------------------------


def test_a_played_campaign_clean_and_tampered(app: Flask, clock: Clock, tmp_path: Path) -> None:
    path = tmp_path / "draws.jsonl"
    lines = export(app, play_and_reveal(app, clock), path)
    clean = js_verdict(run_node("file", None, str(path)))
    assert clean.ok and clean == python_verdict(path.read_bytes())
    cases = {"clean": text_of(lines)}
    for tamper in (prize_altered, prize_altered_and_rehashed, middle_deleted, last_deleted, swapped):
        tampered, line, why = tamper(lines)
        assert python_verdict(text_of(tampered)) == Verdict(False, line, why)
        cases[tamper.__name__] = text_of(tampered)
    at = index_of(lines, 7)
    cases["half_a_line"] = text_of([*lines[:at], lines[at][: len(lines[at]) // 2], *lines[at + 1 :]])
    cases["no_end_line"] = text_of(lines[:-1])
    cases["crlf"] = "".join(line + "\r\n" for line in lines)
    cases["cr"] = "".join(line + "\r" for line in lines)
    cases["no_final_newline"] = "\n".join(lines)
    cases["blank_lines"] = "\n \n".join(lines) + "\n\n"
    cases["byte_order_mark"] = "\ufeff" + text_of(lines)
    cases["after_the_end"] = text_of([*lines, lines[1]])
    assert_agree(cases)


# --- canonical JSON: Chinese text and characters that need escaping -------------------------------------------

AWKWARD = '谢谢参与 "quoted" back\\slash /slash tab\t nl\n cr\r nul\x00 \x1f del\x7f \u2028\u2029 é 😀 🧧'


def awkward_config() -> dict[str, Any]:
    """A wheel config whose prize keys and names need every kind of escaping, plus big integers."""
    keys = ['红包\t"🧧"', "积分\\n", "谢谢\u2028参与"]
    prizes = [
        {
            "key": keys[0],
            "name": AWKWARD,
            "weight": 3,
            "reward": {"kind": "red_packet", "min_fen": 88, "max_fen": 8888},
        },
        {"key": keys[1], "name": "十积分", "weight": 5, "reward": {"kind": "points", "points": 10}},
        {"key": keys[2], "name": "谢谢", "weight": 2, "reward": {"kind": "nothing"}},
    ]
    extras = {"！": "fullwidth", "😀": "astral", "": [], "A": -1, "a": 2**70, "é": [0, -(2**63), 10**30]}
    return {
        "pool": {"prizes": prizes, "fallback": keys[2]},
        "games": {"wheel": {"slots": [keys[0], keys[1], keys[2], keys[0], keys[1], keys[2]], "free_spins_per_day": 3}},
        "note": AWKWARD,
        "extras": extras,
    }


def wheel_export(config: dict[str, Any], spins: list[tuple[str, int]], seed: str = "5a" * 32) -> list[str]:
    """An export of wheel spins over ``config`` (every prize granted as picked), records hashed and chained."""
    prizes, period = config["pool"]["prizes"], "20261123-1"
    lines = [
        {"type": "header", "format": "carnival.draws", "version": 1, "exported_at": "2026-11-23T16:00:05.000000Z"}
        | {"campaign": CAMPAIGN},
        {"type": "config", "hash": content_hash(config), "config": config},
        {"type": "period", "key": period, "commitment": commitment(seed), "server_seed": seed} | PERIOD_TIMES,
    ]
    head = GENESIS
    for seq, (client_seed, nonce) in enumerate(spins, start=1):
        ranges, detail = spin_ranges(config, seed, client_seed, nonce)
        values = replay(seed, client_seed, nonce, ranges)
        prize = pick(prizes, values[0])
        body = RECORD_MEMBERS | {
            "seq": seq,
            "game": "wheel",
            "config_hash": content_hash(config),
            "period": period,
            "commitment": commitment(seed),
            "client_seed": client_seed,
            "nonce": nonce,
            "draws": [[n, v] for n, v in zip(ranges, values, strict=True)],
            "prize": prize,
            "granted": prize,
            "fallback_reason": None,
            "detail": detail,
            "prev_hash": head,
        }
        head = record_hash(body)
        lines.append({"type": "draw", "record": body | {"hash": head}})
    lines.append({"type": "end", "count": len(spins), "head_hash": head})
    return [json.dumps(line, ensure_ascii=False) for line in lines]


def pick(prizes: list[dict[str, Any]], value: int) -> str:
    upper = 0
    for prize in prizes:
        upper += prize["weight"]
        if value < upper:
            return str(prize["key"])
    raise ValueError(value)


def spin_ranges(config: dict[str, Any], seed: str, client_seed: str, nonce: int) -> tuple[list[int], dict[str, int]]:
    """The ranges a spin draws (pick, amount of a range red packet, slot) and its detail."""
    prizes = config["pool"]["prizes"]
    total = sum(p["weight"] for p in prizes)
    prize = next(p for p in prizes if p["key"] == pick(prizes, replay(seed, client_seed, nonce, [total])[0]))
    reward = prize["reward"]
    ranges = [total] + ([reward["max_fen"] - reward["min_fen"] + 1] if "max_fen" in reward else [])
    slots = [i for i, key in enumerate(config["games"]["wheel"]["slots"]) if key == prize["key"]]
    values = replay(seed, client_seed, nonce, [*ranges, len(slots)])
    detail = {"slot": slots[values[-1]]} | ({"amount_fen": reward["min_fen"] + values[1]} if len(ranges) == 2 else {})
    return [*ranges, len(slots)], detail


AWKWARD_SPINS = [("alice-seed", n) for n in range(6)] + [("bob_2", n) for n in range(6)]


def test_a_config_with_chinese_and_escapes_hashes_alike() -> None:
    config = awkward_config()
    lines = wheel_export(config, AWKWARD_SPINS)
    assert {json.loads(line)["record"]["prize"] for line in lines[3:-1]} == {p["key"] for p in config["pool"]["prizes"]}
    ascii_line = json.dumps(json.loads(lines[1]))  # the same config, \u-escaped on the line: same content hash
    wrong = {
        "ensure_ascii": json.dumps(config, sort_keys=True, separators=(",", ":")),
        "utf16_order": canonical_in_utf16_order(config),
        "spaces": json.dumps(config, sort_keys=True, ensure_ascii=False),
    }
    cases = {"awkward": text_of(lines), "ascii_line": text_of([lines[0], ascii_line, *lines[2:]])}
    for name, text in wrong.items():
        bad = json.dumps({"type": "config", "hash": sha256(text), "config": config}, ensure_ascii=False)
        cases[name] = text_of([lines[0], bad, *lines[2:]])
    verdicts = dict(zip(cases, js_verdicts(list(cases.values())), strict=True))
    assert verdicts["awkward"].ok and verdicts["awkward"].draws == len(AWKWARD_SPINS)
    assert verdicts["ascii_line"] == verdicts["awkward"]
    assert all(verdicts[name].line == 2 and "config does not hash to" in str(verdicts[name].message) for name in wrong)
    assert_agree(cases)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_in_utf16_order(value: Any) -> str:
    """Canonical JSON but with keys sorted by UTF-16 code units (what a naive JavaScript sort does)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        inner = ",".join(f"{json.dumps(k, ensure_ascii=False)}:{canonical_in_utf16_order(value[k])}" for k in keys)
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical_in_utf16_order(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# --- mutations: every field of every line, raw and re-sealed by a forger --------------------------------------

VALUES: list[Any] = [None, 0, -1, True, 1.0, 2.5, 2**64, "", "谢谢", [], [1, 2], {"a": 1}]


def paths(value: Any, prefix: tuple[Any, ...] = (), depth: int = 5) -> Iterator[tuple[Any, ...]]:
    """Every key path into ``value`` (dict keys and list indices), ``depth`` levels deep at most."""
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield (*prefix, key)
        if depth > 1:
            yield from paths(child, (*prefix, key), depth - 1)


def changed(item: Any, path: tuple[Any, ...], value: Any, delete: bool = False) -> Any:
    """A deep copy of ``item`` with the value at ``path`` replaced (or deleted)."""
    copy = json.loads(json.dumps(item))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


def resealed(lines: list[str]) -> list[str]:
    """What a forger would do after an edit: rehash configs (and the records naming them) and re-chain."""
    renamed: dict[Any, str] = {}
    out, head, count = [], GENESIS, 0
    for line in lines:
        item = json.loads(line)
        if not isinstance(item, dict):
            out.append(line)
            continue
        if item.get("type") == "config" and "config" in item:
            old, item["hash"] = item.get("hash"), content_hash(item["config"])
            renamed[json.dumps(old)] = item["hash"]
        elif item.get("type") == "draw" and isinstance(item.get("record"), dict):
            record = {k: v for k, v in item["record"].items() if k != "hash"}
            record["config_hash"] = renamed.get(json.dumps(record.get("config_hash")), record.get("config_hash"))
            record["prev_hash"], count = head, count + 1
            head = content_hash(record)
            item["record"] = record | {"hash": head}
        elif item.get("type") == "end":
            item |= {"count": count, "head_hash": head}
        out.append(json.dumps(item, ensure_ascii=False))
    return out


def mutations(name: str, lines: list[str]) -> Iterator[tuple[str, str]]:
    """(case name, export text): each field of each line deleted or set to each of VALUES; and each line cut
    short, followed by junk or repeated. Edits inside a config or a record are also resealed (rehashed and
    re-chained, as a forger would), so that they reach the checks behind the hashes."""
    for at, line in enumerate(lines):
        item = json.loads(line)
        sealed = item.get("type") in ("config", "draw")
        for path in paths(item):
            variants = [("del", changed(item, path, None, delete=True))]
            variants += [(repr(value), changed(item, path, value)) for value in VALUES]
            for label, variant in variants:
                edited = [*lines[:at], json.dumps(variant, ensure_ascii=False), *lines[at + 1 :]]
                if not sealed or len(path) <= 2:
                    yield f"{name}:{at + 1}:{path}={label}", text_of(edited)
                if sealed:
                    yield f"{name}:{at + 1}:{path}={label}:resealed", text_of(resealed(edited))
        for cut in (1, len(line) // 3, len(line) // 2, len(line) - 1):
            yield f"{name}:{at + 1}:cut{cut}", text_of([*lines[:at], line[:cut], *lines[at + 1 :]])
        yield f"{name}:{at + 1}:junk", text_of([*lines[:at], line + " x", *lines[at + 1 :]])
        yield f"{name}:{at + 1}:twice", text_of([*lines[: at + 1], line, *lines[at + 1 :]])


def test_thousands_of_mutations_get_the_same_verdict_line_and_message() -> None:
    exports = {
        "example": EXPORT,
        "range": full_range_export(),
        "awkward": wheel_export(awkward_config(), AWKWARD_SPINS[:3]),
        "checkpoints": with_checkpoints(EXPORT, CHECKPOINTS["fine"]),
    }
    cases = dict(case for name, lines in exports.items() for case in mutations(name, lines))
    assert len(cases) > 5000, len(cases)
    assert_agree(cases)


# --- export version 2: checkpoint lines ----------------------------------------------------------------------


def with_checkpoints(lines: list[str], checkpoints: list[tuple[int, str | None]]) -> list[str]:
    """The example export as version 2 with checkpoints ``(count, head_hash or None for the true one)``."""
    items = [json.loads(line) for line in lines]
    hashes = [GENESIS] + [i["record"]["hash"] for i in items if i["type"] == "draw"]
    true_head = {count: hashes[count] if count < len(hashes) else "ab" * 32 for count, _ in checkpoints}
    items[0]["version"] = 2
    extra = [
        {
            "type": "checkpoint",
            "period": "20261123-1",
            "count": count,
            "head_hash": head or true_head[count],
            "published_at": "2026-11-23T16:00:00.000000Z",
        }
        for count, head in checkpoints
    ]
    first_draw = next(at for at, item in enumerate(items) if item["type"] == "draw")
    return [json.dumps(item, ensure_ascii=False) for item in [*items[:first_draw], *extra, *items[first_draw:]]]


CHECKPOINTS: dict[str, list[tuple[int, str | None]]] = {
    "fine": [(0, None), (2, None), (4, None)],
    "rewritten": [(2, "cd" * 32)],
    "beyond": [(5, None), (6, None)],
    "genesis": [(0, "ab" * 32)],
    "unsorted": [(3, None), (1, None)],
    "two_at_one_count": [(2, None), (2, "ef" * 32)],
}


def test_checkpoint_lines_of_export_version_2() -> None:
    cases = {name: text_of(with_checkpoints(EXPORT, checkpoints)) for name, checkpoints in CHECKPOINTS.items()}
    lines = with_checkpoints(EXPORT, [(1, "cd" * 32)])
    cases["after_the_draws"] = text_of([*lines[:3], *lines[4:-1], lines[3], lines[-1]])
    assert_agree(cases)
    verdicts = dict(zip(cases, js_verdicts(list(cases.values())), strict=True))
    assert verdicts["fine"].ok and verdicts["rewritten"].line == 6 and verdicts["genesis"].line == 4
    assert str(verdicts["rewritten"].message).endswith("(log rewritten)")
    assert str(verdicts["beyond"].message).endswith("counts 5 records, the export holds 4 (records missing)")


def published(checkpoints: list[dict[str, Any]], tmp_path: Path) -> list[verify.Checkpoint]:
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(checkpoints), "utf-8")
    return verify.read_checkpoints(str(path))


def test_saved_checkpoints_are_held_against_the_export(tmp_path: Path) -> None:
    heads = [GENESIS] + [json.loads(line)["record"]["hash"] for line in EXPORT if '"type":"draw"' in line]
    saved = {
        "matching": [{"period": "20261123-1", "count": 4, "head_hash": heads[4]}],
        "rewritten": [{"period": "20261123-1", "count": 3, "head_hash": "cd" * 32}],
        "cut": [{"period": "20261123-2", "count": 9, "head_hash": "cd" * 32}],
        "zero": [{"period": "20261122-1", "count": 0, "head_hash": "ab" * 32}],
    }
    payload = [{"text": text_of(EXPORT), "checkpoints": json.dumps(cps)} for cps in saved.values()]
    for (name, cps), answer in zip(saved.items(), run_node("exports", payload), strict=True):
        try:
            lines = verify.decode_lines(io.BytesIO(text_of(EXPORT).encode()))
            report = verify.verify_lines(lines, published(cps, tmp_path))
            python = Verdict(True, draws=report.draws, head_hash=report.head_hash, periods=report.periods)
        except verify.VerificationError as error:
            python = Verdict(False, error.line, error.message)
        assert js_verdict(answer) == python, name
    assert js_verdict(run_node("exports", payload[:1])[0]).ok


def test_saved_checkpoints_files_are_read_strictly_alike() -> None:
    """Each malformed file of tests/unit/games/verify/test_saved.py is refused by both with the same message;
    each well-formed one is read alike (and the export verified against it alike)."""
    files = {**test_saved.MALFORMED, **{name: (data, None) for name, data in test_saved.WELL_FORMED.items()}}
    payload = [
        {"text": text_of(EXPORT), "checkpoints_base64": base64.b64encode(data).decode()} for data, _ in files.values()
    ]
    for (name, (data, why)), answer in zip(files.items(), run_node("exports", payload), strict=True):
        if why is not None:
            assert answer == {"checkpointsError": why}, name
            continue
        lines = verify.decode_lines(io.BytesIO(text_of(EXPORT).encode()))
        try:
            report = verify.verify_lines(lines, verify.parse_checkpoints(data))
            python = Verdict(True, draws=report.draws, head_hash=report.head_hash, periods=report.periods)
        except verify.VerificationError as error:
            python = Verdict(False, error.line, error.message)
        assert js_verdict(answer) == python, name


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
