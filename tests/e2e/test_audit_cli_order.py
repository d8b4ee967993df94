"""``carnival audit verify`` refuses a draw recorded after its period's checkpoint (here one saved from the rules
page) and a shopper's nonce used twice or skipped in a period, naming the line, the record and why."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask

from tests.conftest import Clock
from tests.e2e.audit_exports import REVEALED, export, failed, index_of, play_and_reveal, record, verify, write
from tests.unit.games.fairness.verify import test_order


def test_a_draw_after_a_saved_checkpoint_of_its_period_is_refused(app: Flask, clock: Clock, tmp_path: Path) -> None:
    """A checkpoint saved when the period had 5 of its 12 records: the 6th was committed after it closed."""
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    saved = tmp_path / "saved.json"
    saved.write_text(
        json.dumps([{"period": REVEALED, "count": 5, "head_hash": record(lines[index_of(lines, 5)])["hash"]}])
    )
    result = verify(tmp_path / "draws.jsonl", "--checkpoints", str(saved))
    assert failed(result) and result.exit_code == 1, result.output
    why = f"a draw of period {REVEALED} recorded after its checkpoint (published) counted 5 records"
    line = index_of(lines, 6) + 1
    assert (
        result.stderr == f"FAILED draws.jsonl: line {line}: record seq 6: {why} (committed after the period closed)\n"
    )
    assert verify(tmp_path / "draws.jsonl").exit_code == 0  # the engine's own export: every nonce in its place


def test_a_nonce_used_twice_or_skipped_is_refused(tmp_path: Path) -> None:
    for name, (lines, saved, seq, message) in test_order.FAULTS.items():
        if saved:
            continue
        result = verify(write(tmp_path / "draws.jsonl", [line.rstrip("\n") for line in lines]))
        assert failed(result) and result.exit_code == 1, name
        assert result.stderr == f"FAILED draws.jsonl: line {test_order.FIRST + seq}: {message}\n", name
