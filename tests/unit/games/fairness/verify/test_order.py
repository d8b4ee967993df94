"""The order of the draws (games/fairness/verify/order.py, docs/fairness.md section 11 steps 4.4 and 4.5): a shopper's
nonce used twice or skipped in a period, and a draw of a period after the checkpoint that closed it, are
refused by the reference with its message, and the fast lanes (one process, worker processes) never take such a
record: their verdicts are the reference's. The records at fault are otherwise good (hashed, chained, their
draws following from their seeds), as a log written by a faulty engine would hold them."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable

import pytest

from games.fairness.verify import Checkpoint, fast, pipeline
from games.fairness.verify.reference import _Verifier
from tests.unit.games.fairness.verify.exports import (
    SMALL_CHUNKS,
    checkpoint_line,
    make_export,
    one_process,
    reference,
    with_workers,
)

DRAWS = 300  # 100 a period: seqs 1-100 in 20261101-1, 101-200 in 20261102-1, 201-300 in 20261103-1
FIRST = 8  # the index of the first draw line: the record with seq s is on line FIRST + s
TEN_LINE_CHUNKS = pipeline.Tuning(workers=2, chunk_lines=10, parallel_after=30, in_flight=3)


@functools.cache
def clean() -> list[str]:
    return make_export(DRAWS)


def spin(seq: int) -> tuple[int, str, int]:
    """``(user, client seed, nonce)`` of record ``seq`` of :func:`clean` (17 shoppers in turn, each period)."""
    turn = (seq - 1) % 100
    return turn % 17, f"shopper-{turn % 17}", turn // 17


def head(lines: list[str], seq: int) -> str:
    """The hash of record ``seq`` (on line ``FIRST + seq``)."""
    return json.loads(lines[FIRST + seq - 1])["record"]["hash"]


def respun(seq: int, client_seed: str | None = None, nonce: int | None = None) -> list[str]:
    """:func:`clean` with record ``seq`` drawn with another client seed or nonce (and the chain after it)."""
    _, seed, usual = spin(seq)
    return make_export(DRAWS, spins={seq: (client_seed or seed, usual if nonce is None else nonce)})


def closed_early(lines: list[str], count: int) -> list[str]:
    """``lines`` with the first period's checkpoint line counting ``count`` records (its head the true one)."""
    at = next(i for i, line in enumerate(lines) if '"type":"checkpoint"' in line)
    edited = checkpoint_line("20261101-1", count, head(lines, count))
    return [*lines[:at], json.dumps(edited) + "\n", *lines[at + 1 :]]


def published(period: str, count: int) -> Checkpoint:
    return Checkpoint(period, count, head(clean(), count), "published")


def nonce_fault(seq: int, nonce: int, what: str) -> str:
    user, _, _ = spin(seq)
    period = f"2026110{(seq - 1) // 100 + 1}-1"
    return f"record seq {seq}: nonce {nonce} of user {user} in period {period} {what}"


def closed_fault(seq: int, source: str, count: int) -> str:
    return (
        f"record seq {seq}: a draw of period 20261101-1 recorded after its checkpoint ({source}) counted {count}"
        " records (committed after the period closed)"
    )


def faults() -> Iterable[tuple[str, list[str], list[Checkpoint], int, str]]:
    """(name, export, saved checkpoints, the seq refused, the reference's message)."""
    yield "a nonce used again", respun(60, nonce=2), [], 60, nonce_fault(60, 2, "was already used (a draw repeated)")
    yield "a nonce skipped", respun(60, nonce=4), [], 60, nonce_fault(60, 4, "where 3 was expected (a draw missing)")
    yield "a first nonce skipped", respun(5, nonce=1), [], 5, nonce_fault(5, 1, "where 0 was expected (a draw missing)")
    yield "nonce 0 again", respun(20, nonce=0), [], 20, nonce_fault(20, 0, "was already used (a draw repeated)")
    used = "was already used (a draw repeated)"
    yield "an old nonce, chunks later", respun(95, nonce=1), [], 95, nonce_fault(95, 1, used)
    yield "later period", respun(160, nonce=7), [], 160, nonce_fault(160, 7, "where 3 was expected (a draw missing)")
    yield (
        "a new client seed does not restart the nonce",
        respun(60, client_seed="new-seed", nonce=0),
        [],
        60,
        nonce_fault(60, 0, "was already used (a draw repeated)"),
    )
    yield "after a checkpoint line", closed_early(clean(), 90), [], 91, closed_fault(91, "line 6", 90)
    yield "after a saved checkpoint", clean(), [published("20261101-1", 73)], 74, closed_fault(74, "published", 73)
    yield (
        "the smallest count",
        closed_early(clean(), 90),
        [published("20261101-1", 95), published("20261101-1", 84)],
        85,
        closed_fault(85, "published", 84),
    )
    at_0 = [Checkpoint("20261101-1", 0, "0" * 64, "published")]
    yield "closed at 0", clean(), at_0, 1, closed_fault(1, "published", 0)
    repeated_late = make_export(DRAWS, spins={91: ("shopper-5", 0)})  # also a nonce used again: the checkpoint first
    yield "both", closed_early(repeated_late, 90), [], 91, closed_fault(91, "line 6", 90)


