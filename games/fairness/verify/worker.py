"""A worker process of the fast lane, both ends: :class:`_Worker`, this process's handle on one (started
with ``python -c "...serve()"``, talking pickles over its standard input and output), and :func:`serve`,
the worker's loop, which answers each chunk of draw lines with :func:`check_chunk`."""

from __future__ import annotations

import gc
import pickle
import queue
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path
from typing import IO, Any

from games.fairness.verify.fast import _row_holds
from games.fairness.verify.precomputed import Periods, Pools, compile_period, compile_pool
from games.fairness.verify.rows import Row, _chunk_grammar, _line_row

_ROOT = str(Path(__file__).resolve().parents[3])  # the folder holding the ``games`` package
_SERVE = f"import sys; sys.path.insert(0, {_ROOT!r}); from games.fairness.verify.worker import serve; serve()"


class _Worker:
    """One worker process; a thread writes its input, so that sending never waits on its answers."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _SERVE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.outbox: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, args=(self.process.stdin,), daemon=True)
        self.writer.start()
        self.generation = -1  # of the configs and periods it has

    def _write(self, pipe: IO[bytes]) -> None:
        try:
            while (message := self.outbox.get()) is not None:
                pickle.dump(message, pipe, pickle.HIGHEST_PROTOCOL)
                pipe.flush()
        except Exception:  # the worker is gone, or a message would not go: its answers will be missing
            pass
        finally:
            with suppress(OSError):
                pipe.close()  # the worker then stops, and its missing answers send the rest to this process

    def send(self, message: tuple) -> None:
        """Queue a message for the worker."""
        self.outbox.put(message)

    def receive(self) -> Any:
        """The worker's next answer. :raises EOFError, OSError, pickle.UnpicklingError: it died."""
        return pickle.load(self.process.stdout)  # type: ignore[arg-type]

    def stop(self, kill: bool = False) -> None:
        """End the worker: it stops at the end of its input, or when an answer finds nobody reading it; with
        ``kill``, at once."""
        self.outbox.put(None)
        if self.process.stdout is not None:
            self.process.stdout.close()
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.writer.join(timeout=10)


def check_chunk(pools: Pools, periods: Periods, text: str, count: int) -> tuple | None:
    """``(first seq, first prev_hash, the hashes joined, by period its :data:`Drawn`)`` of the ``count`` lines of
    ``text`` (each ending in a newline) when each is a usual draw line whose content holds, each links to the
    one before it and each shopper's nonces in a period follow on from one record to the next; ``None``
    otherwise. Lines in canonical JSON are read all at once, one match a line."""
    try:
        if text.count("\n") != count:
            return None
        rows: list[Row | None] = _chunk_grammar(not text.startswith('{"record":')).findall(text)
        if len(rows) != count:  # else: matches do not overlap and each spans a whole line, so every line matched
            rows = [_line_row(line) for line in text.split("\n")[:count]]
        return _chained(pools, periods, rows)
    except Exception:  # whatever it is, this process's reference verifier gives the verdict
        return None


Drawn = list  # a chunk's records of one period: [how many, the last one's seq, the shoppers whose first nonce in
# the chunk is 0, the other shoppers' first nonces, each shopper's next nonce after the chunk]


def _chained(pools: Pools, periods: Periods, rows: list[Row | None]) -> tuple | None:
    """:func:`check_chunk`'s answer for the rows of its lines."""
    hashes: list[str] = []
    drawn: dict[str, Drawn] = {}
    first = last = None
    for row in rows:
        accepted = None if row is None else _row_holds(row, pools, periods)
        if accepted is None or (last is not None and (accepted[0] != last[0] + 1 or accepted[1] != last[2])):
            return None
        first, last = first or accepted, accepted
        seq, _, hash_, period, user, nonce = accepted
        hashes.append(hash_)
        known = drawn.get(period)
        if known is None:
            known = drawn[period] = [0, 0, [], {}, {}]
        known[0] += 1
        known[1] = seq
        following = known[4].get(user)
        if following is None:
            if nonce:
                known[3][user] = nonce
            else:
                known[2].append(user)
        elif following != nonce:
            return None
        known[4][user] = nonce + 1
    return None if first is None else (first[0], first[1], "".join(hashes), drawn)


def serve(inbox: IO[bytes] | None = None, outbox: IO[bytes] | None = None) -> None:
    """A worker process's loop: ``("context", pickled (configs, periods))`` and ``("chunk", text, count)`` messages
    in, an answer of :func:`check_chunk` out for each chunk, until the input ends."""
    inbox, outbox = inbox or sys.stdin.buffer, outbox or sys.stdout.buffer
    gc.disable()  # what a worker holds makes no reference cycles: counting references frees it all
    pools: Pools = {}
    periods: Periods = {}
    while True:
        try:
            message = pickle.load(inbox)
        except EOFError:
            return
        if message[0] == "context":
            configs, items, replays = pickle.loads(message[1])  # the replays' classes import from their modules
            pools = {key: compile_pool(config, replays) for key, config in configs.items()}
            periods = {key: compile_period(item) for key, item in items.items()}
            continue
        pickle.dump(check_chunk(pools, periods, message[1], message[2]), outbox, pickle.HIGHEST_PROTOCOL)
        outbox.flush()
