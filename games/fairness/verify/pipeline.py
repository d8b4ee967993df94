"""Large exports: the draw lines of a long stream checked in worker processes, their answers applied in order.

After ``Tuning.parallel_after`` lines, draw lines go in chunks to worker processes
(:mod:`games.fairness.verify.worker`), never more than ``Tuning.in_flight`` chunks at a time, so memory stays flat.
A worker checks each record's content, the links between the records of its chunk and each shopper's nonces from one
of its records to the next, and answers the chunk's first ``seq``, first ``prev_hash``, the records' hashes and, per
period, the draws, the last ``seq`` and the shoppers' first and next nonces, or ``None`` when any line is not
plainly good. This process applies the answers in order, checking each chunk's link to the chain so far, the
checkpoints it reaches, that no record of a period follows the period's checkpoint and that each shopper's first
nonce follows on from the chain so far; a ``None``, a broken link, a checkpoint mismatch, a record out of order or a
change of configs or periods since the chunk went out sends the whole chunk through this process's verifier instead,
which then names the first bad line exactly as a single pass would. Every other line (header, configs, periods,
checkpoints, the end line, anything unexpected) waits for the chunks before it and is verified here, in order.
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice, repeat

from games.fairness.verify.fast import FastVerifier
from games.fairness.verify.worker import _Worker

_DRAW_PREFIXES = ('{"record":', '{"type":"draw"')  # canonical member order, and the order the server exports


def _is_draw_like(text: str) -> bool:
    """A line that looks like a draw (to send to a worker, which decides): its start, and a newline at its end."""
    return text.startswith(_DRAW_PREFIXES) and text.endswith("}\n")


def _all_draw_like(lines: list[str]) -> bool:
    """:func:`_is_draw_like` of every line (without a Python call per line)."""
    return all(map(str.startswith, lines, repeat(_DRAW_PREFIXES))) and all(map(str.endswith, lines, repeat("}\n")))


MAX_WORKERS = 4


def _cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Tuning:
    """How a stream is verified: ``workers`` processes (1: this one only) take chunks of ``chunk_lines`` draw
    lines once ``parallel_after`` lines are read, with at most ``in_flight`` chunks out at a time."""

    workers: int = 1
    chunk_lines: int = 4000
    parallel_after: int = 5000
    in_flight: int = 4

    @classmethod
    def default(cls, workers: int | None = None) -> Tuning:
        """``workers`` (default: the CPUs available, at most ``MAX_WORKERS``), two chunks out per worker."""
        count = max(1, min(MAX_WORKERS, _cpus()) if workers is None else workers)
        return cls(workers=count, in_flight=2 * count)


def verify_stream(verifier: FastVerifier, lines: Iterable[str], tuning: Tuning) -> int:
    """Feed ``lines`` (numbered from 1; blank ones skipped) to ``verifier``, the draw lines of a long stream
    through worker processes (started halfway to ``parallel_after``, so that they are ready when the stream
    reaches it). Returns how many lines there were. :raises VerificationError: the first fault."""
    rest = iter(lines)
    number = 0
    pipeline = None
    try:
        for number, text in enumerate(rest, start=1):
            if text.strip():
                verifier.line(number, text)
            if tuning.workers > 1 and pipeline is None and number >= tuning.parallel_after // 2:
                pipeline = _Pipeline(verifier, tuning)
                pipeline.start()
            if pipeline is not None and number >= tuning.parallel_after:
                return pipeline.run(rest, number)
    finally:
        if pipeline is not None:
            pipeline.stop()
    return number


@dataclass
class _Chunk:
    """Consecutive draw lines from line ``first``, sent out while ``generation`` was current."""

    first: int
    lines: list[str]
    generation: int
    worker: _Worker | None  # None: not sent; this process verifies the lines


class _Pipeline:
    """Chunks of draw lines out to worker processes, their answers applied in order (see the module doc)."""

    def __init__(self, verifier: FastVerifier, tuning: Tuning) -> None:
        self.verifier, self.tuning = verifier, tuning
        self.pending: deque[_Chunk] = deque()
        self.workers: list[_Worker] = []
        self.sent = 0
        self.broken = False  # the workers could not be started or died: this process does the rest
        self.context: tuple[int, bytes] = (-1, b"")  # the configs, periods and game replays of a generation, pickled

    def run(self, lines: Iterator[str], number: int) -> int:
        """Verify the rest of the stream, the lines after line ``number``; returns the number of its last line."""
        try:
            while batch := list(islice(lines, self.tuning.chunk_lines)):
                if self.ready() and _all_draw_like(batch):
                    self.submit(number + 1, batch)
                else:
                    self.mixed(number + 1, batch)
                number += len(batch)
            self.drain()
        finally:
            self.stop()
        return number

    def ready(self) -> bool:
        """Whether draw lines may be sent out: after the header, before the end line."""
        return self.verifier.header_seen and not self.verifier.end_seen

    def mixed(self, first: int, batch: list[str]) -> None:
        """A batch of lines from line ``first`` holding other lines than draws: its runs of draw lines go out as
        chunks, and each other line is verified here once the chunks before it are."""
        run: list[str] = []
        start = first
        for number, text in enumerate(batch, start=first):
            if self.ready() and _is_draw_like(text):
                if not run:
                    start = number
                run.append(text)
                continue
            if run:  # a chunk holds consecutive lines
                self.submit(start, run)
                run = []
            if text.strip():
                self.drain()
                self.verifier.line(number, text)
        if run:
            self.submit(start, run)

    def submit(self, first: int, lines: list[str]) -> None:
        """Send a chunk out, once fewer than ``in_flight`` are."""
        if len(self.pending) >= self.tuning.in_flight:
            self.apply(self.pending.popleft())
        generation = self.verifier.generation
        self.pending.append(_Chunk(first, lines, generation, self.dispatch(lines, generation)))

    def start(self) -> None:
        """Start the workers (or find that there can be none here: this process then does it all)."""
        try:
            self.workers = [_Worker() for _ in range(self.tuning.workers)]
        except (OSError, ValueError):
            self.broken = True

    def dispatch(self, lines: list[str], generation: int) -> _Worker | None:
        """Send ``lines`` to the next worker (with the configs and periods, when they changed); ``None`` when
        there are no workers."""
        if self.broken or not self.workers:
            return None
        worker = self.workers[self.sent % len(self.workers)]
        self.sent += 1
        if worker.generation != generation:
            if self.context[0] != generation and not self._take_context(generation):
                return None
            worker.send(("context", self.context[1]))
            worker.generation = generation
        worker.send(("chunk", "".join(lines), len(lines)))
        return worker

    def _take_context(self, generation: int) -> bool:
        """Pickle what the workers need now (this process may change it while it is sent); False, and no workers
        from then on, when a game's replay cannot be sent to another process."""
        verifier = self.verifier
        try:
            context = pickle.dumps((verifier.configs, verifier.periods, dict(verifier.replays)))
        except (pickle.PicklingError, TypeError, AttributeError):
            self.broken = True
            return False
        self.context = (generation, context)
        return True

    def drain(self) -> None:
        """Apply every chunk out, in order."""
        while self.pending:
            self.apply(self.pending.popleft())

    def apply(self, chunk: _Chunk) -> None:
        """Chain a chunk on the worker's answer when it is good and current, else verify its lines here."""
        verifier = self.verifier
        answer = self.answer(chunk)
        if (
            answer is None
            or chunk.generation != verifier.generation
            or not self.links(chunk, answer)
            or not self.in_order(answer[3])
        ):
            for offset, text in enumerate(chunk.lines):
                verifier.line(chunk.first + offset, text)
            return
        start, hashes, drawn = verifier.report.draws, answer[2], answer[3]
        verifier.report.draws += len(chunk.lines)
        verifier.expected_seq += len(chunk.lines)
        verifier.report.head_hash = hashes[-64:]
        nonces = verifier.order.nonces
        for period, (count, _, _, _, nexts) in drawn.items():
            verifier.report.periods[period] += count
            nonces.setdefault(period, {}).update(nexts)
        for at, found in verifier.checkpoints.items():
            if start < at <= verifier.report.draws:
                verifier.order.passed(found)

    def in_order(self, drawn: dict[str, list]) -> bool:
        """Whether the chunk's records of each period come before its checkpoint, and each shopper's first nonce
        in the chunk is the one the chain so far expects (see :data:`games.fairness.verify.worker.Drawn`)."""
        order = self.verifier.order
        for period, (_, last_seq, fresh, resumed, _) in drawn.items():
            closing = order.closings.get(period)
            if closing is not None and last_seq > closing.count:
                return False
            expected = order.nonces.get(period, {})
            if not (expected.keys().isdisjoint(fresh) and resumed.items() <= expected.items()):
                return False
        return True

    def answer(self, chunk: _Chunk) -> tuple | None:
        """The worker's answer for ``chunk``; ``None`` when it was not sent or the worker died."""
        if chunk.worker is None or self.broken:
            return None
        try:
            return chunk.worker.receive()
        except (EOFError, OSError, pickle.UnpicklingError):
            self.broken = True  # answers may be out of step now: this process does the rest
            return None

    def links(self, chunk: _Chunk, answer: tuple) -> bool:
        """Whether the chunk's records extend the chain so far and name every checkpoint they reach."""
        first_seq, first_prev, hashes, _ = answer
        verifier, start, count = self.verifier, self.verifier.report.draws, len(chunk.lines)
        if first_seq != verifier.expected_seq or first_prev != verifier.report.head_hash or len(hashes) != 64 * count:
            return False
        return all(
            checkpoint.head_hash == hashes[64 * (at - start - 1) : 64 * (at - start)]
            for at, found in verifier.checkpoints.items()
            if start < at <= start + count
            for checkpoint in found
        )

    def stop(self) -> None:
        """Stop the workers (at once when they were never used)."""
        workers, self.workers = self.workers, []
        for worker in workers:
            worker.stop(kill=not self.sent)
