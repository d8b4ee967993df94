"""The worker processes (games/fairness/verify/worker.py): workers that cannot start or die leave the verdict to this
process, and a chunk whose lines hold other newlines is left to it."""

from __future__ import annotations

import pytest

from games.fairness.verify import fast, worker
from tests.unit.games.fairness.verify.exports import SMALL_CHUNKS, big_export, reference, with_workers
from tests.unit.games.fairness.verify.tamperings import rehashed

BIG = big_export()


def test_without_workers_this_process_does_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers that cannot start, or die, leave the verdict to this process: the same one."""
    monkeypatch.setattr(worker, "_SERVE", "import sys; sys.exit(3)")
    bad = rehashed(BIG, 900, {"prize": "thanks"})
    assert with_workers(SMALL_CHUNKS)(BIG) == reference(BIG)
    assert with_workers(SMALL_CHUNKS)(bad) == reference(bad)
    monkeypatch.setattr(worker.sys, "executable", "/nonexistent/python")
    assert with_workers(SMALL_CHUNKS)(bad) == reference(bad)


def test_a_chunk_whose_lines_hold_other_newlines_is_left_to_this_process() -> None:
    verifier = fast.FastVerifier()
    for number, text in enumerate(BIG[:8], start=1):
        verifier.line(number, text)
    draws = BIG[8:18]
    args = (verifier.pools, verifier.fast_periods)
    assert worker.check_chunk(*args, "".join(draws), 10) is not None
    assert worker.check_chunk(*args, "".join(draws), 9) is None  # ten lines sent as nine: one held a newline
    assert worker.check_chunk(*args, "".join(draws) + '{"record":1}\n', 10) is None
