"""``carnival audit verify``'s progress display on standard error, saved checkpoint files and repeated member names."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from contextlib import suppress
from pathlib import Path

from flask import Flask

from tests.conftest import Clock
from tests.e2e.audit_exports import DRAWS, export, failed, play_and_reveal, verify, write
from tests.unit.games.fairness.test_rng import EXPORT as SPEC_EXPORT
from tests.unit.games.fairness.verify import test_saved
from tests.unit.games.fairness.verify.exports import make_export


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
