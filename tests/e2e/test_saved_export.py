"""An export written by the engine before games/ was regrouped by concern (tests/data/wheel-export-2026-11.jsonl:
48 wheel spins of 4 shoppers, 17 range red packet amounts, 11 out-of-stock fallbacks, one closed period) still
verifies, through ``carnival audit verify`` and the auditors' JavaScript verifier alike; an edit of it fails both.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.audit_exports import failed, verify
from tests.e2e.js_verifier import Verdict, assert_agree, js_verdicts

SAVED = Path(__file__).parent.parent / "data" / "wheel-export-2026-11.jsonl"
HEAD = "5d2ee42da918911d0d5c1ad4b8de003b6f52b90e395d00f52cf9bf424de8bbf1"


def _lines() -> list[str]:
    return SAVED.read_text("utf-8").splitlines()


def _with_amount_changed(lines: list[str]) -> str:
    """The first range red packet's amount raised by one fen (its hash left as it was)."""
    out = []
    changed = False
    for line in lines:
        item = json.loads(line)
        detail = item.get("record", {}).get("detail", {})
        if not changed and "amount_fen" in detail:
            detail["amount_fen"] += 1
            changed = True
            line = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        out.append(line)
    assert changed
    return "".join(line + "\n" for line in out)


def test_the_saved_export_verifies_with_its_chain_head() -> None:
    result = verify(SAVED)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"OK: 48 draws verified, chain head {HEAD} (20261123-1: 48)\n"


def test_an_edited_amount_of_the_saved_export_fails(tmp_path: Path) -> None:
    edited = tmp_path / "edited.jsonl"
    edited.write_text(_with_amount_changed(_lines()), "utf-8")
    result = verify(edited)
    assert failed(result) and "altered" in result.output, result.output


def test_the_javascript_verifier_agrees_on_the_saved_export() -> None:
    text = SAVED.read_text("utf-8")
    assert js_verdicts([text])[0] == Verdict(True, draws=48, head_hash=HEAD, periods={"20261123-1": 48})
    assert_agree({"saved": text, "edited": _with_amount_changed(_lines())})
