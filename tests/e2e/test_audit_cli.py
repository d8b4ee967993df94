"""``carnival audit export`` and ``carnival audit verify`` end to end: a clean export, tampering, no app needed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

from games.models import SeedPeriod
from server.cli import cli
from server.config import ConfigError
from tests.conftest import Clock, login
from tests.e2e.audit_exports import (
    DRAWS,
    REVEALED,
    SECRET,
    Tamper,
    export,
    failed,
    index_of,
    last_deleted,
    middle_deleted,
    play_and_reveal,
    prize_altered,
    prize_altered_and_rehashed,
    record,
    run,
    swapped,
    verify,
    write,
)
from tests.e2e.test_ops_api import staff


def test_a_clean_export_verifies_with_its_draw_count_and_chain_head(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    kinds = [json.loads(line)["type"] for line in lines]
    assert kinds == ["header", "config", "period", "checkpoint"] + ["draw"] * DRAWS + ["end"]
    head = json.loads(lines[-1])["head_hash"]
    result = verify(tmp_path / "draws.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"OK: {DRAWS} draws verified, chain head {head} ({REVEALED}: {DRAWS})\n"


@pytest.mark.parametrize(
    "tamper",
    [prize_altered, prize_altered_and_rehashed, middle_deleted, last_deleted, swapped],
    ids=lambda t: t.__name__,
)
def test_a_tampered_export_fails_naming_the_line_record_and_reason(
    app: Flask, clock: Clock, tmp_path: Path, tamper: Tamper
) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    tampered, line_number, why = tamper(lines)
    result = verify(write(tmp_path / "tampered.jsonl", tampered))
    assert failed(result), result.output
    assert result.stderr == f"FAILED tampered.jsonl: line {line_number}: {why}\n"
    assert "OK" not in result.stdout


def test_verify_needs_no_app_while_export_does(app: Flask, clock: Clock, tmp_path: Path) -> None:
    path = tmp_path / "draws.jsonl"
    export(app, play_and_reveal(app, clock), path)
    assert verify(path).exit_code == 0  # CARNIVAL_ENV=production without SECRET_KEY
    try:  # the same environment cannot build the app that export needs: the check above proves something
        refused = CliRunner().invoke(
            cli,
            ["audit", "export", "--campaign", "1", "--out", str(tmp_path / "x.jsonl")],
            env={"CARNIVAL_ENV": "production", "SECRET_KEY": None},
        )
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)
    assert isinstance(refused.exception, ConfigError) and "SECRET_KEY" in str(refused.exception)
    assert not (tmp_path / "x.jsonl").exists()


def test_a_malformed_line_is_reported_with_its_number(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    at = index_of(lines, 7)
    broken = [*lines[:at], lines[at][: len(lines[at]) // 2], *lines[at + 1 :]]
    result = verify(write(tmp_path / "broken.jsonl", broken))
    assert failed(result) and result.stderr.startswith(f"FAILED broken.jsonl: line {at + 1}: not valid JSON")


def test_a_truncated_file_is_reported_with_its_line_number(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    text = (tmp_path / "draws.jsonl").read_text("utf-8")
    cut = tmp_path / "cut.jsonl"
    cut.write_text(text[: text.index(lines[-2]) + 40], "utf-8")  # stops inside the last draw line
    mid_line = verify(cut)
    assert failed(mid_line) and mid_line.stderr.startswith(f"FAILED cut.jsonl: line {len(lines) - 1}: not valid JSON")
    no_end = verify(write(tmp_path / "no-end.jsonl", lines[:-1]))  # cut at a line boundary
    assert failed(no_end)
    assert no_end.stderr == f"FAILED no-end.jsonl: line {len(lines)}: no end line: the export is truncated\n"


def test_export_refuses_an_unknown_campaign(app: Flask, tmp_path: Path) -> None:
    result = run(app, "audit", "export", "--campaign", "999", "--out", str(tmp_path / "none.jsonl"))
    assert failed(result) and "no campaign 999" in result.output
    assert not (tmp_path / "none.jsonl").exists()


def test_an_auditor_downloads_the_same_export_without_unrevealed_periods(
    app: Flask, clock: Clock, tmp_path: Path
) -> None:
    campaign = play_and_reveal(app, clock)
    cli_lines = export(app, campaign, tmp_path / "cli.jsonl")
    answer = staff(app, "auditor", "audrey").get(f"/api/audit/campaigns/{campaign}/export")
    assert answer.status_code == 200 and answer.mimetype == "application/x-ndjson"
    body = answer.get_data(as_text=True)
    assert body.splitlines() == cli_lines
    result = verify(write(tmp_path / "http.jsonl", body.splitlines()))
    assert result.exit_code == 0 and result.stdout.startswith(f"OK: {DRAWS} draws verified")
    with app.extensions["carnival.sessions"]() as session:
        secret = session.scalars(select(SeedPeriod).filter_by(campaign_id=campaign, key=SECRET)).one()
    assert secret.server_seed not in body and secret.commitment not in body and SECRET not in body
    assert max(record(line)["seq"] for line in cli_lines if '"type":"draw"' in line) == DRAWS  # seq 13 left out


def test_auditors_list_periods_with_publication_reveal_and_draw_counts(app: Flask, clock: Clock) -> None:
    campaign = play_and_reveal(app, clock)
    auditor = staff(app, "auditor", "pia")
    periods = {p["key"]: p for p in auditor.get(f"/api/audit/campaigns/{campaign}/periods").json}
    revealed, secret = periods[REVEALED], periods[SECRET]
    assert revealed["status"] == "ended" and revealed["draws"] == DRAWS and revealed["committed_before_draws"]
    assert revealed["revealed_at"] == revealed["ends_at"]
    assert hashlib.sha256(bytes.fromhex(revealed["server_seed"])).hexdigest() == revealed["commitment"]
    assert secret["status"] == "current" and secret["draws"] == 1
    assert secret["server_seed"] is None and secret["revealed_at"] is None
    shopper = app.test_client()
    login(shopper, "curious")
    assert shopper.get(f"/api/audit/campaigns/{campaign}/periods").status_code == 403


def test_the_console_script_verifies_without_loading_flask_or_sqlalchemy(
    app: Flask, clock: Clock, tmp_path: Path
) -> None:
    path = tmp_path / "draws.jsonl"
    export(app, play_and_reveal(app, clock), path)
    probe = (
        "import sys; from server.console import main; sys.argv = ['carnival', 'audit', 'verify', sys.argv[1]]\n"
        "try:\n    main()\nfinally:\n"
        "    print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy', 'werkzeug', 'numpy'}))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("CARNIVAL_", "SECRET_", "DATABASE_"))}
    ran = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, env=environ, timeout=60
    )
    assert ran.returncode == 0, ran.stderr
    assert "OK: " in ran.stdout and ran.stdout.rstrip().endswith("[]"), ran.stdout
