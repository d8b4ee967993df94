"""``carnival audit export`` and ``carnival audit verify`` end to end: a clean export, tampering, no app needed."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy import select

from games.models import SeedPeriod
from server.cli import cli
from server.config import ConfigError
from tests.conftest import Clock, add_campaign, login, wheel_config
from tests.e2e.test_ops_api import staff
from tests.e2e.test_play_api import spin

SHOPPERS = ("auditee-1", "auditee-2", "auditee-3")
SPINS_EACH = 4
DRAWS = len(SHOPPERS) * SPINS_EACH
REVEALED, SECRET = "20261123-1", "20261123-2"

Tamper = Callable[[list[str]], tuple[list[str], int, str]]


def run(app: Flask, *args: str) -> Result:
    try:
        return app.test_cli_runner().invoke(cli, list(args))
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)  # Flask's CLI sets it; servers started later would not run


def verify(path: Path) -> Result:
    """``carnival audit verify`` as an outside auditor runs it: production settings, no secret, no app."""
    try:
        return CliRunner().invoke(
            cli, ["audit", "verify", str(path)], env={"CARNIVAL_ENV": "production", "SECRET_KEY": None}
        )
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)


def failed(result: Result) -> bool:
    """A clean failure: non-zero exit through click (SystemExit), no traceback."""
    return result.exit_code != 0 and isinstance(result.exception, SystemExit) and "Traceback" not in result.output


def play_and_reveal(app: Flask, clock: Clock) -> int:
    """12 interleaved spins by 3 shoppers, the period rotated (seed revealed), then 1 spin in the secret next one."""
    config = wheel_config()
    config["games"]["wheel"]["free_spins_per_day"] = SPINS_EACH
    campaign = add_campaign(app, config)
    clients = [app.test_client() for _ in SHOPPERS]
    for client, sub in zip(clients, SHOPPERS, strict=True):
        login(client, sub)
    for round_ in range(SPINS_EACH):
        for number, client in enumerate(clients):
            answer = spin(client, campaign, f"audit-spin-{number}-{round_}")
            assert answer.status_code == 200, answer.json
    rotated = run(app, "seeds", "rotate", "--campaign", str(campaign))
    assert rotated.exit_code == 0, rotated.output
    clock.advance(seconds=1)
    late = app.test_client()
    login(late, "auditee-late")
    assert spin(late, campaign, "audit-spin-late").status_code == 200
    return campaign


def export(app: Flask, campaign: int, path: Path) -> list[str]:
    result = run(app, "audit", "export", "--campaign", str(campaign), "--out", str(path))
    assert result.exit_code == 0, result.output
    assert f"wrote {DRAWS} draws to {path}" in result.output
    return path.read_text("utf-8").splitlines()


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), "utf-8")
    return path


def content_hash(value: Any) -> str:
    """docs/fairness.md section 8."""
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(line: str) -> dict[str, Any]:
    return json.loads(line)["record"]


def draw_line(rec: dict[str, Any]) -> str:
    return json.dumps({"type": "draw", "record": rec}, ensure_ascii=False)


def index_of(lines: list[str], seq: int) -> int:
    """The 0-based index of the draw line holding record ``seq`` (its line number is one more)."""
    return next(i for i, line in enumerate(lines) if '"type":"draw"' in line and record(line)["seq"] == seq)


def changed_prize(lines: list[str], seq: int) -> tuple[list[str], str, str]:
    """The lines with record ``seq`` granting another prize; returns (lines, new prize, original prize)."""
    at = index_of(lines, seq)
    rec = record(lines[at])
    original = rec["prize"]
    rec["prize"] = rec["granted"] = "red_8888" if original != "red_8888" else "thanks"
    rec["fallback_reason"] = None
    return [*lines[:at], draw_line(rec), *lines[at + 1 :]], rec["prize"], original


def rechained(lines: list[str]) -> list[str]:
    """What a forger would do: recompute every record's ``prev_hash`` and ``hash`` and the end line."""
    out, head, count = [], "0" * 64, 0
    for line in lines:
        item = json.loads(line)
        if item["type"] == "draw":
            rec = {k: v for k, v in item["record"].items() if k != "hash"} | {"prev_hash": head}
            head, count = content_hash(rec), count + 1
            line = draw_line(rec | {"hash": head})
        elif item["type"] == "end":
            line = json.dumps({"type": "end", "count": count, "head_hash": head})
        out.append(line)
    return out


def prize_altered(lines: list[str]) -> tuple[list[str], int, str]:
    tampered = changed_prize(lines, 5)[0]
    return tampered, index_of(lines, 5) + 1, "record seq 5: content does not match its hash (record altered)"


def prize_altered_and_rehashed(lines: list[str]) -> tuple[list[str], int, str]:
    tampered, new, original = changed_prize(lines, 5)
    why = f"record seq 5: prize {new!r} but the draw picks {original!r}"
    return rechained(tampered), index_of(lines, 5) + 1, why


def middle_deleted(lines: list[str]) -> tuple[list[str], int, str]:
    at = index_of(lines, 6)
    return [*lines[:at], *lines[at + 1 :]], at + 1, "record seq 7: expected seq 6 (record missing or out of order)"


def last_deleted(lines: list[str]) -> tuple[list[str], int, str]:
    at = index_of(lines, DRAWS)
    why = "end line's count or head hash does not match the draws (records missing)"
    return [*lines[:at], *lines[at + 1 :]], at + 1, why  # the end line moves up to the deleted record's place


def swapped(lines: list[str]) -> tuple[list[str], int, str]:
    at = index_of(lines, 3)
    tampered = [*lines[:at], lines[at + 1], lines[at], *lines[at + 2 :]]
    return tampered, at + 1, "record seq 4: expected seq 3 (record missing or out of order)"


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
