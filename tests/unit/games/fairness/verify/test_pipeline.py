"""Verification through worker processes (games/fairness/verify/pipeline.py): a long export split into chunks that
workers check while this process keeps the chain, giving exactly the reference's verdict, tampered or not,
wherever a tampering falls (inside a chunk, at its edges, near the end)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import pytest

from games.fairness import verify
from games.fairness.verify import Checkpoint, fast, pipeline
from games.fairness.verify.reference import _finish
from games.wheel.replay import WheelReplay
from tests.unit.games.fairness.verify.exports import (
    GENESIS,
    SMALL_CHUNKS,
    big_export,
    checkpoint_line,
    first_draw,
    make_export,
    one_process,
    outcome,
    period_line,
    reference,
    small_export,
    with_workers,
)
from tests.unit.games.fairness.verify.tamperings import rehashed, targeted

EXPORT = small_export()
FIRST_DRAW = first_draw(EXPORT)
BIG = big_export()


class CountingPipeline(pipeline._Pipeline):
    """A pipeline that counts the chunks taken on the workers' answers."""

    taken = 0

    def apply(self, chunk: pipeline._Chunk) -> None:
        before = self.verifier.report.draws
        super().apply(chunk)
        if chunk.worker is not None and not self.broken and self.verifier.report.draws == before + len(chunk.lines):
            CountingPipeline.taken += 1


def test_workers_verify_a_long_export_as_one_process_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_Pipeline", CountingPipeline)
    CountingPipeline.taken = 0
    assert with_workers(SMALL_CHUNKS)(BIG) == reference(BIG)
    assert CountingPipeline.taken > 60  # the workers did the work
    server = make_export(500, server_order=True)
    assert with_workers(SMALL_CHUNKS)(server) == one_process(server)


def big_tamperings() -> Iterable[tuple[str, list[str], list[Checkpoint]]]:
    """Tamperings of ``BIG`` where the workers are at work: inside a chunk, at its edges, near the end."""
    start = next(i for i, line in enumerate(BIG) if '"type":"draw"' in line)
    heads = [json.loads(line)["record"]["hash"] for line in BIG[start:-1]]
    edge = 30 + 40 * 10  # the first line of a chunk (the pipeline takes over after 30 lines; no barrier after)
    yield "clean", BIG, []
    yield "prize rehashed", rehashed(BIG, edge + 7, {"prize": "red_8888"}), []
    yield "altered", [*BIG[: edge - 1], BIG[edge - 1].replace('"nonce":', '"nonce":1'), *BIG[edge:]], []
    yield "deleted", BIG[:edge] + BIG[edge + 1 :], []
    yield "swapped", [*BIG[: edge - 1], BIG[edge], BIG[edge - 1], *BIG[edge + 1 :]], []
    yield "doubled", [*BIG[:edge], BIG[edge], *BIG[edge:]], []
    yield "blank lines", [*BIG[: edge + 3], "\n", "  \n", *BIG[edge + 3 :]], []
    yield "spaced", rehashed(BIG, edge + 20, {}, layout="spaced"), []
    yield "float", rehashed(BIG, edge + 20, {"nonce": 1.0}), []
    yield "non-ascii seed", rehashed(BIG, edge + 21, {"client_seed": "шопер"}), []
    yield "end inside", [*BIG[: edge + 5], BIG[-1], *BIG[edge + 5 :]], []
    yield "period redefined", [*BIG[: edge + 5], BIG[3], *BIG[edge + 5 :]], []
    yield (
        "disguised period",
        [*BIG[: edge + 5], BIG[4].replace('{"commitment"', '{"record":{},"commitment"'), *BIG[edge + 5 :]],
        [],
    )
    seed = hashlib.sha256(b"another seed").hexdigest()
    redefined = json.dumps(period_line(json.loads(BIG[edge])["record"]["period"], seed)) + "\n"
    yield "period redefined with another seed", [*BIG[: edge + 5], redefined, *BIG[edge + 5 :]], []
    yield "disguised period redefined", [*BIG[: edge + 5], '{"record":{},' + redefined[1:], *BIG[edge + 5 :]], []
    yield (
        "checkpoint line",
        [
            *BIG[: edge + 5],
            json.dumps(checkpoint_line("x", 2000, GENESIS)) + "\n",
            *BIG[edge + 5 :],
        ],
        [],
    )
    p2 = next(i for i, line in enumerate(BIG) if '"period":"20261102-1"' in line and '"type":"draw"' in line)
    moved = json.dumps(period_line("20261102-1", seed)) + "\n"
    disguised = '{"record":{},' + moved[1:]
    yield "period redefined ahead", [*BIG[: p2 - 50], moved, *BIG[p2 - 50 :]], []
    yield "period redefined long ahead", [*BIG[: p2 - 300], moved, *BIG[p2 - 300 :]], []
    yield "disguised period redefined ahead", [*BIG[: p2 - 50], disguised, *BIG[p2 - 50 :]], []
    for name, lines in targeted(BIG, edge):
        yield name, lines, []
    yield "two lines in one", [*BIG[:edge], BIG[edge] + BIG[edge + 1], *BIG[edge + 2 :]], []
    yield "a line and garbage in one", [*BIG[:edge], BIG[edge] + '{"record":1}\n', *BIG[edge + 1 :]], []
    yield "truncated", BIG[:-1], []
    yield "cut mid-line", [*BIG[:-2], BIG[-2][:100]], []
    yield "after end", [*BIG, BIG[-2]], []
    yield "published good", BIG, [Checkpoint("p", 1234, heads[1233], "published")]
    yield "published bad", BIG, [Checkpoint("p", 1234, heads[1232], "published")]
    yield (
        "published at a chunk end",
        BIG,
        [Checkpoint("p", 1234, heads[1233], "published"), Checkpoint("p", edge - start, GENESIS, "published")],
    )
    yield "unlinked at a chunk's start", rehashed(BIG, edge - 1, {"user": 5}, chain=False), []
    yield "published beyond", BIG, [Checkpoint("p", 3001, GENESIS, "published")]