FAULTS = {name: rest for name, *rest in faults()}
LANES = {
    "one process": one_process,
    "workers": with_workers(SMALL_CHUNKS),
    "workers, chunks of 10": with_workers(TEN_LINE_CHUNKS),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_the_reference_refuses_a_record_out_of_order(name: str) -> None:
    lines, saved, seq, message = FAULTS[name]
    assert reference(lines, saved) == ("refused", FIRST + seq, message)


@pytest.mark.parametrize("lane", list(LANES))
@pytest.mark.parametrize("name", list(FAULTS))
def test_the_fast_lanes_never_take_a_record_out_of_order(name: str, lane: str) -> None:
    lines, saved, _, _ = FAULTS[name]
    assert LANES[lane](lines, saved) == reference(lines, saved)


@pytest.mark.parametrize("lane", list(LANES))
def test_nonces_restart_in_each_period_and_follow_on_across_client_seeds(lane: str) -> None:
    """The clean export (every shopper's nonces from 0 in each period), and a shopper changing client seed."""
    for lines in (clean(), respun(60, client_seed="new-seed"), make_export(DRAWS, server_order=True)):
        verdict = reference(lines)
        assert verdict[0] == "verified" and LANES[lane](lines) == verdict


def test_the_fast_lane_takes_nothing_out_of_order() -> None:
    """``take`` answers False, changing nothing, for a record that links but is out of order."""
    verifier = fast.FastVerifier([published("20261101-1", 3)])
    lines = clean()
    for number, text in enumerate(lines[: FIRST + 3], start=1):
        verifier.line(number, text)
    accepted = fast.accept_draw(lines[FIRST + 3], verifier.pools, verifier.fast_periods)
    assert accepted is not None and accepted[4:] == (3, 0)  # user 3, nonce 0
    before = (verifier.report.draws, dict(verifier.order.nonces), verifier.expected_seq)
    assert not verifier.take(FIRST + 4, accepted)  # period 20261101-1 closed at 3 records
    assert (verifier.report.draws, dict(verifier.order.nonces), verifier.expected_seq) == before
    verifier.order.closings.clear()
    assert not verifier.take(FIRST + 4, (*accepted[:5], 1))  # nonce 1 where 0 is expected
    assert (verifier.report.draws, dict(verifier.order.nonces), verifier.expected_seq) == before
    assert verifier.take(FIRST + 4, accepted) and verifier.order.nonces["20261101-1"][3] == 1


def test_a_period_s_nonces_are_forgotten_once_its_checkpoint_is_passed() -> None:
    """Memory stays bounded: at most the nonces of the period the chain is in, none once all are closed."""
    verifier, periods, shoppers = _Verifier(), 0, 0
    for number, text in enumerate(clean(), start=1):
        verifier.line(number, text)
        periods = max(periods, len(verifier.order.nonces))
        shoppers = max(shoppers, sum(map(len, verifier.order.nonces.values())))
    assert (periods, shoppers, verifier.order.nonces) == (1, 17, {})
    fast_verifier = fast.FastVerifier()
    pipeline.verify_stream(fast_verifier, clean(), SMALL_CHUNKS)
    assert fast_verifier.report.draws == DRAWS and fast_verifier.order.nonces == {}
    unclosed = [line for line in clean() if '"type":"checkpoint"' not in line]
    open_verifier = fast.FastVerifier()
    pipeline.verify_stream(open_verifier, unclosed, SMALL_CHUNKS)
    assert {key: len(users) for key, users in open_verifier.order.nonces.items()} == {
        f"2026110{i}-1": 17 for i in (1, 2, 3)
    }


def late_checkpoint() -> list[str]:
    """:func:`clean` with a checkpoint line (out of place) after record 160 closing 20261102-1 at 150 records."""
    lines = clean()
    late = json.dumps(checkpoint_line("20261102-1", 150, head(lines, 150))) + "\n"
    return [*lines[: FIRST + 160], late, *lines[FIRST + 160 :]]


def test_a_checkpoint_line_after_the_draws_closes_its_period_at_once() -> None:
    """A checkpoint line naming a count the chain has passed: no record of its period may follow."""
    edited = late_checkpoint()
    expected = ("refused", FIRST + 162, closed_fault(161, "line 169", 150).replace("20261101-1", "20261102-1"))
    assert reference(edited) == expected
    assert all(lane(edited) == expected for lane in LANES.values())
