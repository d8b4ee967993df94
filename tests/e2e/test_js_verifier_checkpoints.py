"""Checkpoints alike in the JavaScript verifier (web/static/audit/verifier.js) and games.fairness.verify: the checkpoint
lines of export version 2, and saved checkpoints files held against an export (read strictly alike)."""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path
from typing import Any

from games.fairness import verify
from tests.e2e.js_verifier import (
    CHECKPOINTS,
    GENESIS,
    Verdict,
    assert_agree,
    js_verdict,
    js_verdicts,
    run_node,
    text_of,
    with_checkpoints,
)
from tests.unit.games.fairness.test_rng import EXPORT
from tests.unit.games.fairness.verify import test_saved

# --- export version 2: checkpoint lines ----------------------------------------------------------------------


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
    """Each malformed file of tests/unit/games/fairness/verify/test_saved.py is refused by both with the same message;
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
