"""Chain checkpoints: published when a period ends, carried in the export, and held against a log that
was cut or rewritten afterwards, whether the forger keeps the checkpoint lines or strips them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask

from server.cli import cli
from tests.conftest import Clock
from tests.e2e.audit_exports import (
    DRAWS,
    REVEALED,
    draw_line,
    export,
    index_of,
    play_and_reveal,
    rechained,
    record,
    write,
)


def verify(path: Path, *options: str) -> Result:
    try:
        return CliRunner().invoke(cli, ["audit", "verify", str(path), *options], env={"CARNIVAL_ENV": "production"})
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)


def exported(app: Flask, clock: Clock, tmp_path: Path) -> tuple[int, list[str]]:
    campaign = play_and_reveal(app, clock)
    return campaign, export(app, campaign, tmp_path / "draws.jsonl")


def last_cut(lines: list[str]) -> list[str]:
    """A forger drops the last revealed record and recomputes the end line."""
    at = index_of(lines, DRAWS)
    return rechained([*lines[:at], *lines[at + 1 :]])


def without_checkpoints(lines: list[str]) -> list[str]:
    return [line for line in lines if json.loads(line)["type"] != "checkpoint"]


def test_the_export_and_the_public_api_carry_the_ended_periods_checkpoint(
    app: Flask, clock: Clock, tmp_path: Path
) -> None:
    campaign, lines = exported(app, clock, tmp_path)
    (checkpoint,) = [json.loads(line) for line in lines if json.loads(line)["type"] == "checkpoint"]
    head = record(lines[index_of(lines, DRAWS)])["hash"]
    assert (checkpoint["period"], checkpoint["count"], checkpoint["head_hash"]) == (REVEALED, DRAWS, head)
    (public,) = app.test_client().get(f"/api/campaigns/{campaign}/checkpoints").json
    assert (public["period"], public["count"], public["head_hash"]) == (REVEALED, DRAWS, head)
    assert verify(tmp_path / "draws.jsonl").exit_code == 0


def test_a_cut_log_fails_on_its_own_checkpoint(app: Flask, clock: Clock, tmp_path: Path) -> None:
    _, lines = exported(app, clock, tmp_path)
    result = verify(write(tmp_path / "cut.jsonl", last_cut(lines)))
    assert result.exit_code == 1
    assert f"checkpoint of period {REVEALED} (line 4) counts {DRAWS} records, the export holds {DRAWS - 1}" in (
        result.output
    )


def test_stripping_the_checkpoints_does_not_escape_a_saved_copy(app: Flask, clock: Clock, tmp_path: Path) -> None:
    campaign, lines = exported(app, clock, tmp_path)
    saved = tmp_path / "checkpoints.json"
    saved.write_text(app.test_client().get(f"/api/campaigns/{campaign}/checkpoints").get_data(as_text=True))
    forged = write(tmp_path / "forged.jsonl", without_checkpoints(last_cut(lines)))
    assert verify(forged).exit_code == 0  # on its own the forgery is consistent
    result = verify(forged, "--checkpoints", str(saved))
    assert result.exit_code == 1 and f"(published) counts {DRAWS} records" in result.output


def test_a_rewritten_record_before_a_checkpoint_names_the_checkpoint(app: Flask, clock: Clock, tmp_path: Path) -> None:
    _, lines = exported(app, clock, tmp_path)
    at = index_of(lines, DRAWS)
    rec = record(lines[at]) | {"created_at": "2026-11-23T04:00:00.000001Z"}  # consistent, but not what was published
    result = verify(write(tmp_path / "rewritten.jsonl", rechained([*lines[:at], draw_line(rec), *lines[at + 1 :]])))
    assert result.exit_code == 1
    assert f"line {at + 1}: checkpoint of period {REVEALED} (line 4) says the chain head after {DRAWS} records" in (
        result.output
    )
    assert "(log rewritten)" in result.output
