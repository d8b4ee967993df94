"""``carnival audit export`` and ``carnival audit verify`` end to end: a clean export, tampering, no app needed."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from contextlib import suppress
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
from tests.unit.games.test_fairness import EXPORT as SPEC_EXPORT
from tests.unit.games.verify import test_saved
from tests.unit.games.verify.exports import make_export

SHOPPERS = ("auditee-1", "auditee-2", "auditee-3")
SPINS_EACH = 4
DRAWS = len(SHOPPERS) * SPINS_EACH
REVEALED, SECRET = "20261123-1", "20261123-2"

Tamper = Callable[[list[str]], tuple[list[str], int, str]]
MOVED = "a record was inserted, deleted or moved"


def run(app: Flask, *args: str) -> Result:
    try:
        return app.test_cli_runner().invoke(cli, list(args))
    finally:
        os.environ.pop("FLASK_RUN_FROM_CLI", None)  # Flask's CLI sets it; servers started later would not run


def verify(path: Path, *options: str) -> Result:
    """``carnival audit verify`` as an outside auditor runs it: production settings, no secret, no app."""
    try:
        return CliRunner().invoke(
            cli, ["audit", "verify", str(path), *options], env={"CARNIVAL_ENV": "production", "SECRET_KEY": None}
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
    return [*lines[:at], *lines[at + 1 :]], at + 1, f"record seq 7: seq 7 where 6 was expected: {MOVED}"


def last_deleted(lines: list[str]) -> tuple[list[str], int, str]:
    at = index_of(lines, DRAWS)
    why = "end line's count or head hash does not match the draws (records missing)"
    return [*lines[:at], *lines[at + 1 :]], at + 1, why  # the end line moves up to the deleted record's place


def swapped(lines: list[str]) -> tuple[list[str], int, str]:
    at = index_of(lines, 3)
    tampered = [*lines[:at], lines[at + 1], lines[at], *lines[at + 2 :]]
    return tampered, at + 1, f"record seq 4: seq 4 where 3 was expected: {MOVED}"


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


# --- Malformed lines: refused with their line number and what is wrong, never a traceback ---------------------


def resealed_record(lines: list[str], seq: int, change: Callable[[dict[str, Any]], dict[str, Any]]) -> list[str]:
    """The lines with record ``seq`` changed by ``change`` and every record hashed and chained again."""
    at = index_of(lines, seq)
    return rechained([*lines[:at], draw_line(change(record(lines[at]))), *lines[at + 1 :]])


def header_without_campaign(lines: list[str]) -> list[str]:
    header = json.loads(lines[0])
    del header["campaign"]
    return [json.dumps(header), *lines[1:]]


MALFORMED: dict[str, tuple[Callable[[list[str]], list[str]], str]] = {
    "record not an object": (
        lambda lines: [*lines[: index_of(lines, 5)], '{"type":"draw","record":[]}', *lines[index_of(lines, 5) :]],
        "draw line: record must be an object, not an empty list",
    ),
    "detail a string": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"detail": "x"}),
        'record seq 5: detail must be an object, not "x"',
    ),
    "detail a list": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"detail": []}),
        "record seq 5: detail must be an object, not an empty list",
    ),
    "unknown record version": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"v": 99}),
        "record seq 5: unknown record version 99",
    ),
    "floats in draws": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"draws": [[float(n), float(v)] for n, v in r["draws"]]}),
        "record seq 5: draws[0][0] must be an integer from 1 to 4294967296, not 10000.0",
    ),
    "nonce a string": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"nonce": str(r["nonce"])}),
        'record seq 5: nonce must be an integer from 0, not "1"',
    ),
    "extra member": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"note": "hi"}),
        'record seq 5: unexpected member "note"',
    ),
    "member missing": (
        lambda lines: resealed_record(lines, 5, lambda r: {k: v for k, v in r.items() if k != "created_at"}),
        "record seq 5: created_at is missing",
    ),
    "no draws": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"draws": []}),
        "record seq 5: draws must be a non-empty list, not an empty list",
    ),
    "unknown fallback reason": (
        lambda lines: resealed_record(lines, 5, lambda r: r | {"fallback_reason": "tired"}),
        'record seq 5: fallback_reason must be null, "out_of_stock", "cap_reached" or "budget_exhausted", not "tired"',
    ),
    "header without campaign": (header_without_campaign, "header line: campaign is missing"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_a_malformed_record_or_header_is_refused_naming_its_line(
    app: Flask, clock: Clock, tmp_path: Path, name: str
) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    malform, why = MALFORMED[name]
    malformed = malform(lines)
    line = 1 if name.startswith("header") else index_of(lines, 5) + 1
    for progress in ("--progress", "--no-progress"):
        result = verify(write(tmp_path / "malformed.jsonl", malformed), progress)
        assert failed(result), result.output
        assert result.stderr.splitlines()[-1] == f"FAILED malformed.jsonl: line {line}: {why}"


def test_a_record_inserted_is_refused_naming_its_line(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    after = index_of(lines, 8) + 1
    duplicate = [*lines[:after], lines[index_of(lines, 5)], *lines[after:]]
    result = verify(write(tmp_path / "duplicate.jsonl", duplicate))
    assert failed(result)
    assert (
        result.stderr
        == f"FAILED duplicate.jsonl: line {after + 1}: record seq 5: seq 5 where 9 was expected: {MOVED}\n"
    )

    forged = {k: v for k, v in record(lines[after - 1]).items() if k != "hash"} | {"user": 99}  # a copy of seq 8
    forged_line = draw_line(forged | {"hash": content_hash(forged)})  # its hash is valid: only the chain tells
    inserted = [*lines[:after], forged_line, *lines[after:]]
    result = verify(write(tmp_path / "forged.jsonl", inserted))
    assert failed(result)
    assert (
        result.stderr == f"FAILED forged.jsonl: line {after + 1}: record seq 8: seq 8 where 9 was expected: {MOVED}\n"
    )


def not_utf8(lines: list[str], at: int) -> bytes:
    """The export's bytes with a byte that is never UTF-8 in line ``at`` (1-based), inside its first string."""
    data = [line.encode("utf-8") for line in lines]
    data[at - 1] = data[at - 1].replace(b'":"', b'":"\xff', 1)
    return b"".join(line + b"\n" for line in data)


