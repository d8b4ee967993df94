"""The verifier's fast lanes in one process (games/fairness/verify/fast.py) against the reference verifier
(games/fairness/verify/reference.py).

The fast lanes only ever accept; so for every input, tampered or odd, ``verify_lines`` must give exactly the
reference's verdict: the same report, or the same first failing line and message. These tests check that on
generated exports and many tampered copies of them, with orjson and with the standard library's json. Worker
processes: test_pipeline.py and test_worker.py; lines of other shapes: test_rows.py.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from games.fairness.verify import Checkpoint, rows
from tests.unit.games.fairness.verify.exports import (
    GENESIS,
    ROOT,
    first_draw,
    make_export,
    one_process,
    reference,
    small_export,
)
from tests.unit.games.fairness.verify.tamperings import rehashed, tampered, targeted

EXPORT = small_export()
FIRST_DRAW = first_draw(EXPORT)


def test_targeted_tamperings_get_the_reference_verdict() -> None:
    refusals = set()
    for name, lines in targeted(EXPORT):
        expected = reference(lines)
        assert one_process(lines) == expected, name
        refusals.add(expected[2].split(": ", 1)[-1] if expected[0] == "refused" else expected[0])
    assert len(refusals) >= 12


def test_the_clean_export_verifies_alike() -> None:
    assert one_process(EXPORT) == reference(EXPORT)
    assert reference(EXPORT)[:2] == ("verified", 60)
    server = make_export(60, server_order=True)
    assert one_process(server) == reference(server) == reference(EXPORT)


def test_every_tampering_gets_the_reference_verdict_in_one_process() -> None:
    rng = random.Random(2026)
    verdicts = set()
    for _ in range(400):
        lines = tampered(EXPORT, rng)
        expected = reference(lines)
        assert one_process(lines) == expected, expected
        verdicts.add(expected[0])
    assert verdicts == {"verified", "refused"}


def test_every_tampering_gets_the_reference_verdict_with_the_standard_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows, "loads", json.loads)
    rng = random.Random(404)
    for _ in range(150):
        lines = tampered(EXPORT, rng)
        assert one_process(lines) == reference(lines)


def test_published_checkpoints_get_the_reference_verdict() -> None:
    heads = {json.loads(line)["record"]["seq"]: json.loads(line)["record"]["hash"] for line in EXPORT[FIRST_DRAW:-1]}
    for count, head in [
        (0, GENESIS),
        (0, heads[1]),
        (1, heads[1]),
        (30, heads[30]),
        (30, heads[29]),
        (60, heads[60]),
        (61, GENESIS),
    ]:
        published = [Checkpoint("p", count, head, "published")]
        assert one_process(EXPORT, published) == reference(EXPORT, published)


def test_the_verifier_runs_on_the_standard_library_alone(tmp_path: Path) -> None:
    """Without orjson (it cannot be imported), verdicts are the same."""
    good = tmp_path / "good.jsonl"
    good.write_text("".join(EXPORT), "utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join(rehashed(EXPORT, FIRST_DRAW + 5, {"prize": "thanks"})), "utf-8")
    script = (
        "import sys; sys.modules['orjson'] = None\n"
        "import json\n"
        "from games.fairness import verify\n"
        "from games.fairness.verify import rows\n"
        "assert rows.loads is json.loads\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        report = verify.verify_lines(verify.read_lines(path), workers=1)\n"
        "        print('OK', report.draws, report.head_hash)\n"
        "    except verify.VerificationError as error:\n"
        "        print('FAILED', error)\n"
    )
    ran = subprocess.run([sys.executable, "-c", script, str(good), str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    expected_bad = reference(rehashed(EXPORT, FIRST_DRAW + 5, {"prize": "thanks"}))
    assert ran.stdout.splitlines() == [
        f"OK 60 {reference(EXPORT)[3]}",
        f"FAILED line {expected_bad[1]}: {expected_bad[2]}",
    ]
