"""Shared by the tests of the auditors' JavaScript verifier (web/static/audit/verifier.js) against
games.fairness.verify: running it under Node (tests/e2e/js/verifier_runner.mjs), both verifiers' verdicts, and the
exports they are given (the spec's examples made complete, with checkpoints, or of a config that needs every kind of
escaping).
"""

from __future__ import annotations

import base64
import io
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from games.fairness import verify
from games.fairness.rng import commitment, content_hash, record_hash, replay
from tests.services import node_path
from tests.unit.games.fairness.test_rng import range_export

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
    """``games.fairness.verify`` on an export's text or bytes, read as ``carnival audit verify`` reads a file."""
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
    """The range red packet vectors' export (tests/unit/games/fairness/test_rng.py) with every member section 10
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


def with_checkpoints(lines: list[str], checkpoints: list[tuple[int, str | None]]) -> list[str]:
    """The example export as version 2 with checkpoints ``(count, head_hash or None for the true one)``: those
    counting all its records (or more) of its period, the others of the period before it (which closed before
    any record of the example's period, so none of them may follow its checkpoint)."""
    items = [json.loads(line) for line in lines]
    hashes = [GENESIS] + [i["record"]["hash"] for i in items if i["type"] == "draw"]
    true_head = {count: hashes[count] if count < len(hashes) else "ab" * 32 for count, _ in checkpoints}
    items[0]["version"] = 2
    extra = [
        {
            "type": "checkpoint",
            "period": "20261123-1" if count >= len(hashes) - 1 else "20261122-1",
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

# --- an export of a config with Chinese text and characters that need escaping ---------------------------------

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
    head, users = GENESIS, {}  # a shopper per client seed
    for seq, (client_seed, nonce) in enumerate(spins, start=1):
        ranges, detail = spin_ranges(config, seed, client_seed, nonce)
        values = replay(seed, client_seed, nonce, ranges)
        prize = pick(prizes, values[0])
        body = RECORD_MEMBERS | {
            "user": users.setdefault(client_seed, len(users) + 1),
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
