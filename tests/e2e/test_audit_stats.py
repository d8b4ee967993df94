"""``carnival audit stats``: on a real export, on a biased log (flagged, exit 1) and on a broken file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask

from server.cli import cli
from tests.conftest import Clock
from tests.e2e.audit_exports import DRAWS, export, play_and_reveal


def stats(path: Path) -> Result:
    """Run as an outside auditor would: no app, no secrets."""
    try:
        return CliRunner().invoke(cli, ["audit", "stats", str(path)], env={"CARNIVAL_ENV": "production"})
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)


def test_a_real_export_is_summarised_per_config_version(app: Flask, clock: Clock, tmp_path: Path) -> None:
    path = tmp_path / "draws.jsonl"
    export(app, play_and_reveal(app, clock), path)
    result = stats(path)
    assert result.exit_code == 0, result.output
    assert f"{DRAWS:,} draws" in result.output and "too few draws to test" in result.output


def test_a_biased_log_is_flagged_with_exit_1(tmp_path: Path) -> None:
    prizes = [{"key": "thanks", "weight": 1}, {"key": "red", "weight": 1}]
    lines = [json.dumps({"type": "config", "hash": "c1", "config": {"pool": {"prizes": prizes}}})]
    for seq in range(1, 1001):  # "red" picked 400 times in 1000 draws at odds of 1/2
        record = {"seq": seq, "config_hash": "c1", "draws": [[2, 0]], "prize": "red" if seq % 5 < 2 else "thanks"}
        lines.append(json.dumps({"type": "draw", "record": record}))
    path = tmp_path / "biased.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = stats(path)
    assert result.exit_code == 1 and "FLAGGED" in result.output and "chi-square 40.000, 1 df" in result.output


def test_a_broken_file_is_named_with_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text("{not json\n", encoding="utf-8")
    result = stats(path)
    assert result.exit_code == 2 and "line 1: not valid JSON" in result.output
