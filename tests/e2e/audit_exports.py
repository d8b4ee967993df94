"""A played demo-like campaign exported through ``carnival audit export``, and tamperings of the export, for the
audit CLI tests."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from flask import Flask

from server.cli import cli
from tests.conftest import Clock, add_campaign, login, wheel_config
from tests.e2e.test_play_api import spin

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
