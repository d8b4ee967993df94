"""The auditors' JavaScript verifier (web/static/audit/verifier.js, run under Node) agrees with games.fairness.verify.

Agreement means: on every test vector of docs/fairness.md the same numbers; on every export the same verdict,
the same failing line and the same message. Here: the test vectors, the spec's example exports, the step by step
explanation of a draw, a campaign played through the app (clean and tampered) and a config with Chinese text and
characters that need escaping. Malformed lines: test_js_verifier_malformed.py; mutations of the spec's examples:
test_js_verifier_mutations.py; checkpoints: test_js_verifier_checkpoints.py. Helpers: tests/e2e/js_verifier.py.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from flask import Flask

from games.fairness.rng import record_hash
from tests.conftest import Clock
from tests.e2e.audit_exports import (
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
from tests.e2e.js_verifier import (
    AWKWARD_SPINS,
    GENESIS,
    Verdict,
    assert_agree,
    awkward_config,
    full_range_export,
    js_verdict,
    js_verdicts,
    python_verdict,
    run_node,
    text_of,
    wheel_export,
)
from tests.unit.games.fairness.test_rng import EXPORT, VECTORS

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
    assert python_verdict(text_of(full_range_export())).draws == 4


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


def test_explain_draw_fails_the_game_step_of_a_game_it_does_not_know() -> None:
    items = [json.loads(line) for line in EXPORT]
    config = next(i["config"] for i in items if i["type"] == "config")
    period = next(i for i in items if i["type"] == "period")
    record = next(i["record"] for i in items if i["type"] == "draw") | {"game": "dice"}
    answer = explain(record, config, period, GENESIS)
    game = [step for step in answer["steps"] if step["id"] == "game"]
    known = ["checkin", "invite", "monopoly", "share", "tasks", "wheel"]
    assert not answer["ok"] and game == [{"id": "game", "ok": False, "game": "dice", "known": known}]