def test_a_line_that_is_not_utf8_is_named(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    for at in (3, 4, len(lines) - 1):
        path = tmp_path / "bytes.jsonl"
        path.write_bytes(not_utf8(lines, at))
        for progress in ("--progress", "--no-progress"):
            result = verify(path, progress)
            assert failed(result)
            assert result.stderr.splitlines()[-1] == f"FAILED bytes.jsonl: line {at}: not valid UTF-8"


def carriage_returns(lines: list[str]) -> dict[str, tuple[bytes, str | None]]:
    """Exports with ``\\r`` in them, and the verdict's end: lines end at ``\\n`` only."""
    at = index_of(lines, 6)
    inside = lines[at].replace('"client_seed":"', '"client_seed":"\r', 1)
    between = lines[at].replace(',"commitment"', ',\r"commitment"', 1)
    return {
        "crlf": (b"".join(line.encode() + b"\r\n" for line in lines), None),
        "cr only": (b"".join(line.encode() + b"\r" for line in lines), "line 1: not valid JSON (Extra data)"),
        "cr inside a string": (
            text_bytes([*lines[:at], inside, *lines[at + 1 :]]),
            f"line {at + 1}: not valid JSON (Invalid control character at)",
        ),
        "cr between members": (text_bytes([*lines[:at], between, *lines[at + 1 :]]), None),
    }


def text_bytes(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def test_lines_end_at_newline_only_with_or_without_progress(app: Flask, clock: Clock, tmp_path: Path) -> None:
    lines = export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    cases = carriage_returns(lines) | {
        "clean": (text_bytes(lines), None),
        "tampered": (text_bytes(prize_altered(lines)[0]), "record altered"),
        "not utf-8": (not_utf8(lines, 5), "line 5: not valid UTF-8"),
    }
    for name, (data, failure) in cases.items():
        path = tmp_path / "case.jsonl"
        path.write_bytes(data)
        shown, hidden = verify(path, "--progress"), verify(path, "--no-progress")
        assert shown.stdout == hidden.stdout, name
        assert shown.exit_code == hidden.exit_code == (0 if failure is None else 1), name
        assert [line for line in shown.stderr.splitlines() if not line.startswith("verifying")] == (
            hidden.stderr.splitlines()
        ), name
        if failure is None:
            assert hidden.stdout.startswith(f"OK: {DRAWS} draws verified"), name
        else:
            assert hidden.stderr.startswith("FAILED case.jsonl: ") and failure in hidden.stderr, name


# --- Progress on standard error -------------------------------------------------------------------------------


def large_export(path: Path) -> Path:
    """A valid export of more than a MiB (``carnival audit verify`` shows progress from 1 MiB on a terminal)."""
    path.write_text("".join(make_export(2200, server_order=True)), "utf-8")
    assert path.stat().st_size > 1 << 20
    return path


def verify_on_a_terminal(path: Path, *options: str) -> tuple[int, str, str]:
    """``carnival audit verify`` in a process whose standard error is a terminal: (exit code, stdout, stderr)."""
    main, terminal = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_RUN_FROM_CLI")}
    try:
        ran = subprocess.run(
            [sys.executable, "-c", "from server.cli import main; main()", "audit", "verify", str(path), *options],
            cwd=Path(__file__).resolve().parents[2],
            env=env | {"CARNIVAL_ENV": "production"},
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
    shown = b""
    with suppress(OSError):  # EIO once everything written to the terminal is read
        while chunk := os.read(main, 1 << 16):
            shown += chunk
    os.close(main)
    return ran.returncode, ran.stdout.decode(), shown.decode()


def test_progress_is_shown_on_a_terminal_for_a_large_file_or_when_asked(tmp_path: Path) -> None:
    path = large_export(tmp_path / "large.jsonl")
    code, stdout, terminal = verify_on_a_terminal(path)
    assert code == 0 and stdout.startswith("OK: 2200 draws verified")
    assert "\rverifying 100%" in terminal and terminal.endswith("MiB\r\n")  # redrawn in place, then a new line
    code, stdout, terminal = verify_on_a_terminal(path, "--no-progress")
    assert code == 0 and stdout.startswith("OK: 2200 draws verified") and terminal == ""

    piped = verify(path)  # standard error is not a terminal
    assert piped.exit_code == 0 and piped.stderr == ""
    asked = verify(path, "--progress")
    assert asked.exit_code == 0 and asked.stdout == piped.stdout
    shown = asked.stderr.splitlines()
    assert all(line.startswith("verifying ") for line in shown) and 2 <= len(shown) <= 11  # a line per 10% at most
    assert shown[-1] == "verifying 100%  1.3 of 1.3 MiB"


def test_a_small_file_on_a_terminal_shows_no_progress(app: Flask, clock: Clock, tmp_path: Path) -> None:
    export(app, play_and_reveal(app, clock), tmp_path / "draws.jsonl")
    code, stdout, terminal = verify_on_a_terminal(tmp_path / "draws.jsonl")
    assert code == 0 and stdout.startswith(f"OK: {DRAWS} draws verified") and terminal == ""


def test_a_saved_checkpoints_file_not_of_its_form_is_refused_naming_the_file_and_the_entry(tmp_path: Path) -> None:
    """Exit 2 (the file is not of its form: no verdict on the export), the message on standard error."""
    path = write(tmp_path / "draws.jsonl", SPEC_EXPORT)
    saved = tmp_path / "saved.json"
    for name, (data, why) in test_saved.MALFORMED.items():
        saved.write_bytes(data)
        result = verify(path, "--checkpoints", str(saved))
        assert failed(result) and result.exit_code == 2, name
        assert (result.stdout, result.stderr) == ("", f"cannot read checkpoints {saved}: {why}\n"), name
    for name, data in test_saved.WELL_FORMED.items():
        saved.write_bytes(data)
        result = verify(path, "--checkpoints", str(saved))
        assert result.exit_code == (1 if name == "a huge count" else 0), (name, result.output)
    assert verify(path, "--checkpoints", str(tmp_path)).exit_code == 2  # a folder: click's usage error
    assert verify(path, "--checkpoints", str(tmp_path / "missing.json")).exit_code == 2


def test_an_export_with_a_member_name_twice_is_refused_naming_the_line(tmp_path: Path) -> None:
    forged = [*SPEC_EXPORT[:3], SPEC_EXPORT[3].replace('"prize":', '"prize":"big","prize":', 1), *SPEC_EXPORT[4:]]
    result = verify(write(tmp_path / "draws.jsonl", forged))
    assert failed(result) and result.exit_code == 1
    assert result.stderr == 'FAILED draws.jsonl: line 4: member "prize" appears twice in one object\n'