@pytest.mark.parametrize(
    ("name", "lines", "published"), list(big_tamperings()), ids=lambda x: x if isinstance(x, str) else ""
)
def test_workers_give_the_reference_verdict_on_tamperings(
    name: str, lines: list[str], published: list[Checkpoint]
) -> None:
    expected = reference(lines, published)
    assert with_workers(SMALL_CHUNKS)(lines, published) == expected
    assert one_process(lines, published) == expected


def test_verify_lines_uses_workers_for_a_long_export(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_Pipeline", CountingPipeline)
    monkeypatch.setattr(pipeline.Tuning, "default", classmethod(lambda cls, workers=None: SMALL_CHUNKS))
    CountingPipeline.taken = 0
    report = verify.verify_lines(iter(BIG))
    assert ("verified", report.draws, list(report.periods.items()), report.head_hash) == reference(BIG)
    assert CountingPipeline.taken > 0


def test_workers_started_and_never_used_change_nothing() -> None:
    """Workers start halfway to ``parallel_after``: a stream that ends before it still gets the reference's verdict."""
    tuning = pipeline.Tuning(workers=2, chunk_lines=40, parallel_after=100, in_flight=3)
    assert 50 < len(EXPORT) < 100
    bad = rehashed(EXPORT, FIRST_DRAW + 5, {"prize": "thanks"})
    assert with_workers(tuning)(EXPORT) == reference(EXPORT)
    assert with_workers(tuning)(bad) == reference(bad)


class RefusingWheel(WheelReplay):
    """A wheel replay that finds every slot wrong: a verifier given it must refuse every wheel spin."""

    def check(self, view: Any, landed: str, draws: list, at: int, detail: dict[str, Any]) -> str | None:
        return "refused by the given replay"


class LocalReplay(WheelReplay):
    """The wheel's replay, holding what pickle cannot send to a worker."""

    def __init__(self) -> None:
        self.unsent = lambda: None


def _with_replays(replays: dict[str, Any]) -> Any:
    verifier = fast.FastVerifier([], replays)
    return outcome(lambda: _finish(verifier, pipeline.verify_stream(verifier, BIG, SMALL_CHUNKS)))


def test_workers_check_with_the_replays_the_verifier_was_given() -> None:
    refused = _with_replays({"wheel": RefusingWheel()})
    assert refused[0] == "refused" and refused[2].endswith("refused by the given replay"), refused


def test_a_replay_that_cannot_reach_the_workers_is_verified_in_this_process() -> None:
    assert _with_replays({"wheel": LocalReplay()}) == reference(BIG)
